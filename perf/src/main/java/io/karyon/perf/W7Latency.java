package io.karyon.perf;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Placement;
import io.karyon.engine.Stats;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * W7, latency: P pairs of cells on different workers play ping-pong while the W3 logistic update runs on all the
 * other cells, in free-running mode. Headline figure: round-trip time percentiles, from the pinger sending a ping to
 * it handling the pong (the first from the round's start), per round trip and by time (see {@link RoundTrips}),
 * recorded by each worker in its own histograms.
 * <p>
 * The check: every pair completed round trips, nothing was lost, and a sample of background cells hold exactly the
 * logistic map iterated as many times as they were stepped.
 */
final class W7Latency
{
    static final String ID = "W7";
    static final CellLayout LAYOUT = CellLayout.builder()
        .doubleField("x")
        .longField("steps")
        .longField("partner")
        .longField("sentAt")
        .longField("trips")
        .array("rest", long.class, 3)
        .build();
    private static final int X = LAYOUT.offset("x");
    private static final int STEPS = LAYOUT.offset("steps");
    private static final int PARTNER = LAYOUT.offset("partner");
    private static final int SENT_AT = LAYOUT.offset("sentAt");
    private static final int TRIPS = LAYOUT.offset("trips");
    private static final int START = 1;
    private static final int PING = 2;
    private static final int PONG = 3;
    private static final int SAMPLES = 1024;

    /**
     * A ping-pong player: the pinger starts on START, whose payload is the round's start time, times each round trip
     * on PONG and pings again; the ponger answers each PING.
     */
    static final class Player implements Behaviour
    {
        private final RoundTrips[] roundTrips;
        // Written by the driver between rounds, read by the workers on each pong: stops the pairs at a round's end.
        private volatile boolean playing;

        Player(final RoundTrips[] roundTrips)
        {
            this.roundTrips = roundTrips;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            switch (type)
            {
                case PING:
                    context.send(sender, PONG, payload);
                    break;
                case PONG:
                    final long nowNs = System.nanoTime();
                    roundTrips[context.worker()].record(nowNs - cell.getLong(SENT_AT));
                    cell.putLong(TRIPS, cell.getLong(TRIPS) + 1);
                    if (playing)
                    {
                        cell.putLong(SENT_AT, nowNs);
                        context.send(cell.getLong(PARTNER), PING, 0);
                    }
                    break;
                case START:
                    cell.putLong(SENT_AT, payload);
                    context.send(cell.getLong(PARTNER), PING, 0);
                    break;
                default:
                    throw new IllegalArgumentException("player got unknown message type " + type);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    /**
     * A background cell: the logistic map, counting its steps so the result can be checked.
     */
    static final class Background implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final double x = cell.getDouble(X);
            cell.putDouble(X, 3.9 * x * (1.0 - x));
            cell.putLong(STEPS, cell.getLong(STEPS) + 1);
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    private W7Latency()
    {
    }

    static String run(final BenchParams params)
    {
        final W7Figures figures = new W7Figures(params.rounds());
        final int workers;
        try (Organism organism = Organism.launch(
            params.context().freeRunning(true).placement(Placement.ROUND_ROBIN)))
        {
            workers = organism.workerCount();
            if (workers < 2)
            {
                throw new IllegalArgumentException("W7 plays ping-pong between workers: it needs --workers >= 2");
            }
            final RoundTrips[] roundTrips = new RoundTrips[workers];
            for (int w = 0; w < workers; w++)
            {
                roundTrips[w] = new RoundTrips(false);
            }
            final Player players = new Player(roundTrips);
            organism.registerBehaviour("player", players);
            organism.registerBehaviour("background", new Background());
            final Genotype player = organism.genotype("player", LAYOUT, "player");
            final Genotype cell = organism.genotype("background", LAYOUT, "background");
            final long[] pingers = spawnPairs(organism, player, params.pairs());
            final Sample sample = spawnBackground(organism, cell, params.backgroundCells(), params.seed());

            final IdleStrategy wait = new SleepingMillisIdleStrategy(1);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                round(organism, players, pingers, params, wait, r, figures);
            }
            checkPairs(organism, pingers);
            sample.check(organism);
        }
        return figures.json(params, "karyon", ID, workers);
    }

    /**
     * Spawns the ping-pong pairs. Round-robin placement: consecutive spawns land on consecutive workers, so each pair
     * spans two workers.
     *
     * @return the pingers.
     */
    private static long[] spawnPairs(final Organism organism, final Genotype player, final int pairs)
    {
        final long[] pingers = new long[pairs];
        for (int p = 0; p < pairs; p++)
        {
            pingers[p] = organism.spawn(player);
            final long ponger = organism.spawn(player);
            organism.cell(pingers[p]).putLong(PARTNER, ponger);
            organism.cell(ponger).putLong(PARTNER, pingers[p]);
        }
        return pingers;
    }

    /**
     * Spawns the background cells at seeded starting points, keeping up to about {@link #SAMPLES} of them to check.
     */
    private static Sample spawnBackground(
        final Organism organism, final Genotype cell, final int background, final long seed)
    {
        final int step = Math.max(1, background / SAMPLES);
        final Sample sample = new Sample((background + step - 1) / step);
        for (int i = 0; i < background; i++)
        {
            final long handle = organism.spawn(cell);
            final double x = BenchParams.unitOpen(seed, i);
            organism.cell(handle).putDouble(X, x);
            if (0 == i % step)
            {
                sample.handles[i / step] = handle;
                sample.initial[i / step] = x;
            }
        }
        return sample;
    }

    /**
     * One round: the pairs play for the round's time while the background steps, then the organism settles and the
     * round trips the workers recorded are merged, checked for lost messages and recorded.
     */
    private static void round(
        final Organism organism,
        final Player players,
        final long[] pingers,
        final BenchParams params,
        final IdleStrategy wait,
        final int r,
        final W7Figures figures)
    {
        for (final RoundTrips trips : players.roundTrips)
        {
            trips.reset();
        }
        final Stats before = organism.stats();
        final long startNs = System.nanoTime();
        for (final long pinger : pingers)
        {
            organism.send(pinger, START, startNs);
        }
        players.playing = true;
        final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(params.millis());
        organism.start();
        while (System.nanoTime() - deadlineNs < 0)
        {
            wait.idle();
        }
        players.playing = false;
        organism.stop();
        final double roundSeconds = (System.nanoTime() - startNs) / 1e9;
        final Stats updated = organism.stats();
        // Let the last ping of every pair come home, so the next round starts from quiet.
        if (!organism.awaitQuiescence(TimeUnit.SECONDS.toNanos(10)))
        {
            throw new WorkloadCheckException(ID, "pings still in flight 10 s after the round");
        }
        final Stats after = organism.stats();

        final RoundTrips round = new RoundTrips(false);
        for (final RoundTrips trips : players.roundTrips)
        {
            round.add(trips);
        }
        if (after.deadLetters() != before.deadLetters())
        {
            throw new WorkloadCheckException(ID, (after.deadLetters() - before.deadLetters())
                + " dead letters");
        }
        final long updates = updated.updates() - before.updates();
        params.progress(W7Figures.progress(
            "karyon", r < 0, pingers.length, players.roundTrips.length, round, roundSeconds, updates));
        if (r >= 0)
        {
            figures.record(r, round, roundSeconds, updates);
        }
    }

    private static void checkPairs(final Organism organism, final long[] pingers)
    {
        for (final long pinger : pingers)
        {
            if (organism.cell(pinger).getLong(TRIPS) == 0)
            {
                throw new WorkloadCheckException(ID, "a pair never completed a round trip");
            }
        }
    }

    /**
     * The background cells kept for the check, with the values they started from.
     */
    private static final class Sample
    {
        private final long[] handles;
        private final double[] initial;

        Sample(final int size)
        {
            handles = new long[size];
            initial = new double[size];
        }

        /**
         * Each sampled cell holds exactly the logistic map iterated as many times as it was stepped.
         */
        void check(final Organism organism)
        {
            for (int s = 0; s < handles.length; s++)
            {
                final CellFlyweight state = organism.cell(handles[s]);
                double x = initial[s];
                for (long k = state.getLong(STEPS); k > 0; k--)
                {
                    x = 3.9 * x * (1.0 - x);
                }
                if (Double.doubleToRawLongBits(x) != Double.doubleToRawLongBits(state.getDouble(X)))
                {
                    throw new WorkloadCheckException(ID, "a background cell stepped " + state.getLong(STEPS) +
                        " times holds " + state.getDouble(X) + ", the scalar loop gives " + x);
                }
            }
        }
    }
}
