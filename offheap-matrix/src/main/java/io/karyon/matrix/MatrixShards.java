package io.karyon.matrix;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A matrix split between processes (a sharded run, {@link Matrix#shards()}): each process holds the matrix and
 * writers for every part, runs the tick phases of its own parts, and trades with the others, in the frames of
 * {@code PartFrames}: at each tick's barrier what its writers buffered for their parts ({@link #exportDeposits},
 * {@link #importDeposits}), and after each phase what its parts became ({@link #exportPart}, {@link #importPart}: a
 * dynamic part's range of sites, a static part's additions), so that reads see the matrix as of the tick's start and
 * the next phase's diffusion finds its neighbours, as in one process. Without a reach ({@link Matrix#reach(int)})
 * every process receives every part's range and holds every site; with one, a process receives only the halos its
 * window needs ({@code ShardWindow}) and reads beyond its window are refused.
 * <p>
 * <b>Note:</b> not threadsafe; called by one thread while the workers wait.
 */
public final class MatrixShards
{
    private final Matrix matrix;
    private final PartFrames.KeyOwner keyOwner = this::ownsKey;
    private final long[] shared = new long[2];

    MatrixShards(final Matrix matrix)
    {
        this.matrix = matrix;
    }

    /**
     * A sharded run, at a tick's barrier: appends what a writer buffered during the tick for a part that another
     * process runs ({@code int count, count * (int key, long orderKey, double amount)}).
     *
     * @param writer whose bucket.
     * @param part   run by another process.
     * @param out    grown as needed.
     * @param offset of the frame.
     * @return the offset after it.
     */
    public int exportDeposits(final int writer, final int part, final MutableDirectBuffer out, final int offset)
    {
        return PartFrames.putDeposits(matrix.writer(writer), part, out, offset);
    }

    /**
     * A sharded run, at a tick's barrier: replaces what a writer of another process holds here for a part this one
     * runs with that process's frame from {@link #exportDeposits}, for the part's next tick phase to merge.
     *
     * @param writer of the other process.
     * @param part   run here.
     * @param in     the block.
     * @param offset of the frame.
     * @return the offset after it.
     * @throws IllegalStateException naming the writer, part and byte, if the frame does not fit the block or names a
     *                               value outside the part; with a reach ({@link Matrix#reach(int)}), naming the site
     *                               and the writer's part, if a deposit lies beyond that part's reach.
     */
    public int importDeposits(final int writer, final int part, final DirectBuffer in, final int offset)
    {
        final int at = PartFrames.takeDeposits(matrix, matrix.writer(writer), part, in, offset, keyOwner);
        if (ShardWindow.NO_REACH != matrix.window.reach())
        {
            PartFrames.checkReach(matrix.writers[writer], part, matrix.substances, matrix.window,
                matrix.writers.length);
        }
        return at;
    }

    /**
     * A sharded run, after a tick phase: forgets what every writer holds for a part another process runs (that
     * process applied it: what the driver deposited before a run, on every process alike).
     *
     * @param part run by another process.
     */
    public void dropDeposits(final int part)
    {
        for (final MatrixWriter w : matrix.writers)
        {
            w.count(part, 0);
        }
    }

    /**
     * A sharded run, after a tick phase: appends a part as its phase left it, for a process that runs parts
     * [toFirstPart, toEndPart). Dynamic: {@code int part, int firstValue, int valueCount, valueCount * double}, its
     * range of sites, or with a reach ({@link Matrix#reach(int)}) the share of it that the receiver holds (maybe none);
     * static (in memory): {@code int part, int count, count * (int key, double amount)}, the deposits it added, in
     * order.
     *
     * @param part        whose phase ran here.
     * @param toFirstPart first part of the receiving process.
     * @param toEndPart   one past its last.
     * @param out         grown as needed.
     * @param offset      of the frame.
     * @return the offset after it.
     * @throws IllegalStateException naming the site, if a cell here read beyond this shard's window since the last
     *                               phase (the read threw, which kills only the cell: this stops the run).
     */
    public int exportPart(final int part, final int toFirstPart, final int toEndPart, final MutableDirectBuffer out,
        final int offset)
    {
        checkShardable();
        final String beyondReach = matrix.beyondReach;
        if (null != beyondReach)
        {
            throw new IllegalStateException(beyondReach + " (a cell read it in the last tick)");
        }
        if (!matrix.dynamic)
        {
            return PartFrames.putAdditions(part, matrix.mergers[part], out, offset);
        }
        matrix.window.shared(part, toFirstPart, toEndPart, matrix.writers.length, shared);
        final int first = (int)shared[0] * matrix.substances;
        final int end = (int)shared[1] * matrix.substances;
        final int parity = (int)(matrix.phases[part] & 1);
        return PartFrames.putRange(part, matrix.flat.buffer(parity), first, end - first, out, offset);
    }

    /**
     * A sharded run, after a tick phase: takes in a part another process ran, from its {@link #exportPart} frame, in
     * place of running the part's phase here (with a reach, the share of it this process holds).
     *
     * @param part   run by another process.
     * @param in     the block.
     * @param offset of the frame.
     * @return the offset after it.
     * @throws IllegalStateException naming the part and byte, if the frame is another part's, does not fit the block,
     *                               brings other values than this process holds, or (static) names a value outside
     *                               the part.
     */
    public int importPart(final int part, final DirectBuffer in, final int offset)
    {
        checkShardable();
        final int at;
        if (matrix.dynamic)
        {
            matrix.window.held(part, matrix.writers.length, shared);
            final int first = (int)shared[0] * matrix.substances;
            final int end = (int)shared[1] * matrix.substances;
            final int parity = (int)((matrix.phases[part] & 1) ^ 1);
            at = PartFrames.takeRange(matrix, part, matrix.flat.buffer(parity), first, end - first, in, offset);
        }
        else
        {
            at = PartFrames.takeAdditions(matrix, part, matrix.flat.buffer(0), in, offset, keyOwner);
        }
        matrix.phases[part]++;
        return at;
    }

    /**
     * A sharded run, before its first tick: this process runs the tick phases of parts [firstPart, endPart). With a
     * reach, it holds from then on only their ranges plus the reach (its window), and allocates only that: its flat
     * copies shrink to the window (see {@code FlatCopy.holdOnly}) and the map of every site's record is closed; without
     * a reach, every site, as before.
     *
     * @param firstPart first part run here.
     * @param endPart   one past the last.
     */
    public void holdOnly(final int firstPart, final int endPart)
    {
        checkShardable();
        if (!matrix.window.holdOnly(firstPart, endPart))
        {
            return;
        }
        matrix.readFirst = matrix.window.heldStart(matrix.writers.length);
        matrix.readEnd = matrix.window.heldEnd(matrix.writers.length);
        if (!matrix.windowed)
        {
            // Told at every phase barrier: the memory is cut once, while the workers wait. The flat copies shrink to
            // the window; the map of an in-memory matrix (the only kind a run splits) is seen by no other process
            // and nothing reads it from now on (snapshots are refused, the flat copies no longer published into it,
            // direct deposits go to the flat copies alone): closing it frees its memory.
            matrix.windowed = true;
            matrix.flat.holdOnly(matrix.readFirst, matrix.readEnd);
            matrix.store.close();
        }
    }

    private void checkShardable()
    {
        final String reason = matrix.unshardable();
        if (null != reason)
        {
            throw new IllegalStateException(reason);
        }
        if (null == matrix.writers)
        {
            throw new IllegalStateException(matrix.name() + ": no writers: call writers(parts) first");
        }
    }

    private boolean ownsKey(final long key, final int part)
    {
        if (key < 0 || key >= matrix.sites * matrix.substances)
        {
            return false;
        }
        final int site = (int)(key / matrix.substances);
        final int parts = matrix.writers.length;
        return matrix.dynamic ? site >= matrix.kernel.rangeStart(part, parts) &&
            site < matrix.kernel.rangeStart(part + 1, parts) : matrix.records.segmentOf(site) % parts == part;
    }
}
