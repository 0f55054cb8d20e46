package io.karyon.matrix;

import java.util.Arrays;

/**
 * The shape of a matrix: a grid of sites (1D, 2D or 3D), the substances on each site, and per substance the decay
 * rate and the diffusion coefficient applied every tick. Fluent setters; {@link #conclude()} checks the values
 * together.
 * <p>
 * Every tick a site's concentration c of substance k becomes {@code (1 - decay[k]) * (c + diffusion[k] * sum(c_n - c))}
 * over its neighbours n on the grid (two per axis, fewer on the border: no flux leaves the grid), then the deposits
 * of the previous tick are added. Explicit diffusion is stable only while {@code 2 * dimensions * diffusion <= 1}.
 * <p>
 * <b>Note:</b> not threadsafe; set up before the matrix is created.
 */
public final class MatrixConfiguration
{
    /** Most substances per site. */
    public static final int MAX_SUBSTANCES = 64;
    /** Most values (sites times substances): each of the two tick buffers must fit an Agrona buffer. */
    public static final long MAX_VALUES = (Integer.MAX_VALUE - 7) / 8;
    /**
     * Ticks over which a dynamic matrix refreshes every record by default: refreshing all of them costs a stream
     * through the whole map (about 40 bytes of Chronicle entry per 8-byte concentration; ~14 ms per tick for
     * 1,000,000 sites on 2 workers here, against ~3.5 ms for the decay and diffusion themselves).
     */
    public static final int PUBLISH_INTERVAL_DEFAULT = 4;

    private int[] extents = { 1 };
    private int substances = 1;
    private final double[] decayRates = new double[MAX_SUBSTANCES];
    private final double[] diffusionRates = new double[MAX_SUBSTANCES];
    private long capacity;
    private int publishInterval = PUBLISH_INTERVAL_DEFAULT;

    /**
     * Sets the grid: one extent per axis, 1 to 3 axes; the sites are numbered x first: {@code x + nx * (y + ny * z)}.
     *
     * @param extents sites along each axis.
     * @return this.
     */
    public MatrixConfiguration grid(final int... extents)
    {
        this.extents = extents.clone();
        return this;
    }

    /**
     * Sets the number of substances per site.
     *
     * @param substances 1 to {@link #MAX_SUBSTANCES}.
     * @return this.
     */
    public MatrixConfiguration substances(final int substances)
    {
        this.substances = substances;
        return this;
    }

    /**
     * Sets the fraction of a substance that decays every tick.
     *
     * @param substance index.
     * @param rate      in [0, 1].
     * @return this.
     */
    public MatrixConfiguration decayRate(final int substance, final double rate)
    {
        checkSubstanceIndex(substance);
        decayRates[substance] = rate;
        return this;
    }

    /**
     * Sets the diffusion coefficient of a substance: the fraction of each difference to a neighbour that flows per
     * tick.
     *
     * @param substance   index.
     * @param coefficient in [0, 1 / (2 * dimensions)].
     * @return this.
     */
    public MatrixConfiguration diffusionRate(final int substance, final double coefficient)
    {
        checkSubstanceIndex(substance);
        diffusionRates[substance] = coefficient;
        return this;
    }

    /**
     * Sets over how many ticks a dynamic matrix refreshes every record of its map once: 1 copies every site into the
     * map each tick; n (default {@link #PUBLISH_INTERVAL_DEFAULT}) copies a different n-th of the segments each tick,
     * so what other processes read trails the workers by up to n ticks, for an n-th of the cost. Reads by the workers
     * are always current, and {@link Matrix#flush()} (also on close) brings every record up to date.
     *
     * @param ticks 1 to 1024.
     * @return this.
     */
    public MatrixConfiguration publishInterval(final int ticks)
    {
        this.publishInterval = ticks;
        return this;
    }

    /**
     * Ticks over which a dynamic matrix refreshes every record once.
     *
     * @return interval.
     */
    public int publishInterval()
    {
        return publishInterval;
    }

    /**
     * Sets how many entries the map is sized for: by default the sites and the header. Only tests make it smaller,
     * to see a full map refused.
     *
     * @param capacity entries, 0 for the default.
     * @return this.
     */
    MatrixConfiguration capacity(final long capacity)
    {
        this.capacity = capacity;
        return this;
    }

    /**
     * Checks the settings together.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first bad value.
     */
    public MatrixConfiguration conclude()
    {
        if (extents.length < 1 || extents.length > 3)
        {
            throw new IllegalArgumentException("grid must have 1 to 3 axes: grid=" + Arrays.toString(extents));
        }
        long sites = 1;
        for (final int extent : extents)
        {
            if (extent <= 0)
            {
                throw new IllegalArgumentException("grid extents must be > 0: grid=" + Arrays.toString(extents));
            }
            sites *= extent;
        }
        if (substances < 1 || substances > MAX_SUBSTANCES)
        {
            throw new IllegalArgumentException(
                "substances must be in 1.." + MAX_SUBSTANCES + ": substances=" + substances);
        }
        if (sites * substances > MAX_VALUES)
        {
            throw new IllegalArgumentException("sites * substances must be <= " + MAX_VALUES + ": sites=" + sites +
                ", substances=" + substances);
        }
        if (publishInterval < 1 || publishInterval > 1024)
        {
            throw new IllegalArgumentException("publish interval must be in 1..1024 ticks: publishInterval=" +
                publishInterval);
        }
        for (int k = 0; k < MAX_SUBSTANCES; k++)
        {
            if (k >= substances && (0.0 != decayRates[k] || 0.0 != diffusionRates[k]))
            {
                throw new IllegalArgumentException(
                    "rate set for substance " + k + " but there are only " + substances + " substances");
            }
            if (!(decayRates[k] >= 0.0 && decayRates[k] <= 1.0))
            {
                throw new IllegalArgumentException(
                    "decay rate must be in [0, 1]: substance=" + k + ", rate=" + decayRates[k]);
            }
            final double stable = 1.0 / (2 * extents.length);
            if (!(diffusionRates[k] >= 0.0 && diffusionRates[k] <= stable))
            {
                throw new IllegalArgumentException("diffusion coefficient must be in [0, " + stable + "] on a " +
                    extents.length + "D grid: substance=" + k + ", coefficient=" + diffusionRates[k]);
            }
        }
        return this;
    }

    /**
     * Number of sites: the product of the extents.
     *
     * @return sites.
     */
    public long sites()
    {
        long sites = 1;
        for (final int extent : extents)
        {
            sites *= extent;
        }
        return sites;
    }

    /**
     * Number of axes of the grid.
     *
     * @return 1, 2 or 3.
     */
    public int dimensions()
    {
        return extents.length;
    }

    /**
     * Sites along an axis; 1 for axes beyond {@link #dimensions()}.
     *
     * @param axis 0, 1 or 2.
     * @return extent.
     */
    public int extent(final int axis)
    {
        return axis < extents.length ? extents[axis] : 1;
    }

    /**
     * Substances per site.
     *
     * @return substances.
     */
    public int substances()
    {
        return substances;
    }

    /**
     * Decay rate of a substance.
     *
     * @param substance index.
     * @return fraction lost per tick.
     */
    public double decayRate(final int substance)
    {
        return decayRates[substance];
    }

    /**
     * Diffusion coefficient of a substance.
     *
     * @param substance index.
     * @return coefficient.
     */
    public double diffusionRate(final int substance)
    {
        return diffusionRates[substance];
    }

    /**
     * Whether any substance decays or diffuses: if not, a tick only applies deposits.
     *
     * @return true if some rate is not zero.
     */
    public boolean isDynamic()
    {
        for (int k = 0; k < substances; k++)
        {
            if (0.0 != decayRates[k] || 0.0 != diffusionRates[k])
            {
                return true;
            }
        }
        return false;
    }

    long capacity()
    {
        return 0 == capacity ? sites() + MatrixDescriptor.HEADER_KEYS : capacity;
    }

    /**
     * The layout as written in a file's header and in errors: {@code sites=N, substances=S, grid=AxBxC}.
     *
     * @return description.
     */
    public String layout()
    {
        return layout(sites(), substances, extent(0), extent(1), extent(2), dimensions());
    }

    static String layout(
        final long sites, final int substances, final long nx, final long ny, final long nz, final int dimensions)
    {
        final String grid =
            1 == dimensions ? Long.toString(nx) : 2 == dimensions ? nx + "x" + ny : nx + "x" + ny + "x" + nz;
        return "sites=" + sites + ", substances=" + substances + ", grid=" + grid;
    }

    private static void checkSubstanceIndex(final int substance)
    {
        if (substance < 0 || substance >= MAX_SUBSTANCES)
        {
            throw new IllegalArgumentException(
                "substance must be in 0.." + (MAX_SUBSTANCES - 1) + ": substance=" + substance);
        }
    }
}
