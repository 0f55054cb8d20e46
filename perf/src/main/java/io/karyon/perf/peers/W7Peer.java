package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;
import io.karyon.perf.RoundTrips;
import io.karyon.perf.W7Figures;
import io.karyon.perf.WorkloadCheckException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * W7, latency, on a peer: P pairs of cells play ping-pong while the other cells run W3, one tick (a message to every
 * background cell) after another, for {@code --millis} per round. Round trips are recorded as Karyon's are, per round
 * trip and by time ({@link RoundTrips}), the first of each pair from the round's start. Neither peer lets a program say
 * which thread runs a cell, so unlike Karyon's pairs these are not placed
 * on different workers. The checks: every pair completed round trips, every pinger came home at the round's end, and
 * a sample of background cells hold exactly the logistic map iterated as many times as they were stepped.
 */
final class W7Peer extends PeerWorkload
{
    static final String ID = "W7";
    private static final int SAMPLES = 1024;

    /**
     * A peer's players and background cells.
     */
    interface Cells extends AutoCloseable
    {
        /**
         * Spawns the pairs and the background cells, background cell i holding x = unitOpen(seed, i).
         */
        void start(int pairs, int background, long seed, int workers, RoundTrips roundTrips);

        /**
         * Starts every pair's ping-pong; each pair's first round trip counts from startNs.
         */
        void play(long startNs);

        /**
         * Sends one tick to every background cell; each counts down done once it has stepped.
         */
        void tick(CountDownLatch done);

        /**
         * Ends the game: each pinger counts down stopped when its last round trip is home, and pings no more.
         */
        void stop(CountDownLatch stopped);

        /**
         * Round trips pair p completed, read while quiet.
         */
        long trips(int pair);

        /**
         * Background cell i's x and steps, read while quiet.
         */
        double x(int i);

        /**
         * Background cell i's steps, read while quiet.
         */
        long steps(int i);

        /**
         * Stops the cells.
         */
        void close();
    }

    private final Supplier<Cells> cells;

    W7Peer(final String engine, final Supplier<Cells> cells)
    {
        super(ID, engine);
        this.cells = cells;
    }

    private static void await(final CountDownLatch latch, final long timeoutNs)
    {
        try
        {
            latch.await(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a tick", ex);
        }
    }

    public String run(final BenchParams params, final int workers)
    {
        final int pairs = params.pairs();
        final int background = params.backgroundCells();
        final W7Figures figures = new W7Figures(params.rounds());
        final RoundTrips round = new RoundTrips(true);
        final IdleStrategy wait = new SleepingMillisIdleStrategy(1);
        try (Cells peer = cells.get())
        {
            peer.start(pairs, background, params.seed(), workers, round);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                round.reset();
                long steps = 0;
                final long startNs = System.nanoTime();
                final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(params.millis());
                peer.play(startNs);
                // Ticks back to back until the deadline; a tick the pool does not get to in time (work-stealing pools
                // run a thread's own tasks first, and the pairs keep them busy) ends the round after the pairs stop.
                CountDownLatch tick = new CountDownLatch(0);
                while (System.nanoTime() - deadlineNs < 0)
                {
                    if (0 == tick.getCount() && background > 0)
                    {
                        tick = new CountDownLatch(background);
                        peer.tick(tick);
                        steps += background;
                    }
                    else if (background > 0)
                    {
                        await(tick, deadlineNs - System.nanoTime());
                    }
                    else
                    {
                        wait.idle();
                    }
                }
                final CountDownLatch stopped = new CountDownLatch(pairs);
                peer.stop(stopped);
                Latches.await(stopped, ID, engine + " pingers coming home");
                Latches.await(tick, ID, engine + " background cells stepping");
                final double roundSeconds = (System.nanoTime() - startNs) / 1e9;
                params.progress(W7Figures.progress(engine, r < 0, pairs, workers, round, roundSeconds, steps));
                if (r >= 0)
                {
                    figures.record(r, round, roundSeconds, steps);
                }
            }
            for (int p = 0; p < pairs; p++)
            {
                if (0 == peer.trips(p))
                {
                    throw new WorkloadCheckException(ID, engine + " pair " + p + " never completed a round trip");
                }
            }
            final int step = Math.max(1, background / SAMPLES);
            for (int i = 0; i < background; i += step)
            {
                double x = BenchParams.unitOpen(params.seed(), i);
                final long steps = peer.steps(i);
                for (long k = steps; k > 0; k--)
                {
                    x = 3.9 * x * (1.0 - x);
                }
                final double actual = peer.x(i);
                if (Double.doubleToRawLongBits(x) != Double.doubleToRawLongBits(actual))
                {
                    throw new WorkloadCheckException(ID, engine + " background cell stepped " + steps +
                        " times holds " + actual + ", the scalar loop gives " + x);
                }
            }
        }
        return figures.json(params, engine, ID + "-" + engine, workers);
    }
}
