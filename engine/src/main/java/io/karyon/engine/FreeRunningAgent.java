package io.karyon.engine;

import io.karyon.scheduler.TickBarrier;
import org.agrona.concurrent.Agent;

/**
 * A worker in free-running mode: while the driver has the organism started, runs its slice's duty cycle (messages
 * handled as they arrive, tick steps in bounded batches); while stopped, acknowledges the stop once and rests.
 * <p>
 * The barrier's target is the run epoch: odd while started, even while stopped. In a started epoch a worker arrives
 * with the odd epoch once it has made a full pass over its cells (so the driver can tell that everyone has worked);
 * it acknowledges a stop by arriving with the even epoch, after which it touches nothing until the next start: the
 * release of that arrival is what lets the driver read counters and change cells. While stopped it runs the jobs the
 * driver posts to every worker ({@link WorkerJobs}).
 * <p>
 * <b>Note:</b> not threadsafe; run by one thread at a time.
 */
final class FreeRunningAgent implements Agent
{
    private final Slice slice;
    private final TickBarrier barrier;
    private final String roleName;
    private final WorkerJobs jobs;
    private long acknowledged;
    private long jobsRan;
    private long passesAtStart = -1;

    FreeRunningAgent(final Slice slice, final TickBarrier barrier, final WorkerJobs jobs)
    {
        this.jobs = jobs;
        this.slice = slice;
        this.barrier = barrier;
        this.roleName = "karyon-worker-" + slice.id;
    }

    /**
     * Names this thread to the barrier, which unparks it when the organism starts.
     */
    public void onStart()
    {
        barrier.register(slice.id, Thread.currentThread());
        jobs.register(slice.id, Thread.currentThread());
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
            passesAtStart = -1;
            if (acknowledged == epoch && jobs.epoch() != jobsRan)
            {
                // Stopped: the driver's job for every worker (see WorkerJobs).
                jobsRan = jobs.poll(slice.id, jobsRan);
                return 1;
            }
            return 0;
        }
        if (passesAtStart < 0)
        {
            passesAtStart = slice.currentTick();
        }
        final int work = slice.freeWork();
        if (acknowledged != epoch && slice.currentTick() > passesAtStart)
        {
            acknowledged = epoch;
            barrier.arrive(slice.id, epoch);
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }
}
