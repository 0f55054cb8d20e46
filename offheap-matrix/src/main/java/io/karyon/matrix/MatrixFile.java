package io.karyon.matrix;

import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;

import static io.karyon.matrix.MatrixDescriptor.EXTENT_KEY;
import static io.karyon.matrix.MatrixDescriptor.FORMAT_VERSION;
import static io.karyon.matrix.MatrixDescriptor.HEADER_CHECK_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.HEADER_FIELD_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.HEADER_KEYS;
import static io.karyon.matrix.MatrixDescriptor.HEADER_KEY_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.HEADER_TAG;
import static io.karyon.matrix.MatrixDescriptor.MAGIC_V1;
import static io.karyon.matrix.MatrixDescriptor.SEGMENTS_KEY;
import static io.karyon.matrix.MatrixDescriptor.SITES_KEY;
import static io.karyon.matrix.MatrixDescriptor.SITE_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.SUBSTANCES_KEY;
import static io.karyon.matrix.MatrixDescriptor.VERSION_KEY;
import static io.karyon.matrix.MatrixDescriptor.checksum;
import static io.karyon.matrix.MatrixDescriptor.copyOffset;
import static io.karyon.matrix.MatrixDescriptor.headerChecksum;
import static io.karyon.matrix.MatrixDescriptor.recordLength;
import static io.karyon.matrix.MatrixDescriptor.siteTag;
import static org.agrona.BitUtil.SIZE_OF_DOUBLE;

/**
 * A matrix's Chronicle Map and where it lives: creates one in memory or in a file (every site first, the layout
 * header last), opens an existing file after checking its layout against the header, recovers one whose writer died,
 * and closes the map. The layout (sites, substances, grid) is fixed once the map is open.
 * <p>
 * A file opened read-only is not opened through Chronicle at all: {@link RecordScanner} finds and verifies its records
 * in a read-only mapping ({@link #openReadOnly(File)}), so no write access is needed and no byte ever changes.
 * <p>
 * A failed create or open leaves nothing behind: the map is closed, a file this process had just made is removed, and
 * an existing file is left as it was ({@link #discard(RuntimeException)}).
 * <p>
 * <b>Note:</b> owned by one {@link Matrix}, which closes it once.
 */
final class MatrixFile
{
    /** What errors call a matrix that lives only in this process's memory. */
    static final String IN_MEMORY_NAME = "in-memory matrix";

    /** How a format-1 file is refused, after its name. */
    static final String FORMAT_ONE = ": made by an older Karyon (matrix format 1, without checksums); this one reads " +
        "format " + FORMAT_VERSION + ": make the file again";

    private static final long MIN_FILE_LENGTH = 4096;

    private final String name;
    private final File file;
    private final boolean readOnly;
    private final boolean existing;
    private final ChronicleMap<Long, byte[]> map;
    private final long sites;
    private final int substances;
    private final int[] extents;
    private final int segments;
    private final MappedByteBuffer mapping;
    private final int[] scannedOffsets;

    private MatrixFile(
        final String name,
        final File file,
        final boolean readOnly,
        final boolean existing,
        final ChronicleMap<Long, byte[]> map,
        final long sites,
        final int substances,
        final int[] extents)
    {
        this(name, file, readOnly, existing, map, sites, substances, extents, map.segments(), null, null);
    }

    private MatrixFile(
        final String name,
        final File file,
        final boolean readOnly,
        final boolean existing,
        final ChronicleMap<Long, byte[]> map,
        final long sites,
        final int substances,
        final int[] extents,
        final int segments,
        final MappedByteBuffer mapping,
        final int[] scannedOffsets)
    {
        this.name = name;
        this.file = file;
        this.readOnly = readOnly;
        this.existing = existing;
        this.map = map;
        this.sites = sites;
        this.substances = substances;
        this.extents = extents;
        this.segments = segments;
        this.mapping = mapping;
        this.scannedOffsets = scannedOffsets;
    }

    /**
     * A file opened read-only by {@link RecordScanner}: no map, its records in a read-only mapping.
     */
    static MatrixFile scanned(
        final File file,
        final long sites,
        final int substances,
        final int[] extents,
        final int segments,
        final MappedByteBuffer mapping,
        final int[] recordOffsets)
    {
        return new MatrixFile(
            file.getPath(), file, true, true, null, sites, substances, extents, segments, mapping, recordOffsets);
    }

    /**
     * Creates a map in memory and puts every site into it, every concentration zero.
     *
     * @param configuration concluded: its shape.
     * @return the map, populated.
     * @throws MatrixException if the map cannot hold the sites.
     */
    static MatrixFile create(final MatrixConfiguration configuration)
    {
        final ChronicleMap<Long, byte[]> map = builder(configuration.capacity(), configuration.substances()).create();
        final MatrixFile store = new MatrixFile(IN_MEMORY_NAME, null, false, false, map, configuration.sites(),
            configuration.substances(), extents(configuration));
        try
        {
            populate(IN_MEMORY_NAME, map, configuration);
            return store;
        }
        catch (final RuntimeException ex)
        {
            throw store.discard(ex);
        }
    }

    /**
     * Creates a map persisted to a file and puts every site into it; or, if the file exists, opens it for writing
     * after checking that it was made with the configuration's layout.
     *
     * @param file          the map's file.
     * @param configuration concluded: its shape.
     * @return the map, populated or as the file holds it.
     * @throws MatrixException naming the file if it has another layout, is truncated or corrupt, or the map is full;
     *                         an existing file is then left as it was, a new one is removed.
     */
    static MatrixFile createPersistedTo(final File file, final MatrixConfiguration configuration)
    {
        if (file.exists())
        {
            return open(file, configuration);
        }
        final String name = file.getPath();
        final ChronicleMap<Long, byte[]> map;
        try
        {
            map = builder(configuration.capacity(), configuration.substances()).createPersistedTo(file);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new MatrixException(name + ": cannot create: " + firstLine(ex), ex);
        }
        final MatrixFile store = new MatrixFile(name, file, false, false, map, configuration.sites(),
            configuration.substances(), extents(configuration));
        try
        {
            populate(name, map, configuration);
            return store;
        }
        catch (final RuntimeException ex)
        {
            throw store.discard(ex);
        }
    }

    /**
     * Opens an existing matrix file for writing through Chronicle, after checking its layout against the header and
     * every record against its check.
     *
     * @param file     the map's file.
     * @param expected the configuration whose layout the file must have.
     * @return the map.
     * @throws MatrixException naming the file if it is missing, may not be written, is truncated, corrupt, not a
     *                         matrix, or made with another layout; the file is left as it was.
     */
    static MatrixFile open(final File file, final MatrixConfiguration expected)
    {
        checkFile(file);
        checkWritable(file, "open it for writing");
        final String name = file.getPath();
        final ChronicleMap<Long, byte[]> map;
        try
        {
            // The layout comes from the file's own header; the builder's sizes are ignored for an existing file.
            map = builder(1, 1).createPersistedTo(file);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new MatrixException(name + ": truncated or corrupt, cannot open: " + firstLine(ex), ex);
        }
        return wrapExisting(file, map, expected, false);
    }

    /**
     * Opens an existing matrix file for reading only, without Chronicle: see {@link RecordScanner}.
     *
     * @param file the matrix file.
     * @return the file's layout and records, read-only.
     * @throws MatrixException naming the file if it cannot be read (permission denied), is truncated, corrupt, not a
     *                         matrix, of another format, or a record fails its check.
     */
    static MatrixFile openReadOnly(final File file)
    {
        return RecordScanner.open(file);
    }

    /**
     * Re-opens, for reading, a matrix file whose writer died and may have left segment locks held: Chronicle's
     * recovery resets the locks. Refused at once, naming the process, while another process has the file open.
     *
     * @param file the map's file.
     * @return the map, read-only.
     * @throws MatrixException naming the file if it may not be written, is in use, cannot be recovered or is not a
     *                         matrix.
     */
    static MatrixFile recover(final File file)
    {
        checkFile(file);
        checkWritable(file, "recover it (recovery rewrites its lock words)");
        final String name = file.getPath();
        final String user = FileUsers.otherUser(file);
        if (null != user)
        {
            throw new MatrixException(name + ": in use by " + user + ": recovery needs the file to itself (Chronicle " +
                "would wait for that process to close it); stop it first, or inspect without recovering");
        }
        final ChronicleMap<Long, byte[]> map;
        try
        {
            map = builder(1, 1).recoverPersistedTo(file, false);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new MatrixException(name + ": cannot recover: " + firstLine(ex), ex);
        }
        return wrapExisting(file, map, null, true);
    }

    /**
     * The file, or {@link #IN_MEMORY_NAME}: how errors name this matrix.
     *
     * @return name.
     */
    String name()
    {
        return name;
    }

    /**
     * The file the map is persisted to.
     *
     * @return file, or null in memory.
     */
    File file()
    {
        return file;
    }

    /**
     * Whether this process only reads the map.
     *
     * @return true if opened read-only or recovered.
     */
    boolean isReadOnly()
    {
        return readOnly;
    }

    /**
     * The Chronicle Map from site id to record.
     *
     * @return map, or null for a file opened read-only.
     */
    ChronicleMap<Long, byte[]> map()
    {
        return map;
    }

    /**
     * Chronicle segments of the map, as the file's header says for a file opened read-only.
     *
     * @return segments.
     */
    int segments()
    {
        return segments;
    }

    /**
     * A file opened read-only: its records' span, mapped read-only (never to be written).
     *
     * @return buffer over the mapping.
     */
    UnsafeBuffer scannedRecords()
    {
        return new UnsafeBuffer(mapping);
    }

    /**
     * A file opened read-only: each site's record's offset in {@link #scannedRecords()}.
     *
     * @return offsets, index = site.
     */
    int[] scannedOffsets()
    {
        return scannedOffsets;
    }

    /**
     * Number of sites.
     *
     * @return sites.
     */
    long sites()
    {
        return sites;
    }

    /**
     * Substances per site.
     *
     * @return substances.
     */
    int substances()
    {
        return substances;
    }

    /**
     * Sites along each axis of the grid.
     *
     * @param axis 0 to the grid's dimensions - 1.
     * @return extent.
     */
    int extent(final int axis)
    {
        return extents[axis];
    }

    /**
     * Axes of the grid.
     *
     * @return 1, 2 or 3.
     */
    int dimensions()
    {
        return extents.length;
    }

    /**
     * Closes the map; the file stays.
     */
    void close()
    {
        if (null != map)
        {
            map.close();
        }
        else
        {
            IoUtil.unmap(mapping);
        }
    }

    /**
     * Cleans up after a failure while the map was being made into a matrix: closes the map, removes a file this
     * process had just created, and leaves an existing one as it was.
     *
     * @param failure what went wrong.
     * @return the exception to throw: failure itself, or for an existing file a {@link MatrixException} naming it.
     */
    RuntimeException discard(final RuntimeException failure)
    {
        close();
        if (existing)
        {
            return failure instanceof MatrixException ? failure :
                new MatrixException(name + ": corrupt: " + firstLine(failure), failure);
        }
        if (null != file && !file.delete())
        {
            failure.addSuppressed(new IOException(name + ": could not remove the incomplete file"));
        }
        return failure;
    }

    private static MatrixFile wrapExisting(
        final File file,
        final ChronicleMap<Long, byte[]> map,
        final MatrixConfiguration expected,
        final boolean readOnly)
    {
        final String name = file.getPath();
        try
        {
            if (Long.class != map.keyClass() || byte[].class != map.valueClass())
            {
                throw new MatrixException(name + ": not a matrix: a Chronicle Map of " + map.keyClass().getName() +
                    " to " + map.valueClass().getName());
            }
            final long[] fields = headerFields(name, map);
            final Layout found = Layout.of(name, fields);
            final String layout = found.layout();
            if (null != expected && !expected.layout().equals(layout))
            {
                throw new MatrixException(name + ": made with another layout: the file has " + layout +
                    ", asked for " + expected.layout());
            }
            final long sites = found.sites;
            final int substances = found.substances;
            final byte[] sample = map.get(0L);
            if (null == sample || recordLength(substances) != sample.length)
            {
                throw new MatrixException(name + ": corrupt: site 0 " + (null == sample ? "is missing" :
                    "has a " + sample.length + "-byte record, the layout needs " + recordLength(substances)));
            }
            return new MatrixFile(name, file, readOnly, true, map, sites, substances, found.extents);
        }
        catch (final RuntimeException ex)
        {
            map.close();
            if (ex instanceof MatrixException)
            {
                throw ex;
            }
            throw new MatrixException(name + ": corrupt: " + firstLine(ex), ex);
        }
    }

    /**
     * Refuses, before anything opens it, a file that is missing, truncated or not in whole pages.
     *
     * @param file to check.
     */
    static void checkFile(final File file)
    {
        if (!file.isFile())
        {
            throw new MatrixException(file.getPath() + ": no such matrix file");
        }
        if (file.length() < MIN_FILE_LENGTH)
        {
            throw new MatrixException(file.getPath() + ": truncated: " + file.length() + " bytes, a matrix file " +
                "has at least " + MIN_FILE_LENGTH);
        }
        // Chronicle sizes its file in whole pages and, opening a file cut short within the last page, would map
        // (and so extend) it: refuse that here, before Chronicle touches the file. Shorter cuts Chronicle refuses.
        if (0 != file.length() % OS.pageSize())
        {
            throw new MatrixException(file.getPath() + ": truncated: " + file.length() + " bytes is not a whole " +
                "number of " + OS.pageSize() + "-byte pages");
        }
    }

    /**
     * A failure to open or read a file as one line: "permission denied" when that is the problem.
     *
     * @param name   of the file.
     * @param action what could not be done, such as "cannot read".
     * @param ex     the failure.
     * @return the exception to throw.
     */
    static MatrixException ioFailure(final String name, final String action, final IOException ex)
    {
        if (ex instanceof AccessDeniedException)
        {
            return new MatrixException(name + ": permission denied: " + action + " it", ex);
        }
        return new MatrixException(name + ": " + action + ": " + firstLine(ex), ex);
    }

    /**
     * A file of a format this version does not read, as one line.
     *
     * @param name    of the file.
     * @param version the file's format.
     * @return the exception to throw.
     */
    static MatrixException otherFormat(final String name, final long version)
    {
        return new MatrixException(name + ": matrix format " + version + ", this Karyon reads format " +
            FORMAT_VERSION + ": open it with the Karyon that made it");
    }

    private static void checkWritable(final File file, final String action)
    {
        // Chronicle opens files for writing only; asked to open one this process may not write, it reports a
        // FileNotFoundException that reads as a corrupt file.
        if (!Files.isWritable(file.toPath()))
        {
            throw new MatrixException(file.getPath() + ": permission denied: this process may not write the file, " +
                "needed to " + action + (Files.isReadable(file.toPath()) ? "; inspect it without --recover" : ""));
        }
    }

    private static ChronicleMapBuilder<Long, byte[]> builder(final long entries, final int substances)
    {
        return ChronicleMapBuilder.of(Long.class, byte[].class)
            .name("karyon-matrix")
            .entries(entries)
            .constantValueSizeBySample(new byte[recordLength(substances)])
            .entryAndValueOffsetAlignment(SIZE_OF_DOUBLE)
            // Records carry their own checks (MatrixDescriptor): Chronicle's entry checksums are updated only by its
            // own writes or an updateChecksum() per entry under its update lock, verified only by recovery or
            // checkSum() under that lock, and cover both copies, so a writer killed between a copy and the checksum
            // would leave a whole record that recovery deletes as corrupt.
            .checksumEntries(false);
    }

    private static void populate(
        final String name, final ChronicleMap<Long, byte[]> map, final MatrixConfiguration configuration)
    {
        final long sites = configuration.sites();
        final int substances = configuration.substances();
        final UnsafeBuffer record = new UnsafeBuffer(new byte[recordLength(substances)]);
        final int copy = copyOffset(0, substances);
        long site = 0;
        try
        {
            for (; site < sites; site++)
            {
                // Sequence 0, copy 0 current and all zero, with its check; copy 1 is not read until written.
                record.putLong(SITE_OFFSET, siteTag(site));
                record.putLong(copy + substances * SIZE_OF_DOUBLE, checksum(site, 0, record, copy, substances));
                map.put(site, record.byteArray());
            }
            // The header goes last, the version last of all: a file whose creation was cut short has none and is
            // refused when opened.
            final UnsafeBuffer header = new UnsafeBuffer(new byte[recordLength(substances)]);
            putHeader(map, header, SITES_KEY, sites);
            putHeader(map, header, SUBSTANCES_KEY, substances);
            for (int axis = 0; axis < 3; axis++)
            {
                final int extent = axis < configuration.dimensions() ? configuration.extent(axis) : 0;
                putHeader(map, header, EXTENT_KEY - axis, extent);
            }
            putHeader(map, header, SEGMENTS_KEY, map.segments());
            putHeader(map, header, VERSION_KEY, FORMAT_VERSION);
        }
        catch (final IllegalStateException ex)
        {
            throw new MatrixException(name + ": the map is full after " + site + " of " + sites + " sites (" +
                configuration.layout() + "): " + firstLine(ex), ex);
        }
    }

    private static void putHeader(
        final ChronicleMap<Long, byte[]> map, final UnsafeBuffer header, final long key, final long field)
    {
        header.putLong(0, HEADER_TAG);
        header.putLong(HEADER_KEY_OFFSET, key);
        header.putLong(HEADER_FIELD_OFFSET, field);
        header.putLong(HEADER_CHECK_OFFSET, headerChecksum(key, field));
        map.put(key, header.byteArray());
    }

    /**
     * Reads and verifies every header record through the map, the version first.
     */
    private static long[] headerFields(final String name, final ChronicleMap<Long, byte[]> map)
    {
        final long[] fields = new long[HEADER_KEYS];
        for (int index = 0; index < HEADER_KEYS; index++)
        {
            final long key = -index - 1;
            final byte[] value = map.get(key);
            final UnsafeBuffer header = null == value || value.length < HEADER_CHECK_OFFSET + Long.BYTES ? null :
                new UnsafeBuffer(value);
            if (VERSION_KEY == key && null != header && MAGIC_V1 == header.getLong(0))
            {
                throw new MatrixException(name + FORMAT_ONE);
            }
            if (null == header || HEADER_TAG != header.getLong(0) || key != header.getLong(HEADER_KEY_OFFSET) ||
                headerChecksum(key, header.getLong(HEADER_FIELD_OFFSET)) != header.getLong(HEADER_CHECK_OFFSET))
            {
                throw new MatrixException(name + (VERSION_KEY == key ?
                    ": no layout header: not a matrix, truncated, or its creation was interrupted" :
                    ": corrupt layout header: key " + key + " is missing or fails its checksum"));
            }
            fields[index] = header.getLong(HEADER_FIELD_OFFSET);
            if (VERSION_KEY == key && FORMAT_VERSION != fields[index])
            {
                throw otherFormat(name, fields[index]);
            }
        }
        return fields;
    }

    /**
     * A layout read from a header's fields (index = -key - 1), checked for consistency.
     */
    static final class Layout
    {
        final long sites;
        final int substances;
        final int[] extents;
        private final long[] allExtents;

        private Layout(final long sites, final int substances, final int[] extents, final long[] allExtents)
        {
            this.sites = sites;
            this.substances = substances;
            this.extents = extents;
            this.allExtents = allExtents;
        }

        static Layout of(final String name, final long[] fields)
        {
            final long sites = fields[(int)(-SITES_KEY - 1)];
            final long substances = fields[(int)(-SUBSTANCES_KEY - 1)];
            final long[] extents = new long[3];
            int dimensions = 0;
            long product = 1;
            boolean gap = false;
            for (int axis = 0; axis < 3; axis++)
            {
                extents[axis] = fields[(int)(-(EXTENT_KEY - axis) - 1)];
                gap |= extents[axis] > 0 && dimensions < axis;
                if (extents[axis] > 0)
                {
                    dimensions = axis + 1;
                    product = extents[axis] > Integer.MAX_VALUE ? -1 : product * extents[axis];
                }
            }
            final String layout = MatrixConfiguration.layout(
                sites, (int)substances, extents[0], extents[1], extents[2], dimensions);
            final long segments = fields[(int)(-SEGMENTS_KEY - 1)];
            if (substances < 1 || substances > MatrixConfiguration.MAX_SUBSTANCES || 0 == dimensions || gap ||
                product != sites || sites * substances > MatrixConfiguration.MAX_VALUES || extents[0] < 0 ||
                extents[1] < 0 || extents[2] < 0 || segments < 1 || segments > Short.MAX_VALUE)
            {
                throw new MatrixException(name + ": corrupt layout header: " + layout + ", " + segments + " segments");
            }
            final int[] gridExtents = new int[dimensions];
            for (int axis = 0; axis < dimensions; axis++)
            {
                gridExtents[axis] = (int)extents[axis];
            }
            return new Layout(sites, (int)substances, gridExtents, extents);
        }

        String layout()
        {
            return MatrixConfiguration.layout(
                sites, substances, allExtents[0], allExtents[1], allExtents[2], extents.length);
        }
    }

    private static int[] extents(final MatrixConfiguration configuration)
    {
        final int[] extents = new int[configuration.dimensions()];
        for (int axis = 0; axis < extents.length; axis++)
        {
            extents[axis] = configuration.extent(axis);
        }
        return extents;
    }

    private static String firstLine(final Throwable ex)
    {
        final String message = null == ex.getMessage() ? ex.toString() : ex.getMessage();
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
