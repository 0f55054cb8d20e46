package io.karyon.engine;

import io.karyon.scheduler.TickBarrier;
import org.agrona.concurrent.Agent;

/**
 * A worker in free-running mode: while the driver has the organism started, runs its slice's duty cycle (messages
 * handled as they arrive, tick steps in bounded batches); while stopped, acknowledges the stop once and rests.
 * <p>
 * The barrier's target is the run epoch: odd while started, even while stopped. A worker acknowledges a stop by
 * arriving at the barrier with the even epoch, after which it touches nothing until the next start: the release
 * of that arrival is what lets the driver read counters and change cells.
 * <p>
 * <b>Note:</b> not threadsafe; run by one thread at a time.
 */
final class FreeRunningAgent implements Agent
{
    private final Slice slice;
    private final TickBarrier barrier;
    private final String roleName;
    private long acknowledged;

    FreeRunningAgent(final Slice slice, final TickBarrier barrier)
    {
        this.slice = slice;
        this.barrier = barrier;
        this.roleName = "karyon-worker-" + slice.id;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long epoch = barrier.target();
        if (0 == (epoch & 1))
        {
            if (acknowledged != epoch)
            {
                acknowledged = epoch;
                barrier.arrive(slice.id, epoch);
            }
            return 0;
        }
        return slice.freeWork();
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }
}
