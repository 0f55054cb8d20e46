package io.karyon.engine.internal;

import io.karyon.engine.cell.CellDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Pins the layout of an arena's chunk header, file header and cell header: arena files written by one build must
 * open in the next.
 */
class ArenaDescriptorTest
{
    @Test
    void shouldKeepTheChunkHeaderLayout()
    {
        assertEquals(0, ArenaDescriptor.HWM_OFFSET);
        assertEquals(4, ArenaDescriptor.FREE_HEAD_OFFSET);
        assertEquals(8, ArenaDescriptor.LIVE_OFFSET);
        assertEquals(56, ArenaDescriptor.CHUNK_MAGIC_OFFSET);
        assertEquals(64, ArenaDescriptor.CHUNK_HEADER_LENGTH);
    }

    @Test
    void shouldKeepTheFileHeaderLayout()
    {
        assertEquals(0, ArenaDescriptor.FILE_MAGIC_OFFSET);
        assertEquals(8, ArenaDescriptor.FILE_VERSION_OFFSET);
        assertEquals(12, ArenaDescriptor.FILE_STATE_LENGTH_OFFSET);
        assertEquals(16, ArenaDescriptor.FILE_CHUNK_SHIFT_OFFSET);
        assertEquals(20, ArenaDescriptor.FILE_FAMILY_COUNT_OFFSET);
        assertEquals(24, ArenaDescriptor.FILE_FIELDS_LENGTH);
        assertEquals(4096, ArenaDescriptor.FILE_HEADER_LENGTH);
        assertEquals(2, ArenaDescriptor.FILE_VERSION);
    }

    @Test
    void shouldKeepTheCellHeaderLayoutAndItsFlagBits()
    {
        assertEquals(0, CellDescriptor.GENERATION_OFFSET);
        assertEquals(4, CellDescriptor.STATUS_OFFSET);
        assertEquals(5, CellDescriptor.FLAGS_OFFSET);
        assertEquals(6, CellDescriptor.BEHAVIOUR_ID_OFFSET);
        assertEquals(8, CellDescriptor.SUPERVISOR_ROW_OFFSET);
        assertEquals(12, CellDescriptor.LINK_OFFSET);
        assertEquals(16, CellDescriptor.HEADER_LENGTH);
        assertEquals(0x01, CellDescriptor.FLAG_TRAP_EXITS);
    }

    @Test
    void shouldSizeAChunkAsHeaderSlotsBitmapsAndColumnAligned()
    {
        // 64 header + 64 slots of (16 + 8) + 2 bitmaps of 8 bytes + 64 ints = 1872 bytes, then aligned.
        assertEquals(64 + 64 * 24, ArenaDescriptor.bitmapsOffset(8, 6));
        assertEquals(8, ArenaDescriptor.bitmapLength(6));
        assertEquals(64, ArenaDescriptor.slotOffset(0, 24));
        assertEquals(64 + 63 * 24, ArenaDescriptor.slotOffset(63, 24));
        assertEquals(1920, ArenaDescriptor.chunkLength(8, 6, 64));
        assertEquals(4096, ArenaDescriptor.chunkLength(8, 6, ArenaDescriptor.FILE_CHUNK_ALIGNMENT));
        assertNotEquals(0, ArenaDescriptor.chunkLength(64 * 1024, 14, 64));
    }

    @Test
    void shouldRejectAChunkPast2GiB()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ArenaDescriptor.chunkLength(120, 24, 64));
        assertEquals("chunk of 2^24 slots of 136 bytes exceeds 2 GiB: lower chunkShift", ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, 0, 5, 25, Integer.MAX_VALUE })
    void shouldRejectAChunkShiftOutOfRange(final int chunkShift)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ArenaDescriptor.checkChunkShift(chunkShift));
        assertEquals("chunkShift must be in 6..24: chunkShift=" + chunkShift, ex.getMessage());
    }

    @Test
    void shouldNameTheFileAndTheVersionOfAnotherLayout()
    {
        final Path file = Path.of("cells.arena");
        final ByteBuffer header =
            ByteBuffer.allocate(ArenaDescriptor.FILE_FIELDS_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(ArenaDescriptor.FILE_MAGIC_OFFSET, ArenaDescriptor.FILE_MAGIC);
        header.putInt(ArenaDescriptor.FILE_VERSION_OFFSET, ArenaDescriptor.FILE_VERSION);
        assertDoesNotThrow(() -> ArenaDescriptor.checkFileHeader(file, header));

        header.putInt(ArenaDescriptor.FILE_VERSION_OFFSET, 1);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ArenaDescriptor.checkFileHeader(file, header));
        assertEquals("cells.arena: arena file version 1, expected 2", ex.getMessage());
    }
}
