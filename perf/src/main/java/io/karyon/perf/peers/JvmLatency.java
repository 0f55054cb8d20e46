package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;
import io.karyon.perf.RoundTrips;

import java.util.concurrent.CountDownLatch;

/**
 * W7 on plain JVM objects: pingers and pongers are cells like any other; a game object says whether to play on.
 */
final class JvmLatency implements W7Peer.Cells
{
    static final Object PONG = new Object();

    /**
     * Starts a pinger's game.
     *
     * @param atNs when the round started: the first round trip counts from then.
     */
    record Start(long atNs)
    {
    }

    /**
     * A ping.
     *
     * @param from the pinger to answer.
     */
    record Ping(Pinger from)
    {
    }

    /**
     * One tick, told to every background cell.
     *
     * @param done counted down by each cell once it has stepped.
     */
    record Tick(CountDownLatch done)
    {
    }

    /**
     * Whether the pairs play on, and who waits for them to stop.
     */
    static final class Game
    {
        volatile boolean playing;
        volatile CountDownLatch stopped;
    }

    /**
     * Times each round trip and pings again while the game is on.
     */
    static final class Pinger extends JvmCell
    {
        final Game game;
        final RoundTrips roundTrips;
        JvmCell partner;
        long sentAtNs;
        long trips;

        Pinger(final JvmObjects system, final Game game, final RoundTrips roundTrips)
        {
            super(system);
            this.game = game;
            this.roundTrips = roundTrips;
        }

        void receive(final Object message)
        {
            if (PONG == message)
            {
                roundTrips.record(System.nanoTime() - sentAtNs);
                trips++;
                if (!game.playing)
                {
                    game.stopped.countDown();
                    return;
                }
                sentAtNs = System.nanoTime();
            }
            else
            {
                sentAtNs = ((Start)message).atNs();
            }
            partner.tell(new Ping(this));
        }
    }

    /**
     * Answers each ping.
     */
    static final class Ponger extends JvmCell
    {
        Ponger(final JvmObjects system)
        {
            super(system);
        }

        void receive(final Object message)
        {
            ((Ping)message).from().tell(PONG);
        }
    }

    /**
     * A background cell: the logistic map, counting its steps.
     */
    static final class Background extends JvmCell
    {
        double x;
        long steps;

        Background(final JvmObjects system, final double x)
        {
            super(system);
            this.x = x;
        }

        void receive(final Object message)
        {
            x = 3.9 * x * (1.0 - x);
            steps++;
            ((Tick)message).done().countDown();
        }
    }

    private final Game game = new Game();
    private JvmObjects system;
    private Pinger[] pingers;
    private Background[] background;

    public void start(final int pairs, final int background, final long seed, final int workers,
        final RoundTrips roundTrips)
    {
        system = new JvmObjects(W7Peer.ID, workers);
        pingers = new Pinger[pairs];
        for (int p = 0; p < pairs; p++)
        {
            pingers[p] = new Pinger(system, game, roundTrips);
            pingers[p].partner = new Ponger(system);
        }
        this.background = new Background[background];
        for (int i = 0; i < background; i++)
        {
            this.background[i] = new Background(system, BenchParams.unitOpen(seed, i));
        }
    }

    public void play(final long startNs)
    {
        game.playing = true;
        final Start start = new Start(startNs);
        for (final Pinger pinger : pingers)
        {
            pinger.tell(start);
        }
    }

    public void tick(final CountDownLatch done)
    {
        final Tick tick = new Tick(done);
        for (final Background cell : background)
        {
            cell.tell(tick);
        }
    }

    public void stop(final CountDownLatch stopped)
    {
        game.stopped = stopped;
        game.playing = false;
    }

    public long trips(final int pair)
    {
        system.check();
        return pingers[pair].trips;
    }

    public double x(final int i)
    {
        return background[i].x;
    }

    public long steps(final int i)
    {
        return background[i].steps;
    }

    public void close()
    {
        if (null != system)
        {
            system.close();
        }
    }
}
