package io.karyon.engine;

import io.karyon.scheduler.TickBarrier;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.Agent;

/**
 * A worker in tick mode: runs its slice's ticks up to the barrier's target, meeting the other workers at the barrier
 * after each one. With a {@link TickPhase}, each tick starts with the worker's share of the phase and a second
 * barrier. Worker 0 (in a sharded run, the shard's first) leads: once it sees every worker finish a tick it records
 * the tick's latency and publishes the tick as completed, which is what the driver waits for.
 * <p>
 * {@link #doWork()} never blocks: waiting at the barrier returns 0 and leaves the rest to the idle strategy, so
 * workers can share a thread ({@code SHARED}) or be driven by a test ({@code INVOKER}). Between runs it runs the
 * jobs the driver posts to every worker ({@link WorkerJobs}).
 * <p>
 * <b>Note:</b> not threadsafe; run by one thread at a time.
 */
final class TickAgent implements Agent
{
    private final Slice slice;
    private final TickBarrier barrier;
    private final Histogram tickLatencies;
    private final boolean leader;
    private final String roleName;
    private final TickPhase phase;
    private final TickBarrier phaseBarrier;
    private final WorkerJobs jobs;
    private long finished;
    private long jobsRan;
    private boolean waiting;
    private boolean inPhase;
    private long tickStartNs;

    TickAgent(
        final Slice slice,
        final TickBarrier barrier,
        final Histogram tickLatencies,
        final TickPhase phase,
        final TickBarrier phaseBarrier,
        final WorkerJobs jobs,
        final boolean leader)
    {
        this.jobs = jobs;
        this.slice = slice;
        this.barrier = barrier;
        this.tickLatencies = tickLatencies;
        this.phase = phase;
        this.phaseBarrier = phaseBarrier;
        this.leader = leader;
        this.roleName = "karyon-worker-" + slice.id;
    }

    /**
     * Names this thread to the barrier, which unparks it when a run starts.
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
        if (waiting)
        {
            if (!barrier.isComplete(finished))
            {
                return 0;
            }
            waiting = false;
            if (leader)
            {
                tickLatencies.recordValue(Math.min(System.nanoTime() - tickStartNs,
                    tickLatencies.getHighestTrackableValue()));
                barrier.complete(finished);
            }
        }
        if (inPhase)
        {
            if (!phaseBarrier.isComplete(finished + 1))
            {
                return 0;
            }
            inPhase = false;
            return runTick();
        }
        if (finished < barrier.target())
        {
            if (leader)
            {
                tickStartNs = System.nanoTime();
            }
            if (null != phase)
            {
                // Every worker's share of the phase is done before any worker runs the tick's cells.
                phase.run(slice.id, phaseBarrier.parties(), finished);
                phaseBarrier.arrive(slice.id, finished + 1);
                inPhase = true;
                return 1;
            }
            return runTick();
        }
        return runJob();
    }

    /**
     * Between runs: the driver's job, if it posted one this worker has not run (see {@link WorkerJobs}).
     */
    private int runJob()
    {
        if (jobs.epoch() == jobsRan)
        {
            return 0;
        }
        jobsRan = jobs.poll(slice.id, jobsRan);
        if (slice.restoredTick >= 0)
        {
            // The job restored a checkpoint: this worker goes on from its tick (Workforce.restoreTicks, the barrier).
            finished = slice.restoredTick;
            slice.restoredTick = -1;
            barrier.arrive(slice.id, finished);
        }
        return 1;
    }

    private int runTick()
    {
        slice.runTick(finished);
        finished++;
        barrier.arrive(slice.id, finished);
        waiting = true;
        return 1;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }
}
