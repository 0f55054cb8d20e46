package io.karyon.perf.peers;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * W4 on Pekko typed actors: the group is an actor holding its members' references (members join by telling it
 * theirs; Pekko typed's group routers route each message to one routee, not to all); the broadcaster is an actor
 * which, told to fire, tells the group to publish one shared signal, and the group tells it to every member. The
 * counters are read by publishing a report message to the group.
 */
final class PekkoBroadcast implements W4Peer.Members
{
    /**
     * A member's messages.
     */
    sealed interface Message permits Signal, Report
    {
    }

    /**
     * One broadcast's signal, told to every member.
     *
     * @param done counted down by each member once it has counted the signal.
     */
    record Signal(CountDownLatch done) implements Message
    {
    }

    /**
     * Asks every member for its counter.
     *
     * @param counts where member i's counter goes, at index i.
     * @param done   counted down by each member once written.
     */
    record Report(long[] counts, CountDownLatch done) implements Message
    {
    }

    /**
     * The group's messages.
     */
    sealed interface GroupMessage permits Join, Publish
    {
    }

    /**
     * A member joins the group.
     *
     * @param member the member's reference.
     * @param joined counted down once the group holds it.
     */
    record Join(ActorRef<Message> member, CountDownLatch joined) implements GroupMessage
    {
    }

    /**
     * Sends a message to every member of the group.
     *
     * @param message told to every member.
     */
    record Publish(Message message) implements GroupMessage
    {
    }

    private ActorSystem<PekkoCells.Run> system;
    private ActorRef<GroupMessage> group;
    private ActorRef<Signal> broadcaster;

    static Behavior<Message> member(final int index)
    {
        final long[] count = { 0 };
        return Behaviors.receive(Message.class)
            .onMessage(Signal.class, (signal) ->
            {
                count[0]++;
                signal.done().countDown();
                return Behaviors.same();
            })
            .onMessage(Report.class, (report) ->
            {
                report.counts()[index] = count[0];
                report.done().countDown();
                return Behaviors.same();
            })
            .build();
    }

    static Behavior<GroupMessage> group()
    {
        final List<ActorRef<Message>> members = new ArrayList<>();
        return Behaviors.receive(GroupMessage.class)
            .onMessage(Join.class, (join) ->
            {
                members.add(join.member());
                join.joined().countDown();
                return Behaviors.same();
            })
            .onMessage(Publish.class, (publish) ->
            {
                for (final ActorRef<Message> member : members)
                {
                    member.tell(publish.message());
                }
                return Behaviors.same();
            })
            .build();
    }

    static Behavior<Signal> broadcaster(final ActorRef<GroupMessage> group)
    {
        return Behaviors.receive(Signal.class)
            .onMessage(Signal.class, (signal) ->
            {
                group.tell(new Publish(signal));
                return Behaviors.same();
            })
            .build();
    }

    @SuppressWarnings("unchecked")
    public void start(final int n, final int workers)
    {
        system = PekkoCells.start("w4", workers);
        final ActorRef<?>[] spawned = new ActorRef<?>[2];
        final CountDownLatch ready = new CountDownLatch(1);
        system.tell(new PekkoCells.Run((guardian) ->
        {
            final ActorRef<GroupMessage> members = guardian.spawn(group(), "group");
            spawned[0] = members;
            spawned[1] = guardian.spawn(broadcaster(members), "broadcaster");
            ready.countDown();
        }));
        Latches.await(ready, W4Peer.ID, "pekko group and broadcaster");
        group = (ActorRef<GroupMessage>)spawned[0];
        broadcaster = (ActorRef<Signal>)spawned[1];
        final CountDownLatch joined = new CountDownLatch(n);
        final ActorRef<GroupMessage> members = group;
        Latches.await(PekkoCells.spawn(system, n, PekkoBroadcast::member,
            (i, ref) -> members.tell(new Join(ref, joined))), W4Peer.ID, "pekko references");
        Latches.await(joined, W4Peer.ID, "pekko members joining the group");
    }

    public void broadcast(final CountDownLatch done)
    {
        broadcaster.tell(new Signal(done));
    }

    public void counts(final long[] counts)
    {
        final CountDownLatch done = new CountDownLatch(counts.length);
        group.tell(new Publish(new Report(counts, done)));
        Latches.await(done, W4Peer.ID, "pekko member reports");
    }

    public void close()
    {
        if (null != system)
        {
            PekkoCells.terminate(system, W4Peer.ID);
        }
    }
}
