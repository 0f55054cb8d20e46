package io.karyon.matrix;

import org.agrona.UnsafeApi;
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
        final long length = sites * substances * SIZE_OF_DOUBLE;
        if (from.capacity() < length || to.capacity() < length)
        {
            throw new IllegalStateException("diffusion buffers of " + from.capacity() + " and " + to.capacity() +
                " bytes, " + length + " needed");
        }
        // Raw addresses: the capacities are checked above, once, instead of at every access.
        final long source = from.addressOffset();
        final long target = to.addressOffset();
        final int lo = rangeStart(part, parts);
        final int hi = rangeStart(part + 1, parts);
        final int nx = this.nx;
        final int ny = this.ny;
        final int nz = this.nz;
        final long rowStride = (long)nx * substances * SIZE_OF_DOUBLE;
        final long planeStride = (long)nx * ny * substances * SIZE_OF_DOUBLE;
        final long siteStride = (long)substances * SIZE_OF_DOUBLE;
        final double[] keep = this.keep;
        final double[] diffusion = this.diffusion;
        final long[] keys = deposits.keys;
        final double[] amounts = deposits.amounts;
        final int count = deposits.count;
        int d = 0;
        long nextKey = count > 0 ? keys[0] : Long.MAX_VALUE;
        int x = lo % nx;
        int y = (lo / nx) % ny;
        int z = lo / nx / ny;
        long key = (long)lo * substances;
        for (int s = lo; s < hi; s++)
        {
            final long base = source + s * siteStride;
            final boolean left = x > 0;
            final boolean right = x < nx - 1;
            final boolean down = y > 0;
            final boolean up = y < ny - 1;
            final boolean back = z > 0;
            final boolean front = z < nz - 1;
            for (int k = 0; k < substances; k++, key++)
            {
                final long at = base + k * SIZE_OF_DOUBLE;
                final double c = UnsafeApi.getDouble(at);
                double flow = 0.0;
                if (left)
                {
                    flow += UnsafeApi.getDouble(at - siteStride) - c;
                }
                if (right)
                {
                    flow += UnsafeApi.getDouble(at + siteStride) - c;
                }
                if (down)
                {
                    flow += UnsafeApi.getDouble(at - rowStride) - c;
                }
                if (up)
                {
                    flow += UnsafeApi.getDouble(at + rowStride) - c;
                }
                if (back)
                {
                    flow += UnsafeApi.getDouble(at - planeStride) - c;
                }
                if (front)
                {
                    flow += UnsafeApi.getDouble(at + planeStride) - c;
                }
                double value = keep[k] * (c + diffusion[k] * flow);
                while (nextKey == key)
                {
                    value += amounts[d];
                    nextKey = ++d < count ? keys[d] : Long.MAX_VALUE;
                }
                UnsafeApi.putDouble(at - source + target, value);
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

    /**
     * The first site of a part's range.
     *
     * @param part  0 to parts (parts: one past the last site).
     * @param parts of the partition.
     * @return site.
     */
    int rangeStart(final int part, final int parts)
    {
        return (int)(sites * part / parts);
    }
}
