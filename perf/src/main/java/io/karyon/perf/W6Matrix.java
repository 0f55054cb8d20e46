package io.karyon.perf;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Placement;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.matrix.MatrixWriter;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.Locale;

/**
 * W6, matrix: one writer per worker; K keys (gradient sites, 64-bit ids) holding doubles; each writer does a 50/50
 * mix of reads and read-modify-writes of uniformly random keys, M operations each. Headline figures: operations per
 * second in total and per-operation latency percentiles. The same operations, from the same seeded streams, also run
 * on a {@code ConcurrentHashMap<Long, double[]>} in the same process (engine "chm", {@link W6Mix#runChm}); Karyon's
 * line carries the ratio.
 * <p>
 * On Karyon each writer is a cell, one per worker, running a batch of {@link #BATCH} operations per tick: a read is
 * {@link Matrix#read(long, int)}, a read-modify-write reads the site and deposits an increment through the worker's
 * {@link MatrixWriter} (write-combining), applied at the next tick's phase. The first operation of each tick is charged
 * with the time since the writer's previous operation (barrier and tick phase included), so the latency histogram
 * covers the whole run. The check: the sum of every increment equals the matrix's total change (increments are small
 * integers, so the sums are exact), and every worker ran exactly M operations.
 * <p>
 * Karyon's line also carries the field update on its own ({@code field_tick_ms}, {@code field_tick_p99_ms}): decay
 * plus diffusion over a square 2D grid of about K sites, done by the workers as each tick's phase.
 */
final class W6Matrix
{
    static final String ID = W6Mix.ID;
    /** Operations per writer per tick. */
    static final int BATCH = 16_384;
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("writer").longField("done").longField("increments").longField("lastNs").doubleField("sink").build();
    private static final int WRITER = LAYOUT.offset("writer");
    private static final int DONE = LAYOUT.offset("done");
    private static final int INCREMENTS = LAYOUT.offset("increments");
    private static final int LAST_NS = LAYOUT.offset("lastNs");
    private static final int SINK = LAYOUT.offset("sink");
    private static final int FIELD_TICKS = 50;
    private static final String CHM = "chm";

    private W6Matrix()
    {
    }

    /**
     * A writer cell: up to {@link #BATCH} operations per tick on the matrix.
     */
    static final class Writer implements Behaviour
    {
        private final Matrix matrix;
        private final long seed;
        private final int keys;
        private final long ops;
        private final Histogram[] histograms;
        private final long[] opsByWorker;

        Writer(final Matrix matrix, final long seed, final int keys, final long ops, final Histogram[] histograms,
            final long[] opsByWorker)
        {
            this.matrix = matrix;
            this.seed = seed;
            this.keys = keys;
            this.ops = ops;
            this.histograms = histograms;
            this.opsByWorker = opsByWorker;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long done = cell.getLong(DONE);
            final int n = (int)Math.min(BATCH, ops - done);
            if (n <= 0)
            {
                return;
            }
            final int worker = context.worker();
            final Matrix matrix = this.matrix;
            final MatrixWriter writer = matrix.writer(worker);
            final Histogram histogram = histograms[worker];
            final long writerId = cell.getLong(WRITER);
            final long self = context.self();
            long increments = cell.getLong(INCREMENTS);
            double sink = cell.getDouble(SINK);
            long previousNs = cell.getLong(LAST_NS);
            for (int i = 0; i < n; i++)
            {
                final long operation = W6Mix.operation(seed, writerId, done + i);
                final int key = W6Mix.key(operation, keys);
                final long startNs = System.nanoTime();
                final double value = matrix.read(key, 0);
                if (W6Mix.isUpdate(operation))
                {
                    final long increment = W6Mix.increment(operation);
                    writer.deposit(key, 0, increment, self);
                    increments += increment;
                }
                sink += value;
                final long endNs = System.nanoTime();
                final long latencyNs = 0 == i && 0 != previousNs ? endNs - previousNs : endNs - startNs;
                W6Mix.record(histogram, latencyNs);
                previousNs = endNs;
            }
            cell.putLong(DONE, done + n);
            cell.putLong(INCREMENTS, increments);
            cell.putDouble(SINK, sink);
            cell.putLong(LAST_NS, previousNs);
            opsByWorker[worker] += n;
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    static String run(final BenchParams params)
    {
        final int keys = params.cells();
        final long opsPerWriter = params.ops();
        final W6Mix.Result karyon = runKaryon(params, keys, opsPerWriter);
        final W6Mix.Result chm = W6Mix.runChm(params, keys, opsPerWriter, karyon.workers, CHM);
        final Path karyonHgrm = Histograms.write(params.out(), ID, karyon.all());
        final Path chmHgrm = Histograms.write(params.out(), ID + "-" + CHM, chm.all());
        final double[] fieldTick = fieldTickMs(params, keys);
        return karyon.json(params, keys, "karyon", karyonHgrm).field("batch", BATCH)
            .field("ratio_vs_chm", karyon.opsPerS() / chm.opsPerS())
            .field("field_tick_ms", fieldTick[0])
            .field("field_tick_p99_ms", fieldTick[1]).toString() + "\n" +
            chm.json(params, keys, CHM, chmHgrm).toString();
    }

    /**
     * The per-tick field update on its own: decay plus diffusion over a square 2D grid of about {@code keys} sites
     * (one substance), run as the tick phase of an organism with no cells on the same workers, so a tick is the
     * matrix's work and the barrier. Returns the median over rounds of the mean tick and of the tick p99, in ms.
     */
    private static double[] fieldTickMs(final BenchParams params, final int keys)
    {
        final int side = Math.max(1, (int)Math.sqrt(keys));
        final double[] mean = new double[params.rounds()];
        final double[] p99 = new double[params.rounds()];
        try (Matrix matrix = Matrix.create(new MatrixConfiguration().grid(side, side).substances(1)
            .decayRate(0, 0.01).diffusionRate(0, 0.2)))
        {
            try (Organism organism = Organism.launch(params.context().tickPhase(matrix::applyTick)))
            {
                matrix.writers(organism.workerCount());
                for (long site = 0; site < matrix.sites(); site += 97)
                {
                    matrix.depositDirect(site, 0, 1.0);
                }
                for (int r = -params.warmup(); r < params.rounds(); r++)
                {
                    organism.resetTickLatencies();
                    organism.run(FIELD_TICKS);
                    final Histogram ticks = organism.tickLatencies();
                    params.progress(String.format(Locale.ROOT,
                        "W6 field %s round: decay and diffusion over %,d x %,d sites on %d worker(s), %.2f ms a " +
                        "tick (p99 %.2f ms)", r < 0 ? "warm-up" : "measured", side, side, organism.workerCount(),
                        ticks.getMean() / 1e6, ticks.getValueAtPercentile(99) / 1e6));
                    if (r >= 0)
                    {
                        mean[r] = ticks.getMean() / 1e6;
                        p99[r] = ticks.getValueAtPercentile(99) / 1e6;
                    }
                }
            }
        }
        return new double[]{ Rounds.median(mean), Rounds.median(p99) };
    }

    private static W6Mix.Result runKaryon(final BenchParams params, final int keys, final long opsPerWriter)
    {
        try (Matrix matrix = Matrix.create(new MatrixConfiguration().grid(keys)))
        {
            try (Organism organism = Organism.launch(
                params.context().placement(Placement.ROUND_ROBIN).tickPhase(matrix::applyTick)))
            {
                final int workers = organism.workerCount();
                final W6Mix.Result result = new W6Mix.Result(params.rounds(), workers);
                matrix.writers(workers);
                final Histogram[] histograms = new Histogram[workers];
                for (int w = 0; w < workers; w++)
                {
                    histograms[w] = W6Mix.histogram();
                }
                final long[] opsByWorker = new long[workers];
                organism.registerBehaviour("w6-writer",
                    new Writer(matrix, params.seed(), keys, opsPerWriter, histograms, opsByWorker));
                final Genotype genotype = organism.genotype("w6-writer", LAYOUT, "w6-writer");
                final long[] cells = new long[workers];
                for (int w = 0; w < workers; w++)
                {
                    cells[w] = organism.spawn(genotype);
                    organism.cell(cells[w]).putLong(WRITER, w);
                }
                // One tick more than the batches: the last tick's phase applies the last batch's deposits.
                final long ticks = (opsPerWriter + BATCH - 1) / BATCH + 1;
                for (int r = -params.warmup(); r < params.rounds(); r++)
                {
                    final double before = total(matrix);
                    for (int w = 0; w < workers; w++)
                    {
                        organism.cell(cells[w]).putLong(DONE, 0).putLong(INCREMENTS, 0).putLong(LAST_NS, 0);
                        histograms[w].reset();
                        opsByWorker[w] = 0;
                    }
                    final long startNs = System.nanoTime();
                    organism.run(ticks);
                    final double seconds = (System.nanoTime() - startNs) / 1e9;
                    long increments = 0;
                    for (int w = 0; w < workers; w++)
                    {
                        increments += organism.cell(cells[w]).getLong(INCREMENTS);
                        if (opsByWorker[w] != opsPerWriter)
                        {
                            throw new WorkloadCheckException(ID, "worker " + w + " ran " + opsByWorker[w] +
                                " operations, expected " + opsPerWriter + " (one writer per worker)");
                        }
                    }
                    final double change = total(matrix) - before;
                    if (change != increments)
                    {
                        throw new WorkloadCheckException(ID, "the matrix changed by " + change +
                            " but the writers added " + increments);
                    }
                    result.round(params, r, "karyon", seconds, (double)opsPerWriter * workers, histograms);
                }
                return result;
            }
        }
    }

    private static double total(final Matrix matrix)
    {
        double total = 0.0;
        for (long s = 0; s < matrix.sites(); s++)
        {
            total += matrix.read(s, 0);
        }
        return total;
    }
}
