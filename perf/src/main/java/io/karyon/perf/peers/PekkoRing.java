package io.karyon.perf.peers;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W2 on Pekko typed actors: each ring cell learns its successor from a {@code Link} message, then forwards tokens
 * with {@code tell}.
 */
final class PekkoRing implements W2Peer.Ring
{
    /**
     * A ring cell's messages.
     */
    sealed interface Message permits Link, Token, Count
    {
    }

    /**
     * Tells a cell its successor.
     *
     * @param next in the ring.
     * @param done counted down once linked.
     */
    record Link(ActorRef<Message> next, CountDownLatch done) implements Message
    {
    }

    /**
     * A token with the hops it has left.
     *
     * @param hops left, counting the one that delivers it.
     * @param done counted down at the last hop.
     */
    record Token(long hops, CountDownLatch done) implements Message
    {
    }

    /**
     * Asks a cell to add its hop count to a total.
     *
     * @param total to add to.
     * @param done  counted down once added.
     */
    record Count(AtomicLong total, CountDownLatch done) implements Message
    {
    }

    private ActorSystem<PekkoCells.Run> system;
    private ActorRef<Message>[] ring;

    static Behavior<Message> unlinked()
    {
        return Behaviors.receive(Message.class)
            .onMessage(Link.class, (link) ->
            {
                link.done().countDown();
                return linked(link.next(), 0);
            })
            .build();
    }

    static Behavior<Message> linked(final ActorRef<Message> next, final long counted)
    {
        final long[] hops = { counted };
        return Behaviors.receive(Message.class)
            .onMessage(Token.class, (token) ->
            {
                hops[0]++;
                if (token.hops() > 1)
                {
                    next.tell(new Token(token.hops() - 1, token.done()));
                }
                else
                {
                    token.done().countDown();
                }
                return Behaviors.same();
            })
            .onMessage(Count.class, (count) ->
            {
                count.total().addAndGet(hops[0]);
                count.done().countDown();
                return Behaviors.same();
            })
            .build();
    }

    @SuppressWarnings("unchecked")
    public void start(final int n, final int workers)
    {
        system = PekkoCells.start("w2", workers);
        ring = (ActorRef<Message>[])new ActorRef<?>[n];
        Latches.await(PekkoCells.spawn(system, n, (i) -> unlinked(), (i, ref) -> ring[i] = ref), W2Peer.ID,
            "pekko references");
        final CountDownLatch linked = new CountDownLatch(n);
        for (int i = 0; i < n; i++)
        {
            ring[i].tell(new Link(ring[(i + 1) % n], linked));
        }
        Latches.await(linked, W2Peer.ID, "pekko links");
    }

    public void token(final int i, final long hops, final CountDownLatch done)
    {
        ring[i].tell(new Token(hops, done));
    }

    public long countedHops()
    {
        final AtomicLong total = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(ring.length);
        for (final ActorRef<Message> cell : ring)
        {
            cell.tell(new Count(total, done));
        }
        Latches.await(done, W2Peer.ID, "pekko hop counts");
        return total.get();
    }

    public void close()
    {
        if (null != system)
        {
            PekkoCells.terminate(system, W2Peer.ID);
        }
    }
}
