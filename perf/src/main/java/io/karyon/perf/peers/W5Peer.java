package io.karyon.perf.peers;

import io.karyon.cli.Json;
import io.karyon.perf.BenchParams;
import io.karyon.perf.Rounds;
import io.karyon.perf.WorkloadCheckException;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * W5, apoptosis, on a peer: N cells under supervisors of 1,000 cells each; at once the same seeded fraction F of the
 * cells as in Karyon's run is told its state is corrupt, and each of them dies by throwing; its supervisor restarts
 * it from its initial state. The round's time runs from the first death notice to the last restart. The checks:
 * exactly F x N deaths and restarts, and every one of the N cells answers a message afterwards (a cell still holding
 * corrupt state does not).
 */
final class W5Peer extends PeerWorkload
{
    static final String ID = "W5";
    static final int CHILDREN_PER_SUPERVISOR = 1_000;

    /**
     * A peer's supervised cells.
     */
    interface Cells extends AutoCloseable
    {
        /**
         * Spawns n supervised cells, 1,000 per supervisor, and returns once all have started.
         */
        void start(int n, int workers);

        /**
         * The latch each restart counts down from now on.
         */
        void expectRestarts(CountDownLatch restarted);

        /**
         * Tells cells[0..count) that their state is corrupt: each dies, and its supervisor restarts it.
         */
        void corrupt(int[] cells, int count);

        /**
         * Sends every cell a ping; a cell with sound state counts down answered.
         */
        void pingAll(CountDownLatch answered);

        /**
         * Deaths so far.
         */
        long deaths();

        /**
         * Restarts so far.
         */
        long restarts();

        /**
         * Stops the cells.
         */
        void close();
    }

    private final Supplier<Cells> cells;

    W5Peer(final String engine, final Supplier<Cells> cells)
    {
        super(ID, engine);
        this.cells = cells;
    }

    public String run(final BenchParams params, final int workers)
    {
        final int n = params.cells();
        final double fraction = params.fraction();
        final double[] recoveryMs = new double[params.rounds()];
        final double[] restartsPerS = new double[params.rounds()];
        long deaths = 0;
        long restarts = 0;
        long answering = 0;
        final int[] chosen = new int[n];
        try (Cells peer = cells.get())
        {
            peer.start(n, workers);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                int corrupted = 0;
                for (int i = 0; i < n; i++)
                {
                    if (BenchParams.unitOpen(params.seed() + r, i) < fraction)
                    {
                        chosen[corrupted++] = i;
                    }
                }
                final CountDownLatch restarted = new CountDownLatch(corrupted);
                peer.expectRestarts(restarted);
                final long deathsBefore = peer.deaths();
                final long restartsBefore = peer.restarts();
                final long startNs = System.nanoTime();
                peer.corrupt(chosen, corrupted);
                Latches.await(restarted, ID, engine + " restarts");
                final long elapsedNs = System.nanoTime() - startNs;
                final long roundDeaths = peer.deaths() - deathsBefore;
                final long roundRestarts = peer.restarts() - restartsBefore;
                if (roundDeaths != corrupted || roundRestarts != corrupted)
                {
                    throw new WorkloadCheckException(ID, engine + ": " + corrupted + " corrupted, " + roundDeaths +
                        " died, " + roundRestarts + " restarted");
                }

                final CountDownLatch answered = new CountDownLatch(n);
                peer.pingAll(answered);
                Latches.awaitQuietly(answered, 60);
                final long roundAnswering = n - answered.getCount();
                if (roundAnswering != n)
                {
                    throw new WorkloadCheckException(ID, engine + ": " + roundAnswering +
                        " cells answered after recovery, expected " + n);
                }
                final double ms = elapsedNs / 1e6;
                params.progress(String.format(Locale.ROOT,
                    "W5 %s %s round: %,d of %,d cells died, all restarted in %.1f ms (%.2fM restarts/s); %,d answered",
                    engine, r < 0 ? "warm-up" : "measured", corrupted, n, ms,
                    roundRestarts / (elapsedNs / 1e9) / 1e6, roundAnswering));
                if (r >= 0)
                {
                    recoveryMs[r] = ms;
                    restartsPerS[r] = roundRestarts / (elapsedNs / 1e9);
                    deaths = roundDeaths;
                    restarts = roundRestarts;
                    answering = roundAnswering;
                }
            }
        }
        return new Json()
            .field("workload", ID)
            .field("engine", engine)
            .field("cells", n)
            .field("workers", workers)
            .field("fraction", fraction)
            .field("supervisors", (n + CHILDREN_PER_SUPERVISOR - 1) / CHILDREN_PER_SUPERVISOR)
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(recoveryMs) / 1e3)
            .field("deaths", deaths)
            .field("restarts", restarts)
            .field("restarts_per_s", Rounds.median(restartsPerS))
            .field("recovery_ms", Rounds.median(recoveryMs))
            .field("answering", answering)
            .toString();
    }
}
