package io.karyon.engine;

import org.agrona.concurrent.UnsafeBuffer;

import static io.karyon.engine.cell.CellDescriptor.STATUS_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.slotOffset;

/**
 * The loads ahead of {@link Visit#visitInOrder}: the first line of the slots of the cells a few records on in an
 * inbox in target order, loaded together so that their misses overlap one another and the visits before them; what
 * they read is summed into a field, so that the JIT keeps them.
 * <p>
 * A load cannot stand in for a prefetch: it holds up everything after it until its line arrives, so the loads ahead
 * pay a miss for the hops that the hardware's prefetcher did not cover, and on this VM that prefetcher covered W2's
 * slots in some runs and not in others: with both lines of the slot loaded, right before they were needed, one run in
 * 5 to 10 went at ~31 M hops/s, all its rounds, against ~60 M (the same compiled code, where the samples sat on the
 * loads ahead), and with 8 records a batch every run did. With only the slot's first line loaded (the header's,
 * which the visit reads first) and a {@link #LEAD} of 4, 16 runs at 4M cells: none slow, median 62.2 M; a lead of 2
 * or 8 had slow runs again (52 and 35 M); no loads ahead at all, ~55.9 M every run.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker's visit.
 */
final class LoadsAhead
{
    /**
     * Records whose cells' slots are loaded at once. W2 at 4M cells on one worker, single runs on the 2-core VM, where
     * loading only the next cell's slot gave ~44.5 M hops/s: 3 to 5 gave 46.7 to 47.5 M, 6 43.0 M, 8 26 M and 16 35 M.
     */
    static final int BATCH = 4;
    /**
     * How far past the record being visited the loads start: the next {@link #BATCH} slots are loaded once the visits
     * come within this many records of them, not when they reach them, so the first is not needed at once.
     */
    static final int LEAD = 4;

    private final int slotLength;
    private int touched;

    LoadsAhead(final int slotLength)
    {
        this.slotLength = slotLength;
    }

    /**
     * Loads the next {@link #BATCH} slots once the visits, at record {@code end}, come within {@link #LEAD} records
     * of {@code loadedTo}: those of records [max(end, loadedTo), + BATCH) of the inbox (the ones below {@code high}).
     *
     * @param loadedTo the record after the last one loaded so far.
     * @return the record after the last one loaded now.
     */
    int load(final UnsafeBuffer buffer, final MessageQueue inbox, final int end, final int loadedTo, final int to,
        final int high, final int chunkMask)
    {
        if (end + LEAD < loadedTo || loadedTo >= to)
        {
            return loadedTo;
        }
        final int slotLength = this.slotLength;
        final int until = Math.min(to, Math.max(end, loadedTo) + BATCH);
        int touched = this.touched;
        for (int r = Math.max(end, loadedTo); r < until; r++)
        {
            final int index = (int)inbox.target(r) & chunkMask;
            if (index < high)
            {
                touched += buffer.getByte(slotOffset(index, slotLength) + STATUS_OFFSET);
            }
        }
        this.touched = touched;
        return until;
    }
}
