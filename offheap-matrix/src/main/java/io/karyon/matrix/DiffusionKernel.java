package io.karyon.matrix;

import org.agrona.concurrent.UnsafeBuffer;

import static org.agrona.BitUtil.SIZE_OF_DOUBLE;

/**
 * A dynamic matrix's tick over one part's range of sites: decay and diffusion (a 1D, 2D or 3D nearest-neighbour
 * stencil, no flow across the grid's edges) from one flat buffer of the whole grid into the other, adding that part's
 * sorted deposits after decay. It reads only the source buffer and writes only its own range, so the result does not
 * depend on how the sites are partitioned, and it owns that partition: part p of n has sites
 * [{@code sites * p / n}, {@code sites * (p + 1) / n}).
 * <p>
 * <b>Note:</b> immutable; parts run it at once on disjoint ranges.
 */
final class DiffusionKernel
{
    private final long sites;
    private final int substances;
    private final int nx;
    private final int ny;
    private final int nz;
    private final double[] keep;
    private final double[] diffusion;

    /**
     * The kernel for a grid and its rates.
     *
     * @param sites         of the grid: nx * ny * nz.
     * @param substances    per site.
     * @param nx            sites along the first axis.
     * @param ny            along the second (1 for a 1D grid).
     * @param nz            along the third (1 for a 1D or 2D grid).
     * @param configuration the rates: each substance keeps 1 - decay rate of its value a tick, and exchanges its
     *                      diffusion rate times the difference with each neighbour.
     */
    DiffusionKernel(
        final long sites,
        final int substances,
        final int nx,
        final int ny,
        final int nz,
        final MatrixConfiguration configuration)
    {
        this.sites = sites;
        this.substances = substances;
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
        this.keep = new double[substances];
        this.diffusion = new double[substances];
        for (int k = 0; k < substances; k++)
        {
            keep[k] = 1.0 - configuration.decayRate(k);
            diffusion[k] = configuration.diffusionRate(k);
        }
    }

    /**
     * The part whose range holds a site.
     *
     * @param site  0 to sites - 1.
     * @param parts of the partition.
     * @return the part p with rangeStart(p) <= site < rangeStart(p + 1).
     */
    int partOf(final int site, final int parts)
    {
        int p = (int)((long)site * parts / sites);
        while (rangeStart(p + 1, parts) <= site)
        {
            p++;
        }
        while (rangeStart(p, parts) > site)
        {
            p--;
        }
        return p;
    }

    /**
     * One part's tick: decay and diffusion of its range of sites from one buffer into the other, adding its sorted
     * deposits. A hot loop kept whole: per value it reads up to six neighbours at fixed strides and then folds in the
     * deposits on that value, walking the sorted deposits and the sites in step.
     *
     * @param from     the previous tick's values, sites * substances doubles, site-major; only read.
     * @param to       this tick's values; only this part's range is written.
     * @param part     0 to parts - 1.
     * @param parts    of the partition.
     * @param deposits this part's deposits, merged by key.
     */
    void diffuse(
        final UnsafeBuffer from, final UnsafeBuffer to, final int part, final int parts, final DepositMerger deposits)
    {
        final int substances = this.substances;
        final int lo = rangeStart(part, parts);
        final int hi = rangeStart(part + 1, parts);
        final int nx = this.nx;
        final int ny = this.ny;
        final int nz = this.nz;
        final int rowStride = nx * substances * SIZE_OF_DOUBLE;
        final int planeStride = nx * ny * substances * SIZE_OF_DOUBLE;
        final int siteStride = substances * SIZE_OF_DOUBLE;
        final double[] keep = this.keep;
        final double[] diffusion = this.diffusion;
        final int[] order = deposits.order;
        final long[] keys = deposits.keys;
        final double[] amounts = deposits.amounts;
        final int count = deposits.count;
        int d = 0;
        long nextKey = count > 0 ? keys[order[0]] : Long.MAX_VALUE;
        int x = lo % nx;
        int y = (lo / nx) % ny;
        int z = lo / nx / ny;
        for (int s = lo; s < hi; s++)
        {
            final int base = s * siteStride;
            for (int k = 0; k < substances; k++)
            {
                final int at = base + k * SIZE_OF_DOUBLE;
                final double c = from.getDouble(at);
                double flow = 0.0;
                if (x > 0)
                {
                    flow += from.getDouble(at - siteStride) - c;
                }
                if (x < nx - 1)
                {
                    flow += from.getDouble(at + siteStride) - c;
                }
                if (y > 0)
                {
                    flow += from.getDouble(at - rowStride) - c;
                }
                if (y < ny - 1)
                {
                    flow += from.getDouble(at + rowStride) - c;
                }
                if (z > 0)
                {
                    flow += from.getDouble(at - planeStride) - c;
                }
                if (z < nz - 1)
                {
                    flow += from.getDouble(at + planeStride) - c;
                }
                double value = keep[k] * (c + diffusion[k] * flow);
                final long key = (long)s * substances + k;
                while (nextKey == key)
                {
                    value += amounts[order[d]];
                    nextKey = ++d < count ? keys[order[d]] : Long.MAX_VALUE;
                }
                to.putDouble(at, value);
            }
            if (++x == nx)
            {
                x = 0;
                if (++y == ny)
                {
                    y = 0;
                    z++;
                }
            }
        }
    }

    private int rangeStart(final int part, final int parts)
    {
        return (int)(sites * part / parts);
    }
}
