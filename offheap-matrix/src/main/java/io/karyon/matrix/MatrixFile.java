package io.karyon.matrix;

import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;

import static io.karyon.matrix.MatrixDescriptor.EXTENT_KEY;
import static io.karyon.matrix.MatrixDescriptor.MAGIC;
import static io.karyon.matrix.MatrixDescriptor.MAGIC_KEY;
import static io.karyon.matrix.MatrixDescriptor.SITES_KEY;
import static io.karyon.matrix.MatrixDescriptor.SUBSTANCES_KEY;
import static io.karyon.matrix.MatrixDescriptor.recordLength;
import static org.agrona.BitUtil.SIZE_OF_DOUBLE;

/**
 * A matrix's Chronicle Map and where it lives: creates one in memory or in a file (every site first, the layout
 * header last), opens an existing file after checking its layout against the header, recovers one whose writer died,
 * and closes the map. The layout (sites, substances, grid) is fixed once the map is open.
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

    private static final long MIN_FILE_LENGTH = 4096;

    private final String name;
    private final File file;
    private final boolean readOnly;
    private final boolean existing;
    private final ChronicleMap<Long, byte[]> map;
    private final long sites;
    private final int substances;
    private final int[] extents;

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
        this.name = name;
        this.file = file;
        this.readOnly = readOnly;
        this.existing = existing;
        this.map = map;
        this.sites = sites;
        this.substances = substances;
        this.extents = extents;
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
            return open(file, configuration, false);
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
     * Opens an existing matrix file; its layout comes from the file's header.
     *
     * @param file     the map's file.
     * @param expected the configuration whose layout the file must have, or null to take the file's.
     * @param readOnly whether this process only reads it.
     * @return the map.
     * @throws MatrixException naming the file if it is missing, truncated, corrupt, not a matrix, or (with expected)
     *                         made with another layout; the file is left as it was.
     */
    static MatrixFile open(final File file, final MatrixConfiguration expected, final boolean readOnly)
    {
        checkFile(file);
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
        return wrapExisting(file, map, expected, readOnly);
    }

    /**
     * Re-opens, for reading, a matrix file whose writer died and may have left segment locks held: Chronicle's
     * recovery resets the locks. Only while no other process has the file open.
     *
     * @param file the map's file.
     * @return the map, read-only.
     * @throws MatrixException naming the file if it cannot be recovered or is not a matrix.
     */
    static MatrixFile recover(final File file)
    {
        checkFile(file);
        final String name = file.getPath();
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
     * @return map.
     */
    ChronicleMap<Long, byte[]> map()
    {
        return map;
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
        map.close();
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
        map.close();
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
            final long magic = headerField(map, MAGIC_KEY);
            if (MAGIC != magic)
            {
                throw new MatrixException(name + ": not a matrix, or its creation was interrupted: " +
                    (Long.MIN_VALUE == magic ? "no layout header" : "bad magic 0x" + Long.toHexString(magic)));
            }
            final long sites = headerField(map, SITES_KEY);
            final long substances = headerField(map, SUBSTANCES_KEY);
            final long[] extents = new long[3];
            int dimensions = 0;
            long product = 1;
            for (int axis = 0; axis < 3; axis++)
            {
                extents[axis] = headerField(map, EXTENT_KEY - axis);
                if (extents[axis] > 0)
                {
                    dimensions = axis + 1;
                    product *= extents[axis];
                }
            }
            final String layout = MatrixConfiguration.layout(
                sites, (int)substances, extents[0], extents[1], extents[2], dimensions);
            if (substances < 1 || substances > MatrixConfiguration.MAX_SUBSTANCES || 0 == dimensions ||
                product != sites || sites * substances > MatrixConfiguration.MAX_VALUES)
            {
                throw new MatrixException(name + ": corrupt layout header: " + layout);
            }
            if (null != expected && !expected.layout().equals(layout))
            {
                throw new MatrixException(name + ": made with another layout: the file has " + layout +
                    ", asked for " + expected.layout());
            }
            final byte[] sample = map.get(0L);
            if (null == sample || recordLength((int)substances) != sample.length)
            {
                throw new MatrixException(name + ": corrupt: site 0 " + (null == sample ? "is missing" :
                    "has a " + sample.length + "-byte record, the layout needs " + recordLength((int)substances)));
            }
            final int[] gridExtents = new int[dimensions];
            for (int axis = 0; axis < dimensions; axis++)
            {
                gridExtents[axis] = (int)extents[axis];
            }
            return new MatrixFile(name, file, readOnly, true, map, sites, (int)substances, gridExtents);
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

    private static void checkFile(final File file)
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

    private static ChronicleMapBuilder<Long, byte[]> builder(final long entries, final int substances)
    {
        return ChronicleMapBuilder.of(Long.class, byte[].class)
            .name("karyon-matrix")
            .entries(entries)
            .constantValueSizeBySample(new byte[recordLength(substances)])
            .entryAndValueOffsetAlignment(SIZE_OF_DOUBLE)
            // Records are written in place by address; their consistency comes from the two copies, not checksums.
            .checksumEntries(false);
    }

    private static void populate(
        final String name, final ChronicleMap<Long, byte[]> map, final MatrixConfiguration configuration)
    {
        final long sites = configuration.sites();
        final byte[] value = new byte[recordLength(configuration.substances())];
        long site = 0;
        try
        {
            for (; site < sites; site++)
            {
                map.put(site, value);
            }
            // The header goes last: a file whose creation was cut short has none and is refused when opened.
            putHeader(map, value, SITES_KEY, sites);
            putHeader(map, value, SUBSTANCES_KEY, configuration.substances());
            for (int axis = 0; axis < 3; axis++)
            {
                final int extent = axis < configuration.dimensions() ? configuration.extent(axis) : 0;
                putHeader(map, value, EXTENT_KEY - axis, extent);
            }
            putHeader(map, value, MAGIC_KEY, MAGIC);
        }
        catch (final IllegalStateException ex)
        {
            throw new MatrixException(name + ": the map is full after " + site + " of " + sites + " sites (" +
                configuration.layout() + "): " + firstLine(ex), ex);
        }
    }

    private static void putHeader(
        final ChronicleMap<Long, byte[]> map, final byte[] value, final long key, final long field)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(value.clone());
        buffer.putLong(0, field);
        map.put(key, buffer.byteArray());
    }

    private static long headerField(final ChronicleMap<Long, byte[]> map, final long key)
    {
        final byte[] value = map.get(key);
        return null == value || value.length < Long.BYTES ? Long.MIN_VALUE : new UnsafeBuffer(value).getLong(0);
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
