package io.karyon.scheduler;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * Layout of a {@link TickBarrier}'s memory: the target, the completed count, then one sequence per worker, each long
 * alone at the start of its own two cache lines.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |            Target (ticks to run; written by the driver)       |  0
 *  |                   + 120 bytes of padding                     ...
 *  +---------------------------------------------------------------+
 *  |     Completed (ticks the leader saw finished; the leader)     | 128
 *  |                   + 120 bytes of padding                     ...
 *  +---------------------------------------------------------------+
 *  |        Sequence of worker 0 (ticks it finished; worker 0)     | 256
 *  |                   + 120 bytes of padding                     ...
 *  +---------------------------------------------------------------+
 *  |                 Sequence of worker 1, and so on              ... 384
 *  +---------------------------------------------------------------+
 * </pre>
 * Each field has one writer and is read by every worker, so each sits two cache lines from the next: a worker that
 * publishes its sequence never invalidates the line another worker is writing, and the adjacent-line prefetcher,
 * which pulls cache lines in pairs, does not drag a neighbour's line along (Agrona's {@code RingBufferDescriptor}
 * spaces its trailer the same way). The block starts on a cache line.
 */
final class TickBarrierDescriptor
{
    /**
     * Distance from one field to the next: two cache lines.
     */
    static final int FIELD_STRIDE = CACHE_LINE_LENGTH * 2;

    /**
     * Offset of the target (long): the number of ticks to run.
     */
    static final int TARGET_OFFSET = 0;

    /**
     * Offset of the completed count (long) the leader publishes.
     */
    static final int COMPLETED_OFFSET = TARGET_OFFSET + FIELD_STRIDE;

    /**
     * Offset of worker 0's sequence (long); worker {@code p}'s is {@link #sequenceOffset(int)}.
     */
    static final int SEQUENCES_OFFSET = COMPLETED_OFFSET + FIELD_STRIDE;

    private TickBarrierDescriptor()
    {
    }

    /**
     * Offset of a worker's sequence.
     *
     * @param party index of the worker.
     * @return the offset in bytes.
     */
    static int sequenceOffset(final int party)
    {
        return SEQUENCES_OFFSET + party * FIELD_STRIDE;
    }

    /**
     * Length of a barrier's block for some workers.
     *
     * @param parties number of workers, already checked.
     * @return the length in bytes.
     */
    static int length(final int parties)
    {
        return sequenceOffset(parties);
    }

    /**
     * Checks a number of workers.
     *
     * @param parties to be checked.
     * @throws IllegalArgumentException if parties is not positive.
     */
    static void checkParties(final int parties)
    {
        if (parties <= 0)
        {
            throw new IllegalArgumentException("parties must be > 0: parties=" + parties);
        }
    }
}
