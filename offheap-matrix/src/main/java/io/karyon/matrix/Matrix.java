package io.karyon.matrix;

import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.SegmentLock;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.MapSegmentContext;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.karyon.matrix.MatrixDescriptor.COPIES_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.EXTENT_KEY;
import static io.karyon.matrix.MatrixDescriptor.HEADER_KEYS;
import static io.karyon.matrix.MatrixDescriptor.MAGIC;
import static io.karyon.matrix.MatrixDescriptor.MAGIC_KEY;
import static io.karyon.matrix.MatrixDescriptor.SEQUENCE_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.SITES_KEY;
import static io.karyon.matrix.MatrixDescriptor.SUBSTANCES_KEY;
import static io.karyon.matrix.MatrixDescriptor.copyOffset;
import static io.karyon.matrix.MatrixDescriptor.recordLength;
import static org.agrona.BitUtil.SIZE_OF_DOUBLE;

/**
 * The matrix: concentrations of substances on the sites of a grid, in a Chronicle Map from site id to a fixed record
 * (see {@link MatrixDescriptor}), in memory or in a file another process may open at the same time.
 * <p>
 * Every site is put into the map once, at creation; nothing is ever removed, so no entry ever moves, and each site's
 * record is resolved once to an offset in one {@link UnsafeBuffer} over the map's memory. From then on records are
 * read and written by address, with no map look-up and no boxing, while writers take the Chronicle segment's write
 * lock around each bulk write so that a process reading through the map API (under the read lock) sees whole records.
 * <p>
 * <b>Tick mode.</b> Each of {@code parts} workers owns a {@link MatrixWriter} and deposits into it during a tick;
 * before the next tick every worker calls {@link #applyTick(int, int, long)} for its part, and the workers meet at a barrier
 * before any reads. A part merges the deposits of every writer for its sites sorted by (site, substance, order key,
 * issue order), so additions happen in one order for any number of workers. If some substance decays or diffuses
 * (a dynamic matrix) the tick runs over two flat buffers of the whole grid: a part reads the previous buffer and
 * writes its own range of sites into the next one, so the result does not depend on the partition; it also copies
 * the previous buffer into the records of its own segments (a share of them each tick with
 * {@link MatrixConfiguration#publishInterval(int)}), so the file trails the workers by one tick (or the interval)
 * until {@link #flush()}. A static matrix in a file applies deposits straight to the records, each part owning whole
 * segments. One in memory has no other process to show its records to: it keeps its values in one flat copy, which
 * ticks, {@link #depositDirect(long, int, double)} and {@link #read(long, int)} use (8 bytes a value in one dense
 * array rather than a record in the map), and copies them into the records at {@link #flush()}.
 * <p>
 * <b>Free-running mode.</b> {@link #depositDirect(long, int, double)} writes at once under the segment lock.
 * <p>
 * <b>Note:</b> reads are threadsafe; tick phases follow the contract above; {@link #close()} once, after the workers.
 */
public final class Matrix implements AutoCloseable
{
    private static final long MIN_FILE_LENGTH = 4096;

    private final String name;
    private final File file;
    private final boolean readOnly;
    private final ChronicleMap<Long, byte[]> map;
    private final long sites;
    private final int sitesInt;
    private final int substances;
    private final int dimensions;
    private final int nx;
    private final int ny;
    private final int nz;
    private final int recordLength;
    private final boolean dynamic;
    private final double[] keep;
    private final double[] diffusion;
    private final int publishInterval;
    private final UnsafeBuffer records;
    private final int[] recordOffsets;
    private final int segments;
    private final short[] segmentOfSite;
    private final int[] segmentSites;
    private final int[] segmentOffsets;
    private final int[] segmentStart;
    private final ByteBuffer[] mirrorMemory;
    private final UnsafeBuffer[] mirrors;
    private MatrixWriter[] writers;
    private short[] partOfSite;
    private Gather[] gathers;
    private long[] phases;
    private long[] lastTicks;
    private boolean closed;

    private Matrix(
        final String name,
        final File file,
        final boolean readOnly,
        final ChronicleMap<Long, byte[]> map,
        final long sites,
        final int substances,
        final int[] extents,
        final MatrixConfiguration configuration)
    {
        this.name = name;
        this.file = file;
        this.readOnly = readOnly;
        this.map = map;
        this.sites = sites;
        this.sitesInt = (int)sites;
        this.substances = substances;
        this.dimensions = extents.length;
        this.nx = extents[0];
        this.ny = extents.length > 1 ? extents[1] : 1;
        this.nz = extents.length > 2 ? extents[2] : 1;
        this.recordLength = recordLength(substances);
        this.dynamic = null != configuration && configuration.isDynamic();
        this.publishInterval = null == configuration ? 1 : configuration.publishInterval();
        this.keep = new double[substances];
        this.diffusion = new double[substances];
        for (int k = 0; k < substances; k++)
        {
            keep[k] = null == configuration ? 1.0 : 1.0 - configuration.decayRate(k);
            diffusion[k] = null == configuration ? 0.0 : configuration.diffusionRate(k);
        }
        this.segments = map.segments();
        if (segments > Short.MAX_VALUE)
        {
            throw new MatrixException(name + ": " + segments + " segments, at most " + Short.MAX_VALUE + " supported");
        }

        final long[] addresses = new long[sitesInt];
        this.segmentOfSite = new short[sitesInt];
        this.segmentStart = new int[segments + 1];
        index(addresses);
        long low = Long.MAX_VALUE;
        long high = Long.MIN_VALUE;
        for (final long address : addresses)
        {
            low = Math.min(low, address);
            high = Math.max(high, address);
        }
        if (high - low + recordLength > Integer.MAX_VALUE)
        {
            throw new MatrixException(name + ": the records span " + (high - low) + " bytes, more than one buffer " +
                "can address; use fewer sites or substances");
        }
        this.records = new UnsafeBuffer(low, (int)(high - low + recordLength));
        this.recordOffsets = new int[sitesInt];
        for (int s = 0; s < sitesInt; s++)
        {
            recordOffsets[s] = (int)(addresses[s] - low);
        }
        this.segmentSites = new int[sitesInt];
        this.segmentOffsets = new int[sitesInt];
        final int[] fill = Arrays.copyOf(segmentStart, segments);
        for (int s = 0; s < sitesInt; s++)
        {
            segmentSites[fill[segmentOfSite[s]]++] = s;
        }
        // Sites were put in id order, so within a segment id order is close to address order; the record offsets
        // are kept in the same order, so that publishing a segment streams through its records and the only
        // scattered reads are of the flat buffer.
        for (int i = 0; i < sitesInt; i++)
        {
            segmentOffsets[i] = recordOffsets[segmentSites[i]];
        }

        // A dynamic matrix ticks over two flat copies of the grid. A static one in memory keeps one: no other process
        // can see its map, so a tick's deposits go to the flat copy alone (the records catch up at flush()), and
        // reads touch 8 bytes a value in one dense array, which a cache holds far better than records scattered over
        // the map's entries.
        if (dynamic || (null == file && !readOnly))
        {
            final int length = sitesInt * substances * SIZE_OF_DOUBLE;
            this.mirrorMemory = dynamic ?
                new ByteBuffer[] { ByteBuffer.allocateDirect(length), ByteBuffer.allocateDirect(length) } :
                new ByteBuffer[] { ByteBuffer.allocateDirect(length) };
            final UnsafeBuffer first = new UnsafeBuffer(mirrorMemory[0]);
            // Static: both phases' "front" is the one copy.
            this.mirrors = new UnsafeBuffer[] { first, dynamic ? new UnsafeBuffer(mirrorMemory[1]) : first };
            for (int s = 0; s < sitesInt; s++)
            {
                final int offset = recordOffsets[s];
                final int copy = offset + copyOffset(records.getLongVolatile(offset + SEQUENCE_OFFSET), substances);
                for (int k = 0; k < substances; k++)
                {
                    mirrors[0].putDouble(
                        (s * substances + k) * SIZE_OF_DOUBLE, records.getDouble(copy + k * SIZE_OF_DOUBLE));
                }
            }
        }
        else
        {
            this.mirrorMemory = null;
            this.mirrors = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Creating and opening.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Creates a matrix in memory (off-heap, not shared with other processes), every concentration zero.
     *
     * @param configuration its shape and rates.
     * @return the matrix.
     * @throws MatrixException if the map cannot hold the sites.
     */
    public static Matrix create(final MatrixConfiguration configuration)
    {
        configuration.conclude();
        final String name = "in-memory matrix";
        final ChronicleMap<Long, byte[]> map = builder(configuration.capacity(), configuration.substances()).create();
        try
        {
            populate(name, map, configuration);
            return new Matrix(name, null, false, map, configuration.sites(), configuration.substances(),
                extents(configuration), configuration);
        }
        catch (final RuntimeException ex)
        {
            map.close();
            throw ex;
        }
    }

    /**
     * Creates a matrix persisted to a file, every concentration zero; or, if the file exists, opens it for writing
     * after checking that it was made with the same layout (sites, substances, grid), keeping its concentrations.
     *
     * @param file          the map's file.
     * @param configuration its shape and rates.
     * @return the matrix.
     * @throws MatrixException naming the file if it has another layout, is truncated or corrupt, or the map is full;
     *                         an existing file is then left as it was, a new one is removed.
     */
    public static Matrix createPersistedTo(final File file, final MatrixConfiguration configuration)
    {
        configuration.conclude();
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
        try
        {
            populate(name, map, configuration);
            return new Matrix(name, file, false, map, configuration.sites(), configuration.substances(),
                extents(configuration), configuration);
        }
        catch (final RuntimeException ex)
        {
            map.close();
            if (!file.delete())
            {
                ex.addSuppressed(new IOException(name + ": could not remove the incomplete file"));
            }
            throw ex;
        }
    }

    /**
     * Opens a matrix file made by {@link #createPersistedTo(File, MatrixConfiguration)}, possibly being written by
     * another process, for reading: its layout comes from the file; writes are refused.
     *
     * @param file the map's file.
     * @return the matrix, read-only.
     * @throws MatrixException naming the file if it is missing, truncated, corrupt or not a matrix; the file is left
     *                         as it was.
     */
    public static Matrix openReadOnly(final File file)
    {
        return open(file, null, true);
    }

    /**
     * Re-opens, for reading, a matrix file whose writer died (killed, crashed) and may have left segment locks held:
     * Chronicle's recovery resets the locks. Only while no other process has the file open.
     *
     * @param file the map's file.
     * @return the matrix, read-only.
     * @throws MatrixException naming the file if it cannot be recovered or is not a matrix.
     */
    public static Matrix recover(final File file)
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

    private static Matrix open(final File file, final MatrixConfiguration expected, final boolean readOnly)
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

    private static Matrix wrapExisting(
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
            return new Matrix(name, file, readOnly, map, sites, (int)substances, gridExtents, expected);
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

    /**
     * Resolves every site's record to its address once, under each segment's update lock, and checks that the map
     * holds exactly the header and every site once.
     */
    private void index(final long[] addresses)
    {
        final boolean[] seen = new boolean[sitesInt];
        final int[] counts = new int[segments];
        final long[] found = new long[2];
        for (int segment = 0; segment < segments; segment++)
        {
            final int seg = segment;
            try (MapSegmentContext<Long, byte[], ?> context = map.segmentContext(segment))
            {
                context.forEachSegmentEntry((entry) ->
                {
                    final Data<Long> key = entry.key();
                    final long site = key.bytes().readLong(key.offset());
                    final Data<byte[]> value = entry.value();
                    if (site < 0 && site >= -HEADER_KEYS)
                    {
                        found[1]++;
                        return;
                    }
                    if (site < 0 || site >= sites || seen[(int)site])
                    {
                        throw new MatrixException(name + ": corrupt: key " + site + (site >= 0 && site < sites ?
                            " appears twice" : " is not a site of " + sites));
                    }
                    if (value.size() != recordLength)
                    {
                        throw new MatrixException(name + ": corrupt: site " + site + " has a " + value.size() +
                            "-byte record, the layout needs " + recordLength);
                    }
                    seen[(int)site] = true;
                    addresses[(int)site] = value.bytes().addressForRead(value.offset());
                    segmentOfSite[(int)site] = (short)seg;
                    counts[seg]++;
                    found[0]++;
                });
            }
        }
        if (found[0] != sites)
        {
            throw new MatrixException(name + ": corrupt: " + found[0] + " of " + sites + " sites present");
        }
        for (int segment = 0; segment < segments; segment++)
        {
            segmentStart[segment + 1] = segmentStart[segment] + counts[segment];
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Shape.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The file, or "in-memory matrix": how errors name this matrix.
     *
     * @return name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The file it is persisted to.
     *
     * @return file, or null in memory.
     */
    public File file()
    {
        return file;
    }

    /**
     * Number of sites.
     *
     * @return sites.
     */
    public long sites()
    {
        return sites;
    }

    /**
     * Substances per site.
     *
     * @return substances.
     */
    public int substances()
    {
        return substances;
    }

    /**
     * Axes of the grid.
     *
     * @return 1, 2 or 3.
     */
    public int dimensions()
    {
        return dimensions;
    }

    /**
     * Sites along an axis.
     *
     * @param axis 0, 1 or 2.
     * @return extent (1 beyond the grid's axes).
     */
    public int extent(final int axis)
    {
        return 0 == axis ? nx : 1 == axis ? ny : nz;
    }

    /**
     * The layout: {@code sites=N, substances=S, grid=AxBxC}.
     *
     * @return description.
     */
    public String layout()
    {
        return MatrixConfiguration.layout(sites, substances, nx, ny, nz, dimensions);
    }

    /**
     * Chronicle segments of the map (each with its own lock).
     *
     * @return segments.
     */
    public int segments()
    {
        return segments;
    }

    /**
     * Whether this process only reads the matrix.
     *
     * @return true if opened with {@link #openReadOnly(File)} or {@link #recover(File)}.
     */
    public boolean isReadOnly()
    {
        return readOnly;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A concentration as the workers see it: in tick mode, as of the last tick phase.
     *
     * @param site      0 to sites - 1.
     * @param substance 0 to substances - 1.
     * @return the concentration.
     * @throws IllegalArgumentException if site or substance is out of range.
     */
    public double read(final long site, final int substance)
    {
        if (site < 0 || site >= sites || substance < 0 || substance >= substances)
        {
            throw outOfRange(site, substance);
        }
        if (null != mirrors)
        {
            return mirrors[front()].getDouble(((int)site * substances + substance) * SIZE_OF_DOUBLE);
        }
        final int offset = recordOffsets[(int)site];
        final long sequence = records.getLongVolatile(offset + SEQUENCE_OFFSET);
        // Both copies are loaded whatever the sequence says, so that neither load waits for the sequence: a record
        // may straddle two cache lines, and a copy address computed from the sequence would make the second miss
        // wait for the first.
        final int first = offset + COPIES_OFFSET + substance * SIZE_OF_DOUBLE;
        final double copy0 = records.getDouble(first);
        final double copy1 = records.getDouble(first + substances * SIZE_OF_DOUBLE);
        return 0 == (sequence & 1) ? copy0 : copy1;
    }

    /**
     * Copies every record as the file holds it, each segment under its read lock, so each site's values are from one
     * write (what another process reading the map sees). Records trail the flat copy until {@link #flush()} in a
     * dynamic or an in-memory matrix.
     *
     * @param into sites * substances values, site-major.
     */
    public void snapshot(final double[] into)
    {
        if (into.length != sites * substances)
        {
            throw new IllegalArgumentException(
                "snapshot needs " + sites * substances + " values: length=" + into.length);
        }
        for (int segment = 0; segment < segments; segment++)
        {
            try (MapSegmentContext<Long, byte[], ?> context = lock(segment, false))
            {
                for (int i = segmentStart[segment], end = segmentStart[segment + 1]; i < end; i++)
                {
                    final int site = segmentSites[i];
                    final int offset = recordOffsets[site];
                    final int copy = offset + copyOffset(records.getLongVolatile(offset + SEQUENCE_OFFSET), substances);
                    for (int k = 0; k < substances; k++)
                    {
                        into[site * substances + k] = records.getDouble(copy + k * SIZE_OF_DOUBLE);
                    }
                }
            }
        }
    }

    /**
     * A digest of every concentration as the workers see it (raw bits, site-major): equal digests mean
     * bit-identical matrices.
     *
     * @return 64-bit digest.
     */
    public long digest()
    {
        long hash = 0xCBF29CE484222325L;
        for (long site = 0; site < sites; site++)
        {
            for (int k = 0; k < substances; k++)
            {
                hash = (hash ^ Double.doubleToRawLongBits(read(site, k))) * 0x100000001B3L;
                hash ^= hash >>> 29;
            }
        }
        return hash;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Writing.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Sets up tick mode for a number of workers: one writer each, and which part applies each site's deposits.
     * Call once, before the first tick.
     *
     * @param parts workers that will call {@link #applyTick(int, int, long)}, 1 to 32767.
     * @return the writers, index = worker.
     * @throws IllegalStateException if read-only or already set up.
     */
    public MatrixWriter[] writers(final int parts)
    {
        checkWritable();
        if (null != writers)
        {
            throw new IllegalStateException(name + ": writers already set up for " + writers.length + " parts");
        }
        if (parts < 1 || parts > Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("parts must be in 1.." + Short.MAX_VALUE + ": parts=" + parts);
        }
        final short[] partOf = new short[sitesInt];
        for (int s = 0; s < sitesInt; s++)
        {
            partOf[s] = dynamic ? (short)partOfRange(s, parts) : (short)(segmentOfSite[s] % parts);
        }
        final MatrixWriter[] writers = new MatrixWriter[parts];
        final Gather[] gathers = new Gather[parts];
        for (int p = 0; p < parts; p++)
        {
            writers[p] = new MatrixWriter(this, p, parts, partOf);
            gathers[p] = new Gather();
        }
        this.partOfSite = partOf;
        this.gathers = gathers;
        this.phases = new long[parts];
        this.lastTicks = new long[parts];
        Arrays.fill(lastTicks, Long.MIN_VALUE);
        this.writers = writers;
        return writers;
    }

    /**
     * The writer of a worker.
     *
     * @param worker index.
     * @return its writer.
     * @throws IllegalStateException before {@link #writers(int)}.
     */
    public MatrixWriter writer(final int worker)
    {
        if (null == writers)
        {
            throw new IllegalStateException(name + ": no writers: call writers(parts) first");
        }
        return writers[worker];
    }

    /**
     * One worker's share of a tick phase: applies every writer's buffered deposits for this part's sites, sorted by
     * (site, substance, order key, issue order), and, in a dynamic matrix, decay and diffusion over this part's range
     * of sites. Every part must call it once per tick, for consecutive ticks, and all parts must finish before any
     * worker reads or deposits again (a barrier).
     *
     * @param part  this worker, 0 to parts - 1.
     * @param parts workers, as given to {@link #writers(int)}.
     * @param tick  being started; must grow by one from call to call.
     */
    public void applyTick(final int part, final int parts, final long tick)
    {
        if (null == writers || parts != writers.length || part < 0 || part >= parts)
        {
            throw new IllegalStateException(name + ": applyTick(" + part + ", " + parts + ") but writers are set up " +
                "for " + (null == writers ? "no" : Integer.toString(writers.length)) + " parts");
        }
        if (Long.MIN_VALUE != lastTicks[part] && tick != lastTicks[part] + 1)
        {
            throw new IllegalStateException(name + ": part " + part + " applied tick " + lastTicks[part] +
                ", then tick " + tick + ": ticks must be consecutive");
        }
        lastTicks[part] = tick;
        final Gather gather = gathers[part];
        gather.collect(writers, part, segmentOfSite, substances, !dynamic);
        if (dynamic)
        {
            final int front = (int)(phases[part] & 1);
            publish(mirrors[front], part, parts, (int)(phases[part] % publishInterval), publishInterval);
            diffuse(mirrors[front], mirrors[front ^ 1], part, parts, gather);
        }
        else if (null != mirrors)
        {
            applyToMirror(gather);
        }
        else
        {
            applyToRecords(gather);
        }
        phases[part]++;
    }

    /**
     * Writes a deposit at once, under the segment's write lock: free-running mode. Not to be mixed with tick phases
     * running at the same time.
     *
     * @param site      0 to sites - 1.
     * @param substance 0 to substances - 1.
     * @param amount    added.
     */
    public void depositDirect(final long site, final int substance, final double amount)
    {
        checkWritable();
        if (site < 0 || site >= sites || substance < 0 || substance >= substances)
        {
            throw outOfRange(site, substance);
        }
        final int s = (int)site;
        try (MapSegmentContext<Long, byte[], ?> context = lock(segmentOfSite[s], true))
        {
            if (dynamic || null == mirrors)
            {
                final int offset = recordOffsets[s];
                final long sequence = records.getLong(offset + SEQUENCE_OFFSET);
                final int from = offset + copyOffset(sequence, substances);
                final int to = offset + copyOffset(sequence + 1, substances);
                records.putBytes(to, records, from, substances * SIZE_OF_DOUBLE);
                final int value = to + substance * SIZE_OF_DOUBLE;
                records.putDouble(value, records.getDouble(value) + amount);
                records.putLongRelease(offset + SEQUENCE_OFFSET, sequence + 1);
            }
            if (null != mirrors)
            {
                final UnsafeBuffer front = mirrors[front()];
                final int index = (s * substances + substance) * SIZE_OF_DOUBLE;
                front.putDouble(index, front.getDouble(index) + amount);
            }
        }
    }

    /**
     * Copies the workers' current concentrations into every record (a dynamic matrix's file trails by one tick
     * until then, and a static in-memory matrix's records by every tick since the last flush). Called by
     * {@link #close()}; call it between ticks, with no tick phase running.
     */
    public void flush()
    {
        if (readOnly || null == mirrors)
        {
            return;
        }
        publish(mirrors[front()], 0, 1, 0, 1);
    }

    private int front()
    {
        // Every part flips its phase once per tick; between tick phases they agree, so part 0's parity will do.
        return null == phases ? 0 : (int)(phases[0] & 1);
    }

    /**
     * Flushes, closes the map (the file stays), and frees the tick buffers.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            flush();
        }
        finally
        {
            map.close();
            if (null != mirrorMemory)
            {
                mirrors[0].wrap(0, 0);
                mirrors[1].wrap(0, 0);
                for (final ByteBuffer memory : mirrorMemory)
                {
                    BufferUtil.free(memory);
                }
            }
        }
    }

    IllegalArgumentException outOfRange(final long site, final int substance)
    {
        if (site < 0 || site >= sites)
        {
            return new IllegalArgumentException(name + ": site out of range 0.." + (sites - 1) + ": site=" + site);
        }
        return new IllegalArgumentException(
            name + ": substance out of range 0.." + (substances - 1) + ": substance=" + substance);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The tick.
    // ---------------------------------------------------------------------------------------------------------------

    private void checkWritable()
    {
        if (readOnly)
        {
            throw new IllegalStateException(name + ": opened read-only");
        }
        if (closed)
        {
            throw new IllegalStateException(name + ": closed");
        }
    }

    private int partOfRange(final int site, final int parts)
    {
        // The part p whose range [sites * p / parts, sites * (p + 1) / parts) holds the site.
        int p = (int)((long)site * parts / sites);
        while (rangeStart(p + 1, parts) <= site)
        {
            p++;
        }
        while (rangeStart(p, parts) > site)
        {
            p--;
        }
        return p;
    }

    private int rangeStart(final int part, final int parts)
    {
        return (int)(sites * part / parts);
    }

    private MapSegmentContext<Long, byte[], ?> lock(final int segment, final boolean write)
    {
        final MapSegmentContext<Long, byte[], ?> context = map.segmentContext(segment);
        try
        {
            // The segment context is Chronicle's own lock holder; closing the context releases the lock.
            final SegmentLock lock = (SegmentLock)context;
            if (write)
            {
                lock.writeLock().lock();
            }
            else
            {
                lock.readLock().lock();
            }
            return context;
        }
        catch (final RuntimeException ex)
        {
            context.close();
            throw ex;
        }
    }

    /**
     * Copies a flat buffer into the records of this part's segments (segment % parts == part), each under its write
     * lock, so parts never take the same lock; with an interval of n, only every n-th of them, starting at turn.
     */
    private void publish(
        final UnsafeBuffer values, final int part, final int parts, final int turn, final int interval)
    {
        final int substances = this.substances;
        final int valuesLength = substances * SIZE_OF_DOUBLE;
        final UnsafeBuffer records = this.records;
        final int[] segmentSites = this.segmentSites;
        final int[] segmentOffsets = this.segmentOffsets;
        for (int segment = part + parts * turn; segment < segments; segment += parts * interval)
        {
            try (MapSegmentContext<Long, byte[], ?> context = lock(segment, true))
            {
                for (int i = segmentStart[segment], end = segmentStart[segment + 1]; i < end; i++)
                {
                    final int from = segmentSites[i] * valuesLength;
                    final int offset = segmentOffsets[i];
                    final long sequence = records.getLong(offset + SEQUENCE_OFFSET);
                    final int to = offset + copyOffset(sequence + 1, substances);
                    for (int k = 0; k < valuesLength; k += SIZE_OF_DOUBLE)
                    {
                        records.putDouble(to + k, values.getDouble(from + k));
                    }
                    records.putLongRelease(offset + SEQUENCE_OFFSET, sequence + 1);
                }
            }
        }
    }

    /**
     * Decay and diffusion of this part's range of sites from one buffer into the other, adding the sorted deposits.
     * Reads only the source buffer, writes only its own range: the result does not depend on the partition.
     */
    private void diffuse(
        final UnsafeBuffer from, final UnsafeBuffer to, final int part, final int parts, final Gather gather)
    {
        final int substances = this.substances;
        final int lo = rangeStart(part, parts);
        final int hi = rangeStart(part + 1, parts);
        final int nx = this.nx;
        final int ny = this.ny;
        final int nz = this.nz;
        final int rowStride = nx * substances * SIZE_OF_DOUBLE;
        final int planeStride = nx * ny * substances * SIZE_OF_DOUBLE;
        final int siteStride = substances * SIZE_OF_DOUBLE;
        final double[] keep = this.keep;
        final double[] diffusion = this.diffusion;
        final int[] order = gather.order;
        final long[] keys = gather.keys;
        final double[] amounts = gather.amounts;
        final int deposits = gather.count;
        int d = 0;
        long nextKey = deposits > 0 ? keys[order[0]] : Long.MAX_VALUE;
        int x = lo % nx;
        int y = (lo / nx) % ny;
        int z = lo / nx / ny;
        for (int s = lo; s < hi; s++)
        {
            final int base = s * siteStride;
            for (int k = 0; k < substances; k++)
            {
                final int at = base + k * SIZE_OF_DOUBLE;
                final double c = from.getDouble(at);
                double flow = 0.0;
                if (x > 0)
                {
                    flow += from.getDouble(at - siteStride) - c;
                }
                if (x < nx - 1)
                {
                    flow += from.getDouble(at + siteStride) - c;
                }
                if (y > 0)
                {
                    flow += from.getDouble(at - rowStride) - c;
                }
                if (y < ny - 1)
                {
                    flow += from.getDouble(at + rowStride) - c;
                }
                if (z > 0)
                {
                    flow += from.getDouble(at - planeStride) - c;
                }
                if (z < nz - 1)
                {
                    flow += from.getDouble(at + planeStride) - c;
                }
                double value = keep[k] * (c + diffusion[k] * flow);
                final long key = (long)s * substances + k;
                while (nextKey == key)
                {
                    value += amounts[order[d]];
                    nextKey = ++d < deposits ? keys[order[d]] : Long.MAX_VALUE;
                }
                to.putDouble(at, value);
            }
            if (++x == nx)
            {
                x = 0;
                if (++y == ny)
                {
                    y = 0;
                    z++;
                }
            }
        }
    }

    /**
     * A static in-memory matrix's tick: the sorted deposits of this part (whole segments) go into the flat copy.
     */
    private void applyToMirror(final Gather gather)
    {
        final int deposits = gather.count;
        final int[] order = gather.order;
        final long[] keys = gather.keys;
        final double[] amounts = gather.amounts;
        final UnsafeBuffer mirror = mirrors[0];
        for (int d = 0; d < deposits; d++)
        {
            final int index = (int)keys[order[d]] * SIZE_OF_DOUBLE;
            mirror.putDouble(index, mirror.getDouble(index) + amounts[order[d]]);
        }
    }

    /**
     * A static file-backed matrix's tick: the sorted deposits of this part (whole segments) go straight into the
     * records, one write lock per segment and one record write per site.
     */
    private void applyToRecords(final Gather gather)
    {
        final int deposits = gather.count;
        final int substances = this.substances;
        final int[] order = gather.order;
        final long[] keys = gather.keys;
        final long[] primaries = gather.primaries;
        final double[] amounts = gather.amounts;
        final UnsafeBuffer records = this.records;
        int d = 0;
        while (d < deposits)
        {
            final int segment = (int)(primaries[order[d]] >>> 32);
            try (MapSegmentContext<Long, byte[], ?> context = lock(segment, true))
            {
                while (d < deposits && (int)(primaries[order[d]] >>> 32) == segment)
                {
                    final int site = (int)(keys[order[d]] / substances);
                    final int offset = recordOffsets[site];
                    final long sequence = records.getLong(offset + SEQUENCE_OFFSET);
                    final int to = offset + copyOffset(sequence + 1, substances);
                    records.putBytes(
                        to, records, offset + copyOffset(sequence, substances), substances * SIZE_OF_DOUBLE);
                    final long siteStart = (long)site * substances;
                    final long siteEnd = siteStart + substances;
                    while (d < deposits && keys[order[d]] >= siteStart && keys[order[d]] < siteEnd)
                    {
                        final int value = to + (int)(keys[order[d]] - siteStart) * SIZE_OF_DOUBLE;
                        records.putDouble(value, records.getDouble(value) + amounts[order[d]]);
                        d++;
                    }
                    records.putLongRelease(offset + SEQUENCE_OFFSET, sequence + 1);
                }
            }
        }
    }

    /**
     * One part's deposits gathered from every writer and sorted, stably, by (primary, order key): the primary is
     * site * substances + substance, led by the segment in a static matrix so that each segment is locked once.
     * Gathering goes writer by writer, each bucket in issue order, and a depositor's deposits come from one writer,
     * so ties keep issue order.
     * <p>
     * <b>Note:</b> not threadsafe; owned by one part's worker.
     */
    static final class Gather
    {
        private static final int RUN = 32;

        long[] keys = new long[1024];
        long[] primaries = new long[1024];
        long[] orderKeys = new long[1024];
        double[] amounts = new double[1024];
        int[] order = new int[1024];
        int[] scratch = new int[1024];
        int count;

        void collect(
            final MatrixWriter[] writers, final int part, final short[] segmentOfSite, final int substances,
            final boolean bySegment)
        {
            int n = 0;
            for (final MatrixWriter writer : writers)
            {
                n += writer.counts[part];
            }
            if (n > keys.length)
            {
                final int length = Math.max(n, keys.length << 1);
                keys = new long[length];
                primaries = new long[length];
                orderKeys = new long[length];
                amounts = new double[length];
                order = new int[length];
                scratch = new int[length];
            }
            int at = 0;
            for (final MatrixWriter writer : writers)
            {
                final int count = writer.counts[part];
                System.arraycopy(writer.keys[part], 0, keys, at, count);
                System.arraycopy(writer.orderKeys[part], 0, orderKeys, at, count);
                System.arraycopy(writer.amounts[part], 0, amounts, at, count);
                writer.counts[part] = 0;
                at += count;
            }
            for (int i = 0; i < n; i++)
            {
                primaries[i] = bySegment ?
                    ((long)segmentOfSite[(int)(keys[i] / substances)] << 32) | keys[i] : keys[i];
                order[i] = i;
            }
            count = n;
            sort(n);
        }

        private boolean less(final int a, final int b)
        {
            final long pa = primaries[a];
            final long pb = primaries[b];
            return pa < pb || (pa == pb && orderKeys[a] < orderKeys[b]);
        }

        /**
         * Stable bottom-up merge sort of the order array: insertion-sorted runs, then merges.
         */
        private void sort(final int n)
        {
            int[] a = order;
            int[] b = scratch;
            for (int lo = 0; lo < n; lo += RUN)
            {
                final int hi = Math.min(lo + RUN, n);
                for (int i = lo + 1; i < hi; i++)
                {
                    final int item = a[i];
                    int j = i - 1;
                    while (j >= lo && less(item, a[j]))
                    {
                        a[j + 1] = a[j];
                        j--;
                    }
                    a[j + 1] = item;
                }
            }
            for (int width = RUN; width < n; width <<= 1)
            {
                for (int lo = 0; lo < n; lo += width << 1)
                {
                    final int mid = Math.min(lo + width, n);
                    final int hi = Math.min(lo + (width << 1), n);
                    int i = lo;
                    int j = mid;
                    int k = lo;
                    while (i < mid && j < hi)
                    {
                        b[k++] = less(a[j], a[i]) ? a[j++] : a[i++];
                    }
                    while (i < mid)
                    {
                        b[k++] = a[i++];
                    }
                    while (j < hi)
                    {
                        b[k++] = a[j++];
                    }
                }
                final int[] swap = a;
                a = b;
                b = swap;
            }
            order = a;
            scratch = b;
        }
    }
}
