package io.karyon.model;

import io.karyon.engine.Organism;
import io.karyon.engine.TickObserver;

import java.io.IOException;
import java.io.UncheckedIOException;

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
    private long lastObserved = -1;
    private long lastSnapshot = -1;
    private long lastNs;
    private long observeNs;
    private long observations;
    private boolean stopped;

    Ticker(
        final Observer observer,
        final TimeSeries series,
        final TimeSeries latency,
        final Snapshots snapshots,
        final StopCondition stop,
        final ProgressMeter progress,
        final long maxTicks,
        final int every,
        final int snapshotEvery)
    {
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
    }

    /**
     * Observes the state before the first tick, and starts the clocks.
     */
    void start(final Organism organism) throws IOException
    {
        final long nowNs = System.nanoTime();
        lastNs = nowNs;
        progress.start(nowNs);
        observe(organism, organism.ticks());
        if (snapshotEvery > 0)
        {
            snapshot(organism.ticks());
        }
    }

    /**
     * {@inheritDoc}
     */
    public boolean afterTick(final Organism organism, final long tick)
    {
        final long done = tick + 1;
        stopped = null != stop && stop.shouldStop(organism, tick);
        final boolean last = stopped || done >= maxTicks;
        try
        {
            if (last || 0 == done % every)
            {
                observe(organism, done);
            }
            if (last || (snapshotEvery > 0 && 0 == done % snapshotEvery))
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
            progress.show(done, organism.stats().alive(), nowNs);
        }
        return stopped;
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
        progress.finish(organism.ticks(), organism.stats().alive(), System.nanoTime());
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
