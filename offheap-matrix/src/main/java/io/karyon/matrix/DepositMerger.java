package io.karyon.matrix;

import java.util.Arrays;

/**
 * One part's deposits for a tick, gathered from every {@link MatrixWriter} and sorted, stably, by (value, order key):
 * the values of a part are ranked in the order its tick applies them (a dynamic part's range of sites in site order;
 * a static part's sites segment by segment, each segment in site order, so that each segment is locked once), each
 * site's substances in turn. Gathering goes writer by writer, each bucket in issue order, and a depositor's deposits
 * come from one writer, so ties keep issue order: the same deposits are added in the same order for any number of
 * workers.
 * <p>
 * The sort is a counting sort on the value's rank (every part knows its values, so the counts fit one array), which
 * keeps the gathering order within a value, followed by a stable sort by order key of the few values that hold more
 * than one deposit out of order key order: the same order a stable comparison sort by (rank, order key) gives.
 * <p>
 * The kernels that apply a tick read the sorted deposits as {@code keys[d]} (site * substances + substance) and
 * {@code amounts[d]} for d from 0 to {@link #count}, physically in order.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one part's worker. Its arrays grow to the largest tick and are then reused.
 */
final class DepositMerger
{
    private static final int INSERTION_LIMIT = 32;
    private static final int INITIAL_CAPACITY = 1024;

    private final int substances;
    private final long firstKey;
    private final int[] rankOfSite;
    private final int[] starts;
    long[] keys = new long[INITIAL_CAPACITY];
    long[] orderKeys = new long[INITIAL_CAPACITY];
    double[] amounts = new double[INITIAL_CAPACITY];
    int count;
    private int[] index = new int[0];
    private int[] scratch = new int[0];
    private long[] orderKeysCopy = new long[0];
    private double[] amountsCopy = new double[0];

    /**
     * A merger for a part whose sites are ranked by an array: site s is the part's rankOfSite[s]-th site.
     *
     * @param substances per site: how a key splits into site and substance.
     * @param partSites  sites of the part.
     * @param rankOfSite each site's rank within its own part (only this part's sites are looked up).
     */
    DepositMerger(final int substances, final int partSites, final int[] rankOfSite)
    {
        this.substances = substances;
        this.firstKey = 0;
        this.rankOfSite = rankOfSite;
        this.starts = new int[partSites * substances + 1];
    }

    /**
     * A merger for a part that owns a range of sites, ranked in site order.
     *
     * @param substances per site.
     * @param firstSite  first site of the range.
     * @param endSite    one past its last site.
     */
    DepositMerger(final int substances, final int firstSite, final int endSite)
    {
        this.substances = substances;
        this.firstKey = (long)firstSite * substances;
        this.rankOfSite = null;
        this.starts = new int[(endSite - firstSite) * substances + 1];
    }

    /**
     * Takes this part's buckets from every writer (emptying them) and sorts them.
     *
     * @param writers every writer, in index order.
     * @param part    whose buckets are taken.
     */
    void collect(final MatrixWriter[] writers, final int part)
    {
        int n = 0;
        for (final MatrixWriter writer : writers)
        {
            n += writer.count(part);
        }
        if (n > keys.length)
        {
            final int length = Math.max(n, keys.length << 1);
            keys = new long[length];
            orderKeys = new long[length];
            amounts = new double[length];
        }
        final int[] starts = this.starts;
        Arrays.fill(starts, 0);
        for (final MatrixWriter writer : writers)
        {
            final long[] bucket = writer.keys[part];
            for (int i = 0, end = writer.count(part); i < end; i++)
            {
                starts[rank(bucket[i]) + 1]++;
            }
        }
        for (int r = 1; r < starts.length; r++)
        {
            starts[r] += starts[r - 1];
        }
        final long[] keys = this.keys;
        final long[] orderKeys = this.orderKeys;
        final double[] amounts = this.amounts;
        for (final MatrixWriter writer : writers)
        {
            final long[] bucketKeys = writer.keys[part];
            final long[] bucketOrderKeys = writer.orderKeys[part];
            final double[] bucketAmounts = writer.amounts[part];
            for (int i = 0, end = writer.count(part); i < end; i++)
            {
                final long key = bucketKeys[i];
                final int at = starts[rank(key)]++;
                keys[at] = key;
                orderKeys[at] = bucketOrderKeys[i];
                amounts[at] = bucketAmounts[i];
            }
            writer.count(part, 0);
        }
        count = n;
        orderTies(n);
    }

    private int rank(final long key)
    {
        if (null == rankOfSite)
        {
            return (int)(key - firstKey);
        }
        final int site = (int)(key / substances);
        return rankOfSite[site] * substances + (int)(key - (long)site * substances);
    }

    /**
     * Sorts by order key, stably, each run of deposits on one value that is not in order key order already.
     */
    private void orderTies(final int n)
    {
        final long[] keys = this.keys;
        final long[] orderKeys = this.orderKeys;
        int d = 1;
        while (d < n)
        {
            if (keys[d] == keys[d - 1] && orderKeys[d] < orderKeys[d - 1])
            {
                int from = d - 1;
                while (from > 0 && keys[from - 1] == keys[d])
                {
                    from--;
                }
                int to = d + 1;
                while (to < n && keys[to] == keys[d])
                {
                    to++;
                }
                sortRun(from, to);
                d = to;
            }
            else
            {
                d++;
            }
        }
    }

    private void sortRun(final int from, final int to)
    {
        if (to - from <= INSERTION_LIMIT)
        {
            insertionSort(from, to);
        }
        else
        {
            mergeSort(from, to);
        }
    }

    private void insertionSort(final int from, final int to)
    {
        final long[] orderKeys = this.orderKeys;
        final double[] amounts = this.amounts;
        for (int i = from + 1; i < to; i++)
        {
            final long orderKey = orderKeys[i];
            final double amount = amounts[i];
            int j = i - 1;
            while (j >= from && orderKey < orderKeys[j])
            {
                orderKeys[j + 1] = orderKeys[j];
                amounts[j + 1] = amounts[j];
                j--;
            }
            orderKeys[j + 1] = orderKey;
            amounts[j + 1] = amount;
        }
    }

    /**
     * Stable bottom-up merge sort by order key of a long run on one value: sorts positions, then moves the deposits
     * (their keys are all the same).
     */
    private void mergeSort(final int from, final int to)
    {
        final int n = to - from;
        if (index.length < n)
        {
            index = new int[n];
            scratch = new int[n];
            orderKeysCopy = new long[n];
            amountsCopy = new double[n];
        }
        int[] a = index;
        int[] b = scratch;
        for (int i = 0; i < n; i++)
        {
            a[i] = from + i;
        }
        final long[] orderKeys = this.orderKeys;
        for (int width = 1; width < n; width <<= 1)
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
                    b[k++] = orderKeys[a[j]] < orderKeys[a[i]] ? a[j++] : a[i++];
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
        for (int i = 0; i < n; i++)
        {
            orderKeysCopy[i] = orderKeys[a[i]];
            amountsCopy[i] = amounts[a[i]];
        }
        System.arraycopy(orderKeysCopy, 0, orderKeys, from, n);
        System.arraycopy(amountsCopy, 0, amounts, from, n);
    }
}
