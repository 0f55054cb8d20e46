package io.karyon.perf;

import io.karyon.cli.Json;
import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.CellInitializer;
import io.karyon.engine.Cohort;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * W1, spawn: create N cells, each with 64 bytes of user state (8 longs) filled from a seeded generator, as one
 * cohort ({@link Organism#populate}): every worker spawns and fills its own families' cells in parallel, touching its
 * own memory first, so {@code --workers} scales the kernel's zeroing of fresh pages as well as the copying.
 * Headline figures: ns per cell spawned, and bytes per cell: the larger of the resident figure (growth of the
 * process's resident memory over the round divided by N, so it counts every structure the engine keeps per cell) and
 * the allocated figure (the bytes the arena allocated for its chunks, {@code Arena.allocatedBytes()}, divided by N:
 * slot, bitmap bits and int column of every slot, used or not). Resident memory counts only the pages touched, so the
 * untouched tail of the last chunks would otherwise let the headline fall below what the engine asked the OS for.
 * The {@code .hgrm} holds the time each batch of 1,024 spawns took on its worker, which shows the pauses of the first
 * touches of fresh pages.
 */
final class W1Spawn
{
    static final String ID = "W1";
    static final CellLayout LAYOUT = CellLayout.builder().array("v", long.class, 8).build();
    private static final int SAMPLES = 1024;
    /** Spawns timed together for the {@code .hgrm}: a clock read per spawn would cost as much as the spawn. */
    private static final int BATCH = 1024;

    private static final Behaviour IDLE = new Behaviour()
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }

        public boolean hasTick()
        {
            return false;
        }
    };

    private W1Spawn()
    {
    }

    static String run(final BenchParams params)
    {
        if (!Resident.isAvailable())
        {
            throw new IllegalStateException("W1 needs /proc/self/statm to measure resident memory");
        }
        final int n = params.cells();
        final double[] nsPerCell = new double[params.rounds()];
        final double[] bytesPerCell = new double[params.rounds()];
        final double[] residentPerCell = new double[params.rounds()];
        final double[] allocatedPerCell = new double[params.rounds()];
        final double[] seconds = new double[params.rounds()];
        final LatencyRounds batches = new LatencyRounds(params.rounds(), LatencyRounds.HIGHEST_TICK_NS);
        final Histogram batch = new Histogram(1, LatencyRounds.HIGHEST_TICK_NS, 3);
        int workers = 0;
        for (int round = -params.warmup(); round < params.rounds(); round++)
        {
            final long seed = params.seed() + round;
            try (Organism organism = Organism.launch(params.context().seed(seed).stateLength(LAYOUT.stateLength())))
            {
                workers = organism.workerCount();
                organism.registerBehaviour("w1", IDLE);
                final Genotype genotype = organism.genotype("w1", LAYOUT, "w1");

                final int step = Math.max(1, n / SAMPLES);
                final long[] sampled = new long[(n + step - 1) / step];
                batch.reset();
                final long rssBefore = Resident.bytes();
                final long elapsedNs = spawn(organism, genotype, n, seed, sampled, step, batch);
                final long rssAfter = Resident.bytes();
                final long allocatedBytes = organism.allocatedBytes();

                check(organism, sampled, step, seed, n);
                checkMeasured(organism, rssAfter - rssBefore, allocatedBytes, n);
                final String kind = round < 0 ? "warm-up" : "measured";
                final double ns = (double)elapsedNs / n;
                final double resident = (double)(rssAfter - rssBefore) / n;
                final double allocated = (double)allocatedBytes / n;
                params.progress(String.format(Locale.ROOT, "W1 %s round: %,d cells, %.1f ns/cell, %.1f bytes/cell " +
                    "resident, %.1f allocated", kind, n, ns, resident, allocated));
                if (round >= 0)
                {
                    nsPerCell[round] = ns;
                    residentPerCell[round] = resident;
                    allocatedPerCell[round] = allocated;
                    bytesPerCell[round] = Math.max(resident, allocated);
                    seconds[round] = elapsedNs / 1e9;
                    batches.record(round, batch);
                }
            }
        }
        return new Json()
            .field("workload", ID)
            .field("engine", "karyon")
            .field("cells", n)
            .field("workers", workers)
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("ns_per_cell", Rounds.median(nsPerCell))
            .field("bytes_per_cell", Rounds.median(bytesPerCell))
            .field("resident_bytes_per_cell", Rounds.median(residentPerCell))
            .field("allocated_bytes_per_cell", Rounds.median(allocatedPerCell))
            .field("cells_per_s", 1e9 / Rounds.median(nsPerCell))
            .field("state_bytes", LAYOUT.stateLength())
            .field("memory", "max(resident memory growth, arena bytes allocated) / N")
            .field("batch_cells", BATCH)
            .field("batch_p99_us", batches.p99Us())
            .field("batch_max_us", batches.maxUs())
            .field("hgrm", Histograms.write(params.out(), ID, batches.all()).toString())
            .toString();
    }

    /**
     * The timed part of a round: spawns N cells as one cohort, each worker creating its own families' cells and
     * filling their state from the generator in parallel (so each worker touches its own memory first), keeping
     * every step-th handle for the check and the time of each batch of {@link #BATCH} spawns (a batch lies in one
     * chunk, so one worker spawns it: its start and end are read on that worker, a clock read per batch, not per
     * cell).
     *
     * @return nanoseconds the spawning took.
     */
    private static long spawn(
        final Organism organism,
        final Genotype genotype,
        final int n,
        final long seed,
        final long[] sampled,
        final int step,
        final Histogram batch)
    {
        final int batchShift = Math.min(Integer.numberOfTrailingZeros(BATCH), organism.context().chunkShift());
        final int batchMask = (1 << batchShift) - 1;
        final int batches = (int)(((long)n + batchMask) >>> batchShift);
        final long[] batchStartNs = new long[batches];
        final long[] batchEndNs = new long[batches];
        final long last = n - 1;
        final CellInitializer fill = (index, cell, random) ->
        {
            if (0 == (index & batchMask))
            {
                batchStartNs[(int)(index >>> batchShift)] = System.nanoTime();
            }
            final long base = index << 3;
            for (int k = 0; k < 8; k++)
            {
                cell.putLong(k << 3, BenchParams.generate(seed, base + k));
            }
            if (batchMask == (index & batchMask) || index == last)
            {
                batchEndNs[(int)(index >>> batchShift)] = System.nanoTime();
            }
        };
        final long startNs = System.nanoTime();
        final Cohort cohort = organism.populate(genotype, n, fill);
        final long elapsedNs = System.nanoTime() - startNs;
        for (int b = 0; b < batches; b++)
        {
            batch.recordValue(Math.max(1, batchEndNs[b] - batchStartNs[b]));
        }
        for (int s = 0; s < sampled.length; s++)
        {
            sampled[s] = cohort.handle((long)s * step);
        }
        return elapsedNs;
    }

    /**
     * Resident memory must have grown by about the slots the cells occupy (10% is left for the rest of the process
     * moving); much less means the allocator handed back memory an earlier round freed, and the figure would flatter
     * the engine. The arena must have allocated at least those slots: less means the allocated figure misses memory.
     */
    private static void checkMeasured(
        final Organism organism, final long grownBytes, final long allocatedBytes, final int n)
    {
        final long slotBytes = (long)CellDescriptor.slotLength(organism.context().stateLength()) * n;
        if (allocatedBytes < slotBytes)
        {
            throw new WorkloadCheckException(ID, "the arena reports " + allocatedBytes + " bytes allocated, less " +
                "than the " + slotBytes + " bytes of slots spawned");
        }
        if (grownBytes < slotBytes * 0.9)
        {
            throw new WorkloadCheckException(ID, "resident memory grew by " + grownBytes + " bytes, less than the " +
                slotBytes + " bytes of slots spawned: freed memory was reused, so the figure would be wrong; run " +
                "through scripts/karyon, which sets MALLOC_MMAP_THRESHOLD_ so each round gets fresh pages");
        }
    }

    /**
     * Every cell alive, and a sample of them holding the generator's values.
     */
    private static void check(
        final Organism organism, final long[] sampled, final int step, final long seed, final int n)
    {
        final long alive = organism.stats().alive();
        if (alive != n)
        {
            throw new WorkloadCheckException(ID, alive + " cells alive after spawning " + n);
        }
        for (int s = 0; s < sampled.length; s++)
        {
            final int i = s * step;
            final CellFlyweight cell = organism.cell(sampled[s]);
            for (int k = 0; k < 8; k++)
            {
                final long expected = BenchParams.generate(seed, ((long)i << 3) + k);
                if (cell.getLong(k << 3) != expected)
                {
                    throw new WorkloadCheckException(ID, "cell " + i + " field v[" + k + "] holds " +
                        cell.getLong(k << 3) + ", expected " + expected);
                }
            }
        }
    }
}
