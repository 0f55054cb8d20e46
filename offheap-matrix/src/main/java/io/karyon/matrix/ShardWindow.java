package io.karyon.matrix;

/**
 * What one process of a sharded run holds of a dynamic matrix whose model declared a <b>reach</b>: how many rows
 * (sites of a 1-D grid, rows of a 2-D one, planes of a 3-D one) around its part's range of sites a worker's cells may
 * read or deposit into. A process that runs parts [a, b) then holds, fresh at every tick's start, only the sites
 * [{@code start(a) - reach}, {@code start(b) + reach}) (its <i>window</i>, clipped to the grid), and receives of each
 * other process's parts only the values that fall in that window: the halos diffusion and the cells need, instead of
 * every range. Without a reach, every process holds every site (full replication).
 * <p>
 * A part's range is the diffusion kernel's: part p of n owns sites [{@code sites * p / n}, {@code sites * (p+1) / n}).
 * <p>
 * <b>Note:</b> set up before the workers start (or while they wait at a barrier); then only read.
 */
final class ShardWindow
{
    /** No reach declared: every process holds every site. */
    static final int NO_REACH = -1;

    private final String name;
    private final long sites;
    private final int dimensions;
    private final long slab;
    private final long slabs;
    private int reach = NO_REACH;
    private int firstPart = -1;
    private int endPart = -1;

    ShardWindow(final String name, final long sites, final int dimensions, final int nx, final int ny)
    {
        this.name = name;
        this.sites = sites;
        this.dimensions = dimensions;
        this.slab = 1 == dimensions ? 1 : 2 == dimensions ? nx : (long)nx * ny;
        this.slabs = sites / slab;
    }

    /**
     * Declares the reach, checking it against the grid and the kernel's stencil.
     *
     * @param rows      the reach, in rows (see the class comment).
     * @param dynamic   whether the matrix's parts own ranges of sites.
     * @param diffuses  whether some substance diffuses (the stencil reaches one row).
     * @throws IllegalArgumentException naming the bad value.
     * @throws IllegalStateException    once this process holds only its window.
     */
    void declare(final int rows, final boolean dynamic, final boolean diffuses)
    {
        if (!dynamic)
        {
            throw new IllegalArgumentException(name + ": a reach needs a dynamic matrix (some decay or diffusion: " +
                "its parts own ranges of sites); a static matrix's parts are whole segments of the map: reach=" + rows);
        }
        if (rows < 0)
        {
            throw new IllegalArgumentException(name + ": reach must be >= 0 " + unit() + ": reach=" + rows);
        }
        if (rows < 1 && diffuses)
        {
            throw new IllegalArgumentException(name + ": reach " + rows + " is less than diffusion's stencil (1 " +
                unit() + " each way): reach=" + rows);
        }
        if (rows >= slabs)
        {
            throw new IllegalArgumentException(name + ": reach " + rows + " " + unit() + " is not less than the " +
                "grid's " + slabs + " " + unit() + ": declare no reach to hold every site: reach=" + rows);
        }
        if (firstPart >= 0)
        {
            throw new IllegalStateException(name + ": reach declared after the run started");
        }
        reach = rows;
    }

    /**
     * The reach declared.
     *
     * @return rows, or {@link #NO_REACH}.
     */
    int reach()
    {
        return reach;
    }

    /**
     * This process runs parts [firstPart, endPart) of parts.
     *
     * @return whether it now holds less than every site (a reach is declared).
     */
    boolean holdOnly(final int firstPart, final int endPart)
    {
        this.firstPart = firstPart;
        this.endPart = endPart;
        return NO_REACH != reach;
    }

    /**
     * The first site of a part's range.
     */
    long start(final int part, final int parts)
    {
        return sites * part / parts;
    }

    /**
     * The first site held by a process that runs parts [a, b): the first of part a's range less the reach.
     */
    long windowStart(final int a, final int parts)
    {
        return NO_REACH == reach ? 0 : Math.max(0, start(a, parts) - reach * slab);
    }

    /**
     * One past the last site held by a process that runs parts [a, b).
     */
    long windowEnd(final int b, final int parts)
    {
        return NO_REACH == reach ? sites : Math.min(sites, start(b, parts) + reach * slab);
    }

    /**
     * The sites of a part's range that a process running parts [a, b) holds: [result[0], result[1]), empty if
     * result[0] == result[1].
     */
    void shared(final int part, final int a, final int b, final int parts, final long[] range)
    {
        final long lo = Math.max(start(part, parts), windowStart(a, parts));
        final long hi = Math.min(start(part + 1, parts), windowEnd(b, parts));
        range[0] = lo;
        range[1] = Math.max(lo, hi);
    }

    /**
     * The sites of a part's range that this process holds (all of them before {@link #holdOnly(int, int)}).
     */
    void held(final int part, final int parts, final long[] range)
    {
        if (firstPart < 0)
        {
            shared(part, 0, parts, parts, range);
        }
        else
        {
            shared(part, firstPart, endPart, parts, range);
        }
    }

    /**
     * The sites this process holds, as given to {@link #holdOnly(int, int)}.
     */
    long heldStart(final int parts)
    {
        return firstPart < 0 ? 0 : windowStart(firstPart, parts);
    }

    long heldEnd(final int parts)
    {
        return firstPart < 0 ? sites : windowEnd(endPart, parts);
    }

    /**
     * Why a read of a site is refused here (it is in the grid but outside the window), in one line.
     */
    String outsideWindow(final long site, final int parts)
    {
        return name + ": site " + site + " is outside what this shard holds: sites [" + heldStart(parts) + ", " +
            heldEnd(parts) + "), its parts " + firstPart + ".." + (endPart - 1) + " of " + parts + " and their reach " +
            "of " + reach + " " + unit() + "; beyond the reach a read would see a stale value";
    }

    /**
     * Why a deposit a writer made is refused (its site is beyond the reach of the writer's part), or null.
     */
    String outsideReach(final long site, final int writer, final int parts)
    {
        if (NO_REACH == reach)
        {
            return null;
        }
        final long lo = windowStart(writer, parts);
        final long hi = windowEnd(writer + 1, parts);
        if (site >= lo && site < hi)
        {
            return null;
        }
        return name + ": a deposit on site " + site + " by a cell of part " + writer + " is beyond the part's reach " +
            "of " + reach + " " + unit() + ": sites [" + lo + ", " + hi + ")";
    }

    /**
     * Why a whole-matrix view (a total, a digest, a snapshot) is refused here, or null if this process holds every
     * site.
     */
    String partial(final String what, final int parts)
    {
        final long lo = heldStart(parts);
        final long hi = heldEnd(parts);
        if (0 == lo && sites == hi)
        {
            return null;
        }
        return name + ": " + what + " needs every site, and this shard holds sites [" + lo + ", " + hi + ") of " +
            sites + " (a reach is declared; other shards' sites are not gathered)";
    }

    private String unit()
    {
        return 1 == dimensions ? "sites" : 2 == dimensions ? "rows" : "planes";
    }
}
