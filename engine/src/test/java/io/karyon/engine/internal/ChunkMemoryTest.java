package io.karyon.engine.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.BitUtil.align;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where chunks lie: placed chunks one after another in the order they are made, going up through memory, stand-ins'
 * apart; every chunk's header and bitmaps start at zero and the whole of it can be written.
 */
class ChunkMemoryTest
{
    private static final int CHUNK_LENGTH = 4096 + 40;
    private static final int BITMAPS_OFFSET = ArenaDescriptor.CHUNK_HEADER_LENGTH;
    private static final int BITMAPS_LENGTH = 128;

    @Test
    void shouldLayPlacedChunksOneAfterAnotherInTheOrderTheyAreMade()
    {
        final ChunkMemory memory = new ChunkMemory(CHUNK_LENGTH, BITMAPS_OFFSET, BITMAPS_LENGTH);
        final int chunks = 2 * ChunkMemory.EXTENT_CHUNKS + 3;  // three extents
        memory.ensureCapacity(chunks + 1);
        final long stride = align(CHUNK_LENGTH, CACHE_LINE_LENGTH);
        try
        {
            UnsafeBuffer previous = null;
            int followed = 0;
            for (int c = 0; c < chunks; c++)
            {
                // Made in an order other than their indices: the place follows the order of making.
                final int chunk = chunks - 1 - c;
                final UnsafeBuffer buffer = memory.record(chunk, memory.obtain(chunk, true), true);
                assertEquals(0, buffer.addressOffset() % CACHE_LINE_LENGTH);
                assertZeroAndWritable(buffer);
                if (null != previous && buffer.addressOffset() == previous.addressOffset() + stride)
                {
                    followed++;
                }
                previous = buffer;
            }
            // Within an extent each chunk follows the one made before it; only the two new extents may lie elsewhere.
            assertTrue(followed >= chunks - 3, followed + " of " + (chunks - 1) + " chunks followed the one before");

            final UnsafeBuffer standIn = memory.record(chunks, memory.obtain(chunks, false), false);
            assertNotEquals(previous.addressOffset() + stride, standIn.addressOffset());
            assertZeroAndWritable(standIn);
        }
        finally
        {
            memory.close();
        }
    }

    @Test
    void shouldCarveAfreshAfterClose()
    {
        final ChunkMemory memory = new ChunkMemory(CHUNK_LENGTH, BITMAPS_OFFSET, BITMAPS_LENGTH);
        memory.ensureCapacity(2);
        memory.record(0, memory.obtain(0, true), true);
        memory.close();
        final UnsafeBuffer again = memory.record(1, memory.obtain(1, true), true);
        assertZeroAndWritable(again);
        memory.close();
    }

    private static void assertZeroAndWritable(final UnsafeBuffer buffer)
    {
        for (int i = 0; i < ArenaDescriptor.CHUNK_HEADER_LENGTH; i++)
        {
            assertEquals(0, buffer.getByte(i));
        }
        for (int i = 0; i < BITMAPS_LENGTH; i++)
        {
            assertEquals(0, buffer.getByte(BITMAPS_OFFSET + i));
        }
        buffer.putLong(0, -1L);
        buffer.putLong(CHUNK_LENGTH - Long.BYTES, -1L);
        assertTrue(buffer.getLong(0) == -1L && buffer.getLong(CHUNK_LENGTH - Long.BYTES) == -1L);
    }
}
