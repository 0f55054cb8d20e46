package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;
import io.karyon.perf.RoundTrips;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CountDownLatch;

/**
 * W7 on Pekko typed actors: a pinger learns its partner from its {@code Start} message and pings it with itself as
 * the reply-to; background actors step on each tick message.
 */
final class PekkoLatency implements W7Peer.Cells
{
    /**
     * The players' and background cells' messages.
     */
    sealed interface Message permits Start, Ping, Pong, Tick, Read
    {
    }

    /**
     * Starts a pinger's game.
     *
     * @param partner to ping.
     * @param atNs    when the round started: the first round trip counts from then.
     */
    record Start(ActorRef<Message> partner, long atNs) implements Message
    {
    }

    /**
     * A ping.
     *
     * @param replyTo the pinger.
     */
    record Ping(ActorRef<Message> replyTo) implements Message
    {
    }

    /**
     * The answer to a ping.
     */
    record Pong() implements Message
    {
    }

    /**
     * One tick, told to every background cell.
     *
     * @param done counted down by each cell once it has stepped.
     */
    record Tick(CountDownLatch done) implements Message
    {
    }

    /**
     * Asks a cell for its x and its count (steps, or round trips for a pinger).
     *
     * @param x     where x goes, at index 0.
     * @param count where the count goes, at index 0.
     * @param done  counted down once written.
     */
    record Read(double[] x, long[] count, CountDownLatch done) implements Message
    {
    }

    private static final Pong PONG = new Pong();

    private volatile boolean playing;
    private volatile CountDownLatch stopped;
    private ActorSystem<PekkoCells.Run> system;
    private ActorRef<Message>[] players;
    private ActorRef<Message>[] background;

    Behavior<Message> pinger(final RoundTrips roundTrips)
    {
        return Behaviors.setup((context) -> pinger(context, roundTrips, new long[2], null));
    }

    /**
     * A pinger; each {@code Start} names the partner it plays with from then on.
     *
     * @param state   sent at (ns), round trips.
     * @param partner the ponger, null before the first start.
     */
    private Behavior<Message> pinger(
        final ActorContext<Message> context, final RoundTrips roundTrips, final long[] state,
        final ActorRef<Message> partner)
    {
        return Behaviors.receive(Message.class)
            .onMessage(Start.class, (start) ->
            {
                state[0] = start.atNs();
                start.partner().tell(new Ping(context.getSelf()));
                return pinger(context, roundTrips, state, start.partner());
            })
            .onMessage(Pong.class, (pong) ->
            {
                roundTrips.record(System.nanoTime() - state[0]);
                state[1]++;
                if (playing)
                {
                    state[0] = System.nanoTime();
                    partner.tell(new Ping(context.getSelf()));
                }
                else
                {
                    stopped.countDown();
                }
                return Behaviors.same();
            })
            .onMessage(Read.class, (read) ->
            {
                read.count()[0] = state[1];
                read.done().countDown();
                return Behaviors.same();
            })
            .build();
    }

    static Behavior<Message> ponger()
    {
        return Behaviors.receive(Message.class)
            .onMessage(Ping.class, (ping) ->
            {
                ping.replyTo().tell(PONG);
                return Behaviors.same();
            })
            .build();
    }

    static Behavior<Message> background(final double initial)
    {
        final double[] x = { initial };
        final long[] steps = { 0 };
        return Behaviors.receive(Message.class)
            .onMessage(Tick.class, (tick) ->
            {
                x[0] = 3.9 * x[0] * (1.0 - x[0]);
                steps[0]++;
                tick.done().countDown();
                return Behaviors.same();
            })
            .onMessage(Read.class, (read) ->
            {
                read.x()[0] = x[0];
                read.count()[0] = steps[0];
                read.done().countDown();
                return Behaviors.same();
            })
            .build();
    }

    @SuppressWarnings("unchecked")
    public void start(final int pairs, final int background, final long seed, final int workers,
        final RoundTrips roundTrips)
    {
        system = PekkoCells.start("w7", workers);
        players = (ActorRef<Message>[])new ActorRef<?>[2 * pairs];
        this.background = (ActorRef<Message>[])new ActorRef<?>[background];
        final ActorRef<Message>[] cells = this.background;
        Latches.await(PekkoCells.spawn(system, 2 * pairs, (i) -> 0 == (i & 1) ? pinger(roundTrips) : ponger(),
            (i, ref) -> players[i] = ref), W7Peer.ID, "pekko references");
        Latches.await(PekkoCells.spawn(system, background, (i) -> background(BenchParams.unitOpen(seed, i)),
            (i, ref) -> cells[i] = ref), W7Peer.ID, "pekko references");
    }

    public void play(final long startNs)
    {
        playing = true;
        for (int p = 0; p < players.length; p += 2)
        {
            players[p].tell(new Start(players[p + 1], startNs));
        }
    }

    public void tick(final CountDownLatch done)
    {
        final Tick tick = new Tick(done);
        final ActorRef<Message>[] all = background;
        PekkoCells.run(system, () ->
        {
            for (final ActorRef<Message> cell : all)
            {
                cell.tell(tick);
            }
        });
    }

    public void stop(final CountDownLatch stopped)
    {
        this.stopped = stopped;
        playing = false;
    }

    public long trips(final int pair)
    {
        return read(players[2 * pair]).count()[0];
    }

    public double x(final int i)
    {
        return read(background[i]).x()[0];
    }

    public long steps(final int i)
    {
        return read(background[i]).count()[0];
    }

    private static Read read(final ActorRef<Message> cell)
    {
        final Read read = new Read(new double[1], new long[1], new CountDownLatch(1));
        cell.tell(read);
        Latches.await(read.done(), W7Peer.ID, "pekko reads");
        return read;
    }

    public void close()
    {
        if (null != system)
        {
            PekkoCells.terminate(system, W7Peer.ID);
        }
    }
}
