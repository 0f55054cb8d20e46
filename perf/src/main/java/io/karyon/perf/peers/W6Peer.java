package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;
import io.karyon.perf.Histograms;
import io.karyon.perf.W6Mix;

import java.nio.file.Path;

/**
 * W6, matrix, on a peer: one writer per thread, K sites holding doubles; each writer runs the same seeded 50/50 mix of
 * reads and read-modify-writes of uniformly random keys as Karyon's writer of the same index, each operation's
 * latency recorded. The rounds and checks are {@link W6Mix#run}'s, as for Karyon's {@code ConcurrentHashMap} baseline:
 * every writer ran its operations, and the sites' total changed by exactly the sum of the increments.
 * <p>
 * A peer whose operations are messages runs at most {@code --peer-messages} messages a round (its writers run fewer
 * operations each, as W2's peers run fewer hops), and its JSON line gives the operations it ran ({@code ops}) and the
 * ones asked for ({@code ops_asked}, {@code scaled_down}).
 */
final class W6Peer extends PeerWorkload
{
    static final String ID = W6Mix.ID;

    /**
     * Makes a peer's sites.
     */
    interface Factory
    {
        /**
         * K sites, all 0, and the writers.
         */
        W6Mix.Sites create(int keys, int workers);
    }

    private final Factory factory;
    private final int messagesPerOperation;

    /**
     * @param engine               the peer.
     * @param factory              its sites.
     * @param messagesPerOperation messages one operation takes (0 when operations are calls, not messages).
     */
    W6Peer(final String engine, final Factory factory, final int messagesPerOperation)
    {
        super(ID, engine);
        this.factory = factory;
        this.messagesPerOperation = messagesPerOperation;
    }

    /**
     * The operations each writer runs a round: M, or fewer if M would take more than {@code --peer-messages}.
     */
    long opsPerWriter(final BenchParams params, final int workers)
    {
        if (0 == messagesPerOperation)
        {
            return params.ops();
        }
        return Math.max(1, Math.min(params.ops(), params.peerMessages() / messagesPerOperation / workers));
    }

    public String run(final BenchParams params, final int workers)
    {
        final int keys = params.cells();
        final long opsPerWriter = opsPerWriter(params, workers);
        final W6Mix.Result result;
        try (W6Mix.Sites sites = factory.create(keys, workers))
        {
            result = W6Mix.run(params, opsPerWriter, workers, engine, sites);
        }
        final Path hgrm = Histograms.write(params.out(), ID + "-" + engine, result.all());
        return result.json(params, keys, engine, hgrm)
            .field("ops_asked", params.ops() * workers)
            .field("scaled_down", opsPerWriter < params.ops())
            .toString();
    }
}
