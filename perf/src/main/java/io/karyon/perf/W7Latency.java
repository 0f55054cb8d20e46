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
        final int pairs = params.pairs();
        final int background = params.backgroundCells();
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

            // Round-robin placement: consecutive spawns land on consecutive workers, so each pair spans two workers.
            final long[] pingers = new long[pairs];
            for (int p = 0; p < pairs; p++)
            {
                pingers[p] = organism.spawn(player);
                final long ponger = organism.spawn(player);
                organism.cell(pingers[p]).putLong(PARTNER, ponger);
                organism.cell(ponger).putLong(PARTNER, pingers[p]);
            }
            final int step = Math.max(1, background / SAMPLES);
            final long[] sampled = new long[(background + step - 1) / step];
            final double[] initial = new double[sampled.length];
            for (int i = 0; i < background; i++)
            {
                final long handle = organism.spawn(cell);
                final double x = BenchParams.unitOpen(params.seed(), i);
                organism.cell(handle).putDouble(X, x);
                if (0 == i % step)
                {
                    sampled[i / step] = handle;
                    initial[i / step] = x;
                }
            }

            final IdleStrategy wait = new SleepingMillisIdleStrategy(1);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                for (final RoundTrips trips : roundTrips)
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
                for (final RoundTrips trips : roundTrips)
                {
                    round.add(trips);
                }
                if (after.deadLetters() != before.deadLetters())
                {
                    throw new WorkloadCheckException(ID, (after.deadLetters() - before.deadLetters())
                        + " dead letters");
                }
                final long updates = updated.updates() - before.updates();
                params.progress(W7Figures.progress("karyon", r < 0, pairs, workers, round, roundSeconds, updates));
                if (r >= 0)
                {
                    figures.record(r, round, roundSeconds, updates);
                }
            }
            for (final long pinger : pingers)
            {
                if (organism.cell(pinger).getLong(TRIPS) == 0)
                {
                    throw new WorkloadCheckException(ID, "a pair never completed a round trip");
                }
            }
            for (int s = 0; s < sampled.length; s++)
            {
                final CellFlyweight state = organism.cell(sampled[s]);
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
        return figures.json(params, "karyon", ID, workers);
    }
}
