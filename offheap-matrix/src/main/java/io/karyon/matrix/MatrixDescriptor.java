package io.karyon.matrix;

import org.agrona.concurrent.UnsafeBuffer;

import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of a matrix file's Chronicle Map, format {@value #FORMAT_VERSION}: a site's record, and the reserved keys that
 * hold the layout. Every record says whose it is and carries its own checksums, so that a reader can find and verify
 * each one without Chronicle (a file it may only read) and a changed byte is never read as a value.
 * <p>
 * A site's value is a record of two copies of its concentrations, each with its checksum, and a sequence that says
 * which copy is current:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |              Site tag: SITE_TAG | site (8 bytes)               |
 *  +---------------------------------------------------------------+
 *  |                     Sequence (8 bytes)                        |
 *  +---------------------------------------------------------------+
 *  |          Copy 0: one double per substance                    ...
 *  +---------------------------------------------------------------+
 *  |          Check 0 (8 bytes)                                    |
 *  +---------------------------------------------------------------+
 *  |          Copy 1: one double per substance                    ...
 *  +---------------------------------------------------------------+
 *  |          Check 1 (8 bytes)                                    |
 *  +---------------------------------------------------------------+
 * </pre>
 * Copy {@code sequence & 1} is current. A writer (holding the segment's write lock) fills the other copy and its check,
 * then stores sequence + 1 (release): a process killed at any point leaves every record with one complete, verified
 * copy, and the file needs no repair beyond Chronicle's lock recovery. A copy's check is
 * {@link #checksum(long, long, UnsafeBuffer, int, int)} of the site, the sequence that makes it current and its values'
 * bits: a changed byte anywhere in the site tag, the sequence, the current copy or its check fails the check (a change
 * within one 8-byte word always does, since every step of the checksum is a bijection), and a changed byte in the
 * other copy is never read.
 * <p>
 * Keys {@code -1} to {@code -HEADER_KEYS} are the layout header, each a record of the same length whose first four
 * longs are {@link #HEADER_TAG}, the key, one field and the field's check ({@link #headerChecksum(long, long)}):
 * {@link #VERSION_KEY} the format version, then sites, substances, the grid's three extents and the map's segments.
 * They are written after every site, so a file whose creation was interrupted has no header and is refused. Format 1
 * (before checksums) had {@link #MAGIC_V1} in the first long of key -1's record and is refused by name.
 */
public final class MatrixDescriptor
{
    /** The format this version writes and reads. */
    public static final long FORMAT_VERSION = 2;
    /** "KARYONM1": the first long of key -1's record in a format-1 file (no checksums), which is refused. */
    public static final long MAGIC_V1 = 0x314D4E4F5952414BL;
    /** "KARYONMH": the first long of a header record. */
    public static final long HEADER_TAG = 0x484D4E4F5952414BL;
    /** "KSIT" in the high half of a site's first long; the site id is in the low half. */
    public static final long SITE_TAG = 0x5449534B00000000L;
    /** Mask of a site tag's high half. */
    public static final long SITE_TAG_MASK = 0xFFFFFFFF00000000L;
    /** Offset of the site tag in a record. */
    public static final int SITE_OFFSET = 0;
    /** Offset of the sequence in a record. */
    public static final int SEQUENCE_OFFSET = SITE_OFFSET + SIZE_OF_LONG;
    /** Offset of copy 0 in a record. */
    public static final int COPIES_OFFSET = SEQUENCE_OFFSET + SIZE_OF_LONG;
    /** Offset in a header record of its key. */
    public static final int HEADER_KEY_OFFSET = SIZE_OF_LONG;
    /** Offset in a header record of its field. */
    public static final int HEADER_FIELD_OFFSET = HEADER_KEY_OFFSET + SIZE_OF_LONG;
    /** Offset in a header record of its field's check. */
    public static final int HEADER_CHECK_OFFSET = HEADER_FIELD_OFFSET + SIZE_OF_LONG;
    /** Key of the format version. */
    public static final long VERSION_KEY = -1L;
    /** Key of the number of sites. */
    public static final long SITES_KEY = -2L;
    /** Key of the number of substances. */
    public static final long SUBSTANCES_KEY = -3L;
    /** Key of the grid's first extent; the second and third follow at -5 and -6. */
    public static final long EXTENT_KEY = -4L;
    /** Key of the number of Chronicle segments the map was made with. */
    public static final long SEGMENTS_KEY = -7L;
    /** Number of reserved keys. */
    public static final int HEADER_KEYS = 7;

    private static final long SEED = 0x6A09E667F3BCC909L;
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

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
        return COPIES_OFFSET + 2 * copyLength(substances);
    }

    /**
     * Length of one copy with its check.
     *
     * @param substances per site.
     * @return bytes.
     */
    public static int copyLength(final int substances)
    {
        return substances * SIZE_OF_DOUBLE + SIZE_OF_LONG;
    }

    /**
     * Offset in a record of the copy a sequence selects; its check follows its values.
     *
     * @param sequence   of the record.
     * @param substances per site.
     * @return offset of the copy.
     */
    public static int copyOffset(final long sequence, final int substances)
    {
        return COPIES_OFFSET + (int)(sequence & 1) * copyLength(substances);
    }

    /**
     * The site tag of a site: the first long of its record.
     *
     * @param site 0 to sites - 1.
     * @return tag.
     */
    public static long siteTag(final long site)
    {
        return SITE_TAG | site;
    }

    /**
     * The check of one copy: a 64-bit hash of the site, the sequence that makes the copy current and the raw bits of
     * its values, in that order.
     *
     * @param site       the record's site.
     * @param sequence   that makes the copy current.
     * @param buffer     holding the copy.
     * @param offset     of the copy's first value in buffer.
     * @param substances values in the copy.
     * @return the check.
     */
    public static long checksum(
        final long site, final long sequence, final UnsafeBuffer buffer, final int offset, final int substances)
    {
        long hash = step(step(SEED, site), sequence);
        for (int k = 0; k < substances; k++)
        {
            hash = step(hash, buffer.getLong(offset + k * SIZE_OF_DOUBLE));
        }
        return hash;
    }

    /**
     * The check of a header record's field.
     *
     * @param key   of the header record.
     * @param field its value.
     * @return the check.
     */
    public static long headerChecksum(final long key, final long field)
    {
        return step(step(step(SEED, HEADER_TAG), key), field);
    }

    /**
     * The start of a copy's check, to be continued with {@link #step(long, long)} once per value: what
     * {@link #checksum(long, long, UnsafeBuffer, int, int)} computes, for writers that fold each value in as they
     * copy it.
     *
     * @param site     the record's site.
     * @param sequence that makes the copy current.
     * @return the partial check.
     */
    static long checksumStart(final long site, final long sequence)
    {
        return step(step(SEED, site), sequence);
    }

    /**
     * One step of the checksum: a bijection of the hash for any word, and of the word for any hash, so a change in
     * any one word changes the result.
     *
     * @param hash so far.
     * @param word next.
     * @return hash.
     */
    static long step(final long hash, final long word)
    {
        final long mixed = (hash ^ word) * MULTIPLIER;
        return mixed ^ (mixed >>> 29);
    }
}
