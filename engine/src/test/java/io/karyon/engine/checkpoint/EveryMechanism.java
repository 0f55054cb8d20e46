package io.karyon.engine.checkpoint;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Cohort;
import io.karyon.engine.Context;
import io.karyon.engine.ExitReasons;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.SignalStats;
import io.karyon.engine.Stats;
import io.karyon.engine.Supervisor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A test organism that uses every mechanism a checkpoint must carry: deaths of every kind, supervised restarts paced
 * by a small budget and escalations within and between homes, groups and broadcasts (from cells and from outside),
 * monitors and links (and trapped exits), timers (set and cancelled) and calls (answered, timed out, late), edges
 * (built in bulk and replaced from outside), cells that become another behaviour and back, cells spawned in a tick
 * beside their parents (overflow chunks), messages from outside and kills between ticks, so that messages,
 * signals, broadcasts, restarts, notices and group changes are in flight at every tick boundary.
 */
final class EveryMechanism
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("peer").longField("sum").longField("timer")
        .build();
    private static final int PEER = LAYOUT.offset("peer");
    private static final int SUM = LAYOUT.offset("sum");
    private static final int TIMER = LAYOUT.offset("timer");
    private static final RestartStrategy[] STRATEGIES = {
        RestartStrategy.ONE_FOR_ONE, RestartStrategy.ONE_FOR_ALL, RestartStrategy.REST_FOR_ONE,
        RestartStrategy.SIMPLE_ONE_FOR_ONE };
    private static final RestartType[] TYPES = { RestartType.PERMANENT, RestartType.TRANSIENT, RestartType.TEMPORARY };

    final Organism organism;
    final Cohort cohort;
    final int group;
    final short busy;
    final short idle;
    final List<Supervisor> supervisors = new ArrayList<>();

    /**
     * What a run's future shows: the digest, every counter and the state the driver can read.
     */
    record Outcome(long digest, Stats stats, SignalStats signals, long busyCount, long idleCount, long groupSize,
        String members, String children, String running)
    {
        /**
         * The same outcome but for the count of messages that crossed between workers, which depends on how many
         * workers there were.
         */
        Outcome withoutCrossWorker()
        {
            final Stats s = stats;
            return new Outcome(digest, new Stats(s.ticks(), s.alive(), s.spawned(), s.updates(), s.sent(),
                s.delivered(), s.deadLetters(), s.pending(), s.deaths(), s.deathsByReason(), 0, s.spilled(),
                s.restarts(), s.restartsByReason(), s.escalations(), s.pendingRestarts(), s.errorsNotLogged()),
                signals, busyCount, idleCount, groupSize, members, children, running);
        }
    }

    private EveryMechanism(final int workers, final long seed, final int scale, final int homes)
    {
        organism = Organism.launch(new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER)
            .chunkShift(6).seed(seed).restartBudget(3).supervisionHomes(homes)
            // Room for every distinct error: the log is not carried by a checkpoint (its entries hold wall-clock times
            // and, in the invoker mode, the driver's stack), so a full one would count errors not logged differently.
            .errorLogLength(16 << 20));
        final int poisoned = organism.exitReason("poisoned");
        group = organism.groups().id("crowd");
        final Genotype[] child = new Genotype[1];
        final short[] ids = new short[2];
        busy = organism.registerBehaviour("busy", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                long peer = cell.getLong(PEER);
                if (Handle.NULL_HANDLE == peer && context.edgeCount() > 0)
                {
                    peer = context.edge(0);
                    cell.putLong(PEER, peer);
                }
                final long r = context.nextLong() & 1023;
                act(cell, context, peer, r, poisoned, child[0], ids[1]);
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
                handle(cell, context, sender, type, payload);
            }
        });
        idle = organism.registerBehaviour("idle", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                throw new IllegalStateException("idle cells have no tick step");
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
                handle(cell, context, sender, type, payload);
                if (0 == (cell.getLong(SUM) & 3))
                {
                    context.become(ids[0]);
                }
            }

            public boolean hasTick()
            {
                return false;
            }
        });
        ids[0] = busy;
        ids[1] = idle;
        final Genotype genotype = organism.genotype("busy", LAYOUT, "busy").putLong(PEER, Handle.NULL_HANDLE);
        organism.genotype("resting", LAYOUT, "idle").putLong(SUM, 5);
        child[0] = genotype;
        cohort = organism.populate(genotype, 1500 / scale, (index, cell, random) ->
        {
            cell.putLong(SUM, random.nextLong());
            if (0 == index % 11)
            {
                cell.behaviourId(idle);
            }
        });
        final Cohort cells = cohort;
        organism.edges().connect(cohort, (index, cell, sink, random) ->
        {
            for (int e = 0, n = 1 + random.nextInt(3); e < n; e++)
            {
                sink.add(cells.handle(random.nextInt((int)cells.size())));
            }
        });
        for (int t = 0; t < 6 / scale + 1; t++)
        {
            final Supervisor top = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1_000_000, 10);
            supervisors.add(top);
            for (int s = 0; s < 2; s++)
            {
                final Supervisor supervisor = organism.supervisor(top, STRATEGIES[(t + s) % STRATEGIES.length],
                    2 + s, 5, TYPES[t % TYPES.length], 1 == s);
                supervisors.add(supervisor);
                for (int c = 0; c < 25 / scale; c++)
                {
                    final long cell = organism.spawn(genotype, supervisor, TYPES[(t + c) % TYPES.length]);
                    organism.cell(cell).putLong(PEER, cohort.handle((t * 997L + c * 31L) % cohort.size()));
                }
            }
            organism.populate(genotype, 40 / scale, top, RestartType.PERMANENT, (index, cell, random) ->
                cell.putLong(PEER, cells.handle(random.nextInt((int)cells.size()))));
        }
    }

    /**
     * The organism at full size: 1,500 cells in a cohort, 7 supervision trees of 90 cells.
     */
    static EveryMechanism setUp(final int workers, final long seed)
    {
        return new EveryMechanism(workers, seed, 1, 4);
    }

    /**
     * The organism at full size, with its trees dealt to another number of supervision homes than 4.
     */
    static EveryMechanism setUp(final int workers, final long seed, final int homes)
    {
        return new EveryMechanism(workers, seed, 1, homes);
    }

    /**
     * The organism at a tenth of its size, for tests that restore it thousands of times.
     */
    static EveryMechanism setUpSmall(final int workers, final long seed)
    {
        return new EveryMechanism(workers, seed, 10, 4);
    }

    private static void act(final CellFlyweight cell, final CellContext context, final long peer, final long r,
        final int poisoned, final Genotype child, final short idle)
    {
        if (r < 3)
        {
            throw new IllegalStateException("unlucky");
        }
        else if (r < 6)
        {
            context.die(poisoned);
        }
        else if (r < 8)
        {
            context.die(ExitReasons.NORMAL);
        }
        else if (r < 60)
        {
            context.send(peer, 1, context.nextLong() & 0xFF);
        }
        else if (r < 64)
        {
            context.monitor(peer);
        }
        else if (r < 66)
        {
            context.link(peer);
        }
        else if (r < 67)
        {
            context.trapExits(true);
        }
        else if (r < 75)
        {
            context.join(0);
        }
        else if (r < 79)
        {
            context.leave(0);
        }
        else if (r < 81)
        {
            context.broadcast(0, 2, context.self());
        }
        else if (r < 95)
        {
            cell.putLong(TIMER, context.sendAfter(peer, 1 + (r & 3), 3, r));
        }
        else if (r < 99)
        {
            context.cancelTimer(cell.getLong(TIMER));
        }
        else if (r < 112)
        {
            context.call(peer, 4, r, 1 + (r & 1));
        }
        else if (r < 115)
        {
            context.become(idle);
        }
        else if (r < 117)
        {
            cell.putLong(PEER, context.spawn(child));
        }
        else if (r < 160 && context.edgeCount() > 0)
        {
            context.send(context.edge((int)(r % context.edgeCount())), 5, r);
        }
    }

    private static void handle(final CellFlyweight cell, final CellContext context, final long sender, final int type,
        final long payload)
    {
        cell.putLong(SUM, cell.getLong(SUM) * 31 + payload + type);
        if (Handle.NULL_HANDLE != sender && type >= 0)
        {
            cell.putLong(PEER, sender);
        }
        if (4 == type && context.callId() >= 0 && 0 != (payload & 2))
        {
            context.reply(6, payload + 1);
        }
    }

    /**
     * What the driver does at the start of tick {@code tick}, before running it: messages, broadcasts, kills, edges.
     */
    void beforeTick(final long tick)
    {
        final long n = cohort.size();
        organism.send(cohort.handle((tick * 37) % n), 7, tick);
        organism.send(Handle.of(1 << 29, 1), 7, tick);
        if (0 == tick % 3)
        {
            organism.groups().broadcast(group, 8, tick);
        }
        if (0 == tick % 5)
        {
            organism.kill(cohort.handle((tick * 101) % n));
        }
        final long cell = cohort.handle((tick * 13) % n);
        if (0 == tick % 7 && organism.isAlive(cell))
        {
            organism.edges().set(cell, new long[]{ cohort.handle((tick * 7) % n), cohort.handle((tick * 3) % n) });
        }
    }

    /**
     * Runs ticks from the organism's current tick, the driver acting before each.
     */
    void runTo(final long ticks)
    {
        while (organism.ticks() < ticks)
        {
            beforeTick(organism.ticks());
            organism.run(1);
        }
    }

    Outcome outcome()
    {
        final StringBuilder children = new StringBuilder();
        final StringBuilder running = new StringBuilder();
        for (final Supervisor supervisor : supervisors)
        {
            final long[] handles = new long[256];
            final int count = supervisor.children(handles);
            children.append(Arrays.toString(Arrays.copyOf(handles, Math.min(count, handles.length)))).append(';');
            running.append(supervisor.isRunning() ? 'r' : '-');
        }
        return new Outcome(organism.digest(), organism.stats(), organism.signalStats(), organism.countOf(busy),
            organism.countOf(idle), organism.groups().size(group),
            Arrays.toString(organism.groups().members(group)), children.toString(), running.toString());
    }
}
