package io.karyon.perf.peers;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * W4 on plain JVM objects: the group is a set backed by a {@link ConcurrentHashMap} that members join; the
 * broadcaster is a cell of its own which, told to fire, tells one shared signal object to every member of the set.
 */
final class JvmBroadcast implements W4Peer.Members
{
    /**
     * One broadcast's signal, told to every member.
     *
     * @param done counted down by each member once it has counted the signal.
     */
    record Signal(CountDownLatch done)
    {
    }

    /**
     * A member: counts the signals it handles.
     */
    static final class Member extends JvmCell
    {
        long count;

        Member(final JvmObjects system)
        {
            super(system);
        }

        void receive(final Object message)
        {
            count++;
            ((Signal)message).done().countDown();
        }
    }

    /**
     * The broadcaster: told a signal, sends it to every member of the group.
     */
    static final class Broadcaster extends JvmCell
    {
        private final Set<Member> group;

        Broadcaster(final JvmObjects system, final Set<Member> group)
        {
            super(system);
            this.group = group;
        }

        void receive(final Object message)
        {
            for (final Member member : group)
            {
                member.tell(message);
            }
        }
    }

    private JvmObjects system;
    private Member[] members;
    private Broadcaster broadcaster;

    public void start(final int n, final int workers)
    {
        system = new JvmObjects(W4Peer.ID, workers);
        final Set<Member> group = ConcurrentHashMap.newKeySet(n);
        members = new Member[n];
        for (int i = 0; i < n; i++)
        {
            members[i] = new Member(system);
            group.add(members[i]);
        }
        broadcaster = new Broadcaster(system, group);
    }

    public void broadcast(final CountDownLatch done)
    {
        broadcaster.tell(new Signal(done));
    }

    public void counts(final long[] counts)
    {
        system.check();
        for (int i = 0; i < members.length; i++)
        {
            counts[i] = members[i].count;
        }
    }

    public void close()
    {
        if (null != system)
        {
            system.close();
        }
    }
}
