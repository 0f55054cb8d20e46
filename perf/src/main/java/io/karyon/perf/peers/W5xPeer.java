package io.karyon.perf.peers;

import io.karyon.cli.Json;
import io.karyon.perf.BenchParams;
import io.karyon.perf.Rounds;
import io.karyon.perf.WorkloadCheckException;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * W5x, escalation, on a peer: N cells under supervisors of 1,000 cells each that allow {@link #INTENSITY} restarts
 * within {@link #PERIOD}, the supervisors under parents of {@link #SUPERVISORS_PER_PARENT} each, as in Karyon's run.
 * In each round the same seeded supervisor as Karyon's victim sees {@code INTENSITY + 1} deaths of its cells at once:
 * it restarts the first {@code INTENSITY}, then gives up, and its parent restarts it, which starts all its cells anew.
 * The round's time ({@code escalation_ms}) runs from telling the cells to die to the last new cell's start. The checks,
 * after every cell answered a ping: exactly one escalation, exactly {@code INTENSITY} + the victim's cells starts,
 * every one of the victim's cells a new incarnation, and every other supervisor's cells the same incarnation as before
 * the round ({@code untouched_ok}).
 */
final class W5xPeer extends PeerWorkload
{
    static final String ID = "W5x";
    /** Restarts a supervisor allows within {@link #PERIOD}; one more death makes it give up (Karyon's: 3). */
    static final int INTENSITY = 3;
    /** The window of {@link #INTENSITY}: Karyon's is 10 ticks; the peers have no ticks, so it is time. */
    static final Duration PERIOD = Duration.ofSeconds(10);
    static final int CHILDREN_PER_SUPERVISOR = W5Peer.CHILDREN_PER_SUPERVISOR;
    static final int SUPERVISORS_PER_PARENT = 100;

    /**
     * A peer's supervision tree.
     */
    interface Tree extends AutoCloseable
    {
        /**
         * Spawns n cells under supervisors of 1,000 and the supervisors under parents of 100, and returns once all
         * cells have started.
         */
        void start(int n, int workers);

        /**
         * The latch each start of a cell (restarted, or new under a restarted supervisor) counts down from now on.
         */
        void expectStarts(CountDownLatch started);

        /**
         * Makes {@code INTENSITY + 1} of the supervisor's cells die at once, more than it allows.
         */
        void exceed(int supervisor);

        /**
         * Sends every cell a ping through its supervisor; every live cell counts down answered.
         */
        void pingAll(CountDownLatch answered);

        /**
         * Cell i's current incarnation: changes whenever the cell is restarted or replaced.
         */
        long incarnation(int cell);

        /**
         * Cell starts so far, the first ones included.
         */
        long starts();

        /**
         * Supervisors their parents restarted so far.
         */
        long escalations();

        /**
         * Stops the tree.
         */
        void close();
    }

    private final Supplier<Tree> tree;

    W5xPeer(final String engine, final Supplier<Tree> tree)
    {
        super(ID, engine);
        this.tree = tree;
    }

    public String run(final BenchParams params, final int workers)
    {
        final int n = params.cells();
        final int supervisors = (n + CHILDREN_PER_SUPERVISOR - 1) / CHILDREN_PER_SUPERVISOR;
        final double[] escalationMs = new double[params.rounds()];
        final long[] incarnations = new long[n];
        long escalations = 0;
        boolean untouched = true;
        try (Tree peer = tree.get())
        {
            peer.start(n, workers);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                final int victim = (int)((BenchParams.generate(params.seed(), r + 1000L) >>> 1) % supervisors);
                final int first = victim * CHILDREN_PER_SUPERVISOR;
                final int last = Math.min(n, first + CHILDREN_PER_SUPERVISOR);
                for (int i = 0; i < n; i++)
                {
                    incarnations[i] = peer.incarnation(i);
                }
                final long expectedStarts = INTENSITY + last - first;
                final CountDownLatch started = new CountDownLatch((int)expectedStarts);
                peer.expectStarts(started);
                final long startsBefore = peer.starts();
                final long escalationsBefore = peer.escalations();
                final long startNs = System.nanoTime();
                peer.exceed(victim);
                Latches.await(started, ID, engine + " cell starts");
                final long elapsedNs = System.nanoTime() - startNs;

                checkAnswering(peer, n);
                final long roundEscalations = peer.escalations() - escalationsBefore;
                final long roundStarts = peer.starts() - startsBefore;
                final boolean roundUntouched = checkIncarnations(
                    peer, incarnations, victim, roundEscalations, roundStarts, expectedStarts);
                params.progress(String.format(Locale.ROOT,
                    "W5x %s %s round: supervisor %d gave up, %d escalation(s), recovered in %.1f ms, others " +
                    "untouched: %s", engine, r < 0 ? "warm-up" : "measured", victim, roundEscalations,
                    elapsedNs / 1e6, roundUntouched));
                if (r >= 0)
                {
                    escalations += roundEscalations;
                    untouched &= roundUntouched;
                    escalationMs[r] = elapsedNs / 1e6;
                }
            }
        }
        return json(params, workers, escalations, untouched, escalationMs);
    }

    /**
     * Every cell answers a ping after the recovery.
     */
    private void checkAnswering(final Tree peer, final int n)
    {
        final CountDownLatch answered = new CountDownLatch(n);
        peer.pingAll(answered);
        Latches.awaitQuietly(answered, 60);
        if (0 != answered.getCount())
        {
            throw new WorkloadCheckException(ID, engine + ": " + (n - answered.getCount()) +
                " cells answered after recovery, expected " + n);
        }
    }

    /**
     * Exactly one escalation and the expected cell starts, every one of the victim's cells a new incarnation and
     * every other cell the one it had before the round.
     *
     * @return whether the other supervisors' cells were untouched (always true when it returns).
     */
    private boolean checkIncarnations(
        final Tree peer,
        final long[] incarnations,
        final int victim,
        final long roundEscalations,
        final long roundStarts,
        final long expectedStarts)
    {
        final int first = victim * CHILDREN_PER_SUPERVISOR;
        final int last = Math.min(incarnations.length, first + CHILDREN_PER_SUPERVISOR);
        int renewed = 0;
        boolean roundUntouched = true;
        for (int i = 0; i < incarnations.length; i++)
        {
            final boolean same = incarnations[i] == peer.incarnation(i);
            if (i >= first && i < last)
            {
                renewed += same ? 0 : 1;
            }
            else
            {
                roundUntouched &= same;
            }
        }
        if (1 != roundEscalations || roundStarts != expectedStarts || renewed != last - first ||
            !roundUntouched)
        {
            throw new WorkloadCheckException(ID, engine + ": supervisor " + victim + " escalated " +
                roundEscalations + " times (expected once), " + roundStarts + " cell starts (expected " +
                expectedStarts + "), " + renewed + " of its " + (last - first) +
                " cells new; other supervisors untouched: " + roundUntouched);
        }
        return roundUntouched;
    }

    private String json(
        final BenchParams params,
        final int workers,
        final long escalations,
        final boolean untouched,
        final double[] escalationMs)
    {
        final int n = params.cells();
        return new Json()
            .field("workload", ID)
            .field("engine", engine)
            .field("cells", n)
            .field("workers", workers)
            .field("supervisors", (n + CHILDREN_PER_SUPERVISOR - 1) / CHILDREN_PER_SUPERVISOR)
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(escalationMs) / 1e3)
            .field("escalations", escalations)
            .field("expected_escalations", params.rounds())
            .field("untouched_ok", untouched)
            .field("escalation_ms", Rounds.median(escalationMs))
            .toString();
    }
}
