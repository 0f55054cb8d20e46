package io.karyon.models;

/**
 * The square lattice of {@link Tissue}: {@code side x side} sites numbered as the matrix numbers them,
 * {@code x + side * y}, with no wrap at the edges (the matrix lets nothing flow across them either).
 * <p>
 * <b>Colours.</b> Site (x, y) has colour {@code (x + 2y) mod 5}. Its four neighbours have colours c + 1, c - 1, c + 2
 * and c - 2 (mod 5): a site's closed neighbourhood (itself and its neighbours) holds each colour at most once (exactly
 * once inside the lattice). So if in a tick only cells on sites of one colour divide, each free site is next to at
 * most one of them: two divisions never claim the same site, whatever worker runs them and in whatever order.
 * <p>
 * <b>Note:</b> immutable; threadsafe.
 */
final class TissueLattice
{
    /** Number of colours: a site and its four neighbours. */
    static final int COLOURS = 5;
    /** Largest side: side * side sites, three substances each, must fit the matrix's flat buffers. */
    static final int MAX_SIDE = 8192;

    private final int side;
    private final int sites;

    /**
     * A lattice.
     *
     * @param side sites along each axis, 1 to {@link #MAX_SIDE}.
     */
    TissueLattice(final int side)
    {
        if (side < 1 || side > MAX_SIDE)
        {
            throw new IllegalArgumentException("lattice side must be in 1.." + MAX_SIDE + ": side=" + side);
        }
        this.side = side;
        this.sites = side * side;
    }

    /**
     * Sites along each axis.
     *
     * @return side.
     */
    int side()
    {
        return side;
    }

    /**
     * Number of sites.
     *
     * @return side * side.
     */
    int sites()
    {
        return sites;
    }

    /**
     * Colour of a site.
     *
     * @param site 0 to sites - 1.
     * @return (x + 2y) mod 5.
     */
    int colour(final int site)
    {
        return (site % side + 2 * (site / side)) % COLOURS;
    }

    /**
     * The colour whose cells may divide in a tick.
     *
     * @param tick from 0.
     * @return tick mod 5.
     */
    static int colourOfTick(final long tick)
    {
        return (int)(tick % COLOURS);
    }

    /**
     * One of a site's four neighbours.
     *
     * @param site      0 to sites - 1.
     * @param direction 0 (+x), 1 (+y), 2 (-x) or 3 (-y).
     * @return the neighbour's site, or -1 past the edge.
     */
    int neighbour(final int site, final int direction)
    {
        final int x = site % side;
        switch (direction)
        {
            case 0:
                return x + 1 < side ? site + 1 : -1;
            case 1:
                return site + side < sites ? site + side : -1;
            case 2:
                return x > 0 ? site - 1 : -1;
            default:
                return site >= side ? site - side : -1;
        }
    }

    /**
     * A site of a given colour, from two random draws: a row, then one of that row's sites of the colour.
     *
     * @param colour 0 to 4.
     * @param row    a random row, 0 to side - 1.
     * @param pick   a random 32-bit value choosing among the row's sites of that colour.
     * @return the site, or -1 if the row has none (a lattice narrower than 5 sites).
     */
    int siteOfColour(final int colour, final int row, final int pick)
    {
        final int x0 = Math.floorMod(colour - 2 * row, COLOURS);
        if (x0 >= side)
        {
            return -1;
        }
        final int count = (side - 1 - x0) / COLOURS + 1;
        final int k = (int)(((pick & 0xFFFF_FFFFL) * count) >>> 32);
        return x0 + COLOURS * k + side * row;
    }

    /**
     * The site of founder {@code index} of {@code founders}: spread evenly in site order, so founders with
     * consecutive indices sit on nearby sites (and a supervisor's founders, a run of indices, on a band of rows).
     *
     * @param index    0 to founders - 1.
     * @param founders at most the number of sites.
     * @return the site; distinct for distinct indices.
     */
    int founderSite(final long index, final long founders)
    {
        return (int)(index * sites / founders);
    }

    /**
     * Number of nutrient sources along each axis: one per {@code spacing x spacing} block, the last block of a row or
     * column taking what is left.
     *
     * @param spacing sites between sources, >= 1.
     * @return sources per axis, >= 1.
     */
    int sourcesPerAxis(final int spacing)
    {
        return Math.max(1, side / spacing);
    }

    /**
     * First coordinate of a source's block along an axis: block {@code b} of {@code n} covers
     * [{@code blockStart(b)}, {@code blockStart(b + 1)}).
     *
     * @param block 0 to n.
     * @param n     blocks per axis.
     * @return the coordinate.
     */
    int blockStart(final int block, final int n)
    {
        return (int)((long)block * side / n);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return side + "x" + side;
    }
}
