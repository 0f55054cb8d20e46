package io.karyon.scheduler;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Idles with the chosen strategy while a run is in progress, and backs off to parking between runs, so that workers
 * left spinning never take the cores from the thread that sets up the next run.
 * <p>
 * Between runs a worker parks for at most {@link #MAX_REST_PARK_NS}; {@link TickBarrier#target(long)} unparks it when
 * the next run starts, so the bound only matters if the worker never named its thread to the barrier.
 * <p>
 * <b>Note:</b> not threadsafe; one per worker, like every idle strategy.
 */
public final class RestingIdleStrategy implements IdleStrategy
{
    /** Longest park between runs. */
    public static final long MAX_REST_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final IdleStrategy running;
    private final IdleStrategy resting = new BackoffIdleStrategy(100, 10, 1000, MAX_REST_PARK_NS);
    private final TickBarrier barrier;

    /**
     * An idle strategy gated by a barrier's run state.
     *
     * @param running strategy while the barrier has ticks to run.
     * @param barrier whose {@link TickBarrier#isRunning()} decides.
     */
    public RestingIdleStrategy(final IdleStrategy running, final TickBarrier barrier)
    {
        this.running = running;
        this.barrier = barrier;
    }

    /**
     * {@inheritDoc}
     */
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void idle()
    {
        if (barrier.isRunning())
        {
            running.idle();
        }
        else
        {
            resting.idle();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void reset()
    {
        running.reset();
        resting.reset();
    }

    /**
     * {@inheritDoc}
     */
    public String alias()
    {
        return "resting-" + running.alias();
    }
}
