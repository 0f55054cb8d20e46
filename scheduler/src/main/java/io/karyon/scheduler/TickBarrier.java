package io.karyon.scheduler;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static io.karyon.scheduler.TickBarrierDescriptor.COMPLETED_OFFSET;
import static io.karyon.scheduler.TickBarrierDescriptor.FIELD_STRIDE;
import static io.karyon.scheduler.TickBarrierDescriptor.TARGET_OFFSET;
import static io.karyon.scheduler.TickBarrierDescriptor.checkParties;
import static io.karyon.scheduler.TickBarrierDescriptor.length;
import static io.karyon.scheduler.TickBarrierDescriptor.sequenceOffset;
import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * Where workers meet between ticks: one sequence per worker (the number of ticks it has finished), the target (the
 * number of ticks to run) and the completed count the leader publishes, each two cache lines from the next so that a
 * worker publishing its sequence never invalidates another's line ({@link TickBarrierDescriptor} draws the layout).
 * <p>
 * A worker publishes with {@link #arrive(int, long)} (a release store) and learns that everyone finished with
 * {@link #isComplete(long)} (acquire loads): everything a worker wrote before arriving, its messages to others
 * included, is visible to every worker and to the driver that sees the tick complete. No locks, no allocation.
 * <p>
 * Workers rest between runs, parked; {@link #target(long)} unparks the threads named with {@link #register(int,
 * Thread)}, and the leader's {@link #complete(long)} of the whole target unparks the thread named with
 * {@link #awaitedBy(Thread)}, so neither side waits for a park to time out: one unpark per worker and one for the
 * driver per run, none per tick.
 * <p>
 * <b>Note:</b> threadsafe: each sequence has one writer (its worker), the target has one writer (the driver).
 */
public final class TickBarrier
{
    private final int parties;
    private final ByteBuffer memory;
    private final UnsafeBuffer buffer;
    private final AtomicReferenceArray<Thread> threads;
    private volatile Thread waiter;

    /**
     * A barrier for some workers, every sequence and the target at zero.
     *
     * @param parties number of workers, > 0.
     */
    public TickBarrier(final int parties)
    {
        checkParties(parties);
        this.parties = parties;
        // One stride more than the block, so that it can start on a cache line wherever the allocation lands.
        this.memory = ByteBuffer.allocateDirect(length(parties) + FIELD_STRIDE);
        final int alignment = (int)(-BufferUtil.address(memory) & (CACHE_LINE_LENGTH - 1));
        this.buffer = new UnsafeBuffer(memory, alignment, length(parties));
        this.threads = new AtomicReferenceArray<>(parties);
    }

    /**
     * Names the thread that runs a worker, to be unparked when a run starts. Workers sharing a thread may all name
     * it.
     *
     * @param party  index of the worker.
     * @param thread that runs it.
     */
    public void register(final int party, final Thread thread)
    {
        threads.set(party, thread);
    }

    /**
     * The thread a worker named with {@link #register(int, Thread)}, for a watchdog that reads its stack.
     *
     * @param party index of the worker.
     * @return its thread, or null if it has not started.
     */
    public Thread thread(final int party)
    {
        return threads.get(party);
    }

    /**
     * Names the thread that waits for the target to complete (the driver), to be unparked when it does; call it
     * before checking for completion, so the wake-up cannot be missed.
     *
     * @param thread waiting, or null for none.
     */
    public void awaitedBy(final Thread thread)
    {
        waiter = thread;
    }

    /**
     * Number of workers.
     *
     * @return parties.
     */
    public int parties()
    {
        return parties;
    }

    /**
     * Sets the number of ticks to run, published to the workers (release).
     *
     * @param tick target; workers run until they have finished this many.
     */
    public void target(final long tick)
    {
        buffer.putLongRelease(TARGET_OFFSET, tick);
        final Thread self = Thread.currentThread();
        for (int i = 0; i < parties; i++)
        {
            final Thread thread = threads.get(i);
            if (null != thread && self != thread)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * The number of ticks to run (acquire).
     *
     * @return target.
     */
    public long target()
    {
        return buffer.getLongVolatile(TARGET_OFFSET);
    }

    /**
     * The leader (the worker that saw every worker finish) publishes that a number of ticks is complete (release),
     * after anything it records about them.
     *
     * @param ticks completed.
     */
    public void complete(final long ticks)
    {
        buffer.putLongRelease(COMPLETED_OFFSET, ticks);
        if (ticks >= buffer.getLongVolatile(TARGET_OFFSET))
        {
            final Thread thread = waiter;
            if (null != thread)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * Ticks the leader has seen completed (acquire).
     *
     * @return completed ticks.
     */
    public long completed()
    {
        return buffer.getLongVolatile(COMPLETED_OFFSET);
    }

    /**
     * Whether the workers have ticks to run: the target is ahead of what is completed.
     *
     * @return true while a run is in progress.
     */
    public boolean isRunning()
    {
        return buffer.getLongVolatile(TARGET_OFFSET) > buffer.getLongVolatile(COMPLETED_OFFSET);
    }

    /**
     * A worker has finished a number of ticks (release).
     *
     * @param party    index of the worker.
     * @param finished ticks it has finished.
     */
    public void arrive(final int party, final long finished)
    {
        buffer.putLongRelease(sequenceOffset(party), finished);
    }

    /**
     * Ticks a worker has finished (acquire).
     *
     * @param party index of the worker.
     * @return its sequence.
     */
    public long finished(final int party)
    {
        return buffer.getLongVolatile(sequenceOffset(party));
    }

    /**
     * Whether every worker has finished at least a number of ticks.
     *
     * @param finished ticks.
     * @return true once every sequence is >= finished.
     */
    public boolean isComplete(final long finished)
    {
        for (int i = 0; i < parties; i++)
        {
            if (buffer.getLongVolatile(sequenceOffset(i)) < finished)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Frees the barrier's memory; no worker may use it afterwards.
     */
    public void close()
    {
        buffer.wrap(0, 0);
        BufferUtil.free(memory);
    }
}
