package io.karyon.perf.peers;

import io.karyon.engine.cli.Json;
import io.karyon.perf.BenchParams;
import io.karyon.perf.LatencyRounds;
import io.karyon.perf.Histograms;
import io.karyon.perf.Rounds;
import io.karyon.perf.WorkloadCheckException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * W7, latency, on a peer: P pairs of cells play ping-pong while the other cells run W3, one tick (a message to every
 * background cell) after another, for {@code --millis} per round. Round trips go into an HdrHistogram {@link
 * Recorder}. Neither peer lets a program say which thread runs a cell, so unlike Karyon's pairs these are not placed
 * on different workers. The checks: every pair completed round trips, every pinger came home at the round's end, and
 * a sample of background cells hold exactly the logistic map iterated as many times as they were stepped.
 */
final class W7Peer extends PeerWorkload
{
    static final String ID = "W7";
    static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int SAMPLES = 1024;

    /**
     * A peer's players and background cells.
     */
    interface Cells extends AutoCloseable
    {
        /**
         * Spawns the pairs and the background cells, background cell i holding x = unitOpen(seed, i).
         */
        void start(int pairs, int background, long seed, int workers, Recorder roundTrips);

        /**
         * Starts every pair's ping-pong.
         */
        void play();

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
        final double[] seconds = new double[params.rounds()];
        final double[] backgroundPerS = new double[params.rounds()];
        final LatencyRounds latency = new LatencyRounds(params.rounds(), HIGHEST_NS);
        final Recorder recorder = new Recorder(1, HIGHEST_NS, 3);
        final IdleStrategy wait = new SleepingMillisIdleStrategy(1);
        long totalTrips = 0;
        try (Cells peer = cells.get())
        {
            peer.start(pairs, background, params.seed(), workers, recorder);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                recorder.reset();
                long steps = 0;
                final long startNs = System.nanoTime();
                final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(params.millis());
                peer.play();
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
                final Histogram round = recorder.getIntervalHistogram();
                params.progress(String.format(Locale.ROOT,
                    "W7 %s %s round: %,d pairs on %d thread(s), %,d round trips in %.1f s, p50 %.1f us, p99 %.1f us, " +
                    "max %.0f us, background %.2fM cell-updates/s", engine, r < 0 ? "warm-up" : "measured", pairs,
                    workers, round.getTotalCount(), roundSeconds, round.getValueAtPercentile(50) / 1e3,
                    round.getValueAtPercentile(99) / 1e3, round.getMaxValue() / 1e3, steps / roundSeconds / 1e6));
                if (r >= 0)
                {
                    backgroundPerS[r] = steps / roundSeconds;
                    latency.record(r, round);
                    totalTrips += round.getTotalCount();
                    seconds[r] = roundSeconds;
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
        final Path hgrm = Histograms.write(params.out(), ID + "-" + engine, latency.all());
        return new Json()
            .field("workload", ID)
            .field("engine", engine)
            .field("cells", params.cells())
            .field("workers", workers)
            .field("pairs", pairs)
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("round_trips", totalTrips)
            .field("p50_us", latency.p50Us())
            .field("p99_us", latency.p99Us())
            .field("p999_us", latency.p999Us())
            .field("max_us", latency.maxUs())
            .field("background_updates_per_s", Rounds.median(backgroundPerS))
            .field("hgrm", hgrm.toString())
            .toString();
    }
}
