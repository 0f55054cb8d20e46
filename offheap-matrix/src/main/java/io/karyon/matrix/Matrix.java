package io.karyon.matrix;

import net.openhft.chronicle.map.MapSegmentContext;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;

/**
 * The matrix: concentrations of substances on the sites of a grid, in a Chronicle Map from site id to a fixed record
 * (see {@link MatrixDescriptor}), in memory or in a file another process may open at the same time.
 * <p>
 * Every site is put into the map once, at creation; nothing is ever removed, so no entry ever moves, and each site's
 * record is resolved once to an offset in one Agrona {@code UnsafeBuffer} over the map's memory. From then on records
 * are read and written by address, with no map look-up and no boxing, while writers take the Chronicle segment's write
 * lock around each bulk write so that a process reading through the map API (under the read lock) sees whole records.
 * <p>
 * <b>Tick mode.</b> Each of {@code parts} workers owns a {@link MatrixWriter} and deposits into it during a tick;
 * before the next tick every worker calls {@link #applyTick(int, int, long)} for its part, and the workers meet at a
 * barrier before any reads. A part merges the deposits of every writer for its sites sorted by (site, substance, order
 * key, issue order), so additions happen in one order for any number of workers. If some substance decays or diffuses
 * (a dynamic matrix) the tick runs over two flat buffers of the whole grid: a part reads the previous buffer and writes
 * its own range of sites into the next one, so the result does not depend on the partition; it also copies the previous
 * buffer into the records of its own segments (a share of them each tick with
 * {@link MatrixConfiguration#publishInterval(int)}), so the file trails the workers by one tick (or the interval) until
 * {@link #flush()}. A static matrix in a file applies deposits straight to the records, each part owning whole
 * segments. One in memory has no other process to show its records to: it keeps its values in one flat copy, which
 * ticks, {@link #depositDirect(long, int, double)} and {@link #read(long, int)} use (8 bytes a value in one dense array
 * rather than a record in the map), and copies them into the records at {@link #flush()}.
 * <p>
 * <b>Split between processes.</b> In a sharded run each process runs the tick phases of its own parts and trades
 * with the others, through {@link #shards()}, what its writers buffered for their parts and what its parts became.
 * Every process holds every site, unless the model declares a {@link #reach(int)}: then each holds its parts' ranges
 * plus the reach, and receives only those halos; once the run starts its flat copies shrink to that window and the
 * map of every site's record (unseen by other processes in memory) is closed, freeing the rest.
 * <p>
 * <b>Free-running mode.</b> {@link #depositDirect(long, int, double)} writes at once under the segment lock.
 * <p>
 * <b>Inside.</b> {@code MatrixFile} creates, opens and recovers the map and checks its layout; {@code SiteRecords}
 * walks Chronicle's segments once to find every site's record and then reads and writes records under the segment
 * locks; each part's {@code DepositMerger} sorts its deposits; {@code DiffusionKernel} is a dynamic tick's decay and
 * diffusion; {@code FlatCopy} holds the dense buffers. This class checks arguments, keeps the tick phases and says
 * which of them a call goes to.
 * <p>
 * <b>Note:</b> reads are threadsafe; tick phases follow the contract above; {@link #close()} once, after the workers.
 */
public final class Matrix implements AutoCloseable
{
    final MatrixFile store;
    private final String name;
    final long sites;
    private final int sitesInt;
    final int substances;
    private final int dimensions;
    private final int nx;
    private final int ny;
    private final int nz;
    private final boolean readOnly;
    final boolean dynamic;
    private final int publishInterval;
    final SiteRecords records;
    final DiffusionKernel kernel;
    final FlatCopy flat;
    final ShardWindow window;
    private final boolean diffuses;
    private final MatrixShards shards;
    // The sites reads may name: every site, or in a sharded run with a reach this shard's window (see ShardWindow).
    long readFirst;
    long readEnd;
    // The first read beyond this shard's window, by a worker (written once, on that failure only).
    volatile String beyondReach;
    // Whether the flat copies hold only this shard's window (a sharded run with a reach): the records are then no
    // longer published from them (see MatrixShards.holdOnly).
    boolean windowed;
    MatrixWriter[] writers;
    DepositMerger[] mergers;
    long[] phases;
    private long[] lastTicks;
    private boolean closed;

    private Matrix(final MatrixFile store, final MatrixConfiguration configuration)
    {
        this.store = store;
        this.name = store.name();
        this.sites = store.sites();
        this.sitesInt = (int)sites;
        this.substances = store.substances();
        this.dimensions = store.dimensions();
        this.nx = store.extent(0);
        this.ny = dimensions > 1 ? store.extent(1) : 1;
        this.nz = dimensions > 2 ? store.extent(2) : 1;
        this.readOnly = store.isReadOnly();
        this.dynamic = null != configuration && configuration.isDynamic();
        this.publishInterval = null == configuration ? 1 : configuration.publishInterval();
        this.records = new SiteRecords(store);
        this.kernel = dynamic ? new DiffusionKernel(sites, substances, nx, ny, nz, configuration) : null;
        // A dynamic matrix ticks over two flat copies of the grid. A static one in memory keeps one: no other process
        // can see its map, so a tick's deposits go to the flat copy alone (the records catch up at flush()), and
        // reads touch 8 bytes a value in one dense array, which a cache holds far better than records scattered over
        // the map's entries.
        this.flat = dynamic || (null == store.file() && !readOnly) ?
            new FlatCopy(records, sitesInt, substances, dynamic) : null;
        this.window = new ShardWindow(name, sites, dimensions, nx, ny);
        boolean diffusing = false;
        for (int k = 0; dynamic && k < substances; k++)
        {
            diffusing |= 0.0 != configuration.diffusionRate(k);
        }
        this.diffuses = diffusing;
        this.readEnd = sites;
        this.shards = new MatrixShards(this);
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
        return wrap(MatrixFile.create(configuration), configuration);
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
        return wrap(MatrixFile.createPersistedTo(file, configuration), configuration);
    }

    /**
     * Opens a matrix file made by {@link #createPersistedTo(File, MatrixConfiguration)}, possibly being written by
     * another process, for reading: its layout comes from the file; writes are refused. The file is opened read-only
     * and never written or locked (no write access is needed); every record is verified against its check when opened
     * and again whenever it is read.
     *
     * @param file the map's file.
     * @return the matrix, read-only.
     * @throws MatrixException naming the file if it is missing, may not be read ("permission denied"), truncated,
     *                         corrupt (naming the first site whose record fails its check), not a matrix or of
     *                         another format; the file is left as it was.
     */
    public static Matrix openReadOnly(final File file)
    {
        return wrap(MatrixFile.openReadOnly(file), null);
    }

    /**
     * Re-opens, for reading, a matrix file whose writer died (killed, crashed) and may have left segment locks held:
     * Chronicle's recovery resets the locks. Only while no other process has the file open: otherwise refused at once,
     * naming the process.
     *
     * @param file the map's file.
     * @return the matrix, read-only.
     * @throws MatrixException naming the file if it may not be written, another process has it open, it cannot be
     *                         recovered, is not a matrix, or a record fails its check.
     */
    public static Matrix recover(final File file)
    {
        return wrap(MatrixFile.recover(file), null);
    }

    private static Matrix wrap(final MatrixFile store, final MatrixConfiguration configuration)
    {
        try
        {
            return new Matrix(store, configuration);
        }
        catch (final RuntimeException ex)
        {
            throw store.discard(ex);
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
        return store.file();
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
        return records.segments();
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
     * @throws IllegalArgumentException if site or substance is out of range, or, in a sharded run with a reach
     *                                  ({@link #reach(int)}), the site is beyond this shard's parts' reach.
     * @throws IllegalStateException    after {@link #close()}.
     */
    public double read(final long site, final int substance)
    {
        // readFirst and readEnd are 0 and sites unless a sharded run with a reach holds only a window of the sites.
        if (site < readFirst || site >= readEnd || substance < 0 || substance >= substances)
        {
            throw outOfRange(site, substance);
        }
        if (closed)
        {
            // The flat copy is read by address: after close() its memory is gone.
            throw new IllegalStateException(name + ": closed");
        }
        if (null != flat)
        {
            return flat.read(front(), (int)site, substance);
        }
        // What another process wrote (or a file recovered) is verified; this process's own writes are read as written.
        return readOnly ? records.readVerified((int)site, substance) : records.read((int)site, substance);
    }

    /**
     * One substance summed over every site as the workers see it (as {@link #read(long, int)} reads them): from 0.0,
     * adding each site's value in site order (0, 1, 2, ...), so the result is bit-identical to such a loop of
     * {@link #read(long, int)}, in one pass over the flat copy's memory without a check per site.
     *
     * @param substance 0 to substances - 1.
     * @return the total.
     * @throws IllegalArgumentException if substance is out of range.
     * @throws IllegalStateException    after {@link #close()}.
     */
    public double total(final int substance)
    {
        if (substance < 0 || substance >= substances)
        {
            throw new IllegalArgumentException(
                name + ": substance out of range 0.." + (substances - 1) + ": substance=" + substance);
        }
        if (closed)
        {
            // The flat copy is read by address: after close() its memory is gone.
            throw new IllegalStateException(name + ": closed");
        }
        checkWhole("a total");
        if (null != flat)
        {
            return flat.total(front(), sitesInt, substance);
        }
        double sum = 0.0;
        for (int site = 0; site < sitesInt; site++)
        {
            sum += readOnly ? records.readVerified(site, substance) : records.read(site, substance);
        }
        return sum;
    }

    /**
     * Copies every record as the file holds it, each segment under its read lock, so each site's values are from one
     * write (what another process reading the map sees). Records trail the flat copy until {@link #flush()} in a
     * dynamic or an in-memory matrix. Every record is verified against its check.
     *
     * @param into sites * substances values, site-major.
     * @throws MatrixException naming the first site whose record fails its check.
     * @throws IllegalStateException after {@link #close()}.
     */
    public void snapshot(final double[] into)
    {
        if (into.length != sites * substances)
        {
            throw new IllegalArgumentException(
                "snapshot needs " + sites * substances + " values: length=" + into.length);
        }
        if (closed)
        {
            // A read-only file's records are read by address: after close() the mapping is gone.
            throw new IllegalStateException(name + ": closed");
        }
        checkWhole("a snapshot");
        records.snapshot(into);
    }

    /**
     * A digest of every concentration as the workers see it (raw bits, site-major): equal digests mean
     * bit-identical matrices.
     *
     * @return 64-bit digest.
     * @throws IllegalStateException in a sharded run with a reach, where this shard holds only some sites.
     */
    public long digest()
    {
        checkWhole("a digest");
        return digest(0, sites);
    }

    /**
     * A digest of the concentrations of a range of sites, as {@link #digest()} hashes them.
     *
     * @param firstSite first site.
     * @param endSite   one past the last.
     * @return 64-bit digest.
     * @throws IllegalArgumentException if a site of the range may not be read here (see {@link #holds(long)}).
     */
    public long digest(final long firstSite, final long endSite)
    {
        long hash = 0xCBF29CE484222325L;
        for (long site = firstSite; site < endSite; site++)
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
    // Checkpoints.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Writes what the matrix's future depends on, between ticks: the shape, every value as the workers see it (from
     * the flat copy, or the records if it has none), then the deposits buffered and not yet applied, so that
     * {@link #readState(DataInput)} on a matrix of the same shape, with any number of writers, carries on
     * bit-identically. In a sharded run with a reach, the sites beyond this shard's window (see {@link #holds(long)})
     * are written as 0.0: this shard's cells never read them. Layout: {@code int sites, int substances, sites *
     * substances doubles (site-major, in the platform's byte order), int deposits, deposits * (long key, long
     * orderKey, double amount)}.
     *
     * @param out to write to.
     * @throws IOException if the output fails.
     */
    public void writeState(final DataOutput out) throws IOException
    {
        // With a reach, in a sharded run, only the window's values are written (0.0 beyond: no cell of this shard
        // reads them, and its first phase after a resume diffuses only from within the window).
        MatrixState.write(this, null == flat ? null : flat.buffer(front()), readFirst, readEnd, records, writers,
            out);
    }

    /**
     * Replaces every value and the buffered deposits (any the set-up made are dropped) with what
     * {@link #writeState(DataOutput)} wrote, between ticks (before the first of a resumed run, after
     * {@link #writers(int)} if it ticks), and publishes the values to the records.
     *
     * @param in to read from.
     * @throws IOException if the input fails or was written for another shape (one line naming both).
     */
    public void readState(final DataInput in) throws IOException
    {
        checkWritable();
        if (windowed)
        {
            throw new IllegalStateException(name + ": this shard holds only sites [" + readFirst + ", " + readEnd +
                ") (a reach is declared and the run has started): a state is read before the first tick");
        }
        MatrixState.read(this, null == flat ? null : flat.buffer(front()), records, writers, in);
        if (null != lastTicks)
        {
            Arrays.fill(lastTicks, Long.MIN_VALUE);  // the resumed run's next tick follows the checkpoint's
        }
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
        // A dynamic matrix's part owns a range of sites (the kernel's partition); a static one's owns whole segments,
        // so that two parts never take the same segment lock.
        final short[] partOf = dynamic ? null : new short[sitesInt];
        final int[] partStarts = new int[parts + 1];
        for (int p = 0; p <= parts; p++)
        {
            partStarts[p] = dynamic ? kernel.rangeStart(p, parts) : 0;
        }
        for (int s = 0; !dynamic && s < sitesInt; s++)
        {
            partOf[s] = (short)(records.segmentOf(s) % parts);
        }
        final MatrixWriter[] writers = new MatrixWriter[parts];
        final DepositMerger[] mergers = new DepositMerger[parts];
        final int[] partSites = new int[parts];
        final int[] rankOfSite = dynamic ? null : records.ranks(parts, partSites);
        for (int p = 0; p < parts; p++)
        {
            writers[p] = dynamic ?
                new MatrixWriter(this, p, parts, partStarts) : new MatrixWriter(this, p, parts, partOf);
            mergers[p] = dynamic ?
                new DepositMerger(substances, kernel.rangeStart(p, parts), kernel.rangeStart(p + 1, parts)) :
                new DepositMerger(substances, partSites[p], rankOfSite);
        }
        this.mergers = mergers;
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
        final DepositMerger deposits = mergers[part];
        deposits.collect(writers, part);
        if (dynamic)
        {
            // The file trails the workers: this phase publishes the values it diffuses from.
            final int front = (int)(phases[part] & 1);
            if (!windowed)
            {
                records.publish(flat.buffer(front), part, parts, (int)(phases[part] % publishInterval),
                    publishInterval);
            }
            kernel.diffuse(flat.buffer(front), flat.buffer(front ^ 1), part, parts, deposits);
        }
        else if (null != flat)
        {
            flat.apply(deposits);
        }
        else
        {
            records.apply(deposits);
        }
        phases[part]++;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Split between processes (a sharded run): each process runs the tick phases of its own parts; MatrixShards ships
    // what the others need of them in the frames of PartFrames.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Whether this matrix can be split between processes, each running some parts' tick phases: one line saying why
     * not, or null. A matrix persisted to a file cannot (every process would write the file), nor one read-only.
     *
     * @return null, or the reason.
     */
    public String unshardable()
    {
        if (readOnly)
        {
            return name + ": opened read-only";
        }
        return null == store.file() ? null : name + ": a matrix persisted to a file cannot be split between shards " +
            "(each would write the file); use one in memory";
    }

    /**
     * What a sharded run's exchange calls to split this matrix between processes: each runs the tick phases of its
     * own parts and ships what the others need of them (see {@link MatrixShards}).
     *
     * @return the matrix's shard frames.
     */
    public MatrixShards shards()
    {
        return shards;
    }

    /**
     * Declares how far a worker's cells read and deposit around its part's range of sites, in rows (sites of a 1-D
     * grid, rows of a 2-D one, planes of a 3-D one): in a sharded run, each process then holds and receives only its
     * parts' ranges plus that many rows each side (the halos) instead of every site (see {@code ShardWindow} and
     * {@code docs/spec/shards.md}, "The matrix"), and a read beyond them is refused, naming the site. In one process
     * it changes nothing. Call before the run.
     *
     * @param rows 0 (1 if some substance diffuses: the stencil's reach) to the grid's rows - 1.
     * @throws IllegalArgumentException naming the bad value: negative, below the stencil, not less than the grid's
     *                                  rows, or a static matrix (its parts are whole segments, not ranges).
     */
    public void reach(final int rows)
    {
        window.declare(rows, dynamic, diffuses);
    }

    /**
     * The reach declared with {@link #reach(int)}.
     *
     * @return rows, or -1 if none (every process of a sharded run holds every site).
     */
    public int reach()
    {
        return window.reach();
    }

    /**
     * Whether this process holds a site's values as of the tick's start: always, except in a sharded run with a reach,
     * beyond its parts' reach.
     *
     * @param site 0 to sites - 1.
     * @return whether {@link #read(long, int)} may name it.
     */
    public boolean holds(final long site)
    {
        return site >= readFirst && site < readEnd;
    }

    /**
     * The first site of a part's range in a dynamic matrix (part p of n owns [sites * p / n, sites * (p + 1) / n)).
     *
     * @param part 0 to parts (parts: the number of sites).
     * @return the site.
     * @throws IllegalStateException before {@link #writers(int)}.
     */
    public long firstSite(final int part)
    {
        writer(0);
        return window.start(part, writers.length);
    }

    private void checkWhole(final String what)
    {
        final String reason = null == writers ? null : window.partial(what, writers.length);
        if (null != reason)
        {
            throw new IllegalStateException(reason);
        }
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
        // readFirst and readEnd are 0 and sites unless a sharded run with a reach holds only a window of the sites.
        if (site < readFirst || site >= readEnd || substance < 0 || substance >= substances)
        {
            throw outOfRange(site, substance);
        }
        final int s = (int)site;
        if (windowed)
        {
            // The map is closed (see MatrixShards.holdOnly); the flat copies hold what the workers see.
            flat.add(front(), s, substance, amount);
            return;
        }
        try (MapSegmentContext<Long, byte[], ?> context = records.lock(records.segmentOf(s), true))
        {
            if (dynamic || null == flat)
            {
                records.add(s, substance, amount);
            }
            if (null != flat)
            {
                flat.add(front(), s, substance, amount);
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
        if (readOnly || null == flat || windowed)
        {
            // A window's flat copies hold only some sites; the map of an in-memory matrix is seen by no one else.
            return;
        }
        records.publish(flat.buffer(front()), 0, 1, 0, 1);
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
            if (!windowed)
            {
                store.close();  // else closed by MatrixShards.holdOnly
            }
            if (null != flat)
            {
                flat.free();
            }
        }
    }

    IllegalArgumentException outOfRange(final long site, final int substance)
    {
        if (site < 0 || site >= sites)
        {
            return new IllegalArgumentException(name + ": site out of range 0.." + (sites - 1) + ": site=" + site);
        }
        if (site < readFirst || site >= readEnd)
        {
            // A cell's throw only kills the cell: the exchange stops the run at the next phase (MatrixShards).
            final String reason = window.outsideWindow(site, writers.length);
            beyondReach = reason;
            return new IllegalArgumentException(reason);
        }
        return new IllegalArgumentException(
            name + ": substance out of range 0.." + (substances - 1) + ": substance=" + substance);
    }

    private int front()
    {
        // Every part flips its phase once per tick; between tick phases they agree, so part 0's parity will do.
        return null == phases ? 0 : (int)(phases[0] & 1);
    }

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
}
