package io.karyon.perf;

import io.karyon.cli.Json;
import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.CellStorage;
import io.karyon.engine.cell.Handle;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.Locale;

/**
 * W3, tick: N cells each hold x (a double seeded in (0,1), in 64 bytes of state); every tick each cell sets
 * x = 3.9 * x * (1 - x); K ticks per round. Headline figures: cell-updates per second and tick latency percentiles.
 * The check requires the engine's update counter to have grown by exactly N x K over the round (every cell stepped
 * once per tick, none skipped or stepped twice), and re-computes a sample of cells with a plain scalar loop, requiring
 * bit-identical values. {@code --layout columnar} keeps the cells in {@link CellStorage#COLUMNAR} storage, where a tick
 * moves x's column and reads the header column instead of the whole 80-byte slot.
 */
final class W3Tick
{
    static final String ID = "W3";
    static final CellLayout LAYOUT = CellLayout.builder().doubleField("x").array("rest", long.class, 7).build();
    private static final int X = LAYOUT.offset("x");
    private static final int SAMPLES = 1024;

    /**
     * The logistic map, the whole of a W3 cell's behaviour.
     */
    static final class Logistic implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final double x = cell.getDouble(X);
            cell.putDouble(X, 3.9 * x * (1.0 - x));
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    private W3Tick()
    {
    }

    static String run(final BenchParams params)
    {
        return run(params, CellStorage.ROW);
    }

    static String run(final BenchParams params, final CellStorage storage)
    {
        final int n = params.cells();
        final int ticks = params.ticks();
        final double[] updatesPerS = new double[params.rounds()];
        final double[] seconds = new double[params.rounds()];
        final LatencyRounds latency = new LatencyRounds(params.rounds(), LatencyRounds.HIGHEST_TICK_NS);
        final int step = Math.max(1, n / SAMPLES);
        final double[] expected = new double[(n + step - 1) / step];
        final long[] sampled = new long[expected.length];

        final int workers;
        final double triad;
        final double bytesPerUpdate;
        try (Organism organism = Organism.launch(params.context().cellStorage(storage)))
        {
            workers = organism.workerCount();
            bytesPerUpdate = bytesPerUpdate(LAYOUT, organism.context().stateLength(), storage);
            organism.registerBehaviour("logistic", new Logistic());
            final Genotype genotype = organism.genotype("logistic", LAYOUT, "logistic");
            seed(organism, genotype, n, params.seed(), step, sampled);

            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                for (int s = 0; s < sampled.length; s++)
                {
                    expected[s] = organism.cell(sampled[s]).getDouble(X);
                }
                final long updatesBefore = organism.stats().updates();
                organism.resetTickLatencies();
                final long startNs = System.nanoTime();
                organism.run(ticks);
                final double roundSeconds = (System.nanoTime() - startNs) / 1e9;
                final Histogram round = organism.tickLatencies();
                check(organism, updatesBefore, sampled, expected, n, ticks);

                final double rate = (double)n * ticks / roundSeconds;
                params.progress(String.format(Locale.ROOT,
                    "W3 %s round: %,d cells x %,d ticks on %d worker(s), %.1fM cell-updates/s, tick p50 %.0f us, " +
                    "max %.0f us", r < 0 ? "warm-up" : "measured", n, ticks, workers, rate / 1e6,
                    round.getValueAtPercentile(50) / 1e3, round.getMaxValue() / 1e3));
                if (r >= 0)
                {
                    latency.record(r, round);
                    updatesPerS[r] = rate;
                    seconds[r] = roundSeconds;
                }
            }
            // After the rounds, not before: the triad's large arrays left the rounds that followed them 5-14% slower
            triad = Stream.triad(organism, params, ID);
        }
        final Path hgrm = Histograms.write(params.out(), ID, latency.all());
        final double rate = Rounds.median(updatesPerS);
        return new Json()
            .field("workload", ID)
            .field("engine", "karyon")
            .field("cells", n)
            .field("layout", storage.name().toLowerCase(Locale.ROOT))
            .field("workers", workers)
            .field("ticks", ticks)
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("updates_per_s", rate)
            .field("bytes_per_update", bytesPerUpdate)
            .field("triad_bytes_per_s", triad)
            .field("stream_fraction", Traffic.fraction(rate, bytesPerUpdate, triad))
            .field("p50_us", latency.p50Us())
            .field("p99_us", latency.p99Us())
            .field("p999_us", latency.p999Us())
            .field("max_us", latency.maxUs())
            .field("hgrm", hgrm.toString())
            .toString();
    }

    /**
     * Spawns W3's cells, each x drawn from the seed.
     *
     * @param organism to spawn in.
     * @param genotype of the cells.
     * @param n        cells.
     * @param seed     of x.
     * @param step     every step-th cell's handle goes into {@code sampled}.
     * @param sampled  for the sampled handles, or null for none.
     */
    static void seed(final Organism organism, final Genotype genotype, final int n, final long seed, final int step,
        final long[] sampled)
    {
        for (int i = 0; i < n; i++)
        {
            final long handle = organism.spawn(genotype);
            organism.cell(handle).putDouble(X, BenchParams.unitOpen(seed, i));
            if (null != sampled && 0 == i % step)
            {
                sampled[i / step] = handle;
            }
        }
    }

    /**
     * The memory traffic of one W3 cell-update, {@code bytes_per_update}: a tick's sweep reading and writing x in
     * cells of this layout (see {@link Traffic#tickBytes}).
     *
     * @param layout      of W3's cells.
     * @param stateLength the organism's state length per slot.
     * @return bytes per update.
     */
    static double bytesPerUpdate(final CellLayout layout, final int stateLength)
    {
        return bytesPerUpdate(layout, stateLength, CellStorage.ROW);
    }

    /**
     * The memory traffic of one W3 cell-update in either storage: in columnar storage the sweep reads and writes x's
     * column and, W3's cells having the one behaviour that ticks, no header (see {@link Traffic#columnarTickBytes}).
     *
     * @param layout      of W3's cells.
     * @param stateLength the organism's state length per slot.
     * @param storage     of the organism's chunks.
     * @return bytes per update.
     */
    static double bytesPerUpdate(final CellLayout layout, final int stateLength, final CellStorage storage)
    {
        return CellStorage.COLUMNAR == storage ?
            Traffic.columnarTickBytes(layout, "x", true) : Traffic.tickBytes(layout, stateLength, "x");
    }

    /**
     * Every cell stepped exactly once per tick of the round, by the engine's own count.
     *
     * @param updates cell-updates the engine counted over the round.
     * @param n       cells.
     * @param ticks   ticks in the round.
     * @throws WorkloadCheckException naming both counts when they differ.
     */
    static void checkUpdates(final long updates, final int n, final int ticks)
    {
        if (updates != (long)n * ticks)
        {
            throw new WorkloadCheckException(ID, "the engine counted " + updates + " cell-updates in a round of " +
                ticks + " ticks over " + n + " cells, expected cells x ticks = " + (long)n * ticks);
        }
    }

    private static void check(
        final Organism organism,
        final long updatesBefore,
        final long[] sampled,
        final double[] expected,
        final int n,
        final int ticks)
    {
        final Stats stats = organism.stats();
        if (stats.alive() != n)
        {
            throw new WorkloadCheckException(ID, stats.alive() + " cells alive, expected " + n);
        }
        checkUpdates(stats.updates() - updatesBefore, n, ticks);
        for (int s = 0; s < sampled.length; s++)
        {
            double x = expected[s];
            for (int t = 0; t < ticks; t++)
            {
                x = 3.9 * x * (1.0 - x);
            }
            final double actual = organism.cell(sampled[s]).getDouble(X);
            if (Double.doubleToRawLongBits(actual) != Double.doubleToRawLongBits(x))
            {
                throw new WorkloadCheckException(ID, "cell " + Handle.toString(sampled[s]) + " holds x=" + actual +
                    " after " + ticks +
                    " ticks, a scalar loop gives " + x);
            }
        }
    }
}
