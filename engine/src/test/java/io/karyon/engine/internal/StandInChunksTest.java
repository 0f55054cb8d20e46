package io.karyon.engine.internal;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stand-in chunk (another shard's worker's) hands out the slots and generations the owner's real chunk does, for any
 * sequence of allocations and frees, while it keeps no slot; its freed slots go through a checkpoint's list.
 */
class StandInChunksTest
{
    private static final int CHUNK_SHIFT = 6;

    @Test
    void shouldCoverTheClassesOfTheOtherShardsWorkers()
    {
        // 2 shards of 2 workers: shard 1 runs workers 2 and 3, which own the classes k with k % 4 in {2, 3}.
        final long remote = StandInChunks.remoteClasses(1, 2, 4);
        for (int k = 0; k < Arena.FAMILY_CLASSES; k++)
        {
            assertEquals(k % 4 < 2, 0 != (remote & (1L << k)), "class " + k);
        }
        assertEquals(0, StandInChunks.remoteClasses(0, 3, 3), "one shard stands in for nobody");
    }

    @Test
    void shouldHandOutTheOwnersSlotsAndGenerationsWithoutWritingASlot()
    {
        final SplittableRandom random = new SplittableRandom(42);
        try (Arena owner = Arena.inMemory(64, CHUNK_SHIFT); Arena standIn = Arena.inMemory(64, CHUNK_SHIFT))
        {
            standIn.standIns(-1L);
            final StandInChunks standIns = standIn.standIns();
            owner.addFamily();
            standIn.addFamily();
            final CellFlyweight cell = new CellFlyweight();
            final List<Long> live = new ArrayList<>();
            for (int step = 0; step < 2000; step++)
            {
                if (live.isEmpty() || (live.size() < 64 && random.nextInt(3) > 0))
                {
                    final int slot = owner.allocate(0);
                    assertEquals(slot, standIn.allocate(0), "step " + step);
                    final long handle = Handle.of(slot, owner.wrap(cell, slot).generation());
                    assertEquals(handle, standIns.handle(slot), "step " + step);
                    assertTrue(standIns.isLive(handle));
                    live.add(handle);
                }
                else
                {
                    final long handle = live.remove(random.nextInt(live.size()));
                    owner.free(Handle.slot(handle));
                    standIn.free(Handle.slot(handle));
                    assertFalse(standIns.isLive(handle), "a freed cell's handle is stale");
                }
                assertEquals(owner.live(0), standIn.live(0));
                assertEquals(owner.highWater(0), standIn.highWater(0));
            }
            assertFalse(standIns.isLive(Handle.of(63 + 1, 1)), "a slot above the high-water mark");
            // No slot was written: every slot's bytes are as the stand-in chunk was made, whatever they were.
            final int slotsEnd = ArenaDescriptor.CHUNK_HEADER_LENGTH + (standIn.slotLength() << CHUNK_SHIFT);
            final byte[] before = new byte[slotsEnd - ArenaDescriptor.CHUNK_HEADER_LENGTH];
            standIn.chunk(0).getBytes(ArenaDescriptor.CHUNK_HEADER_LENGTH, before);
            final int slot = standIn.allocate(0);
            if (slot >= 0)
            {
                standIn.free(slot);
            }
            final byte[] after = new byte[before.length];
            standIn.chunk(0).getBytes(ArenaDescriptor.CHUNK_HEADER_LENGTH, after);
            assertArrayEquals(before, after, "a stand-in's allocation and free write no slot");
        }
    }

    @Test
    void shouldCarryFreedSlotsThroughTheirCheckpointList()
    {
        try (Arena standIn = Arena.inMemory(64, CHUNK_SHIFT); Arena restored = Arena.inMemory(64, CHUNK_SHIFT))
        {
            standIn.standIns(-1L);
            restored.standIns(-1L);
            standIn.addFamily();
            for (int i = 0; i < 10; i++)
            {
                standIn.allocate(0);
            }
            standIn.free(3);
            standIn.free(7);
            standIn.free(5);
            assertEquals(5, standIn.allocate(0), "the last freed slot is taken first");
            final int[] freed = standIn.standIns().freedSlots(0);
            assertArrayEquals(new int[] {3, 2, -1, 5, 2, StandInChunks.NOT_FREE, 7, 2, 3}, freed);

            restored.addFamily();
            restored.chunk(0).putBytes(0, standIn.chunk(0), 0, ArenaDescriptor.CHUNK_HEADER_LENGTH);
            restored.chunk(0).putBytes(restored.bitmapOffset(StandInChunks.LIVE_BITMAP), standIn.chunk(0),
                standIn.bitmapOffset(StandInChunks.LIVE_BITMAP), 8);
            for (int i = 0; i < freed.length; i += 3)
            {
                restored.standIns().restoreFreed(freed[i], freed[i + 1], freed[i + 2]);
            }
            for (int i = 0; i < 4; i++)
            {
                final int slot = standIn.allocate(0);
                assertEquals(slot, restored.allocate(0));
                assertEquals(standIn.standIns().handle(slot), restored.standIns().handle(slot));
            }
            assertEquals(Handle.of(7, 2), restored.standIns().handle(7));
            assertEquals(Handle.of(11, 1), restored.standIns().handle(11));
        }
    }
}
