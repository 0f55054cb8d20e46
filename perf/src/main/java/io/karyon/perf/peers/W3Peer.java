package io.karyon.perf.peers;

import io.karyon.cli.Json;
import io.karyon.perf.BenchParams;
import io.karyon.perf.Histograms;
import io.karyon.perf.LatencyRounds;
import io.karyon.perf.Rounds;
import io.karyon.perf.WorkloadCheckException;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * W3, tick, on a peer: N cells each hold x, seeded as Karyon's; a tick is a message to every cell, which sets
 * x = 3.9 * x * (1 - x), and ends when every cell has handled it (as in the Erlang reference). A peer runs at most
 * {@code --peer-messages} / N ticks per round; its JSON line gives the ticks it ran and the ticks asked for. The
 * check re-computes a sample of cells with a plain scalar loop and requires bit-identical values.
 */
final class W3Peer extends PeerWorkload
{
    static final String ID = "W3";
    private static final int SAMPLES = 1024;
    private static final long HIGHEST_TICK_NS = 600_000_000_000L;

    /**
     * A peer's logistic cells.
     */
    interface Cells extends AutoCloseable
    {
        /**
         * Spawns n cells, cell i holding x = unitOpen(seed, i).
         */
        void start(int n, long seed, int workers);

        /**
         * Sends one tick to every cell; each counts down done once it has stepped.
         */
        void tick(CountDownLatch done);

        /**
         * The x of cell i, read while no tick is running.
         */
        double x(int i);

        /**
         * Stops the cells.
         */
        void close();
    }

    private final Supplier<Cells> cells;

    W3Peer(final String engine, final Supplier<Cells> cells)
    {
        super(ID, engine);
        this.cells = cells;
    }

    public String run(final BenchParams params, final int workers)
    {
        final int n = params.cells();
        final int ticks = (int)Math.max(1, Math.min(params.ticks(), params.peerMessages() / n));
        final double[] updatesPerS = new double[params.rounds()];
        final double[] seconds = new double[params.rounds()];
        final LatencyRounds latency = new LatencyRounds(params.rounds(), HIGHEST_TICK_NS);
        final Histogram round = new Histogram(1, HIGHEST_TICK_NS, 3);
        final int step = Math.max(1, n / SAMPLES);
        final double[] expected = new double[(n + step - 1) / step];
        try (Cells peer = cells.get())
        {
            peer.start(n, params.seed(), workers);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                for (int s = 0; s < expected.length; s++)
                {
                    expected[s] = peer.x(s * step);
                }
                round.reset();
                final long startNs = System.nanoTime();
                for (int t = 0; t < ticks; t++)
                {
                    final CountDownLatch done = new CountDownLatch(n);
                    final long tickStartNs = System.nanoTime();
                    peer.tick(done);
                    Latches.await(done, ID, engine + " cells stepping");
                    round.recordValue(Math.min(System.nanoTime() - tickStartNs, HIGHEST_TICK_NS));
                }
                final double roundSeconds = (System.nanoTime() - startNs) / 1e9;
                for (int s = 0; s < expected.length; s++)
                {
                    double x = expected[s];
                    for (int t = 0; t < ticks; t++)
                    {
                        x = 3.9 * x * (1.0 - x);
                    }
                    final double actual = peer.x(s * step);
                    if (Double.doubleToRawLongBits(actual) != Double.doubleToRawLongBits(x))
                    {
                        throw new WorkloadCheckException(ID, engine + " cell " + s * step + " holds x=" + actual +
                            " after " + ticks + " ticks, a scalar loop gives " + x);
                    }
                }
                final double rate = (double)n * ticks / roundSeconds;
                params.progress(String.format(Locale.ROOT,
                    "W3 %s %s round: %,d cells x %,d ticks on %d thread(s), %.2fM cell-updates/s, tick p50 %.0f us, " +
                    "max %.0f us", engine, r < 0 ? "warm-up" : "measured", n, ticks, workers, rate / 1e6,
                    round.getValueAtPercentile(50) / 1e3, round.getMaxValue() / 1e3));
                if (r >= 0)
                {
                    latency.record(r, round);
                    updatesPerS[r] = rate;
                    seconds[r] = roundSeconds;
                }
            }
        }
        final Path hgrm = Histograms.write(params.out(), ID + "-" + engine, latency.all());
        return new Json()
            .field("workload", ID)
            .field("engine", engine)
            .field("cells", n)
            .field("workers", workers)
            .field("ticks", ticks)
            .field("ticks_asked", params.ticks())
            .field("scaled_down", ticks < params.ticks())
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("updates_per_s", Rounds.median(updatesPerS))
            .field("p50_us", latency.p50Us())
            .field("p99_us", latency.p99Us())
            .field("p999_us", latency.p999Us())
            .field("max_us", latency.maxUs())
            .field("hgrm", hgrm.toString())
            .toString();
    }
}
