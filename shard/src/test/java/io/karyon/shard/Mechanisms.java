package io.karyon.shard;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Signals;
import io.karyon.engine.Supervisor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code mechanisms}, a test model with every mechanism that crosses workers in flight at once, so that a sharded run
 * carries each of them between shards: each cell sends to a peer half the population away every tick, sets timers
 * for it and cancels some, joins, leaves and broadcasts to groups, watches its peer across restarts
 * ({@code monitorChild}, DOWN then RESTARTED) and finds it again by its child id, links to it (trapping the EXIT, or
 * dying with it), and now and then dies; supervisors spread over the supervision homes, so a supervisor and its
 * children sit on different workers, restart it. What each cell received is folded into its state (the digest), and
 * counted in {@link #COUNTS} (summed over the shards of a run, which run in one JVM in the tests).
 */
public final class Mechanisms implements Model
{
    /** Counted events, by index. */
    static final int PEER = 0;
    static final int TIMER = 1;
    static final int BROADCAST = 2;
    static final int DOWN = 3;
    static final int RESTARTED = 4;
    static final int EXIT = 5;
    static final int DEATH = 6;
    static final int REFOUND = 7;
    static final List<String> NAMES = List.of("peer", "timer", "broadcast", "down", "restarted", "exit", "death",
        "refound");
    /** Every event counted since the last reset, by every shard of this JVM. */
    static final AtomicLongArray COUNTS = new AtomicLongArray(NAMES.size());

    static final CellLayout LAYOUT = CellLayout.builder().longField("index").longField("peer").longField("peerChild")
        .longField("count").longField("sum").longField("timer").build();
    private static final int INDEX = LAYOUT.offset("index");
    private static final int PEER_HANDLE = LAYOUT.offset("peer");
    private static final int PEER_CHILD = LAYOUT.offset("peerChild");
    private static final int COUNT = LAYOUT.offset("count");
    private static final int SUM = LAYOUT.offset("sum");
    private static final int TIMER_ID = LAYOUT.offset("timer");
    private static final int SUPERVISORS = 6;
    private static final int GROUPS = 3;

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "mechanisms";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "test: messages, timers, groups, broadcasts, monitors, links, deaths and restarts across workers";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return List.of(Parameter.bool("timers", true, "set and cancel timers"),
            Parameter.bool("groups", true, "join, leave and broadcast to groups"),
            Parameter.bool("watch", true, "monitor and link to the peer"),
            Parameter.bool("deaths", true, "die now and then"),
            Parameter.bool("refind", true, "find the peer again by its child id every 4 ticks"));
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        final Organism organism = setup.organism();
        final int cells = (int)setup.cells();
        final int[] groups = new int[GROUPS];
        for (int g = 0; g < GROUPS; g++)
        {
            groups[g] = organism.groups().id("g" + g);
        }
        final Mechanism behaviour = new Mechanism(organism.exitReason("mechanism_fault"), groups,
            setup.parameters().bool("timers"), setup.parameters().bool("groups"), setup.parameters().bool("watch"),
            setup.parameters().bool("deaths"), setup.parameters().bool("refind"));
        organism.registerBehaviour("mechanism", behaviour);
        final Genotype genotype = organism.genotype("mechanism", LAYOUT, "mechanism");
        final Supervisor top = organism.supervisor(RestartStrategy.ONE_FOR_ONE, SUPERVISORS, 1);
        final Supervisor[] supervisors = new Supervisor[SUPERVISORS];
        for (int s = 0; s < SUPERVISORS; s++)
        {
            supervisors[s] = organism.supervisor(top, RestartStrategy.ONE_FOR_ONE, (1 << 20) - 1, 10,
                RestartType.PERMANENT, true);
        }
        final long[] handles = new long[cells];
        final long[] childIds = new long[cells];
        for (int i = 0; i < cells; i++)
        {
            handles[i] = organism.spawn(genotype, supervisors[i % SUPERVISORS], RestartType.PERMANENT);
            childIds[i] = supervisors[i % SUPERVISORS].childId(handles[i]);
        }
        for (int i = 0; i < cells; i++)
        {
            final int peer = peerOf(i, cells);
            organism.cell(handles[i]).putLong(INDEX, i).putLong(PEER_HANDLE, handles[peer])
                .putLong(PEER_CHILD, childIds[peer]).putLong(TIMER_ID, -1);
        }
        behaviour.children(childIds);
    }

    /**
     * A cell's peer: about half the population away, at an odd distance, so with a supervisor of another parity
     * (supervisors are dealt in turn and spread over the homes, which the workers own in turn).
     */
    static int peerOf(final int index, final int cells)
    {
        return (index + (cells / 2 | 1)) % cells;
    }

    /**
     * The one behaviour: see the class comment.
     */
    static final class Mechanism implements Behaviour
    {
        private final int fault;
        private final int[] groups;
        private long[] childIdByIndex;
        private long[] sortedChildIds;
        private int[] indexOfSorted;

        private final boolean timers;
        private final boolean joins;
        private final boolean watch;
        private final boolean deaths;
        private final boolean refind;

        Mechanism(final int fault, final int[] groups, final boolean timers, final boolean joins,
            final boolean watch, final boolean deaths, final boolean refind)
        {
            this.refind = refind;
            this.fault = fault;
            this.groups = groups;
            this.timers = timers;
            this.joins = joins;
            this.watch = watch;
            this.deaths = deaths;
        }

        /**
         * The cells' child ids by index, read-only once the run starts: a restarted cell, which starts again from
         * its genotype's zero state, finds its index, and so its peer, from its child id.
         */
        void children(final long[] childIds)
        {
            final Integer[] order = new Integer[childIds.length];
            for (int i = 0; i < order.length; i++)
            {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(childIds[a], childIds[b]));
            childIdByIndex = childIds.clone();
            sortedChildIds = new long[childIds.length];
            indexOfSorted = new int[childIds.length];
            for (int k = 0; k < order.length; k++)
            {
                sortedChildIds[k] = childIds[order[k]];
                indexOfSorted[k] = order[k];
            }
        }

        /**
         * A restarted cell's index and peer, again.
         */
        private void restore(final CellFlyweight cell, final CellContext context)
        {
            final int cells = sortedChildIds.length;
            final int index = indexOfSorted[Arrays.binarySearch(sortedChildIds, context.childId())];
            final int peer = peerOf(index, cells);
            final long peerChild = childIdByIndex[peer];
            cell.putLong(INDEX, index).putLong(PEER_CHILD, peerChild).putLong(TIMER_ID, -1)
                .putLong(PEER_HANDLE, Math.max(0, context.child(peerChild)));
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long tick = context.tick();
            final long count = cell.getLong(COUNT);
            if (0 == count && 0 == cell.getLong(PEER_CHILD))
            {
                restore(cell, context);
            }
            final long i = cell.getLong(INDEX);
            long peer = cell.getLong(PEER_HANDLE);
            if (0 == count && peer > 0)
            {
                if (joins)
                {
                    context.join(groups[(int)(i % GROUPS)]);
                }
                if (watch)
                {
                    context.monitorChild(peer);
                }
                if (!watch)
                {
                    // no links either
                }
                else if (0 == i % 4)
                {
                    context.trapExits(true);
                    context.link(peer);
                }
                else if (1 == i % 8)
                {
                    context.link(peer);
                }
            }
            if (refind && 0 == tick % 4)
            {
                final long now = context.child(cell.getLong(PEER_CHILD));
                if (now > 0 && now != peer)
                {
                    peer = now;
                    cell.putLong(PEER_HANDLE, peer);
                    COUNTS.incrementAndGet(REFOUND);
                }
            }
            if (peer <= 0)
            {
                cell.putLong(COUNT, count + 1);
                return;
            }
            context.send(peer, 1, count);
            if (timers && tick % 5 == i % 5)
            {
                final long previous = cell.getLong(TIMER_ID);
                if (3 == i % 10 && previous >= 0)
                {
                    context.cancelTimer(previous);
                }
                cell.putLong(TIMER_ID, context.sendAfter(peer, 2 + i % 3, 2, i));
            }
            if (joins && 0 == tick % 6 && 0 == i % 97)
            {
                context.broadcast(groups[(int)((i / 97) % GROUPS)], 3, tick);
            }
            if (joins && 0 == i % 5 && 0 == tick % 9)
            {
                context.leave(groups[2]);
            }
            else if (joins && 0 == i % 5 && 4 == tick % 9)
            {
                context.join(groups[2]);
            }
            cell.putLong(COUNT, count + 1);
            if (deaths && count > 3 && context.nextDouble() < 0.004)
            {
                COUNTS.incrementAndGet(DEATH);
                context.die(fault);
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            final long sum = cell.getLong(SUM);
            final int kind;
            switch (type)
            {
                case 1:
                    kind = PEER;
                    break;
                case 2:
                    kind = TIMER;
                    break;
                case 3:
                    kind = BROADCAST;
                    break;
                case Signals.DOWN:
                    kind = DOWN;
                    break;
                case Signals.RESTARTED:
                    kind = RESTARTED;
                    // Half the cells take the new handle from the notice, the others find it by child id.
                    if (0 == cell.getLong(INDEX) % 2)
                    {
                        cell.putLong(PEER_HANDLE, sender);
                    }
                    break;
                case Signals.EXIT:
                    kind = EXIT;
                    break;
                default:
                    throw new IllegalStateException("unexpected message type " + type);
            }
            COUNTS.incrementAndGet(kind);
            cell.putLong(SUM, sum * 31 + payload * 7 + kind + (sender & 0xFFFF));
        }
    }
}
