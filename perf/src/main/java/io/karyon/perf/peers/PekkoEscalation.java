package io.karyon.perf.peers;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DeathPactException;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * W5x on Pekko typed actors, with Pekko's own supervision as its fault-tolerance documentation describes it. Each cell
 * is wrapped in {@code Behaviors.supervise(...).onFailure(IllegalStateException.class, SupervisorStrategy.restart()
 * .withLimit(INTENSITY, PERIOD))}, spawned 1,000 to a supervisor actor that watches each; the supervisors are spawned
 * 100 to a parent actor, each wrapped in {@code supervise(...).onFailure(DeathPactException.class,
 * SupervisorStrategy.restart())}. A cell that exceeds its limit is stopped (so says {@code withLimit}'s javadoc); its
 * supervisor, watching it and not handling the {@code ChildFailed} signal, fails with a {@code DeathPactException}
 * ("bubble failures up through the hierarchy"), and the restart its parent declared stops the supervisor's cells and
 * runs its {@code Behaviors.setup} again, which spawns a new set of cells.
 * <p>
 * Pekko's limit counts the restarts of one actor, not of all the children of a supervisor as Karyon's (and OTP's)
 * intensity does, so four different cells dying once each would just be restarted. The excess is therefore one cell
 * dying {@code INTENSITY + 1} times: the same number of deaths as in Karyon's round, under the same supervisor, within
 * the window. Logging of each failure is off, as in W5's Pekko peer, and so is the log of the cell stopped each round.
 */
final class PekkoEscalation implements W5xPeer.Tree
{
    /**
     * A cell's messages.
     */
    sealed interface CellMessage permits Corrupt, Ping
    {
    }

    /**
     * A supervisor's messages.
     */
    sealed interface SupervisorMessage permits Exceed, Ping
    {
    }

    /**
     * Tells a cell its state is corrupt.
     */
    record Corrupt() implements CellMessage
    {
    }

    /**
     * A ping: to a supervisor, which forwards it to its cells, each of which counts down answered.
     *
     * @param answered counted down by each live cell.
     */
    record Ping(CountDownLatch answered) implements CellMessage, SupervisorMessage
    {
    }

    /**
     * Tells a supervisor to make its first cell die, more often than its limit allows.
     *
     * @param deaths how many times.
     */
    record Exceed(int deaths) implements SupervisorMessage
    {
    }

    private static final Corrupt CORRUPT = new Corrupt();
    /**
     * slf4j-simple's level for the logger through which Pekko logs, with its stack trace, each actor stopped by a
     * failure: once per round here, by design of the workload.
     */
    static final String STOP_LOG_LEVEL_PROP_NAME =
        "org.slf4j.simpleLogger.log.org.apache.pekko.actor.SupervisorStrategy";

    private final AtomicLong starts = new AtomicLong();
    private final AtomicLong supervisorStarts = new AtomicLong();
    private final AtomicLong incarnationIds = new AtomicLong();
    private volatile CountDownLatch started = new CountDownLatch(0);
    private AtomicLongArray incarnations;
    private ActorSystem<PekkoCells.Run> system;
    private ActorRef<SupervisorMessage>[] supervisors;

    Behavior<CellMessage> cell(final int index)
    {
        return Behaviors.supervise(Behaviors.<CellMessage>setup((context) ->
        {
            incarnations.set(index, incarnationIds.incrementAndGet());
            starts.incrementAndGet();
            started.countDown();
            return Behaviors.receive(CellMessage.class)
                .onMessage(Corrupt.class, (corrupt) ->
                {
                    throw new IllegalStateException("corrupt state");
                })
                .onMessage(Ping.class, (ping) ->
                {
                    ping.answered().countDown();
                    return Behaviors.same();
                })
                .build();
        })).onFailure(IllegalStateException.class, SupervisorStrategy.restart()
            .withLimit(W5xPeer.INTENSITY, W5xPeer.PERIOD).withLoggingEnabled(false));
    }

    @SuppressWarnings("unchecked")
    Behavior<SupervisorMessage> supervisor(final int first, final int count)
    {
        return Behaviors.supervise(Behaviors.<SupervisorMessage>setup((context) ->
        {
            supervisorStarts.incrementAndGet();
            final ActorRef<CellMessage>[] cells = (ActorRef<CellMessage>[])new ActorRef<?>[count];
            for (int c = 0; c < count; c++)
            {
                cells[c] = context.spawnAnonymous(cell(first + c));
                context.watch(cells[c]);
            }
            // No signal handler: a cell stopped for good fails this supervisor with a DeathPactException.
            return Behaviors.receive(SupervisorMessage.class)
                .onMessage(Exceed.class, (exceed) ->
                {
                    for (int k = 0; k < exceed.deaths(); k++)
                    {
                        cells[0].tell(CORRUPT);
                    }
                    return Behaviors.same();
                })
                .onMessage(Ping.class, (ping) ->
                {
                    for (final ActorRef<CellMessage> cell : cells)
                    {
                        cell.tell(ping);
                    }
                    return Behaviors.same();
                })
                .build();
        })).onFailure(DeathPactException.class, SupervisorStrategy.restart().withLoggingEnabled(false));
    }

    @SuppressWarnings("unchecked")
    public void start(final int n, final int workers)
    {
        incarnations = new AtomicLongArray(n);
        final int children = W5xPeer.CHILDREN_PER_SUPERVISOR;
        final int count = (n + children - 1) / children;
        supervisors = (ActorRef<SupervisorMessage>[])new ActorRef<?>[count];
        started = new CountDownLatch(n);
        final CountDownLatch spawned = new CountDownLatch(count);
        if (null == System.getProperty(STOP_LOG_LEVEL_PROP_NAME))
        {
            System.setProperty(STOP_LOG_LEVEL_PROP_NAME, "off");
        }
        system = PekkoCells.start("w5x", workers);
        system.tell(new PekkoCells.Run((guardian) ->
        {
            for (int from = 0; from < count; from += W5xPeer.SUPERVISORS_PER_PARENT)
            {
                final int firstSupervisor = from;
                final int lastSupervisor = Math.min(count, from + W5xPeer.SUPERVISORS_PER_PARENT);
                guardian.spawnAnonymous(Behaviors.<Void>setup((parent) ->
                {
                    for (int s = firstSupervisor; s < lastSupervisor; s++)
                    {
                        supervisors[s] = parent.spawn(
                            supervisor(s * children, Math.min(children, n - s * children)), "supervisor-" + s);
                        spawned.countDown();
                    }
                    return Behaviors.empty();
                }));
            }
        }));
        Latches.await(spawned, W5xPeer.ID, "pekko supervisors");
        Latches.await(started, W5xPeer.ID, "pekko cells starting");
    }

    public void expectStarts(final CountDownLatch started)
    {
        this.started = started;
    }

    public void exceed(final int supervisor)
    {
        supervisors[supervisor].tell(new Exceed(W5xPeer.INTENSITY + 1));
    }

    public void pingAll(final CountDownLatch answered)
    {
        final Ping ping = new Ping(answered);
        final ActorRef<SupervisorMessage>[] all = supervisors;
        PekkoCells.run(system, () ->
        {
            for (final ActorRef<SupervisorMessage> supervisor : all)
            {
                supervisor.tell(ping);
            }
        });
    }

    public long incarnation(final int cell)
    {
        return incarnations.get(cell);
    }

    public long starts()
    {
        return starts.get();
    }

    public long escalations()
    {
        return supervisorStarts.get() - supervisors.length;
    }

    public void close()
    {
        if (null != system)
        {
            PekkoCells.terminate(system, W5xPeer.ID);
        }
    }
}
