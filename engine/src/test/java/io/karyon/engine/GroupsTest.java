package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Groups and broadcasts: exactly-once delivery to the members as of the start of the delivering tick, under churn;
 * automatic leave on death; bad group ids; the same result for any number of workers.
 */
class GroupsTest
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("count").longField("hash").longField("lastTick")
        .build();
    static final int COUNT = LAYOUT.offset("count");
    static final int HASH = LAYOUT.offset("hash");
    static final int LAST_TICK = LAYOUT.offset("lastTick");

    /** Commands from the driver; the payload is a group id. */
    static final int CMD_BROADCAST = 1;
    static final int CMD_JOIN = 2;
    static final int CMD_LEAVE = 3;
    static final int CMD_DIE = 4;
    static final int CMD_BROADCAST_FATAL_THEN_SIGNAL = 5;
    static final int CMD_BROADCAST_FATAL = 6;
    /** Broadcast types. */
    static final int SIGNAL = 10;
    static final int FATAL_SIGNAL = 11;

    /**
     * Obeys the driver's commands and counts the signals it gets, hashing who sent them in which order.
     */
    static final class Commanded implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            switch (type)
            {
                case CMD_BROADCAST -> context.broadcast((int)payload, SIGNAL, context.tick());
                case CMD_JOIN -> context.join((int)payload);
                case CMD_LEAVE -> context.leave((int)payload);
                case CMD_DIE -> context.die(ExitReasons.NORMAL);
                case CMD_BROADCAST_FATAL_THEN_SIGNAL ->
                {
                    context.broadcast((int)payload, FATAL_SIGNAL, 0);
                    context.broadcast((int)payload, SIGNAL, 1);
                }
                case CMD_BROADCAST_FATAL -> context.broadcast((int)payload, FATAL_SIGNAL, 0);
                case FATAL_SIGNAL ->
                {
                    count(cell, context, sender, type, payload);
                    context.die(ExitReasons.NORMAL);
                }
                default -> count(cell, context, sender, type, payload);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    static void count(
        final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
    {
        cell.putLong(COUNT, cell.getLong(COUNT) + 1);
        cell.putLong(LAST_TICK, context.tick());
        cell.putLong(HASH, Slice.mix(cell.getLong(HASH) * 31 + sender * 17 + type * 7 + payload));
    }

    private static Context invoker(final int workers)
    {
        // 64-slot chunks: 10,000 cells fill five families, so every worker count splits the members differently.
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(6).seed(7);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 4 })
    @Timeout(60)
    void shouldDeliverEachBroadcastExactlyOnceToTheMembersAtTheStartOfTheDeliveringTick(final int workers)
    {
        try (Organism organism = Organism.launch(invoker(workers)))
        {
            organism.registerBehaviour("commanded", new Commanded());
            final Genotype genotype = organism.genotype("commanded", LAYOUT, "commanded");
            final int group = organism.groups().id("g");
            final int n = 10_000;
            final long[] cells = new long[n];
            final Set<Integer> members = new HashSet<>();
            for (int i = 0; i < n; i++)
            {
                cells[i] = organism.spawn(genotype);
                if (i % 3 != 0)
                {
                    assertTrue(organism.groups().join(cells[i], group));
                    members.add(i);
                }
            }
            assertFalse(organism.groups().join(cells[1], group), "a second join is no change");
            assertEquals(members.size(), organism.groups().size(group));

            final int initial = members.size();

            // Tick 0: the broadcaster broadcasts, and churn in the broadcast tick: joins, leaves, deaths.
            organism.send(cells[0], CMD_BROADCAST, group);
            final Set<Integer> dead = new HashSet<>();
            for (int i = 1; i < n; i++)
            {
                if (i % 9 == 3)
                {
                    organism.send(cells[i], CMD_JOIN, group);
                    members.add(i);
                }
                else if (i % 3 == 1 && i % 7 == 0)
                {
                    organism.send(cells[i], CMD_DIE, group);
                    members.remove(i);
                    dead.add(i);
                }
                else if (i % 3 == 2 && i % 7 == 0)
                {
                    organism.send(cells[i], CMD_LEAVE, group);
                    members.remove(i);
                }
            }
            organism.run(1);
            assertEquals(initial - dead.size(), organism.groups().size(group),
                "changes made in tick 0 are not seen yet, but deaths leave at once");
            assertEquals(1, organism.stats().pending(), "one broadcast in flight, counted once on any worker count");

            // Tick 1 delivers; churn sent for tick 1 must not change who gets it.
            final long deadLettersBefore = organism.stats().deadLetters();
            for (int i = 1; i < n; i++)
            {
                if (i % 9 == 6)
                {
                    organism.send(cells[i], CMD_JOIN, group);
                }
                else if (i % 3 == 1 && i % 11 == 0 && !dead.contains(i))
                {
                    organism.send(cells[i], CMD_LEAVE, group);
                }
            }
            organism.run(1);
            for (int i = 0; i < n; i++)
            {
                if (dead.contains(i))
                {
                    assertFalse(organism.isAlive(cells[i]));
                    continue;
                }
                final CellFlyweight cell = organism.cell(cells[i]);
                assertEquals(members.contains(i) ? 1 : 0, cell.getLong(COUNT), "cell " + i);
                if (members.contains(i))
                {
                    assertEquals(1, cell.getLong(LAST_TICK), "cell " + i + " handles the broadcast in tick 1");
                }
            }
            assertEquals(deadLettersBefore, organism.stats().deadLetters(), "no member missed it");
            final SignalStats signals = organism.signalStats();
            assertEquals(1, signals.broadcasts());
            assertEquals(members.size(), signals.memberDeliveries());
            assertEquals(0, organism.stats().pending());

            organism.groups().broadcast(group, SIGNAL, 2);
            assertEquals(1, organism.stats().pending(), "the driver's broadcast, counted once on any worker count");
            organism.run(1);
            assertEquals(0, organism.stats().pending());
        }
    }

    @Test
    @Timeout(60)
    void shouldCountTheBroadcastsAMemberDiedBeforeHandlingAsDeadLetters()
    {
        try (Organism organism = Organism.launch(invoker(2)))
        {
            organism.registerBehaviour("commanded", new Commanded());
            final Genotype genotype = organism.genotype("commanded", LAYOUT, "commanded");
            final int group = organism.groups().id("g");
            final long broadcaster = organism.spawn(genotype);
            final long[] members = new long[3000];
            for (int i = 0; i < members.length; i++)
            {
                members[i] = organism.spawn(genotype);
                organism.groups().join(members[i], group);
            }
            organism.send(broadcaster, CMD_BROADCAST_FATAL_THEN_SIGNAL, group);
            organism.run(2);

            final SignalStats signals = organism.signalStats();
            assertEquals(members.length, signals.memberDeliveries(), "each handled the fatal signal");
            assertEquals(members.length, signals.memberDeadLetters(), "and died before the second");
            assertEquals(members.length, organism.stats().deadLetters());
            assertEquals(0, organism.groups().size(group), "the dead left the group");
            assertEquals(1, organism.stats().alive());
        }
    }

    /**
     * A tick's one broadcast takes its own way to the members: members that die handling it, and members whose
     * behaviour checks their integrity and finds them corrupt, interleaved with the rest.
     */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    @Timeout(60)
    void shouldHandATicksOneBroadcastToEveryMemberWhileMembersDieOnIt(final int workers)
    {
        try (Organism organism = Organism.launch(invoker(workers)))
        {
            organism.registerBehaviour("commanded", new Commanded());
            final Commanded commanded = new Commanded();
            organism.registerBehaviour("corrupt", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext context)
                {
                }

                public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                    final int type, final long payload)
                {
                    commanded.onMessage(cell, context, sender, type, payload);
                }

                @Override
                public boolean hasTick()
                {
                    return false;
                }

                @Override
                public boolean checksIntegrity()
                {
                    return true;
                }

                @Override
                public boolean isIntact(final CellFlyweight cell)
                {
                    return false;
                }
            });
            final Genotype genotype = organism.genotype("commanded", LAYOUT, "commanded");
            final Genotype corrupt = organism.genotype("corrupt", LAYOUT, "corrupt");
            final int group = organism.groups().id("g");
            final long broadcaster = organism.spawn(genotype);
            final int members = 3000;
            int corrupted = 0;
            for (int i = 0; i < members; i++)
            {
                final boolean isCorrupt = 0 == i % 7 || 0 == i % 11;
                corrupted += isCorrupt ? 1 : 0;
                organism.groups().join(organism.spawn(isCorrupt ? corrupt : genotype), group);
            }
            organism.send(broadcaster, CMD_BROADCAST_FATAL, group);
            organism.run(2);

            final SignalStats signals = organism.signalStats();
            assertEquals(members - corrupted, signals.memberDeliveries(), "each intact member handled it");
            assertEquals(corrupted, signals.memberDeadLetters(), "each corrupt one died before it");
            assertEquals(corrupted, organism.stats().deadLetters());
            assertEquals((long)corrupted, organism.stats().deathsByReason().get("corrupt"));
            assertEquals((long)members - corrupted, organism.stats().deathsByReason().get("normal"));
            assertEquals(0, organism.groups().size(group), "the dead left the group");
            assertEquals(1, organism.stats().alive());
        }
    }

    @Test
    void shouldLeaveEveryGroupOnDeathAndNotHandMembershipToTheSlotsNextOccupant()
    {
        try (Organism organism = Organism.launch(invoker(2)))
        {
            organism.registerBehaviour("commanded", new Commanded());
            final Genotype genotype = organism.genotype("commanded", LAYOUT, "commanded");
            final int a = organism.groups().id("a");
            final int b = organism.groups().id("b");
            final long cell = organism.spawn(genotype);
            final long other = organism.spawn(genotype);
            organism.groups().join(cell, a);
            organism.groups().join(cell, b);
            organism.groups().join(other, b);
            assertArrayEquals(new long[]{ cell, other }, organism.groups().members(b));

            assertTrue(organism.kill(cell));
            assertEquals(0, organism.groups().size(a));
            assertEquals(1, organism.groups().size(b));
            assertArrayEquals(new long[]{ other }, organism.groups().members(b));

            final long next = organism.spawn(genotype);
            assertEquals(Handle.slot(cell), Handle.slot(next), "the slot is reused");
            assertFalse(organism.groups().isMember(next, a));
            assertFalse(organism.groups().isMember(next, b));
            assertFalse(organism.groups().isMember(cell, a));

            organism.groups().broadcast(b, SIGNAL, 5);
            organism.run(1);
            assertEquals(0, organism.cell(next).getLong(COUNT));
            assertEquals(1, organism.cell(other).getLong(COUNT));
        }
    }

    @Test
    void shouldDropAJoinOfACellThatDiedInTheSameTick()
    {
        try (Organism organism = Organism.launch(invoker(1)))
        {
            organism.registerBehaviour("commanded", new Commanded());
            final Genotype genotype = organism.genotype("commanded", LAYOUT, "commanded");
            final int group = organism.groups().id("g");
            final long cell = organism.spawn(genotype);
            organism.send(cell, CMD_JOIN, group);
            organism.send(cell, CMD_DIE, group);
            organism.run(2);
            assertEquals(0, organism.groups().size(group));
            assertEquals(0, organism.signalStats().membershipChanges());
        }
    }

    @Test
    void shouldRejectUnknownGroupsWithTheirId()
    {
        try (Organism organism = Organism.launch(invoker(2)))
        {
            organism.registerBehaviour("commanded", new Commanded());
            final Genotype genotype = organism.genotype("commanded", LAYOUT, "commanded");
            final long cell = organism.spawn(genotype);
            assertEquals(0, organism.groups().id("first"));
            assertEquals(0, organism.groups().id("first"), "a name keeps its id");
            assertEquals("first", organism.groups().name(0));

            final IllegalArgumentException join = assertThrows(IllegalArgumentException.class,
                () -> organism.groups().join(cell, 3));
            assertEquals("join: unknown group id 3, 1 group(s) named (Organism.groups().id(name) gives ids)",
                join.getMessage());
            assertThrows(IllegalArgumentException.class, () -> organism.groups().broadcast(-1, SIGNAL, 0));
            assertEquals("group name must not be blank: name=' '",
                assertThrows(IllegalArgumentException.class, () -> organism.groups().id(" ")).getMessage());

            // A behaviour passing a bad id dies of it, as of any exception.
            organism.send(cell, CMD_JOIN, 9);
            organism.run(2);
            assertFalse(organism.isAlive(cell));
            assertEquals(1L, organism.stats().deathsByReason().get("exception"));
        }
    }

    /**
     * Cells that join, leave, broadcast, divide and die at random; their hashes record every signal they handled and
     * in which order.
     */
    static final class Churning implements Behaviour
    {
        private final int groups;
        private final Genotype[] genotype;

        Churning(final int groups, final Genotype[] genotype)
        {
            this.groups = groups;
            this.genotype = genotype;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final double p = context.nextDouble();
            final int group = (int)((context.nextLong() >>> 1) % groups);
            if (p < 0.05)
            {
                context.join(group);
            }
            else if (p < 0.08)
            {
                context.leave(group);
            }
            else if (p < 0.081)
            {
                context.broadcast(group, SIGNAL, context.nextLong());
            }
            else if (p < 0.084)
            {
                context.spawn(genotype[0]);
            }
            else if (p < 0.087)
            {
                context.die(ExitReasons.NORMAL);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            count(cell, context, sender, type, payload);
            if (0 == (payload & 63))
            {
                context.die(ExitReasons.NORMAL);
            }
        }
    }

    private static long churnDigest(final Context context)
    {
        try (Organism organism = Organism.launch(context))
        {
            final int groups = 3;
            final Genotype[] genotype = new Genotype[1];
            organism.registerBehaviour("churning", new Churning(groups, genotype));
            genotype[0] = organism.genotype("churning", LAYOUT, "churning");
            for (int g = 0; g < groups; g++)
            {
                organism.groups().id("g" + g);
            }
            for (int i = 0; i < 6_000; i++)
            {
                organism.spawn(genotype[0]);
            }
            organism.run(30);
            final Stats stats = organism.stats();
            final SignalStats signals = organism.signalStats();
            assertTrue(signals.memberDeliveries() > 10_000 && signals.membershipChanges() > 5_000 &&
                stats.deaths() > 0, signals + " " + stats);
            long digest = organism.digest();
            for (int g = 0; g < groups; g++)
            {
                digest = Slice.mix(digest + Arrays.hashCode(organism.groups().members(g)));
            }
            return Slice.mix(digest + Arrays.hashCode(new long[]{ stats.alive(), stats.delivered(),
                stats.deadLetters(), stats.deaths(), signals.membershipChanges(), signals.broadcasts(),
                signals.memberDeliveries(), signals.memberDeadLetters() }));
        }
    }

    @Test
    @Timeout(120)
    void shouldGiveTheSameResultUnderChurnForAnyNumberOfWorkers()
    {
        final long expected = churnDigest(invoker(1));
        for (final int workers : new int[]{ 2, 3, 4 })
        {
            assertEquals(expected, churnDigest(invoker(workers)), workers + " workers");
        }
        assertNotEquals(expected, churnDigest(invoker(2).seed(8)), "another seed, another run");
    }
}
