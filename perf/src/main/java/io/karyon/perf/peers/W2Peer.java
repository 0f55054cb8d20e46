package io.karyon.perf.peers;

import io.karyon.cli.Json;
import io.karyon.perf.BenchParams;
import io.karyon.perf.Rounds;
import io.karyon.perf.WorkloadCheckException;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * W2, ring, on a peer: N cells in a ring, T tokens starting at evenly spaced cells, each hop a message carrying the
 * hops left. A round ends when every token has run out. A peer runs at most {@code --peer-messages} hops per round
 * (it would take minutes at Karyon's default of 100M), and its JSON line gives the hops it ran and the hops asked for.
 * The check: every token arrives at its last hop, and the cells' own hop counters add up to the hops sent.
 */
final class W2Peer extends PeerWorkload
{
    static final String ID = "W2";

    /**
     * A peer's ring.
     */
    interface Ring extends AutoCloseable
    {
        /**
         * Spawns n ring cells, cell i linked to cell (i + 1) mod n.
         */
        void start(int n, int workers);

        /**
         * Sends a token with the given hops left to ring cell i; the cell that takes its last hop counts down done.
         */
        void token(int i, long hops, CountDownLatch done);

        /**
         * The hops all cells counted, summed once the ring is quiet.
         */
        long countedHops();

        /**
         * Stops the ring.
         */
        void close();
    }

    private final Supplier<Ring> ring;

    W2Peer(final String engine, final Supplier<Ring> ring)
    {
        super(ID, engine);
        this.ring = ring;
    }

    public String run(final BenchParams params, final int workers)
    {
        final int n = params.cells();
        final int tokens = params.tokens();
        final long asked = params.hops() / tokens * tokens;
        final long hopsPerToken = Math.max(1, Math.min(params.hops(), params.peerMessages()) / tokens);
        final long hops = hopsPerToken * tokens;
        final double[] hopsPerS = new double[params.rounds()];
        final double[] seconds = new double[params.rounds()];
        try (Ring peer = ring.get())
        {
            peer.start(n, workers);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                final CountDownLatch done = new CountDownLatch(tokens);
                final long startNs = System.nanoTime();
                for (int t = 0; t < tokens; t++)
                {
                    peer.token((int)((long)t * n / tokens), hopsPerToken, done);
                }
                Latches.await(done, ID, engine + " tokens");
                final double roundSeconds = (System.nanoTime() - startNs) / 1e9;
                final double rate = hops / roundSeconds;
                params.progress(String.format(Locale.ROOT,
                    "W2 %s %s round: %,d cells, %,d tokens, %,d hops on %d thread(s), %.2fM hops/s", engine,
                    r < 0 ? "warm-up" : "measured", n, tokens, hops, workers, rate / 1e6));
                if (r >= 0)
                {
                    hopsPerS[r] = rate;
                    seconds[r] = roundSeconds;
                }
            }
            final long counted = peer.countedHops();
            final long expected = hops * (params.warmup() + params.rounds());
            if (counted != expected)
            {
                throw new WorkloadCheckException(ID, engine + " cells counted " + counted + " hops, expected " +
                    expected);
            }
        }
        return new Json()
            .field("workload", ID)
            .field("engine", engine)
            .field("cells", n)
            .field("workers", workers)
            .field("tokens", tokens)
            .field("hops", hops)
            .field("hops_asked", asked)
            .field("scaled_down", hops < asked)
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("hops_per_s", Rounds.median(hopsPerS))
            .toString();
    }
}
