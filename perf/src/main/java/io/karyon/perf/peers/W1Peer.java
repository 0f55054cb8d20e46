package io.karyon.perf.peers;

import io.karyon.cli.Json;
import io.karyon.perf.BenchParams;
import io.karyon.perf.Rounds;
import io.karyon.perf.WorkloadCheckException;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * W1, spawn, on a peer: create N cells, each with 8 longs of state filled from the same seeded generator as Karyon's.
 * Bytes per cell is the growth of the Java heap used after a full GC, divided by N: for a JVM peer that counts every
 * object kept per cell (the cell, its mailbox, its state, the runtime's bookkeeping), and nothing the collector could
 * free. Karyon's figure is the growth of resident memory, as its cells live off the heap.
 */
final class W1Peer extends PeerWorkload
{
    static final String ID = "W1";
    private static final int SAMPLES = 1024;

    /**
     * A peer's cells for W1.
     */
    interface Cells extends AutoCloseable
    {
        /**
         * Starts the runtime, before the heap is first measured.
         */
        void start(int workers);

        /**
         * Spawns n cells, cell i holding v[k] = generate(seed, 8i + k), and returns once all exist with their state;
         * keeps cells with i % step == 0 for {@link #sample(int)}.
         */
        void spawn(int n, long seed, int step);

        /**
         * The state of kept cell i.
         */
        long[] sample(int i);

        /**
         * Releases every cell and stops the runtime.
         */
        void close();
    }

    private final Supplier<Cells> cells;

    W1Peer(final String engine, final Supplier<Cells> cells)
    {
        super(ID, engine);
        this.cells = cells;
    }

    public String run(final BenchParams params, final int workers)
    {
        final int n = params.cells();
        final int step = Math.max(1, n / SAMPLES);
        final double[] nsPerCell = new double[params.rounds()];
        final double[] bytesPerCell = new double[params.rounds()];
        final double[] seconds = new double[params.rounds()];
        for (int round = -params.warmup(); round < params.rounds(); round++)
        {
            final long seed = params.seed() + round;
            try (Cells peer = cells.get())
            {
                peer.start(workers);
                final long heapBefore = usedHeapAfterGc();
                final long startNs = System.nanoTime();
                peer.spawn(n, seed, step);
                final long elapsedNs = System.nanoTime() - startNs;
                final long heapAfter = usedHeapAfterGc();

                for (int i = 0; i < n; i += step)
                {
                    final long[] v = peer.sample(i);
                    for (int k = 0; k < 8; k++)
                    {
                        final long expected = BenchParams.generate(seed, ((long)i << 3) + k);
                        if (v[k] != expected)
                        {
                            throw new WorkloadCheckException(ID, engine + " cell " + i + " field v[" + k + "] holds " +
                                v[k] + ", expected " + expected);
                        }
                    }
                }
                final double ns = (double)elapsedNs / n;
                final double bytes = (double)(heapAfter - heapBefore) / n;
                params.progress(String.format(Locale.ROOT, "W1 %s %s round: %,d cells, %.1f ns/cell, %.1f bytes/cell",
                    engine, round < 0 ? "warm-up" : "measured", n, ns, bytes));
                if (round >= 0)
                {
                    nsPerCell[round] = ns;
                    bytesPerCell[round] = bytes;
                    seconds[round] = elapsedNs / 1e9;
                }
            }
        }
        return new Json()
            .field("workload", ID)
            .field("engine", engine)
            .field("cells", n)
            .field("workers", workers)
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("ns_per_cell", Rounds.median(nsPerCell))
            .field("bytes_per_cell", Rounds.median(bytesPerCell))
            .field("cells_per_s", 1e9 / Rounds.median(nsPerCell))
            .field("state_bytes", 64)
            .field("memory", "heap used after GC / N")
            .toString();
    }

    /**
     * The heap in use once the collector has freed what it can: two full collections, as the first may leave objects
     * with finalizers or references to clear for the second.
     */
    static long usedHeapAfterGc()
    {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
