package io.karyon.matrix;

/**
 * One part's deposits for a tick, gathered from every {@link MatrixWriter} and sorted, stably, by (primary, order
 * key): the primary is the value's key, site * substances + substance, led by the site's segment in a static matrix
 * so that each segment is locked once. Gathering goes writer by writer, each bucket in issue order, and a depositor's
 * deposits come from one writer, so ties keep issue order: the same deposits are added in the same order for any
 * number of workers.
 * <p>
 * The kernels that apply a tick read the sorted deposits as {@code amounts[order[d]]} for d from 0 to
 * {@link #count}, with {@code keys[order[d]]} ascending.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one part's worker. Its arrays grow to the largest tick and are then reused.
 */
final class DepositMerger
{
    private static final int RUN = 32;
    private static final int INITIAL_CAPACITY = 1024;

    private final int substances;
    long[] keys = new long[INITIAL_CAPACITY];
    long[] primaries = new long[INITIAL_CAPACITY];
    long[] orderKeys = new long[INITIAL_CAPACITY];
    double[] amounts = new double[INITIAL_CAPACITY];
    int[] order = new int[INITIAL_CAPACITY];
    int[] scratch = new int[INITIAL_CAPACITY];
    int count;

    /**
     * A merger for a matrix's values.
     *
     * @param substances per site: how a key splits into site and substance.
     */
    DepositMerger(final int substances)
    {
        this.substances = substances;
    }

    /**
     * Takes this part's buckets from every writer (emptying them) and sorts them.
     *
     * @param writers   every writer, in index order.
     * @param part      whose buckets are taken.
     * @param records   the sites' segments, for the primary when sorting by segment.
     * @param bySegment whether the segment leads the primary (a static matrix, applied segment by segment).
     */
    void collect(final MatrixWriter[] writers, final int part, final SiteRecords records, final boolean bySegment)
    {
        int n = 0;
        for (final MatrixWriter writer : writers)
        {
            n += writer.counts[part];
        }
        if (n > keys.length)
        {
            final int length = Math.max(n, keys.length << 1);
            keys = new long[length];
            primaries = new long[length];
            orderKeys = new long[length];
            amounts = new double[length];
            order = new int[length];
            scratch = new int[length];
        }
        int at = 0;
        for (final MatrixWriter writer : writers)
        {
            final int count = writer.counts[part];
            System.arraycopy(writer.keys[part], 0, keys, at, count);
            System.arraycopy(writer.orderKeys[part], 0, orderKeys, at, count);
            System.arraycopy(writer.amounts[part], 0, amounts, at, count);
            writer.counts[part] = 0;
            at += count;
        }
        for (int i = 0; i < n; i++)
        {
            primaries[i] = bySegment ?
                ((long)records.segmentOf((int)(keys[i] / substances)) << 32) | keys[i] : keys[i];
            order[i] = i;
        }
        count = n;
        sort(n);
    }

    private boolean less(final int a, final int b)
    {
        final long pa = primaries[a];
        final long pb = primaries[b];
        return pa < pb || (pa == pb && orderKeys[a] < orderKeys[b]);
    }

    /**
     * Stable bottom-up merge sort of the order array: insertion-sorted runs, then merges.
     */
    private void sort(final int n)
    {
        int[] a = order;
        int[] b = scratch;
        for (int lo = 0; lo < n; lo += RUN)
        {
            final int hi = Math.min(lo + RUN, n);
            for (int i = lo + 1; i < hi; i++)
            {
                final int item = a[i];
                int j = i - 1;
                while (j >= lo && less(item, a[j]))
                {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = item;
            }
        }
        for (int width = RUN; width < n; width <<= 1)
        {
            for (int lo = 0; lo < n; lo += width << 1)
            {
                final int mid = Math.min(lo + width, n);
                final int hi = Math.min(lo + (width << 1), n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi)
                {
                    b[k++] = less(a[j], a[i]) ? a[j++] : a[i++];
                }
                while (i < mid)
                {
                    b[k++] = a[i++];
                }
                while (j < hi)
                {
                    b[k++] = a[j++];
                }
            }
            final int[] swap = a;
            a = b;
            b = swap;
        }
        order = a;
        scratch = b;
    }
}
