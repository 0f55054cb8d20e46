package io.karyon.matrix;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static io.karyon.matrix.MatrixDescriptor.FORMAT_VERSION;
import static io.karyon.matrix.MatrixDescriptor.HEADER_CHECK_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.HEADER_FIELD_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.HEADER_KEYS;
import static io.karyon.matrix.MatrixDescriptor.HEADER_KEY_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.HEADER_TAG;
import static io.karyon.matrix.MatrixDescriptor.MAGIC_V1;
import static io.karyon.matrix.MatrixDescriptor.SEQUENCE_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.SITE_TAG;
import static io.karyon.matrix.MatrixDescriptor.SITE_TAG_MASK;
import static io.karyon.matrix.MatrixDescriptor.VERSION_KEY;
import static io.karyon.matrix.MatrixDescriptor.headerChecksum;
import static io.karyon.matrix.MatrixDescriptor.recordLength;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Opens a matrix file for reading without Chronicle and without write access: maps the file read-only, finds the
 * layout header's records and then every site's record by their tags, verifies each against its check, and maps the
 * span of the records read-only for {@link SiteRecords}. Nothing is ever written or locked, so a file the user may
 * only read opens, a read never changes a byte, and a damaged lock word cannot make a read wait.
 * <p>
 * Every record says whose it is ({@link MatrixDescriptor}), so the scan needs nothing of Chronicle's own structures;
 * damage to those changes no value this reads, and a writer that opens the file through Chronicle meets it there. A
 * record another process is writing during the scan is read as a seqlock (see {@link SiteRecords}).
 * <p>
 * <b>Note:</b> one scan per open; not threadsafe.
 */
final class RecordScanner
{
    /** Bytes mapped at a time while scanning. */
    private static final long WINDOW = 1L << 28;
    /** Overlap of consecutive windows: more than the longest record, so a record at a window's end is read whole. */
    private static final long OVERLAP = 4096;

    private final File file;
    private final String name;
    private final long length;
    private final long[] fields = new long[HEADER_KEYS];
    private final boolean[] present = new boolean[HEADER_KEYS];
    private boolean formatOne;
    private long sites;
    private int substances;
    private int recordLength;
    private long[] offsets;
    private int firstDamaged = -1;
    private String damage;

    private RecordScanner(final File file)
    {
        this.file = file;
        this.name = file.getPath();
        this.length = file.length();
    }

    /**
     * Opens a matrix file read-only.
     *
     * @param file the matrix file.
     * @return the file's layout and a read-only mapping of its records.
     * @throws MatrixException naming the file if it cannot be read (permission denied), is truncated, corrupt, not a
     *                         matrix, of another format, or any site's record is missing or fails its check.
     */
    static MatrixFile open(final File file)
    {
        MatrixFile.checkFile(file);
        return new RecordScanner(file).scan();
    }

    private MatrixFile scan()
    {
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            for (long start = 0; start < length; start += WINDOW)
            {
                scanWindow(channel, start, false);
            }
            final int[] extents = layout();
            offsets = new long[(int)sites];
            Arrays.fill(offsets, -1L);
            for (long start = 0; start < length; start += WINDOW)
            {
                scanWindow(channel, start, true);
            }
            return map(channel, extents);
        }
        catch (final IOException ex)
        {
            throw MatrixFile.ioFailure(name, "cannot read", ex);
        }
    }

    private void scanWindow(final FileChannel channel, final long start, final boolean records) throws IOException
    {
        final long scanned = Math.min(WINDOW, length - start);
        final long mapped = Math.min(scanned + OVERLAP, length - start);
        final MappedByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY, start, mapped);
        try
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(window);
            for (int p = 0; p < scanned; p += SIZE_OF_LONG)
            {
                if (records)
                {
                    siteCandidate(buffer, p, start + p, (int)mapped);
                }
                else
                {
                    headerCandidate(buffer, p, (int)mapped);
                }
            }
        }
        finally
        {
            IoUtil.unmap(window);
        }
    }

    private void headerCandidate(final UnsafeBuffer buffer, final int p, final int limit)
    {
        final long word = buffer.getLong(p);
        if (MAGIC_V1 == word)
        {
            formatOne = true;
        }
        if (HEADER_TAG != word || p + HEADER_CHECK_OFFSET + SIZE_OF_LONG > limit)
        {
            return;
        }
        final long key = buffer.getLong(p + HEADER_KEY_OFFSET);
        final long field = buffer.getLong(p + HEADER_FIELD_OFFSET);
        if (key < -HEADER_KEYS || key > -1 || headerChecksum(key, field) != buffer.getLong(p + HEADER_CHECK_OFFSET))
        {
            return;
        }
        final int index = (int)(-key - 1);
        if (present[index] && fields[index] != field)
        {
            throw new MatrixException(name + ": corrupt layout header: key " + key + " appears twice");
        }
        present[index] = true;
        fields[index] = field;
    }

    private int[] layout()
    {
        final int version = (int)(-VERSION_KEY - 1);
        if (!present[version])
        {
            throw new MatrixException(name + (formatOne ? MatrixFile.FORMAT_ONE :
                ": no layout header: not a matrix, truncated, or its creation was interrupted"));
        }
        if (FORMAT_VERSION != fields[version])
        {
            throw MatrixFile.otherFormat(name, fields[version]);
        }
        for (int index = 0; index < HEADER_KEYS; index++)
        {
            if (!present[index])
            {
                throw new MatrixException(name + ": corrupt layout header: key " + (-index - 1) +
                    " is missing or fails its checksum");
            }
        }
        final MatrixFile.Layout layout = MatrixFile.Layout.of(name, fields);
        sites = layout.sites;
        substances = layout.substances;
        recordLength = recordLength(substances);
        return layout.extents;
    }

    private void siteCandidate(final UnsafeBuffer buffer, final int p, final long position, final int limit)
    {
        final long word = buffer.getLong(p);
        final long site = word & ~SITE_TAG_MASK;
        if (SITE_TAG != (word & SITE_TAG_MASK) || site >= sites || p + recordLength > limit)
        {
            return;
        }
        String problem;
        while (true)
        {
            // A writer may be publishing this record: read it as a seqlock, as SiteRecords does.
            final long sequence = buffer.getLongVolatile(p + SEQUENCE_OFFSET);
            problem = SiteRecords.problem(buffer, p, site, substances);
            VarHandle.loadLoadFence();
            if (buffer.getLongVolatile(p + SEQUENCE_OFFSET) == sequence)
            {
                break;
            }
        }
        if (null != problem)
        {
            if (firstDamaged < 0 || site < firstDamaged)
            {
                firstDamaged = (int)site;
                damage = problem;
            }
            return;
        }
        if (offsets[(int)site] >= 0)
        {
            throw new MatrixException(name + ": corrupt: site " + site + " appears twice");
        }
        offsets[(int)site] = position;
    }

    private MatrixFile map(final FileChannel channel, final int[] extents) throws IOException
    {
        long low = Long.MAX_VALUE;
        long high = Long.MIN_VALUE;
        for (int site = 0; site < sites; site++)
        {
            if (offsets[site] < 0)
            {
                throw new MatrixException(name + ": corrupt: site " + site + ": " +
                    (site == firstDamaged ? damage : "its record is missing (the file is truncated or damaged)"));
            }
            low = Math.min(low, offsets[site]);
            high = Math.max(high, offsets[site]);
        }
        if (high - low + recordLength > Integer.MAX_VALUE)
        {
            throw new MatrixException(name + ": the records span " + (high - low) + " bytes, more than one buffer " +
                "can address; use fewer sites or substances");
        }
        final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, low, high - low + recordLength);
        final int[] recordOffsets = new int[(int)sites];
        for (int site = 0; site < sites; site++)
        {
            recordOffsets[site] = (int)(offsets[site] - low);
        }
        final int segments = (int)fields[(int)(-MatrixDescriptor.SEGMENTS_KEY - 1)];
        return MatrixFile.scanned(file, sites, substances, extents, segments, mapping, recordOffsets);
    }
}
