package io.karyon.model;

import io.karyon.engine.Organism;
import io.karyon.engine.TickObserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;

/**
 * The driver's side of a run's ticks: after every tick asks the stop condition, observes every K ticks (and the
 * last), takes snapshots and shows progress. Tick 0 of the outputs is the state before the first tick; tick n the
 * state after n ticks.
 * <p>
 * <b>Note:</b> not threadsafe; called by {@link Organism#runUntil} on the driver while the workers wait. Allocates
 * nothing per tick unless it observes.
 */
final class Ticker implements TickObserver
{
    private final Observer observer;
    private final TimeSeries series;
    private final TimeSeries latency;
    private final Snapshots snapshots;
    private final StopCondition stop;
    private final ProgressMeter progress;
    private final long maxTicks;
    private final int every;
    private final int snapshotEvery;
    private final double[] row;
    private final double[] latencyRow = new double[3];
    private final StopRequest request;
    private final ShardGather shard;
    private Checkpointing checkpoints;
    private long lastObserved = -1;
    private long lastSnapshot = -1;
    private long lastNs;
    private long observeNs;
    private long observations;
    private boolean stopped;
    private boolean interrupted;

    Ticker(
        final Observer observer,
        final TimeSeries series,
        final TimeSeries latency,
        final Snapshots snapshots,
        final StopCondition stop,
        final ProgressMeter progress,
        final long maxTicks,
        final int every,
        final int snapshotEvery,
        final StopRequest request)
    {
        this.request = request;
        this.observer = observer;
        this.series = series;
        this.latency = latency;
        this.snapshots = snapshots;
        this.stop = stop;
        this.progress = progress;
        this.maxTicks = maxTicks;
        this.every = every;
        this.snapshotEvery = snapshotEvery;
        this.row = new double[observer.columns().length];
        this.shard = observer.shard();
    }

    /**
     * Has checkpoints written as the run goes (every K ticks, at the last tick, on a stop request).
     */
    void checkpoints(final Checkpointing checkpoints)
    {
        this.checkpoints = checkpoints;
    }

    /**
     * Observes the state before the first tick, and starts the clocks.
     */
    void start(final Organism organism) throws IOException
    {
        final long nowNs = System.nanoTime();
        lastNs = nowNs;
        progress.start(nowNs);
        if (null != shard)
        {
            shard.gather(organism.ticks(), true);
            if (!shard.isFirst())
            {
                observer.probe();
                return;  // shard 0 observes and writes
            }
            shard.reply(organism.ticks(), 0);
        }
        observe(organism, organism.ticks());
        if (snapshotEvery > 0)
        {
            snapshot(organism.ticks());
        }
    }

    /**
     * Carries on from a checkpoint's state: starts the clocks without observing (the tick was observed, or not, as
     * the unbroken run did).
     */
    void resume(final ObservationState state)
    {
        lastObserved = state.lastObserved;
        lastSnapshot = state.lastSnapshot;
        observations = state.observations;
        observeNs = state.observeNs;
        stopped = state.stopped;
        final long nowNs = System.nanoTime();
        lastNs = nowNs;
        progress.start(nowNs);
    }

    /**
     * Ends a run that has no ticks left to run from its checkpoint: what its last tick adds to the outputs.
     */
    void end(final Organism organism) throws IOException
    {
        observe(organism, organism.ticks());
        snapshot(organism.ticks());
    }

    /**
     * Saves what a checkpoint holds of the observations, flushing the time series so their files hold it too.
     */
    void save(final ObservationState state) throws IOException
    {
        series.flush();
        latency.flush();
        state.lastObserved = lastObserved;
        state.lastSnapshot = lastSnapshot;
        state.observations = observations;
        state.observeNs = observeNs;
        state.stopped = stopped;
        state.seriesBytes = series.bytes();
        state.seriesCrc = series.crc();
        state.latencyBytes = latency.bytes();
        state.latencyCrc = latency.crc();
        state.snapshots = new ArrayList<>(snapshots.written());
    }

    /**
     * {@inheritDoc}
     */
    public boolean afterTick(final Organism organism, final long tick)
    {
        final long done = tick + 1;
        if (null != shard)
        {
            return afterShardTick(organism, tick);
        }
        stopped = null != stop && stop.shouldStop(organism, tick);
        interrupted = null != request && request.isRequested();
        final boolean last = stopped || done >= maxTicks;
        try
        {
            if (0 == done % every)
            {
                observe(organism, done);
            }
            if (snapshotEvery > 0 && 0 == done % snapshotEvery)
            {
                snapshot(done);
            }
            // Before the last tick's own row and snapshots: a run resumed from here, to more ticks, has only those
            // of the unbroken run.
            if (null != checkpoints && (interrupted || checkpoints.isDue(done) || last && checkpoints.isPeriodic()))
            {
                checkpoints.write(done);
            }
            if (last || interrupted)
            {
                observe(organism, done);
                snapshot(done);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final long nowNs = System.nanoTime();
        if (progress.isDue(nowNs))
        {
            progress.show(done, organism.stats().alive(), nowNs);
        }
        return stopped || interrupted;
    }

    /**
     * {@link #afterTick} in a sharded run: at the ticks the run observes, and after every tick when the model has a
     * stop condition, the shards gather on shard 0, which decides for all (a stop request is seen at such ticks
     * only) and alone writes the outputs.
     */
    private boolean afterShardTick(final Organism organism, final long tick)
    {
        final long done = tick + 1;
        final boolean due = 0 == done % every || done >= maxTicks;
        if (null != stop || due)
        {
            int flags = shard.gather(done, due);
            if (shard.isFirst())
            {
                flags = (null != stop && stop.shouldStop(organism, tick) ? ShardGather.STOP : 0) |
                    (null != request && request.isRequested() ? ShardGather.INTERRUPT : 0);
                shard.reply(done, flags);
            }
            stopped = 0 != (flags & ShardGather.STOP);
            interrupted = 0 != (flags & ShardGather.INTERRUPT);
            if ((stopped || interrupted) && !due)
            {
                shard.gather(done, true);  // the last row's walk
                if (shard.isFirst())
                {
                    shard.reply(done, flags);
                }
            }
        }
        if (!shard.isFirst() && (due || stopped || interrupted))
        {
            observer.probe();  // as shard 0 reads the values, so that a refused survey stops every shard alike
        }
        try
        {
            // As in one process: the tick's own row if it is one of every K, then the checkpoint (every shard its
            // part, at the same tick), then the last tick's row.
            if (shard.isFirst() && 0 == done % every)
            {
                observe(organism, done);
            }
            if (null != checkpoints &&
                (interrupted || checkpoints.isDue(done) || (stopped || done >= maxTicks) && checkpoints.isPeriodic()))
            {
                checkpoints.write(done);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        if (shard.isFirst())
        {
            try
            {
                if (due || stopped || interrupted)
                {
                    observe(organism, done);
                }
                if (done >= maxTicks || stopped || interrupted)
                {
                    snapshot(done);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            final long nowNs = System.nanoTime();
            if (progress.isDue(nowNs))
            {
                progress.show(done, shard.alive(), nowNs);
            }
        }
        return stopped || interrupted;
    }

    private void observe(final Organism organism, final long done) throws IOException
    {
        if (done == lastObserved)
        {
            return;
        }
        final long startNs = System.nanoTime();
        final long ticks = done - Math.max(0, lastObserved);
        observer.observe(done, row);
        series.add(row);
        latencyRow[0] = done;
        latencyRow[1] = lastObserved >= 0 && ticks > 0 ? Math.rint((double)(startNs - lastNs) / ticks) : Double.NaN;
        final long endNs = System.nanoTime();
        latencyRow[2] = endNs - startNs;
        latency.add(latencyRow);
        lastObserved = done;
        observations++;
        observeNs += endNs - startNs;
        lastNs = System.nanoTime();
    }

    private void snapshot(final long done) throws IOException
    {
        if (done != lastSnapshot)
        {
            final long startNs = System.nanoTime();
            snapshots.take(done);
            lastSnapshot = done;
            observeNs += System.nanoTime() - startNs;
        }
    }

    /**
     * Ends the progress line.
     */
    void finish(final Organism organism)
    {
        progress.finish(organism.ticks(), null == shard ? organism.stats().alive() : shard.alive(),
            System.nanoTime());
    }

    /**
     * Whether a stop request ended the run (seen after a tick; one that comes later changes nothing).
     */
    boolean interrupted()
    {
        return interrupted;
    }

    boolean stopped()
    {
        return stopped;
    }

    long observations()
    {
        return observations;
    }

    double observeSeconds()
    {
        return observeNs / 1e9;
    }
}
