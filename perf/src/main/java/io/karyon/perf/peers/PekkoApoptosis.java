package io.karyon.perf.peers;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W5 on Pekko typed actors: each cell is wrapped in {@code Behaviors.supervise(...).onFailure(SupervisorStrategy
 * .restart())} (logging of each failure off, as a million stack traces would measure the logger), spawned 1,000 to a
 * parent; a cell told its state is corrupt throws, and the restart runs its {@code Behaviors.setup} again, which
 * builds fresh state and counts the start.
 */
final class PekkoApoptosis implements W5Peer.Cells
{
    /**
     * A supervised cell's messages.
     */
    sealed interface Message permits Corrupt, Ping
    {
    }

    /**
     * Tells a cell its state is corrupt.
     */
    record Corrupt() implements Message
    {
    }

    /**
     * A ping.
     *
     * @param answered counted down by a cell with sound state.
     */
    record Ping(CountDownLatch answered) implements Message
    {
    }

    private static final Corrupt CORRUPT = new Corrupt();

    private final AtomicLong deaths = new AtomicLong();
    private final AtomicLong starts = new AtomicLong();
    private volatile CountDownLatch started;
    private ActorSystem<PekkoCells.Run> system;
    private ActorRef<Message>[] cells;
    private int n;

    Behavior<Message> cell()
    {
        return Behaviors.supervise(Behaviors.<Message>setup((context) ->
        {
            final boolean[] corrupt = { false };
            starts.incrementAndGet();
            started.countDown();
            return Behaviors.receive(Message.class)
                .onMessage(Corrupt.class, (message) ->
                {
                    corrupt[0] = true;
                    deaths.incrementAndGet();
                    throw new IllegalStateException("corrupt state");
                })
                .onMessage(Ping.class, (ping) ->
                {
                    if (!corrupt[0])
                    {
                        ping.answered().countDown();
                    }
                    return Behaviors.same();
                })
                .build();
        })).onFailure(IllegalStateException.class, SupervisorStrategy.restart().withLoggingEnabled(false));
    }

    @SuppressWarnings("unchecked")
    public void start(final int n, final int workers)
    {
        this.n = n;
        system = PekkoCells.start("w5", workers);
        cells = (ActorRef<Message>[])new ActorRef<?>[n];
        started = new CountDownLatch(n);
        final CountDownLatch spawned = PekkoCells.spawn(system, n, (i) -> cell(), (i, ref) -> cells[i] = ref);
        Latches.await(spawned, W5Peer.ID, "pekko references");
        Latches.await(started, W5Peer.ID, "pekko cells starting");
    }

    public void expectRestarts(final CountDownLatch restarted)
    {
        started = restarted;
    }

    public void corrupt(final int[] chosen, final int count)
    {
        final ActorRef<Message>[] all = cells;
        PekkoCells.run(system, () ->
        {
            for (int c = 0; c < count; c++)
            {
                all[chosen[c]].tell(CORRUPT);
            }
        });
    }

    public void pingAll(final CountDownLatch answered)
    {
        final Ping ping = new Ping(answered);
        final ActorRef<Message>[] all = cells;
        PekkoCells.run(system, () ->
        {
            for (final ActorRef<Message> cell : all)
            {
                cell.tell(ping);
            }
        });
    }

    public long deaths()
    {
        return deaths.get();
    }

    public long restarts()
    {
        return starts.get() - n;
    }

    public void close()
    {
        if (null != system)
        {
            PekkoCells.terminate(system, W5Peer.ID);
        }
    }
}
