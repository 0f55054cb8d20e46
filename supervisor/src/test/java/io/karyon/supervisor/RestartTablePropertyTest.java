package io.karyon.supervisor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.karyon.supervisor.RestartTableDescriptor.NULL_HANDLE;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ROW;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seeded property test: random trees, exits (by entry and by handle, stale or current), dynamic adds and removes and
 * deferred restarts, driven through the table and through a plain-Java reference model of OTP's supervisor; every
 * decision and the whole state after every event must agree.
 */
class RestartTablePropertyTest
{
    private static final long SEED = 0x5EED_CE11L;
    private static final int RUNS = 200;
    private static final int EVENTS = 1000;
    private static final int MARKED_NORMAL_REASON = 7;
    private static final int[] REASONS = { 0, RestartTable.REASON_SHUTDOWN, 5, MARKED_NORMAL_REASON };

    @Test
    void shouldAgreeWithTheReferenceModelOnEveryDecision()
    {
        final SplittableRandom seeds = new SplittableRandom(SEED);
        long decisions = 0;
        for (int run = 0; run < RUNS; run++)
        {
            final long seed = seeds.nextLong();
            try (Harness harness = new Harness(new SplittableRandom(seed)))
            {
                harness.run(EVENTS);
                decisions += harness.decisions;
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError("run=" + run + " seed=" + seed + ": " + ex.getMessage(), ex);
            }
        }
        System.out.println("RestartTablePropertyTest: " + RUNS + " runs, " + decisions + " decisions compared");
    }

    // -------------------------------------------------------------------------------------------------------------
    // Reference model: OTP supervisor.erl do_restart/restart/add_restart/del_child, on plain objects.
    // -------------------------------------------------------------------------------------------------------------

    static final class Sup
    {
        int row;
        RestartStrategy strategy;
        int intensity;
        long period;
        Sup parent;
        Child self;
        boolean terminated;
        final List<Child> children = new ArrayList<>();
        final LinkedList<Long> restarts = new LinkedList<>();
    }

    static final class Child
    {
        int entry;
        Sup owner;
        RestartType type;
        boolean dynamic;
        Sup sup;
        long handle = NULL_HANDLE;
        String state = "RUNNING";
        int lastReason;
    }

    static final class Decision
    {
        int kind = RestartDecision.NONE;
        int outcome = RestartDecision.OUTCOME_IGNORED;
        int row = NULL_ROW;
        boolean abnormal;
        final List<String> terminate = new ArrayList<>();
        final List<Integer> restart = new ArrayList<>();
        int escalateRow = NULL_ROW;
        int escalateEntry = -1;
        final List<Long> window = new ArrayList<>();
    }

    static final class Model
    {
        final Map<Integer, Child> byEntry = new HashMap<>();
        final List<Sup> sups = new ArrayList<>();

        Decision exit(final Sup sup, final Child child, final int reason, final boolean abnormal, final long now)
        {
            final Decision d = new Decision();
            d.row = sup.row;
            d.abnormal = abnormal;
            if (sup.terminated || !"RUNNING".equals(child.state))
            {
                return d;
            }
            child.lastReason = reason;
            if (null != child.sup && !child.sup.terminated)
            {
                terminateAll(child.sup, d);
                child.sup.terminated = true;
            }
            final boolean normal = !abnormal || reason == 0 || reason == RestartTable.REASON_SHUTDOWN ||
                reason == MARKED_NORMAL_REASON;
            d.abnormal = !normal;
            if (RestartType.TEMPORARY == child.type || (RestartType.TRANSIENT == child.type && normal))
            {
                d.outcome = del(child);
                return d;
            }
            final long threshold = now - sup.period;
            final LinkedList<Long> kept = new LinkedList<>();
            for (final long r : sup.restarts)
            {
                if (r < threshold)
                {
                    break;
                }
                kept.add(r);
            }
            kept.addFirst(now);
            sup.restarts.clear();
            sup.restarts.addAll(kept);
            if (kept.size() > sup.intensity)
            {
                for (int i = kept.size() - 1; i >= 0; i--)
                {
                    d.window.add(kept.get(i));
                }
                d.outcome = del(child);
                terminateAll(sup, d);
                sup.terminated = true;
                if (null == sup.parent || null == sup.self || "FREE".equals(sup.self.state))
                {
                    d.kind = RestartDecision.GIVE_UP;
                }
                else
                {
                    d.kind = RestartDecision.ESCALATE;
                    d.escalateRow = sup.parent.row;
                    d.escalateEntry = sup.self.entry;
                }
                return d;
            }
            d.kind = RestartDecision.RESTART;
            d.outcome = RestartDecision.OUTCOME_RESTARTED;
            if (RestartStrategy.ONE_FOR_ONE == sup.strategy || RestartStrategy.SIMPLE_ONE_FOR_ONE == sup.strategy)
            {
                start(child, d);
                return d;
            }
            final int from = RestartStrategy.ONE_FOR_ALL == sup.strategy ? 0 : sup.children.indexOf(child);
            final List<Child> group = new ArrayList<>(sup.children.subList(from, sup.children.size()));
            for (int i = group.size() - 1; i >= 0; i--)
            {
                if (group.get(i) != child)
                {
                    kill(group.get(i), d);
                }
            }
            for (final Child c : group)
            {
                if (c == child || "STOPPED".equals(c.state))
                {
                    start(c, d);
                }
            }
            return d;
        }

        void terminateAll(final Sup sup, final Decision d)
        {
            final List<Child> copy = new ArrayList<>(sup.children);
            for (int i = copy.size() - 1; i >= 0; i--)
            {
                kill(copy.get(i), d);
            }
        }

        void kill(final Child c, final Decision d)
        {
            if (!"RUNNING".equals(c.state) && !"STARTING".equals(c.state))
            {
                return;
            }
            if (null != c.sup)
            {
                if (!c.sup.terminated)
                {
                    terminateAll(c.sup, d);
                    c.sup.terminated = true;
                }
                d.terminate.add(c.entry + "/" + NULL_HANDLE);
            }
            else if ("RUNNING".equals(c.state))
            {
                d.terminate.add(c.entry + "/" + c.handle);
            }
            del(c);
        }

        int del(final Child c)
        {
            if (c.dynamic)
            {
                c.owner.children.remove(c);
                byEntry.remove(c.entry);
                c.state = "FREE";
                return RestartDecision.OUTCOME_REMOVED;
            }
            if (RestartType.TEMPORARY == c.type)
            {
                c.state = "REMOVED";
                return RestartDecision.OUTCOME_REMOVED;
            }
            c.state = "STOPPED";
            return RestartDecision.OUTCOME_STOPPED;
        }

        void start(final Child c, final Decision d)
        {
            d.restart.add(c.entry);
            if (null == c.sup)
            {
                c.state = "STARTING";
                return;
            }
            c.state = "RUNNING";
            c.sup.terminated = false;
            c.sup.restarts.clear();
            for (final Child cc : new ArrayList<>(c.sup.children))
            {
                if (cc.dynamic)
                {
                    del(cc);
                }
                else
                {
                    start(cc, d);
                }
            }
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Harness: one table, one model, one random stream.
    // -------------------------------------------------------------------------------------------------------------

    static final class Harness implements AutoCloseable
    {
        final SplittableRandom random;
        final RestartTable table = new RestartTable(2, 4, 8);
        final RestartDecision out = new RestartDecision(1);
        final Model model = new Model();
        final Map<Integer, Integer> generationBySlot = new HashMap<>();
        final List<Long> retiredHandles = new ArrayList<>();
        final List<Integer> deferred = new ArrayList<>();
        int nextSlot;
        long now;
        long decisions;

        Harness(final SplittableRandom random)
        {
            this.random = random;
            table.markNormalReason(MARKED_NORMAL_REASON);
            build(null, 0, null);
        }

        void run(final int events)
        {
            for (int i = 0; i < events; i++)
            {
                now += random.nextInt(3);
                final int dice = random.nextInt(100);
                if (dice < 55)
                {
                    exitByEntry();
                }
                else if (dice < 70)
                {
                    exitByHandle();
                }
                else if (dice < 82)
                {
                    addDynamic();
                }
                else if (dice < 90)
                {
                    removeDynamic();
                }
                else
                {
                    applyDeferred();
                }
                compareState();
            }
        }

        Sup build(final Sup parent, final int depth, final RestartType type)
        {
            final RestartStrategy strategy = RestartStrategy.values()[random.nextInt(4)];
            final int intensity = random.nextInt(4);
            final long period = 1 + random.nextInt(8);
            final Sup sup = new Sup();
            sup.strategy = strategy;
            sup.intensity = intensity;
            sup.period = period;
            sup.parent = parent;
            if (null == parent)
            {
                sup.row = table.createSupervisor(strategy, intensity, period);
            }
            else
            {
                sup.row = table.createSupervisor(strategy, intensity, period, parent.row, type);
                final Child self = new Child();
                self.entry = table.parentEntry(sup.row);
                self.owner = parent;
                self.type = type;
                self.dynamic = RestartStrategy.SIMPLE_ONE_FOR_ONE == parent.strategy;
                self.sup = sup;
                sup.self = self;
                parent.children.add(self);
                model.byEntry.put(self.entry, self);
            }
            model.sups.add(sup);
            final int count = RestartStrategy.SIMPLE_ONE_FOR_ONE == strategy ? random.nextInt(4) : 1 +
                random.nextInt(5);
            for (int i = 0; i < count; i++)
            {
                final RestartType childType = RestartType.values()[random.nextInt(3)];
                if (depth < 2 && random.nextInt(10) < 3)
                {
                    build(sup, depth + 1, childType);
                }
                else
                {
                    addCell(sup, childType);
                }
            }
            return sup;
        }

        void addCell(final Sup sup, final RestartType type)
        {
            final long handle = newHandle(nextSlot++);
            final Child child = new Child();
            child.dynamic = RestartStrategy.SIMPLE_ONE_FOR_ONE == sup.strategy;
            child.entry = child.dynamic ? table.startChild(sup.row, handle, type) :
                table.addChild(sup.row, handle, type);
            child.owner = sup;
            child.type = type;
            child.handle = handle;
            sup.children.add(child);
            model.byEntry.put(child.entry, child);
        }

        long newHandle(final int slot)
        {
            final int generation = generationBySlot.merge(slot, 1, Integer::sum);
            return ((long)generation << 32) | slot;
        }

        void exitByEntry()
        {
            final Sup sup = model.sups.get(random.nextInt(model.sups.size()));
            if (sup.children.isEmpty())
            {
                return;
            }
            final Child child = sup.children.get(random.nextInt(sup.children.size()));
            final int reason = REASONS[random.nextInt(REASONS.length)];
            final boolean abnormal = random.nextBoolean();
            final int kind = table.onChildExit(sup.row, child.entry, reason, abnormal, now, out);
            final Decision expected = model.exit(sup, child, reason, abnormal, now);
            assertEquals(kind, out.kind());
            follow(expected);
        }

        void exitByHandle()
        {
            final List<Child> cells = new ArrayList<>();
            for (final Child c : model.byEntry.values())
            {
                if (null == c.sup && "RUNNING".equals(c.state))
                {
                    cells.add(c);
                }
            }
            final boolean stale = cells.isEmpty() || (!retiredHandles.isEmpty() && random.nextInt(4) == 0);
            final long handle = stale ? (retiredHandles.isEmpty() ? 1L << 40 :
                retiredHandles.get(random.nextInt(retiredHandles.size()))) :
                cells.get(random.nextInt(cells.size())).handle;
            final int reason = REASONS[random.nextInt(REASONS.length)];
            final boolean abnormal = random.nextBoolean();
            Child target = null;
            for (final Child c : cells)
            {
                if (c.handle == handle)
                {
                    target = c;
                }
            }
            table.onCellExit(handle, reason, abnormal, now, out);
            if (null == target)
            {
                assertEquals(RestartDecision.NONE, out.kind());
                assertEquals(RestartDecision.OUTCOME_IGNORED, out.outcome());
                decisions++;
                return;
            }
            follow(model.exit(target.owner, target, reason, abnormal, now));
        }

        void follow(final Decision first)
        {
            Decision expected = first;
            while (true)
            {
                compare(expected);
                if (RestartDecision.RESTART == expected.kind)
                {
                    for (final int entry : expected.restart)
                    {
                        final Child c = model.byEntry.get(entry);
                        if (null == c.sup)
                        {
                            deferred.add(entry);
                        }
                    }
                    if (random.nextInt(10) < 7)
                    {
                        applyDeferred();
                    }
                    return;
                }
                if (RestartDecision.ESCALATE == expected.kind)
                {
                    final Sup parent = model.byEntry.get(expected.escalateEntry).owner;
                    final Child self = model.byEntry.get(expected.escalateEntry);
                    final boolean abnormal = random.nextBoolean();
                    table.onChildExit(out.escalateRow(), out.escalateEntry(), out.escalationReason(), abnormal, now,
                        out);
                    expected = model.exit(parent, self, RestartTable.REASON_SHUTDOWN, abnormal, now);
                    continue;
                }
                if (RestartDecision.GIVE_UP == expected.kind)
                {
                    build(null, 0, null);
                }
                return;
            }
        }

        void applyDeferred()
        {
            for (final int entry : deferred)
            {
                final Child c = model.byEntry.get(entry);
                final boolean starting = null != c && "STARTING".equals(c.state);
                final int slot = starting ? RestartTableDescriptor.slot(c.handle) : nextSlot;
                final long handle = starting ? newHandle(slot) : 0;
                final boolean taken = table.updateHandle(entry, handle);
                assertEquals(starting, taken, "updateHandle entry=" + entry);
                if (starting)
                {
                    retiredHandles.add(c.handle);
                    c.handle = handle;
                    c.state = "RUNNING";
                }
            }
            deferred.clear();
        }

        void addDynamic()
        {
            final List<Sup> pools = new ArrayList<>();
            for (final Sup s : model.sups)
            {
                if (RestartStrategy.SIMPLE_ONE_FOR_ONE == s.strategy && !s.terminated)
                {
                    pools.add(s);
                }
            }
            if (!pools.isEmpty())
            {
                addCell(pools.get(random.nextInt(pools.size())), RestartType.values()[random.nextInt(3)]);
            }
        }

        void removeDynamic()
        {
            final List<Child> dynamics = new ArrayList<>();
            for (final Child c : model.byEntry.values())
            {
                if (c.dynamic && !c.owner.terminated)
                {
                    dynamics.add(c);
                }
            }
            if (dynamics.isEmpty())
            {
                return;
            }
            final Child c = dynamics.get(random.nextInt(dynamics.size()));
            table.removeChild(c.owner.row, c.entry, out);
            final Decision expected = new Decision();
            expected.row = c.owner.row;
            expected.outcome = RestartDecision.OUTCOME_REMOVED;
            model.kill(c, expected);
            if (!"FREE".equals(c.state))
            {
                model.del(c);
            }
            compare(expected);
        }

        void compare(final Decision expected)
        {
            decisions++;
            final String context = out.toString();
            assertEquals(expected.kind, out.kind(), context);
            assertEquals(expected.outcome, out.outcome(), context);
            assertEquals(expected.row, out.row(), context);
            if (RestartDecision.OUTCOME_IGNORED != expected.outcome)
            {
                assertEquals(expected.abnormal, out.isAbnormal(), context);
            }
            final List<String> terminate = new ArrayList<>();
            for (int i = 0; i < out.terminateCount(); i++)
            {
                terminate.add(out.terminateEntry(i) + "/" + out.terminateHandle(i));
            }
            assertEquals(expected.terminate, terminate, context);
            final List<Integer> restart = new ArrayList<>();
            for (int i = 0; i < out.restartCount(); i++)
            {
                restart.add(out.restartEntry(i));
            }
            assertEquals(expected.restart, restart, context);
            assertEquals(expected.escalateRow, out.escalateRow(), context);
            assertEquals(expected.escalateEntry, out.escalateEntry(), context);
            if (RestartDecision.ESCALATE == expected.kind || RestartDecision.GIVE_UP == expected.kind)
            {
                final List<Long> window = new ArrayList<>();
                for (int i = 0; i < out.windowSize(); i++)
                {
                    window.add(out.windowTime(i));
                }
                assertEquals(expected.window, window, context);
            }
        }

        void compareState()
        {
            assertEquals(model.byEntry.size(), table.entryCount(), "entry count");
            for (final Sup sup : model.sups)
            {
                assertEquals(!sup.terminated, table.isRunning(sup.row), "row " + sup.row);
                assertEquals(sup.children.size(), table.childCount(sup.row), "child count of row " + sup.row);
                int entry = table.firstChild(sup.row);
                for (final Child c : sup.children)
                {
                    assertEquals(c.entry, entry, "start order of row " + sup.row);
                    assertEquals(stateCode(c.state), table.childStatus(entry), "status of entry " + entry);
                    assertEquals(c.type, table.restartType(entry));
                    if (null == c.sup)
                    {
                        assertEquals(c.handle, table.handle(entry), "handle of entry " + entry);
                        if ("RUNNING".equals(c.state))
                        {
                            assertEquals(entry, table.entryOf(c.handle));
                        }
                    }
                    else
                    {
                        assertEquals(c.sup.row, table.childRow(entry));
                    }
                    entry = table.nextChild(entry);
                }
                assertEquals(-1, entry, "end of row " + sup.row);
                if (!sup.terminated)
                {
                    assertEquals(sup.restarts.size(), table.windowSize(sup.row), "window of row " + sup.row);
                }
            }
        }

        static byte stateCode(final String state)
        {
            switch (state)
            {
                case "RUNNING":
                    return RestartTableDescriptor.CHILD_RUNNING;
                case "STARTING":
                    return RestartTableDescriptor.CHILD_STARTING;
                case "STOPPED":
                    return RestartTableDescriptor.CHILD_STOPPED;
                case "REMOVED":
                    return RestartTableDescriptor.CHILD_REMOVED;
                default:
                    return RestartTableDescriptor.CHILD_FREE;
            }
        }

        public void close()
        {
            table.close();
        }
    }
}
