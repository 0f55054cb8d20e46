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
 * W4, broadcast, on a peer: N member cells are in one group; a broadcaster cell (not a member) sends one signal to
 * the group, and the broadcast is done when every member has handled it by incrementing its own counter. The fan-out
 * time of a broadcast runs from the driver's trigger to the last member's count-down. A peer runs at most {@code
 * --peer-messages} / N broadcasts per round; its JSON line gives the broadcasts it ran and those asked for. The check:
 * after every round each member's counter equals the broadcasts sent so far, so each member handled each broadcast
 * exactly once. Karyon's membership churn has no peer part.
 */
final class W4Peer extends PeerWorkload
{
    static final String ID = "W4";
    private static final long HIGHEST_NS = 60_000_000_000L;

    /**
     * A peer's group of members and its broadcaster.
     */
    interface Members extends AutoCloseable
    {
        /**
         * Spawns n members, each with a counter at zero, all in one group, and a broadcaster outside it.
         */
        void start(int n, int workers);

        /**
         * Triggers the broadcaster, which sends one signal to the group; each member counts down done once it has
         * incremented its counter.
         */
        void broadcast(CountDownLatch done);

        /**
         * The counters of all members, read while no broadcast is running.
         *
         * @param counts where member i's counter goes, at index i.
         */
        void counts(long[] counts);

        /**
         * Stops the members.
         */
        void close();
    }

    private final Supplier<Members> members;

    W4Peer(final String engine, final Supplier<Members> members)
    {
        super(ID, engine);
        this.members = members;
    }

    public String run(final BenchParams params, final int workers)
    {
        final int n = params.cells();
        final int broadcasts = (int)Math.max(1, Math.min(params.broadcasts(), params.peerMessages() / n));
        final double[] seconds = new double[params.rounds()];
        final double[] deliveriesPerS = new double[params.rounds()];
        final LatencyRounds latency = new LatencyRounds(params.rounds(), HIGHEST_NS);
        final Histogram round = new Histogram(1, HIGHEST_NS, 3);
        final long[] counts = new long[n];
        try (Members peer = members.get())
        {
            peer.start(n, workers);
            long sentSoFar = 0;
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                round.reset();
                long totalNs = 0;
                for (int b = 0; b < broadcasts; b++)
                {
                    final CountDownLatch done = new CountDownLatch(n);
                    final long startNs = System.nanoTime();
                    peer.broadcast(done);
                    Latches.await(done, ID, engine + " members handling a broadcast");
                    final long ns = System.nanoTime() - startNs;
                    totalNs += ns;
                    round.recordValue(Math.min(ns, HIGHEST_NS));
                }
                sentSoFar += broadcasts;
                check(peer, counts, sentSoFar);

                final double roundSeconds = totalNs / 1e9;
                final double rate = (double)n * broadcasts / roundSeconds;
                params.progress(String.format(Locale.ROOT,
                    "W4 %s %s round: %,d members x %,d broadcasts on %d thread(s), %.2fM deliveries/s, fan-out p50 " +
                    "%.0f us, max %.0f us", engine, r < 0 ? "warm-up" : "measured", n, broadcasts, workers, rate / 1e6,
                    round.getValueAtPercentile(50) / 1e3, round.getMaxValue() / 1e3));
                if (r >= 0)
                {
                    latency.record(r, round);
                    seconds[r] = roundSeconds;
                    deliveriesPerS[r] = rate;
                }
            }
        }
        final Path hgrm = Histograms.write(params.out(), ID + "-" + engine, latency.all());
        return new Json()
            .field("workload", ID)
            .field("engine", engine)
            .field("cells", n)
            .field("workers", workers)
            .field("rounds", broadcasts)
            .field("broadcasts_asked", params.broadcasts())
            .field("scaled_down", broadcasts < params.broadcasts())
            .field("measured_rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("deliveries_per_s", Rounds.median(deliveriesPerS))
            .field("p50_us", latency.p50Us())
            .field("p99_us", latency.p99Us())
            .field("max_us", latency.maxUs())
            .field("hgrm", hgrm.toString())
            .toString();
    }

    private void check(final Members peer, final long[] counts, final long expected)
    {
        peer.counts(counts);
        for (int i = 0; i < counts.length; i++)
        {
            if (counts[i] != expected)
            {
                throw new WorkloadCheckException(ID, engine + " member " + i + " handled " + counts[i] +
                    " broadcasts, expected " + expected);
            }
        }
    }
}
