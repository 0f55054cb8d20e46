package io.karyon.perf;

import io.karyon.cli.Json;
import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.SignalStats;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.Locale;

/**
 * W4, broadcast: N cells (64 bytes of state each) are members of one group; one cell (not a member) broadcasts a
 * signal to the group, and the broadcast is done when every member has handled it by incrementing a counter in its
 * own state; R broadcasts per round. The fan-out time of a broadcast is the wall time of the two ticks it takes, as
 * the leading worker times each tick from its start to the barrier (so the driver's own wake-up after the run is not
 * counted): the broadcaster's tick (it handles the driver's trigger and broadcasts) and the delivering tick (every
 * member handles the signal). Headline figures: fan-out time p50/p99/max and member-deliveries per second.
 * <p>
 * Each round then measures membership churn: C broadcasts each ask every member to leave the group it is in and join
 * the other one of two groups, so a churn step is 2N membership changes; its rate is the changes over the wall time of
 * the three ticks from the trigger to the changes being applied (delivery included).
 * <p>
 * The check: after every round each member's counter equals the broadcasts sent so far (every member counted exactly
 * once per broadcast), the engine's member-delivery counter grew by N per broadcast with no dead letters, and after
 * the churn every member is back in the first group and none in the second.
 */
final class W4Broadcast
{
    static final String ID = "W4";
    static final CellLayout LAYOUT = CellLayout.builder().longField("count").array("rest", long.class, 7).build();
    private static final int COUNT = LAYOUT.offset("count");
    private static final int FIRE = 1;
    private static final int SIGNAL = 2;
    private static final int FIRE_CHURN = 3;
    private static final int CHURN = 4;
    private static final long HIGHEST_NS = 60_000_000_000L;

    /**
     * A member: counts signals; on a churn signal, moves from the group it is in to the other.
     */
    static final class Member implements Behaviour
    {
        private final int first;
        private final int second;

        Member(final int first, final int second)
        {
            this.first = first;
            this.second = second;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            if (SIGNAL == type)
            {
                cell.putLong(COUNT, cell.getLong(COUNT) + 1);
            }
            else if (CHURN == type)
            {
                context.leave(0 == payload ? first : second);
                context.join(0 == payload ? second : first);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    /**
     * The broadcaster: on the driver's trigger, broadcasts to the group the payload names.
     */
    static final class Broadcaster implements Behaviour
    {
        private final int first;
        private final int second;

        Broadcaster(final int first, final int second)
        {
            this.first = first;
            this.second = second;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            if (FIRE == type)
            {
                context.broadcast(first, SIGNAL, payload);
            }
            else if (FIRE_CHURN == type)
            {
                context.broadcast(0 == payload ? first : second, CHURN, payload);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    private W4Broadcast()
    {
    }

    static String run(final BenchParams params)
    {
        final int n = params.cells();
        final int broadcasts = params.broadcasts();
        final int churns = params.churn();
        final Figures figures = new Figures(params.rounds());
        final Histogram round = new Histogram(1, HIGHEST_NS, 3);
        final long[] members = new long[n];
        try (Organism organism = Organism.launch(params.context()))
        {
            figures.workers = organism.workerCount();
            figures.bytesPerUpdate = bytesPerUpdate(LAYOUT, organism.context().stateLength());
            final int first = organism.groups().id("w4-first");
            final int second = organism.groups().id("w4-second");
            final long broadcaster = populate(organism, first, second, members);

            long sentSoFar = 0;
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                round.reset();
                final SignalStats before = organism.signalStats();
                final long deadLettersBefore = organism.stats().deadLetters();
                final long totalNs = fanOut(organism, broadcaster, broadcasts, round);
                sentSoFar += broadcasts;
                final SignalStats after = organism.signalStats();
                check(organism, members, sentSoFar, after.memberDeliveries() - before.memberDeliveries(),
                    (long)n * broadcasts, organism.stats().deadLetters() - deadLettersBefore);

                final long changesBefore = after.membershipChanges();
                final long churnNs = churn(organism, broadcaster, churns);
                final long changes = organism.signalStats().membershipChanges() - changesBefore;
                if (0 != (churns & 1))
                {
                    organism.send(broadcaster, FIRE_CHURN, 1);
                    organism.run(3);
                }
                checkChurn(organism, first, second, n, changes, 2L * n * churns);

                final double roundSeconds = totalNs / 1e9;
                final double rate = (double)n * broadcasts / roundSeconds;
                final double churnRate = 0 == churns ? 0.0 : changes / (churnNs / 1e9);
                params.progress(String.format(Locale.ROOT,
                    "W4 %s round: %,d members x %,d broadcasts on %d worker(s), %.1fM deliveries/s, fan-out p50 %.0f " +
                    "us, max %.0f us; churn %.1fM changes/s", r < 0 ? "warm-up" : "measured", n, broadcasts,
                    figures.workers, rate / 1e6, round.getValueAtPercentile(50) / 1e3, round.getMaxValue() / 1e3,
                    churnRate / 1e6));
                if (r >= 0)
                {
                    figures.record(r, round, roundSeconds, rate, churnRate);
                }
            }
            // After the rounds, not before: the triad's large arrays left the rounds that followed them 5-14% slower
            figures.triad = Stream.triad(organism, params, ID);
        }
        return figures.json(params);
    }

    /**
     * The memory traffic of one W4 member-delivery, {@code bytes_per_update}: the members, spawned in order, visited
     * in slot order, each reading and writing its count (see {@link Traffic#memberBytes}).
     *
     * @param layout      of the members.
     * @param stateLength the organism's state length per slot.
     * @return bytes per delivery.
     */
    static double bytesPerUpdate(final CellLayout layout, final int stateLength)
    {
        return Traffic.memberBytes(layout, stateLength, "count");
    }

    /**
     * Spawns the broadcaster and the members, every member in the first group.
     *
     * @return the broadcaster.
     */
    private static long populate(final Organism organism, final int first, final int second, final long[] members)
    {
        organism.registerBehaviour("member", new Member(first, second));
        organism.registerBehaviour("broadcaster", new Broadcaster(first, second));
        final Genotype member = organism.genotype("member", LAYOUT, "member");
        final Genotype broadcasterGenotype = organism.genotype("broadcaster", LAYOUT, "broadcaster");
        final long broadcaster = organism.spawn(broadcasterGenotype);
        for (int i = 0; i < members.length; i++)
        {
            members[i] = organism.spawn(member);
            organism.groups().join(members[i], first);
        }
        return broadcaster;
    }

    /**
     * The round's broadcasts, each timed by its two ticks and recorded in {@code round}.
     *
     * @return the round's fan-out time in ns.
     */
    private static long fanOut(
        final Organism organism, final long broadcaster, final int broadcasts, final Histogram round)
    {
        long totalNs = 0;
        for (int b = 0; b < broadcasts; b++)
        {
            organism.send(broadcaster, FIRE, b);
            // The two ticks as the leading worker timed them: the driver's own wake-up is not the fan-out.
            organism.resetTickLatencies();
            organism.run(2);
            final Histogram ticks = organism.tickLatencies();
            final long ns = Math.round(ticks.getMean() * ticks.getTotalCount());
            totalNs += ns;
            round.recordValue(Math.min(ns, HIGHEST_NS));
        }
        return totalNs;
    }

    /**
     * The round's churn steps, each timed over the three ticks from the trigger to the changes being applied.
     *
     * @return the churn time in ns.
     */
    private static long churn(final Organism organism, final long broadcaster, final int churns)
    {
        long churnNs = 0;
        for (int c = 0; c < churns; c++)
        {
            organism.send(broadcaster, FIRE_CHURN, c & 1);
            final long startNs = System.nanoTime();
            organism.run(3);
            churnNs += System.nanoTime() - startNs;
        }
        return churnNs;
    }

    private static void check(final Organism organism, final long[] members, final long expected,
        final long deliveries, final long expectedDeliveries, final long deadLetters)
    {
        if (deliveries != expectedDeliveries || 0 != deadLetters)
        {
            throw new WorkloadCheckException(ID, deliveries + " member deliveries and " + deadLetters +
                " dead letters in a round, expected " + expectedDeliveries + " and 0");
        }
        for (final long member : members)
        {
            final long count = organism.cell(member).getLong(COUNT);
            if (count != expected)
            {
                throw new WorkloadCheckException(ID, "member " + Handle.toString(member) + " handled " + count +
                    " broadcasts, expected " + expected);
            }
        }
    }

    private static void checkChurn(final Organism organism, final int first, final int second, final int n,
        final long changes, final long expectedChanges)
    {
        if (changes != expectedChanges || organism.groups().size(first) != n || 0 != organism.groups().size(second))
        {
            throw new WorkloadCheckException(ID, "churn made " + changes + " membership changes, expected " +
                expectedChanges + "; groups hold " + organism.groups().size(first) + " and " +
                organism.groups().size(second) + " members, expected " + n + " and 0");
        }
    }

    /**
     * The figures of the measured rounds, and the JSON line that reports them.
     */
    private static final class Figures
    {
        private final double[] seconds;
        private final double[] deliveriesPerS;
        private final double[] churnPerS;
        private final LatencyRounds latency;
        private int workers;
        private double triad;
        private double bytesPerUpdate;

        Figures(final int rounds)
        {
            seconds = new double[rounds];
            deliveriesPerS = new double[rounds];
            churnPerS = new double[rounds];
            latency = new LatencyRounds(rounds, HIGHEST_NS);
        }

        void record(
            final int r, final Histogram round, final double roundSeconds, final double rate, final double churnRate)
        {
            latency.record(r, round);
            seconds[r] = roundSeconds;
            deliveriesPerS[r] = rate;
            churnPerS[r] = churnRate;
        }

        String json(final BenchParams params)
        {
            final Path hgrm = Histograms.write(params.out(), ID, latency.all());
            final double rate = Rounds.median(deliveriesPerS);
            return new Json()
                .field("workload", ID)
                .field("engine", "karyon")
                .field("cells", params.cells())
                .field("workers", workers)
                .field("rounds", params.broadcasts())
                .field("measured_rounds", params.rounds())
                .field("seconds", Rounds.median(seconds))
                .field("deliveries_per_s", rate)
                .field("bytes_per_update", bytesPerUpdate)
                .field("triad_bytes_per_s", triad)
                .field("stream_fraction", Traffic.fraction(rate, bytesPerUpdate, triad))
                .field("p50_us", latency.p50Us())
                .field("p99_us", latency.p99Us())
                .field("max_us", latency.maxUs())
                .field("churn_per_s", Rounds.median(churnPerS))
                .field("hgrm", hgrm.toString())
                .toString();
        }
    }
}
