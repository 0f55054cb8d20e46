package io.karyon.engine;

import io.karyon.engine.cell.CellBoundsException;
import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.CellStorage;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.ArenaDescriptor;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Columnar cell storage: behaviours see the same fields through the same flyweight as in row storage, every width
 * reads and writes where it should (in its word's column), a run's digest is the same in either storage and on any
 * number of workers, accesses outside the state or across a word kill the cell with {@code out_of_bounds} and touch
 * no neighbour, and a restart writes the genotype's state back into the columns.
 */
class ColumnarCellsTest
{
    /**
     * Every width, scalars and arrays, two ints and bytes sharing words: 64 bytes of state.
     */
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("l").doubleField("d").intField("i").intField("j").byteField("b").array("bs", byte.class, 3)
        .intField("k").array("ds", double.class, 2).array("ls", long.class, 2).build();
    static final int L = LAYOUT.offset("l");
    static final int D = LAYOUT.offset("d");
    static final int I = LAYOUT.offset("i");
    static final int J = LAYOUT.offset("j");
    static final int B = LAYOUT.offset("b");
    static final int K = LAYOUT.offset("k");
    static final CellLayout.Field BS = LAYOUT.field("bs");
    static final CellLayout.Field DS = LAYOUT.field("ds");
    static final CellLayout.Field LS = LAYOUT.field("ls");
    static final int STATE_LENGTH = 64;
    static final int PROBE = LS.offset(1);

    /**
     * Updates every field from the others each tick, sends its sum to a neighbour now and then, and when its last
     * long holds an access code, makes that access once (see {@link CheckedCellsTest#access}).
     */
    static final class EveryWidth implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long probe = cell.getLong(PROBE);
            if (0 != probe)
            {
                cell.putLong(PROBE, 0);
                CheckedCellsTest.access(cell, (int)(probe >> 8), (int)(probe & 0xFF));
            }
            final long l = cell.getLong(L) * 6364136223846793005L + 1442695040888963407L;
            cell.putLong(L, l);
            final double d = cell.getDouble(D);
            cell.putDouble(D, 3.9 * d * (1.0 - d));
            cell.putInt(I, cell.getInt(I) + (int)(l >>> 40));
            cell.putInt(J, cell.getInt(J) ^ cell.getInt(I));
            cell.putByte(B, (byte)(cell.getByte(B) + 3));
            for (int e = 0; e < BS.length(); e++)
            {
                cell.putByte(BS.offset(e), (byte)(cell.getByte(BS.offset(e)) * 5 + e));
            }
            cell.putInt(K, cell.getInt(K) - 1);
            for (int e = 0; e < DS.length(); e++)
            {
                cell.putDouble(DS.offset(e), cell.getDouble(DS.offset(e)) * 0.5 + d);
            }
            cell.putLong(LS.offset(0), cell.getLong(LS.offset(0)) + cell.getByte(B) + cell.getInt(J));
            if (0 == (l & 7))
            {
                context.send(0 == (context.nextLong() & 1) ? cell.handle() : context.self(), 1, l);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(LS.offset(0), cell.getLong(LS.offset(0)) ^ payload);
        }
    }

    private Organism organism;

    @AfterEach
    void close()
    {
        if (null != organism)
        {
            organism.close();
        }
    }

    private Organism launch(final CellStorage storage, final int workers)
    {
        organism = Organism.launch(new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER)
            .chunkShift(6).stateLength(STATE_LENGTH).cellStorage(storage).seed(7));
        organism.registerBehaviour("every", new EveryWidth());
        return organism;
    }

    private Genotype genotype()
    {
        return organism.genotype("every", LAYOUT, "every").putLong(L, 11).putDouble(D, 0.25).putInt(I, 3)
            .putInt(J, -5).putByte(B, (byte)7).putByte(BS.offset(2), (byte)-2).putInt(K, 1000)
            .putDouble(DS.offset(1), 1.5).putLong(LS.offset(0), -9);
    }

    /**
     * A seeded population over several chunks of 64 slots, run for some ticks; every field of every cell, in order.
     */
    private List<Object> run(final CellStorage storage, final int workers, final long[] digest)
    {
        launch(storage, workers);
        final Genotype genotype = genotype();
        final SplittableRandom random = new SplittableRandom(99);
        final long[] cells = new long[300];
        for (int c = 0; c < cells.length; c++)
        {
            cells[c] = organism.spawn(genotype);
            if (0 != c % 3)
            {
                organism.cell(cells[c]).putLong(L, random.nextLong()).putDouble(D, random.nextDouble())
                    .putInt(I, random.nextInt()).putByte(BS.offset(1), (byte)random.nextInt());
            }
        }
        organism.run(25);
        final List<Object> values = new ArrayList<>();
        for (final long handle : cells)
        {
            final CellFlyweight cell = organism.cell(handle);
            values.add(cell.getLong(L));
            values.add(cell.getDouble(D));
            values.add(cell.getInt(I));
            values.add(cell.getInt(J));
            values.add(cell.getByte(B));
            for (int e = 0; e < BS.length(); e++)
            {
                values.add(cell.getByte(BS.offset(e)));
            }
            values.add(cell.getInt(K));
            values.add(cell.getDouble(DS.offset(0)));
            values.add(cell.getDouble(DS.offset(1)));
            values.add(cell.getLong(LS.offset(0)));
            values.add(cell.getLong(LS.offset(1)));
        }
        digest[0] = organism.digest();
        assertTrue(organism.stats().delivered() > 100, "messages ran too: " + organism.stats());
        organism.close();
        organism = null;
        return values;
    }

    @Test
    void shouldRunEveryWidthAsRowStorageDoesOnAnyNumberOfWorkers()
    {
        final long[] rowDigest = new long[1];
        final List<Object> row = run(CellStorage.ROW, 1, rowDigest);
        for (int workers = 1; workers <= 3; workers++)
        {
            final long[] digest = new long[1];
            final List<Object> columnar = run(CellStorage.COLUMNAR, workers, digest);
            assertEquals(row, columnar, "every field on " + workers + " worker(s)");
            assertEquals(rowDigest[0], digest[0], "the digest on " + workers + " worker(s)");
        }
        assertEquals(300 * 13, row.size());
    }

    @Test
    void shouldKeepEachWordOfTheStateInItsOwnColumn()
    {
        launch(CellStorage.COLUMNAR, 1);
        final Genotype genotype = genotype();
        final long first = organism.spawn(genotype);
        final long second = organism.spawn(genotype);
        assertEquals(CellStorage.COLUMNAR, organism.arena.storage());
        assertEquals(8, organism.arena.headerStride());
        final CellFlyweight a = organism.cell(first);
        final int slotsPerChunk = organism.arena.chunkSlots();
        final int index = Handle.slot(first) & (slotsPerChunk - 1);
        // Column w holds word w of every cell of the chunk: the header's two words, then the state's.
        final int header0 = ArenaDescriptor.CHUNK_HEADER_LENGTH;
        assertEquals(header0 + 8 * index, a.offset());
        a.supervisorRow(0x0BADCAFE).link(0x600D);
        assertEquals(0x0BADCAFE, a.buffer().getInt(header0 + 8 * slotsPerChunk + 8 * index));
        assertEquals(0x600D, a.buffer().getInt(header0 + 8 * slotsPerChunk + 8 * index + 4));
        assertEquals(a.behaviourId(), a.buffer().getShort(a.offset() + CellDescriptor.BEHAVIOUR_ID_OFFSET));
        a.supervisorRow(CellDescriptor.NO_SUPERVISOR).link(CellDescriptor.NULL_LINK);
        final int column0 = header0 + CellDescriptor.HEADER_LENGTH * slotsPerChunk;
        assertEquals(column0 + 8 * index, a.stateOffset());
        a.putDouble(D, 0.125).putInt(J, 0x01020304).putByte(BS.offset(2), (byte)0x55);
        assertEquals(0.125, a.buffer().getDouble(column0 + (D >> 3) * 8 * slotsPerChunk + 8 * index));
        assertEquals(0x01020304, a.buffer().getInt(column0 + (J >> 3) * 8 * slotsPerChunk + 8 * index + (J & 7)));
        assertEquals((byte)0x55,
            a.buffer().getByte(column0 + (BS.offset(2) >> 3) * 8 * slotsPerChunk + 8 * index + (BS.offset(2) & 7)));
        final CellFlyweight b = organism.cell(second);
        final int other = Handle.slot(second) & (slotsPerChunk - 1);
        assertTrue(other != index);
        assertEquals(column0 + 8 * other, b.stateOffset(), "another cell's word is another element of the column");
        assertEquals(0.25, b.getDouble(D), "the neighbour keeps its own");
        assertEquals(CellDescriptor.NO_SUPERVISOR, b.supervisorRow());
        assertEquals(-5, b.getInt(J));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
        "putLong, 64, 1, false", "putLong, -8, 1, false", "putLong, 4, 1, true", "getLong, 60, 2, false",
        "putDouble, 12, 3, true", "getDouble, 64, 4, false", "putInt, 6, 5, true", "getInt, 62, 6, false",
        "putByte, 64, 7, false", "getByte, -1, 8, false"})
    void shouldKillTheCellThatAccessesOutsideItsStateOrAcrossAWordAndTouchNoNeighbour(
        final String access, final int offset, final int kind, final boolean acrossAWord)
    {
        launch(CellStorage.COLUMNAR, 1);
        final Genotype genotype = genotype();
        final long[] cells = new long[5];
        for (int c = 0; c < cells.length; c++)
        {
            cells[c] = organism.spawn(genotype);
        }
        organism.run(2);
        final long[][] before = new long[cells.length][];
        for (int c = 0; c < cells.length; c++)
        {
            before[c] = words(cells[c]);
        }
        organism.cell(cells[2]).putLong(PROBE, CheckedCellsTest.probe(offset, kind));
        organism.run(1);

        final Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("out_of_bounds"), stats.deathsByReason().toString());
        assertFalse(organism.isAlive(cells[2]));
        assertEquals(cells.length - 1, stats.alive());
        final List<String> errors = new ArrayList<>();
        organism.readErrors((count, firstNs, lastNs, text) -> errors.add(text));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains(access + " at state offset " + offset), errors.get(0));
        assertEquals(acrossAWord, errors.get(0).contains("crosses an 8-byte word"), errors.get(0));
        // The others ran one more tick each, from what they held, and nothing else reached them.
        for (int c = 0; c < cells.length; c++)
        {
            if (2 != c)
            {
                final long[] after = words(cells[c]);
                assertEquals(before[c][L >> 3] * 6364136223846793005L + 1442695040888963407L, after[L >> 3],
                    "neighbour " + c);
                assertEquals(before[c][PROBE >> 3], after[PROBE >> 3], "neighbour " + c);
                assertEquals((int)(before[c][K >> 3] >>> ((K & 7) << 3)) - 1, organism.cell(cells[c]).getInt(K),
                    "neighbour " + c);
            }
        }
    }

    private long[] words(final long handle)
    {
        final CellFlyweight cell = organism.cell(handle);
        final long[] words = new long[STATE_LENGTH >> 3];
        for (int w = 0; w < words.length; w++)
        {
            words[w] = cell.getLong(w << 3);
        }
        return words;
    }

    @Test
    void shouldThrowToTheDriverForAnAccessAcrossAWord()
    {
        launch(CellStorage.COLUMNAR, 1);
        final long cell = organism.spawn(genotype());
        final CellBoundsException ex =
            assertThrows(CellBoundsException.class, () -> organism.cell(cell).getInt(6));
        assertEquals(6, ex.fieldOffset());
        assertTrue(ex.getMessage().contains("crosses an 8-byte word"), ex.getMessage());
        assertEquals(-5, organism.cell(cell).getInt(J), "aligned accesses are fine");
    }

    /**
     * Does nothing, but when its last word is set: then it scribbles over every word and writes past its state.
     */
    static final class Scribbler implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            if (0 != cell.getLong(PROBE))
            {
                for (int w = 0; w < STATE_LENGTH >> 3; w++)
                {
                    cell.putLong(w << 3, 0x5A5A_5A5A_5A5A_5A5AL);
                }
                cell.putLong(STATE_LENGTH, 1);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    @Test
    void shouldRestartACellWithItsGenotypesStateInEveryColumn()
    {
        launch(CellStorage.COLUMNAR, 2);
        organism.registerBehaviour("scribbler", new Scribbler());
        final Genotype genotype = organism.genotype("scribbler", LAYOUT, "scribbler").putLong(L, 11)
            .putDouble(D, 0.25).putInt(J, -5).putByte(BS.offset(2), (byte)-2).putInt(K, 1000)
            .putLong(LS.offset(0), -9);
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 5, 10);
        final long child = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        final long neighbour = organism.spawn(genotype);
        organism.run(3);
        organism.cell(child).putLong(PROBE, 1);
        organism.run(3);
        final Stats stats = organism.stats();
        assertEquals(1L, stats.restartsByReason().get("out_of_bounds"), stats.toString());
        final long[] restarted = new long[1];
        organism.survey((family, cell) ->
        {
            if (cell.handle() != neighbour)
            {
                restarted[0] = cell.handle();
            }
        });
        assertTrue(organism.isAlive(restarted[0]));
        assertFalse(organism.isAlive(child));
        final CellFlyweight cell = organism.cell(restarted[0]);
        final CellFlyweight fresh = organism.cell(organism.spawn(genotype));
        for (int w = 0; w < STATE_LENGTH >> 3; w++)
        {
            assertEquals(fresh.getLong(w << 3), cell.getLong(w << 3), "word " + w + " is the genotype's again");
        }
        assertEquals(11, cell.getLong(L));
        assertEquals(1000, cell.getInt(K));
    }

    @ParameterizedTest
    @ValueSource(strings = { "diagonal", "" })
    void shouldRefuseAStorageThatIsNeitherRowNorColumnar(final String name)
    {
        final String before = System.getProperty(Configuration.CELL_STORAGE_PROP_NAME);
        System.setProperty(Configuration.CELL_STORAGE_PROP_NAME, name);
        try
        {
            final ConfigurationException ex =
                assertThrows(ConfigurationException.class, () -> new Context().conclude());
            assertEquals(Configuration.CELL_STORAGE_PROP_NAME + " must be row or columnar: cellStorage=" + name,
                ex.getMessage());
        }
        finally
        {
            System.clearProperty(Configuration.CELL_STORAGE_PROP_NAME);
            if (null != before)
            {
                System.setProperty(Configuration.CELL_STORAGE_PROP_NAME, before);
            }
        }
        assertEquals(CellStorage.COLUMNAR, CellStorage.of(" Columnar "));
    }

    @Test
    void shouldRefuseColumnarStorageInAnArenaFile()
    {
        final Path file = Path.of("never-created.arena");
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> new Context().cellStorage(CellStorage.COLUMNAR).arenaFile(file).conclude());
        assertTrue(ex.getMessage().contains("an arena file keeps row storage"), ex.getMessage());
        assertFalse(file.toFile().exists());
    }
}
