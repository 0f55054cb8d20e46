package io.karyon.matrix;

import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of a matrix file's Chronicle Map: a site's record, and the reserved keys that hold the layout.
 * <p>
 * A site's value is a record of two copies of its concentrations and a sequence that says which copy is current:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Sequence (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |          Copy 0: one double per substance                    ...
 *  +---------------------------------------------------------------+
 *  |          Copy 1: one double per substance                    ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Copy {@code sequence & 1} is current. A writer (holding the segment's write lock) fills the other copy, then
 * stores sequence + 1 (release): a process killed at any point leaves every record with one complete copy, and the
 * file needs no repair beyond Chronicle's lock recovery.
 * <p>
 * Keys {@code -1} to {@code -HEADER_KEYS} are the layout header; the first long of each record holds one field
 * ({@link #MAGIC_KEY} the magic, then sites, substances and the grid's three extents). They are written after every
 * site, so a file whose creation was interrupted has no header and is refused.
 */
public final class MatrixDescriptor
{
    /** Offset of the sequence in a record. */
    public static final int SEQUENCE_OFFSET = 0;
    /** Offset of copy 0 in a record. */
    public static final int COPIES_OFFSET = SEQUENCE_OFFSET + SIZE_OF_LONG;
    /** "KARYONM1": the first long of the magic key's record. */
    public static final long MAGIC = 0x314D4E4F5952414BL;
    /** Key of the magic. */
    public static final long MAGIC_KEY = -1L;
    /** Key of the number of sites. */
    public static final long SITES_KEY = -2L;
    /** Key of the number of substances. */
    public static final long SUBSTANCES_KEY = -3L;
    /** Key of the grid's first extent; the second and third follow at -5 and -6. */
    public static final long EXTENT_KEY = -4L;
    /** Number of reserved keys. */
    public static final int HEADER_KEYS = 6;

    private MatrixDescriptor()
    {
    }

    /**
     * Length of a site's record.
     *
     * @param substances per site.
     * @return bytes.
     */
    public static int recordLength(final int substances)
    {
        return COPIES_OFFSET + 2 * substances * SIZE_OF_DOUBLE;
    }

    /**
     * Offset in a record of the copy a sequence selects.
     *
     * @param sequence   of the record.
     * @param substances per site.
     * @return offset of the copy.
     */
    public static int copyOffset(final long sequence, final int substances)
    {
        return COPIES_OFFSET + (int)(sequence & 1) * substances * SIZE_OF_DOUBLE;
    }
}
