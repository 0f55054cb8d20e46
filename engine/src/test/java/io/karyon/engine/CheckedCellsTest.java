package io.karyon.engine;

import io.karyon.engine.cell.CellBoundsException;
import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checked cells: a state access outside {@code [0, stateLength)} kills that cell with reason {@code out_of_bounds} and
 * touches nothing else; the engine's own header checks (at a death, and the sweep of {@link Context#verifyEvery(int)})
 * find a damaged header, count it and report it in one line, so no cell vanishes with {@code stats().alive} wrong.
 */
class CheckedCellsTest
{
    /**
     * 64 bytes of state, as in the report: eight longs.
     */
    static final CellLayout LAYOUT = CellLayout.builder().array("words", long.class, 8).build();
    static final int STATE_LENGTH = 64;
    static final int CELLS = 5;
    static final int BAD = 2;

    /**
     * Writes word 0 + 1 every tick; when word 7 holds an access code, makes that access once (codes below).
     */
    static final class Prober implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            cell.putLong(0, cell.getLong(0) + 1);
            final long probe = cell.getLong(56);
            if (0 != probe)
            {
                cell.putLong(56, 0);
                access(cell, (int)(probe >> 8), (int)(probe & 0xFF));
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    /**
     * Catches its own out-of-bounds exception and carries on: it must die all the same.
     */
    static final class Swallower implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            try
            {
                cell.putLong(STATE_LENGTH, -1L);
            }
            catch (final IndexOutOfBoundsException ignored)
            {
                cell.putLong(0, 42);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    static void access(final CellFlyweight cell, final int offset, final int kind)
    {
        switch (kind)
        {
            case 1 -> cell.putLong(offset, -1L);
            case 2 -> cell.getLong(offset);
            case 3 -> cell.putDouble(offset, -1.0);
            case 4 -> cell.getDouble(offset);
            case 5 -> cell.putInt(offset, -1);
            case 6 -> cell.getInt(offset);
            case 7 -> cell.putByte(offset, (byte)-1);
            case 8 -> cell.getByte(offset);
            default -> throw new AssertionError(kind);
        }
    }

    static long probe(final int offset, final int kind)
    {
        return ((long)offset << 8) | kind;
    }

    private final List<String> warnings = new ArrayList<>();
    private Organism organism;
    private Genotype genotype;

    private Organism launch(final int workers, final int verifyEvery)
    {
        organism = Organism.launch(new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER)
            .chunkShift(6).stateLength(STATE_LENGTH).verifyEvery(verifyEvery).warnings(warnings::add));
        organism.registerBehaviour("prober", new Prober());
        organism.registerBehaviour("swallower", new Swallower());
        return organism;
    }

    @AfterEach
    void close()
    {
        if (null != organism)
        {
            organism.close();
        }
    }

    private long[] spawnRow(final String behaviour)
    {
        genotype = organism.genotype(behaviour, LAYOUT, behaviour);
        final long[] cells = new long[CELLS];
        for (int i = 0; i < CELLS; i++)
        {
            cells[i] = organism.spawn(genotype);
        }
        return cells;
    }

    /**
     * The bytes of a cell's slot, header and state.
     */
    private byte[] slotBytes(final long handle)
    {
        final CellFlyweight cell = organism.cell(handle);
        final byte[] bytes = new byte[CellDescriptor.HEADER_LENGTH + STATE_LENGTH];
        cell.buffer().getBytes(cell.offset(), bytes);
        return bytes;
    }

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
        "putLong, 80, 1", "putLong, 64, 1", "putLong, -16, 1", "putLong, 57, 1", "getLong, 64, 2",
        "putDouble, 64, 3", "getDouble, -8, 4", "putInt, 61, 5", "getInt, 64, 6", "putByte, 64, 7", "getByte, -1, 8"})
    void shouldKillTheCellThatAccessesOutsideItsStateAndTouchNothingElse(
        final String access, final int offset, final int kind)
    {
        launch(1, 0);
        final long[] cells = spawnRow("prober");
        organism.run(2);
        final byte[][] before = new byte[CELLS][];
        for (int i = 0; i < CELLS; i++)
        {
            before[i] = slotBytes(cells[i]);
        }
        organism.cell(cells[BAD]).putLong(56, probe(offset, kind));

        organism.run(1);

        final Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("out_of_bounds"), stats.deathsByReason().toString());
        assertEquals(1, stats.deaths());
        assertEquals(CELLS - 1, stats.alive());
        assertFalse(organism.isAlive(cells[BAD]));
        for (int i = 0; i < CELLS; i++)
        {
            if (BAD != i)
            {
                assertTrue(organism.isAlive(cells[i]));
                final byte[] after = slotBytes(cells[i]);
                // Word 0 counts ticks: one more tick ran. Everything else is byte for byte as it was.
                assertEquals(new UnsafeBuffer(before[i]).getLong(CellDescriptor.HEADER_LENGTH) + 1,
                    new UnsafeBuffer(after).getLong(CellDescriptor.HEADER_LENGTH));
                new UnsafeBuffer(before[i]).putLong(CellDescriptor.HEADER_LENGTH, 0);
                new UnsafeBuffer(after).putLong(CellDescriptor.HEADER_LENGTH, 0);
                assertArrayEquals(before[i], after, "neighbour " + i + " is untouched");
            }
        }
        final List<String> errors = new ArrayList<>();
        organism.readErrors((count, first, last, text) -> errors.add(text));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains(access + " at state offset " + offset), errors.get(0));
        assertTrue(warnings.isEmpty(), warnings.toString());
        organism.run(3);
        assertEquals(CELLS - 1, organism.stats().alive(), "the others carry on");
    }

    @Test
    void shouldKillACellThatCatchesItsOwnOutOfBoundsException()
    {
        launch(1, 0);
        final long[] cells = spawnRow("swallower");
        organism.run(1);
        final Stats stats = organism.stats();
        assertEquals((long)CELLS, stats.deathsByReason().get("out_of_bounds"));
        assertEquals(0, stats.alive());
    }

    @Test
    void shouldRestartASupervisedCellThatWentOutOfBounds()
    {
        launch(2, 0);
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 5, 10);
        final long child = organism.spawn(organism.genotype("prober", LAYOUT, "prober"), supervisor,
            RestartType.PERMANENT);
        organism.cell(child).putLong(56, probe(64, 1));
        organism.run(3);
        final Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("out_of_bounds"));
        assertEquals(1L, stats.restartsByReason().get("out_of_bounds"));
        assertEquals(1, stats.alive());
    }

    @Test
    void shouldThrowToTheDriverForAnAccessOutsideTheState()
    {
        launch(1, 0);
        final long[] cells = spawnRow("prober");
        final CellBoundsException ex =
            assertThrows(CellBoundsException.class, () -> organism.cell(cells[0]).putLong(STATE_LENGTH, 1));
        assertEquals(STATE_LENGTH, ex.fieldOffset());
        assertEquals(8, ex.width());
        assertEquals(STATE_LENGTH, ex.stateLength());
        assertEquals(0, organism.cell(cells[1]).generation() - 1, "the neighbour's header is untouched");
        assertTrue(CellFlyweight.CHECKS, "tests run with Agrona's bounds checks, and so with the cell checks");
    }

    @Test
    void shouldCheckAgainstTheStateLengthOfAFlyweightMadeForIt()
    {
        final CellFlyweight cell = new CellFlyweight(16);
        cell.wrap(new UnsafeBuffer(new byte[64]), 0, 0);
        cell.putLong(8, 1);
        assertThrows(CellBoundsException.class, () -> cell.putLong(16, 1));
        assertThrows(CellBoundsException.class, () -> cell.putInt(13, 1));
        assertThrows(IllegalArgumentException.class, () -> new CellFlyweight(12));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The engine's own header checks.
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void shouldFindAWipedHeaderInTheSweepSoNoCellVanishes()
    {
        launch(1, 1);
        final long[] cells = spawnRow("prober");
        organism.run(1);
        // What putLong(64) of the cell before it does with the checks off: generation, status and behaviour zeroed.
        final CellFlyweight victim = organism.cell(cells[BAD]);
        victim.buffer().putLong(victim.offset(), 0L);

        organism.run(1);

        final Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("corrupt"), stats.deathsByReason().toString());
        assertEquals(CELLS - 1, stats.alive(), "the vanished cell is counted dead, not alive");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("slot " + (int)cells[BAD]), warnings.get(0));
        assertTrue(warnings.get(0).contains("vanished"), warnings.get(0));
        assertEquals(1, organism.workforce.slices()[0].headerFaults());
        organism.run(2);
        assertEquals(1, warnings.size(), "found once");
        assertEquals(1, organism.workforce.slices()[0].headerFaults());
        assertEquals(CELLS - 1, organism.stats().alive());
        assertEquals(organism.stats().alive(), countLive(), "the live count matches the cells a survey sees");
        final long reborn = organism.spawn(genotype);
        assertTrue(organism.isAlive(reborn), "the freed slot is usable again");
    }

    @Test
    void shouldLetAWipedHeaderVanishWithoutTheSweep()
    {
        launch(1, 0);
        final long[] cells = spawnRow("prober");
        organism.run(1);
        final CellFlyweight victim = organism.cell(cells[BAD]);
        victim.buffer().putLong(victim.offset(), 0L);
        organism.run(1);
        assertEquals(CELLS, organism.stats().alive(), "what the sweep exists for: the count keeps a ghost");
        assertEquals(CELLS - 1, countLive());
        assertTrue(warnings.isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "status, 4, 9", "behaviour, 6, 999", "flags, 5, 64", "row, 8, -7", "link, 12, 3", "generation, 0, 0"})
    void shouldKillACellWhoseHeaderTheSweepFindsDamaged(final String field, final int at, final int value)
    {
        launch(2, 1);
        final long[] cells = spawnRow("prober");
        organism.run(1);
        final CellFlyweight victim = organism.cell(cells[BAD]);
        switch (field)
        {
            case "status", "flags" -> victim.buffer().putByte(victim.offset() + at, (byte)value);
            case "behaviour" -> victim.buffer().putShort(victim.offset() + at, (short)value);
            default -> victim.buffer().putInt(victim.offset() + at, value);
        }

        organism.run(1);

        final Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("corrupt"), stats.deathsByReason().toString());
        assertEquals(CELLS - 1, stats.alive());
        assertEquals(CELLS - 1, countLive());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("cell header damaged in slot " + (int)cells[BAD]), warnings.get(0));
    }

    @Test
    void shouldRebuildABrokenFreeList()
    {
        launch(1, 1);
        final long[] cells = spawnRow("prober");
        organism.kill(cells[1]);
        organism.kill(cells[3]);
        organism.run(1);
        // The chunk's free list goes through slot 3 then slot 1: point slot 3's link at a live cell.
        final CellFlyweight freed = organism.cell(cells[0]);
        final int slotLength = CellDescriptor.HEADER_LENGTH + STATE_LENGTH;
        freed.buffer().putInt(freed.offset() + 3 * slotLength + CellDescriptor.LINK_OFFSET, 4);

        organism.run(1);

        assertEquals(CELLS - 2, organism.stats().alive());
        assertFalse(warnings.isEmpty());
        final long a = organism.spawn(genotype);
        final long b = organism.spawn(genotype);
        final long c = organism.spawn(genotype);
        assertTrue(organism.isAlive(cells[4]), "the live cell the bad link named is never handed out");
        assertEquals(CELLS + 1, organism.stats().alive());
        assertEquals(3, Set.of((int)a, (int)b, (int)c).size());
        assertNull(organism.stats().deathsByReason().get("corrupt"), "no cell died of a broken list");
    }

    @Test
    void shouldCountADeathWithADamagedHeaderAsCorrupt()
    {
        launch(1, 0);
        final long[] cells = spawnRow("prober");
        organism.run(1);
        final CellFlyweight victim = organism.cell(cells[BAD]);
        victim.flags((byte)0x40);
        organism.kill(cells[BAD]);
        final Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("corrupt"));
        assertNull(stats.deathsByReason().get("killed"));
        organism.run(1);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("flags 0x40"), warnings.get(0));
    }

    @Test
    void shouldFindNothingInAHealthySupervisedRun()
    {
        launch(3, 1);
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ALL, 1000, 10);
        final Genotype genotype = organism.genotype("prober", LAYOUT, "prober");
        final long[] children = new long[20];
        for (int i = 0; i < children.length; i++)
        {
            children[i] = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        }
        organism.cell(children[3]).putLong(56, probe(64, 1));
        organism.run(5);
        assertTrue(warnings.isEmpty(), warnings.toString());
        assertEquals(children.length, organism.stats().alive());
    }

    @Test
    void shouldRunTheSameForAnyWorkerCount()
    {
        long expected = 0;
        Stats expectedStats = null;
        for (int workers = 1; workers <= 3; workers++)
        {
            warnings.clear();
            launch(workers, 2);
            final Genotype genotype = organism.genotype("prober", LAYOUT, "prober");
            final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1000, 10);
            final long[] cells = new long[200];
            for (int i = 0; i < cells.length; i++)
            {
                cells[i] = i % 2 == 0 ? organism.spawn(genotype, supervisor, RestartType.PERMANENT) :
                    organism.spawn(genotype);
            }
            for (int i = 0; i < cells.length; i += 7)
            {
                organism.cell(cells[i]).putLong(56, probe(64 + i % 3, 1 + i % 8));
            }
            organism.run(3);
            final CellFlyweight victim = organism.cell(cells[11]);
            victim.buffer().putLong(victim.offset(), 0L);
            organism.run(4);
            final long digest = organism.digest();
            final Stats stats = organism.stats();
            if (1 == workers)
            {
                expected = digest;
                expectedStats = stats;
                assertEquals(1L, stats.deathsByReason().get("corrupt"));
                assertTrue(stats.deathsByReason().get("out_of_bounds") > 20);
            }
            else
            {
                assertEquals(expected, digest, workers + " workers");
                assertEquals(expectedStats.deathsByReason(), stats.deathsByReason(), workers + " workers");
                assertEquals(expectedStats.alive(), stats.alive(), workers + " workers");
            }
            organism.close();
            organism = null;
        }
    }

    private long countLive()
    {
        final AtomicLong live = new AtomicLong();
        organism.survey((family, cell) -> live.incrementAndGet());
        return live.get();
    }
}
