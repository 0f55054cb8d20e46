package io.karyon.matrix;

import java.util.Arrays;

/**
 * One worker's write-combining buffer of deposits: {@link #deposit(long, int, double, long)} only appends, into one
 * bucket per part of the matrix (the worker that will apply it); at the next tick each part's worker merges the
 * buckets of every writer for its sites in a deterministic order (see {@link Matrix#applyTick(int, int, long)}).
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker, which deposits only between the matrix's tick phases.
 */
public final class MatrixWriter
{
    private static final int INITIAL_CAPACITY = 1024;
    /**
     * Ints between two parts' counts, and before the first and after the last: 128 bytes, two cache lines (the
     * adjacent-line prefetcher pairs them). Every deposit writes its part's count, and the garbage collector may move
     * one worker's small count array right beside another's (or beside the fields another worker reads for every
     * deposit): without the gap the workers' deposits fight over one cache line.
     */
    private static final int COUNT_STRIDE = 32;

    private final Matrix matrix;
    private final int index;
    private final int substances;
    private final long sites;
    private final short[] partOfSite;
    private final int[] partStarts;
    private final int parts;
    final long[][] keys;
    final long[][] orderKeys;
    final double[][] amounts;
    private final int[] counts;

    /**
     * A writer whose parts own ranges of sites (a dynamic matrix): part p owns [partStarts[p], partStarts[p + 1]),
     * found by arithmetic rather than a look-up in an array of every site (a cache miss per deposit on a large grid).
     */
    MatrixWriter(final Matrix matrix, final int index, final int parts, final int[] partStarts)
    {
        this(matrix, index, parts, null, partStarts);
    }

    /**
     * A writer whose parts own any sets of sites (a static matrix: whole segments).
     */
    MatrixWriter(final Matrix matrix, final int index, final int parts, final short[] partOfSite)
    {
        this(matrix, index, parts, partOfSite, null);
    }

    private MatrixWriter(
        final Matrix matrix, final int index, final int parts, final short[] partOfSite, final int[] partStarts)
    {
        this.matrix = matrix;
        this.index = index;
        this.substances = matrix.substances();
        this.sites = matrix.sites();
        this.partOfSite = partOfSite;
        this.partStarts = partStarts;
        this.parts = parts;
        this.keys = new long[parts][INITIAL_CAPACITY];
        this.orderKeys = new long[parts][INITIAL_CAPACITY];
        this.amounts = new double[parts][INITIAL_CAPACITY];
        this.counts = new int[(parts + 2) * COUNT_STRIDE];
    }

    /**
     * Index of this writer (the worker that owns it).
     *
     * @return index.
     */
    public int index()
    {
        return index;
    }

    /**
     * Buffers a deposit, applied at the next tick phase: visible to every reader from the next tick on.
     *
     * @param site      0 to sites - 1.
     * @param substance 0 to substances - 1.
     * @param amount    added to the concentration (may be negative).
     * @param orderKey  of the depositor, the same for any number of workers (a cell's handle): deposits on one site
     *                  are added in order of orderKey, then in the order each depositor made them.
     * @throws IllegalArgumentException if site or substance is out of range.
     */
    public void deposit(final long site, final int substance, final double amount, final long orderKey)
    {
        if (site < 0 || site >= sites || substance < 0 || substance >= substances)
        {
            throw matrix.outOfRange(site, substance);
        }
        final int part = null == partOfSite ? rangePart((int)site) : partOfSite[(int)site];
        final int at = (part + 1) * COUNT_STRIDE;
        final int n = counts[at];
        if (n == keys[part].length)
        {
            grow(part);
        }
        keys[part][n] = site * substances + substance;
        orderKeys[part][n] = orderKey;
        amounts[part][n] = amount;
        counts[at] = n + 1;
    }

    /**
     * Parts this writer has a bucket for.
     */
    int parts()
    {
        return parts;
    }

    /**
     * Deposits buffered for a part.
     */
    int count(final int part)
    {
        return counts[(part + 1) * COUNT_STRIDE];
    }

    /**
     * Sets how many deposits a part's bucket holds: 0 empties it; more, after its arrays were filled directly.
     */
    void count(final int part, final int count)
    {
        counts[(part + 1) * COUNT_STRIDE] = count;
    }

    /**
     * Deposits buffered and not yet applied.
     *
     * @return count over all parts.
     */
    public int pending()
    {
        int pending = 0;
        for (int p = 0; p < parts; p++)
        {
            pending += count(p);
        }
        return pending;
    }

    private int rangePart(final int site)
    {
        final int[] starts = partStarts;
        int part = (int)((long)site * parts / sites);
        while (starts[part + 1] <= site)
        {
            part++;
        }
        while (starts[part] > site)
        {
            part--;
        }
        return part;
    }

    /**
     * Makes a part's bucket hold at least a number of deposits (a sharded run fills another process's writer here).
     */
    void ensureCapacity(final int part, final int count)
    {
        while (keys[part].length < count)
        {
            grow(part);
        }
    }

    private void grow(final int part)
    {
        final int length = keys[part].length << 1;
        keys[part] = Arrays.copyOf(keys[part], length);
        orderKeys[part] = Arrays.copyOf(orderKeys[part], length);
        amounts[part] = Arrays.copyOf(amounts[part], length);
    }
}
