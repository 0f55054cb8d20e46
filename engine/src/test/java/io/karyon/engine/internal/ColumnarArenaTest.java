package io.karyon.engine.internal;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellStorage;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A columnar arena: the same chunk length as a row arena, headers and free lists that work through the two header
 * columns, slot runs that cover exactly the bytes of the slots in use, and a seeded fuzz of allocations, frees and
 * writes of every width that finds each cell's state and header as it left them, in either storage.
 */
class ColumnarArenaTest
{
    private static final int STATE_LENGTH = 40;
    private static final int SHIFT = 6;
    private static final int[] WIDTHS = { 1, 4, 8 };

    @Test
    void shouldKeepEachWordOfTheSlotInItsOwnColumn()
    {
        try (Arena arena = Arena.inMemory(STATE_LENGTH, SHIFT, CellStorage.COLUMNAR, false))
        {
            arena.addFamily();
            final int slots = 1 << SHIFT;
            assertEquals(CellStorage.COLUMNAR, arena.storage());
            assertEquals(ArenaDescriptor.chunkLength(STATE_LENGTH, SHIFT, 64), arena.chunk(0).capacity(),
                "a columnar chunk is as long as a row chunk");
            assertEquals(7, arena.slotRuns(), "two header words and five state words");
            assertEquals(8, arena.slotRunStride());
            assertEquals(ArenaDescriptor.CHUNK_HEADER_LENGTH + 6 * 8 * slots, arena.slotRunOffset(6));
            assertEquals(arena.bitmapOffset(0), arena.slotRunOffset(6) + 8 * slots, "the last column ends the slots");
            final int a = arena.allocate(0);
            final int b = arena.allocate(0);
            arena.wrap(new CellFlyweight(), a).putLong(32, -1L);
            final CellFlyweight cell = arena.wrap(new CellFlyweight(), b);
            assertEquals(ArenaDescriptor.CHUNK_HEADER_LENGTH + 8 * b, cell.offset());
            cell.supervisorRow(77).putLong(32, 0x1234L).putInt(12, 5).putByte(7, (byte)9);
            final UnsafeBuffer chunk = arena.chunk(0);
            assertEquals(77, chunk.getInt(arena.slotRunOffset(1) + 8 * b), "the supervisor row in header word 1");
            assertEquals(0x1234L, chunk.getLong(arena.slotRunOffset(2 + 4) + 8 * b), "state word 4 in column 6");
            assertEquals(5, chunk.getInt(arena.slotRunOffset(2 + 1) + 8 * b + 4));
            assertEquals((byte)9, chunk.getByte(arena.slotRunOffset(2) + 8 * b + 7));
            assertEquals(-1L, arena.wrap(new CellFlyweight(), a).getLong(32), "a's element of the column is its own");

            arena.free(a);
            arena.free(b);
            assertEquals(b, arena.allocate(0), "the free list runs through the link column");
            assertEquals(a, arena.allocate(0));
            assertEquals(2, arena.wrap(cell, a).generation());
        }
    }

    /**
     * Random allocations, frees and writes over three chunks; a model of what each live cell should hold.
     */
    @ParameterizedTest
    @EnumSource(CellStorage.class)
    void shouldFindEveryCellAsItWasLeftWhateverTheStorage(final CellStorage storage)
    {
        for (long seed = 1; seed <= 20; seed++)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            try (Arena arena = Arena.inMemory(STATE_LENGTH, SHIFT, storage, false))
            {
                arena.addFamily();
                arena.addChunk(1);
                arena.addChunk(2);
                final CellFlyweight cell = new CellFlyweight();
                final Map<Integer, long[]> model = new HashMap<>();
                final List<Integer> live = new ArrayList<>();
                for (int step = 0; step < 2_000; step++)
                {
                    final int op = random.nextInt(10);
                    if (op < 3 || live.isEmpty())
                    {
                        final int slot = arena.allocate(random.nextInt(3));
                        if (slot >= 0)
                        {
                            final long[] words = new long[STATE_LENGTH >> 3];
                            arena.wrap(cell, slot).status(CellDescriptor.STATUS_ALIVE).supervisorRow(slot)
                                .link(~slot);
                            for (int w = 0; w < words.length; w++)
                            {
                                cell.putLong(w << 3, 0);
                            }
                            model.put(slot, words);
                            live.add(slot);
                        }
                    }
                    else if (op < 4)
                    {
                        final int slot = live.remove(random.nextInt(live.size()));
                        model.remove(slot);
                        arena.free(slot);
                    }
                    else
                    {
                        final int slot = live.get(random.nextInt(live.size()));
                        write(arena.wrap(cell, slot), model.get(slot), random);
                    }
                }
                for (final int slot : live)
                {
                    arena.wrap(cell, slot);
                    final long[] words = new long[STATE_LENGTH >> 3];
                    for (int w = 0; w < words.length; w++)
                    {
                        words[w] = cell.getLong(w << 3);
                    }
                    assertArrayEquals(model.get(slot), words, "seed " + seed + " slot " + slot);
                    assertEquals(slot, cell.supervisorRow());
                    assertEquals(~slot, cell.link());
                    assertEquals(CellDescriptor.STATUS_ALIVE, cell.status());
                }
                assertEquals(live.size(), arena.live());
                assertTrue(live.size() > 20, "seed " + seed + ": " + live.size() + " live");
            }
        }
    }

    /**
     * One write of a random width at a random aligned offset, mirrored in the model (little-endian words).
     */
    private static void write(final CellFlyweight cell, final long[] words, final SplittableRandom random)
    {
        final int width = WIDTHS[random.nextInt(WIDTHS.length)];
        final int offset = random.nextInt(STATE_LENGTH / width) * width;
        final long value = random.nextLong();
        final int shift = (offset & 7) << 3;
        final long mask = 8 == width ? -1L : ((1L << (width << 3)) - 1) << shift;
        switch (width)
        {
            case 1 -> cell.putByte(offset, (byte)value);
            case 4 -> cell.putInt(offset, (int)value);
            default -> cell.putLong(offset, value);
        }
        words[offset >> 3] = (words[offset >> 3] & ~mask) | ((value << shift) & mask);
    }
}
