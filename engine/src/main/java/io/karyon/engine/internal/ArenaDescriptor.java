package io.karyon.engine.internal;

import io.karyon.engine.cell.CellDescriptor;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of an {@link Arena}'s memory: the header of each chunk, what follows it, and the header of an arena file.
 * <p>
 * A <b>chunk</b> is a 64-byte header, its slots (each laid out by {@link CellDescriptor}), then, for the engine's use,
 * two bitmaps of one bit per slot and a column of one int per slot; it is padded to a cache line (anonymous memory)
 * or a page (a file):
 * <pre>
 *   [ chunk header ][ slot 0 ][ slot 1 ] ... [ slot 2^chunkShift - 1 ][ bitmap 0 ][ bitmap 1 ][ int column ][ pad ]
 * </pre>
 * The <b>chunk header</b>:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          High-Water Mark (slots ever used, from 0)            |  0
 *  +---------------------------------------------------------------+
 *  |             Free Head (most recently freed slot)              |  4
 *  +---------------------------------------------------------------+
 *  |                   Live (allocated slots)                      |  8
 *  +---------------------------------------------------------------+
 *  |                      44 bytes reserved                       ... 12
 *  +---------------------------------------------------------------+
 *  |                   Chunk Magic "KARYONCK"                      | 56
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * The header fills one cache line, so the first slot starts on the next. The magic is written last (release): a file
 * chunk whose magic is missing was never created, and is not mapped when the file is opened again.
 * <p>
 * An <b>arena file</b> is a 4096-byte file header, then chunk {@code c} at {@code 4096 + c * chunkLength} (sparse):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     File Magic "KARYONAR"                     |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Version                              |  8
 *  +---------------------------------------------------------------+
 *  |                        State Length                           | 12
 *  +---------------------------------------------------------------+
 *  |                        Chunk Shift                            | 16
 *  +---------------------------------------------------------------+
 *  |                        Family Count                           | 20
 *  +---------------------------------------------------------------+
 *  |                  reserved up to 4096 bytes                   ... 24
 *  +---------------------------------------------------------------+
 * </pre>
 * The file header is one page so that every chunk after it starts on a page.
 */
public final class ArenaDescriptor
{
    /**
     * Offset of a chunk's high-water mark (int): slots at or above it were never used and are never read.
     */
    public static final int HWM_OFFSET = 0;

    /**
     * Offset of the head (int) of a chunk's free list, {@link CellDescriptor#NULL_LINK} when empty; the list runs
     * through each free slot's {@link CellDescriptor#LINK_OFFSET}.
     */
    public static final int FREE_HEAD_OFFSET = HWM_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the number (int) of a chunk's allocated slots.
     */
    public static final int LIVE_OFFSET = FREE_HEAD_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the chunk magic (long), {@link #CHUNK_MAGIC} once the chunk exists.
     */
    public static final int CHUNK_MAGIC_OFFSET = 56;

    /**
     * Length of the header in front of each chunk's slots: one cache line.
     */
    public static final int CHUNK_HEADER_LENGTH = CHUNK_MAGIC_OFFSET + SIZE_OF_LONG;

    /**
     * Magic number in the header of every chunk that exists: "KARYONCK" in ASCII, little-endian.
     */
    public static final long CHUNK_MAGIC = 0x4B434E4F5952414BL;

    /**
     * Smallest chunk: 2^6 slots, so that a chunk's bitmaps are whole 64-bit words.
     */
    public static final int MIN_CHUNK_SHIFT = 6;

    /**
     * Largest chunk: 2^24 slots.
     */
    public static final int MAX_CHUNK_SHIFT = 24;

    /**
     * Offset of the file magic (long), {@link #FILE_MAGIC}, written last when the file is created.
     */
    public static final int FILE_MAGIC_OFFSET = 0;

    /**
     * Offset of the file layout's version (int), {@link #FILE_VERSION}.
     */
    public static final int FILE_VERSION_OFFSET = FILE_MAGIC_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the length (int) of each slot's state.
     */
    public static final int FILE_STATE_LENGTH_OFFSET = FILE_VERSION_OFFSET + SIZE_OF_INT;

    /**
     * Offset of log2 (int) of the slots per chunk.
     */
    public static final int FILE_CHUNK_SHIFT_OFFSET = FILE_STATE_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the number of families (int), published (release) as each family is added.
     */
    public static final int FILE_FAMILY_COUNT_OFFSET = FILE_CHUNK_SHIFT_OFFSET + SIZE_OF_INT;

    /**
     * Length of the file header's fields; the rest of {@link #FILE_HEADER_LENGTH} is reserved.
     */
    public static final int FILE_FIELDS_LENGTH = FILE_FAMILY_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * Length of a file-backed arena's file header: one page.
     */
    public static final int FILE_HEADER_LENGTH = 4096;

    /**
     * Alignment of a file's chunks: a page, so that each chunk is mapped on its own.
     */
    public static final int FILE_CHUNK_ALIGNMENT = 4096;

    /**
     * Magic number at the start of an arena file: "KARYONAR" in ASCII, little-endian.
     */
    public static final long FILE_MAGIC = 0x52414E4F5952414BL;

    /**
     * Version of the file layout.
     */
    public static final int FILE_VERSION = 2;

    private ArenaDescriptor()
    {
    }

    /**
     * Checks a chunk shift.
     *
     * @param chunkShift to be checked: log2 of the slots per chunk.
     * @throws IllegalArgumentException if chunkShift is outside {@link #MIN_CHUNK_SHIFT}..{@link #MAX_CHUNK_SHIFT}.
     */
    public static void checkChunkShift(final int chunkShift)
    {
        if (chunkShift < MIN_CHUNK_SHIFT || chunkShift > MAX_CHUNK_SHIFT)
        {
            throw new IllegalArgumentException("chunkShift must be in " + MIN_CHUNK_SHIFT + ".." + MAX_CHUNK_SHIFT +
                ": chunkShift=" + chunkShift);
        }
    }

    /**
     * Checks that a file is long enough to hold an arena file header.
     *
     * @param file the file, for the error.
     * @param size to be checked, in bytes.
     * @throws IllegalArgumentException naming the file and its size if it is shorter than {@link #FILE_HEADER_LENGTH}.
     */
    public static void checkFileLength(final Path file, final long size)
    {
        if (size < FILE_HEADER_LENGTH)
        {
            throw new IllegalArgumentException(file + ": not an arena file: " + size + " bytes, shorter than its " +
                FILE_HEADER_LENGTH + "-byte header");
        }
    }

    /**
     * Checks an arena file header's magic and version.
     *
     * @param file   the file, for the error.
     * @param header its first {@link #FILE_FIELDS_LENGTH} bytes, little-endian.
     * @throws IllegalArgumentException naming the file and the bad magic or version.
     */
    public static void checkFileHeader(final Path file, final ByteBuffer header)
    {
        final long magic = header.getLong(FILE_MAGIC_OFFSET);
        if (FILE_MAGIC != magic)
        {
            throw new IllegalArgumentException(file + ": not an arena file: magic=0x" + Long.toHexString(magic));
        }
        final int version = header.getInt(FILE_VERSION_OFFSET);
        if (FILE_VERSION != version)
        {
            throw new IllegalArgumentException(file + ": arena file version " + version + ", expected " + FILE_VERSION);
        }
    }

    /**
     * Offset of a slot's header within its chunk: slots follow the chunk header back to back.
     *
     * @param index      of the slot within its chunk.
     * @param slotLength of each slot, {@link CellDescriptor#slotLength(int)}.
     * @return the offset in bytes.
     */
    public static int slotOffset(final int index, final int slotLength)
    {
        return CHUNK_HEADER_LENGTH + index * slotLength;
    }

    /**
     * Length of one of a chunk's two bitmaps: one bit per slot.
     *
     * @param chunkShift log2 of the slots per chunk, already checked.
     * @return the bitmap's length in bytes, a multiple of 8.
     */
    public static int bitmapLength(final int chunkShift)
    {
        return 1 << chunkShift >>> 3;
    }

    /**
     * Offset of a chunk's first bitmap: just past its slots.
     *
     * @param stateLength of each slot's state, already checked.
     * @param chunkShift  log2 of the slots per chunk, already checked.
     * @return the offset in bytes, which may pass 2 GiB for a chunk that {@link #chunkLength} refuses.
     */
    public static long bitmapsOffset(final int stateLength, final int chunkShift)
    {
        return CHUNK_HEADER_LENGTH + ((long)CellDescriptor.HEADER_LENGTH + stateLength << chunkShift);
    }

    /**
     * Length of a chunk: header, slots, two bitmaps and the int column, padded to the alignment.
     *
     * @param stateLength of each slot's state, already checked.
     * @param chunkShift  log2 of the slots per chunk, already checked.
     * @param alignment   a power of two: a cache line for anonymous memory, {@link #FILE_CHUNK_ALIGNMENT} for a file.
     * @return the chunk's length in bytes.
     * @throws IllegalArgumentException if the chunk would pass 2 GiB, the most one Agrona buffer can index.
     */
    public static int chunkLength(final int stateLength, final int chunkShift, final int alignment)
    {
        final long rawChunkLength = bitmapsOffset(stateLength, chunkShift) + 2L * bitmapLength(chunkShift) +
            ((long)SIZE_OF_INT << chunkShift);
        final long alignedChunkLength = (rawChunkLength + alignment - 1) & -(long)alignment;
        if (alignedChunkLength > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("chunk of 2^" + chunkShift + " slots of " +
                (CellDescriptor.HEADER_LENGTH + stateLength) + " bytes exceeds 2 GiB: lower chunkShift");
        }
        return (int)alignedChunkLength;
    }
}
