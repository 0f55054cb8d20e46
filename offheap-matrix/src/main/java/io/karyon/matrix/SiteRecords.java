package io.karyon.matrix;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.SegmentLock;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

import static io.karyon.matrix.MatrixDescriptor.COPIES_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.HEADER_KEYS;
import static io.karyon.matrix.MatrixDescriptor.SEQUENCE_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.SITE_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.checksum;
import static io.karyon.matrix.MatrixDescriptor.checksumStart;
import static io.karyon.matrix.MatrixDescriptor.copyLength;
import static io.karyon.matrix.MatrixDescriptor.copyOffset;
import static io.karyon.matrix.MatrixDescriptor.recordLength;
import static io.karyon.matrix.MatrixDescriptor.siteTag;
import static io.karyon.matrix.MatrixDescriptor.step;
import static org.agrona.BitUtil.SIZE_OF_DOUBLE;

/**
 * The sites' records in the map's memory, found once by a walk over Chronicle's segments and from then on read and
 * written by address (see {@link MatrixDescriptor} for a record), each write under its segment's write lock so that a
 * process reading through the map API, under the read lock, sees whole records.
 * <p>
 * Every site is put into the map once, at creation, and nothing is ever removed, so no entry ever moves: the walk
 * resolves each site to an offset in one {@link UnsafeBuffer} over the records, and lists each segment's sites, so
 * that a segment can be locked once and its records written in one pass.
 * <p>
 * Every write fills the record's other copy and its check, then publishes it by the sequence (see
 * {@link MatrixDescriptor}); the walk verifies every record, and {@link #snapshot(double[])} and
 * {@link #readVerified(int, int)} verify each record they read.
 * <p>
 * A file opened read-only has no map: its records were found by {@code RecordScanner} in a read-only mapping of the
 * file, which is never written and never locked; reads of it follow the sequence as a seqlock (read the sequence, the
 * copy and its check, and the sequence again; retry if it moved), so a process writing the file meanwhile is never
 * seen half-way.
 * <p>
 * <b>Note:</b> reads are threadsafe; writers of different segments may run at once, each taking its segment's lock.
 */
final class SiteRecords
{
    private final String name;
    private final ChronicleMap<Long, byte[]> map;
    private final long sites;
    private final int sitesInt;
    private final int substances;
    private final int recordLength;
    private final int segments;
    private final UnsafeBuffer records;
    private final int[] recordOffsets;
    private final short[] segmentOfSite;
    private final int[] segmentStart;
    private final int[] segmentSites;
    private final int[] segmentOffsets;

    /**
     * Walks the map's segments once and indexes every site's record.
     *
     * @param store the open map.
     * @throws MatrixException if the map does not hold exactly the header and every site once, each with a record of
     *                         the layout's length, or its records span more than one buffer can address.
     */
    SiteRecords(final MatrixFile store)
    {
        this.name = store.name();
        this.map = store.map();
        this.sites = store.sites();
        this.sitesInt = (int)sites;
        this.substances = store.substances();
        this.recordLength = recordLength(substances);
        if (null == map)
        {
            // Read-only: the scan found and verified every record; nothing here writes or locks.
            this.segments = store.segments();
            this.records = store.scannedRecords();
            this.recordOffsets = store.scannedOffsets();
            this.segmentOfSite = null;
            this.segmentStart = null;
            this.segmentSites = null;
            this.segmentOffsets = null;
            return;
        }
        this.segments = map.segments();
        if (segments > Short.MAX_VALUE)
        {
            throw new MatrixException(name + ": " + segments + " segments, at most " + Short.MAX_VALUE + " supported");
        }

        final long[] addresses = new long[sitesInt];
        this.segmentOfSite = new short[sitesInt];
        this.segmentStart = new int[segments + 1];
        walk(addresses);
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
    }

    /**
     * Chronicle segments of the map (each with its own lock).
     *
     * @return segments.
     */
    int segments()
    {
        return segments;
    }

    /**
     * The segment that holds a site's record.
     *
     * @param site 0 to sites - 1.
     * @return segment.
     */
    int segmentOf(final int site)
    {
        return segmentOfSite[site];
    }

    /**
     * A site's current value of one substance, from the copy the record's sequence selects.
     *
     * @param site      0 to sites - 1.
     * @param substance 0 to substances - 1.
     * @return the concentration.
     */
    double read(final int site, final int substance)
    {
        final int offset = recordOffsets[site];
        final long sequence = records.getLongVolatile(offset + SEQUENCE_OFFSET);
        // Both copies are loaded whatever the sequence says, so that neither load waits for the sequence: a record
        // may straddle two cache lines, and a copy address computed from the sequence would make the second miss
        // wait for the first.
        final int first = offset + COPIES_OFFSET + substance * SIZE_OF_DOUBLE;
        final double copy0 = records.getDouble(first);
        final double copy1 = records.getDouble(first + copyLength(substances));
        return 0 == (sequence & 1) ? copy0 : copy1;
    }

    /**
     * A site's current value of one substance, verified against its copy's check, following the sequence as a
     * seqlock: for a file another process may be writing, without its locks.
     *
     * @param site      0 to sites - 1.
     * @param substance 0 to substances - 1.
     * @return the concentration.
     * @throws MatrixException naming the site if its current copy fails its check.
     */
    double readVerified(final int site, final int substance)
    {
        final int offset = recordOffsets[site];
        while (true)
        {
            final long sequence = records.getLongVolatile(offset + SEQUENCE_OFFSET);
            final int copy = offset + copyOffset(sequence, substances);
            final double value = records.getDouble(copy + substance * SIZE_OF_DOUBLE);
            final boolean whole = whole(offset, site, sequence, copy);
            // The copy's loads before the sequence's second load: if it has not moved, no writer touched the copy.
            VarHandle.loadLoadFence();
            if (records.getLongVolatile(offset + SEQUENCE_OFFSET) == sequence)
            {
                if (!whole)
                {
                    throw corrupt(site, problem(records, offset, site, substances));
                }
                return value;
            }
        }
    }

    /**
     * A site's current values, all from one write, verified against their check as {@link #readVerified(int, int)}
     * does.
     *
     * @param site 0 to sites - 1.
     * @param into receives the site's values at site * substances.
     * @throws MatrixException naming the site if its current copy fails its check.
     */
    void readVerified(final int site, final double[] into)
    {
        final int offset = recordOffsets[site];
        while (true)
        {
            final long sequence = records.getLongVolatile(offset + SEQUENCE_OFFSET);
            final int copy = offset + copyOffset(sequence, substances);
            for (int k = 0; k < substances; k++)
            {
                into[site * substances + k] = records.getDouble(copy + k * SIZE_OF_DOUBLE);
            }
            final boolean whole = whole(offset, site, sequence, copy);
            VarHandle.loadLoadFence();
            if (records.getLongVolatile(offset + SEQUENCE_OFFSET) == sequence)
            {
                if (!whole)
                {
                    throw corrupt(site, problem(records, offset, site, substances));
                }
                return;
            }
        }
    }

    private boolean whole(final int offset, final int site, final long sequence, final int copy)
    {
        return siteTag(site) == records.getLong(offset + SITE_OFFSET) &&
            checksum(site, sequence, records, copy, substances) == records.getLong(copy + substances * SIZE_OF_DOUBLE);
    }

    /**
     * Ranks each site within a static matrix's part (the segments with segment % parts == part) in the order the
     * part applies its deposits: segment by segment, each segment's sites in site order.
     *
     * @param parts     of the partition.
     * @param partSites filled with each part's number of sites.
     * @return each site's rank within its own part.
     */
    int[] ranks(final int parts, final int[] partSites)
    {
        final int[] rankOfSite = new int[sitesInt];
        for (int part = 0; part < parts; part++)
        {
            int rank = 0;
            for (int segment = part; segment < segments; segment += parts)
            {
                for (int i = segmentStart[segment], end = segmentStart[segment + 1]; i < end; i++)
                {
                    rankOfSite[segmentSites[i]] = rank++;
                }
            }
            partSites[part] = rank;
        }
        return rankOfSite;
    }

    /**
     * Copies every site's current values into a flat buffer, site-major, without locks: for a matrix being opened.
     *
     * @param into sites * substances doubles.
     */
    void copyInto(final UnsafeBuffer into)
    {
        for (int s = 0; s < sitesInt; s++)
        {
            final int offset = recordOffsets[s];
            final int copy = offset + copyOffset(records.getLongVolatile(offset + SEQUENCE_OFFSET), substances);
            for (int k = 0; k < substances; k++)
            {
                into.putDouble((s * substances + k) * SIZE_OF_DOUBLE, records.getDouble(copy + k * SIZE_OF_DOUBLE));
            }
        }
    }

    /**
     * Copies every record, each segment under its read lock (or, read-only, each record as a seqlock), so each site's
     * values are from one write, verifying each against its check.
     *
     * @param into sites * substances values, site-major.
     * @throws MatrixException naming the first site whose current copy fails its check.
     */
    void snapshot(final double[] into)
    {
        if (null == map)
        {
            for (int site = 0; site < sitesInt; site++)
            {
                readVerified(site, into);
            }
            return;
        }
        for (int segment = 0; segment < segments; segment++)
        {
            try (MapSegmentContext<Long, byte[], ?> context = lock(segment, false))
            {
                for (int i = segmentStart[segment], end = segmentStart[segment + 1]; i < end; i++)
                {
                    final int site = segmentSites[i];
                    final int offset = recordOffsets[site];
                    final String problem = problem(records, offset, site, substances);
                    if (null != problem)
                    {
                        throw corrupt(site, problem);
                    }
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
     * What is wrong with a record, if anything: its site tag, or its current copy's check.
     *
     * @param records    buffer holding the record.
     * @param offset     of the record in records.
     * @param site       the record should hold.
     * @param substances per site.
     * @return null if the record is whole, else what is wrong.
     */
    static String problem(final UnsafeBuffer records, final int offset, final long site, final int substances)
    {
        final long tag = records.getLong(offset + SITE_OFFSET);
        if (siteTag(site) != tag)
        {
            return "its record is tagged 0x" + Long.toHexString(tag) + ", not as site " + site;
        }
        final long sequence = records.getLong(offset + SEQUENCE_OFFSET);
        final int copy = offset + copyOffset(sequence, substances);
        if (checksum(site, sequence, records, copy, substances) != records.getLong(copy + substances * SIZE_OF_DOUBLE))
        {
            return "its values fail their checksum (the record was changed outside Karyon)";
        }
        return null;
    }

    private MatrixException corrupt(final int site, final String problem)
    {
        return new MatrixException(name + ": corrupt: site " + site + ": " + problem);
    }

    /**
     * Adds to one value of a site's record: copies the current copy into the other, adds there, and publishes it.
     * The caller holds the site's segment's write lock ({@link #lock(int, boolean)}).
     *
     * @param site      0 to sites - 1.
     * @param substance 0 to substances - 1.
     * @param amount    added.
     */
    void add(final int site, final int substance, final double amount)
    {
        final int offset = recordOffsets[site];
        final long sequence = records.getLong(offset + SEQUENCE_OFFSET);
        final int from = offset + copyOffset(sequence, substances);
        final int to = offset + copyOffset(sequence + 1, substances);
        // The last publication's sequence store before this copy's stores: a lock-free reader that sees them sees it.
        VarHandle.storeStoreFence();
        records.putBytes(to, records, from, substances * SIZE_OF_DOUBLE);
        final int value = to + substance * SIZE_OF_DOUBLE;
        records.putDouble(value, records.getDouble(value) + amount);
        records.putLong(to + substances * SIZE_OF_DOUBLE, checksum(site, sequence + 1, records, to, substances));
        records.putLongRelease(offset + SEQUENCE_OFFSET, sequence + 1);
    }

    /**
     * Copies a flat buffer into the records of one part's segments (segment % parts == part), each under its write
     * lock, so parts never take the same lock; with an interval of n, only every n-th of them, starting at turn.
     *
     * @param values   sites * substances doubles, site-major.
     * @param part     0 to parts - 1.
     * @param parts    sharing the segments.
     * @param turn     0 to interval - 1: which share of the part's segments this call publishes.
     * @param interval calls over which every segment of the part is published once.
     */
    void publish(final UnsafeBuffer values, final int part, final int parts, final int turn, final int interval)
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
                    final int site = segmentSites[i];
                    final int from = site * valuesLength;
                    final int offset = segmentOffsets[i];
                    final long sequence = records.getLong(offset + SEQUENCE_OFFSET);
                    final int to = offset + copyOffset(sequence + 1, substances);
                    VarHandle.storeStoreFence();
                    // Each value's bits are folded into the check as they are copied: no second pass over the copy.
                    long check = checksumStart(site, sequence + 1);
                    for (int k = 0; k < valuesLength; k += SIZE_OF_DOUBLE)
                    {
                        final long bits = values.getLong(from + k);
                        records.putLong(to + k, bits);
                        check = step(check, bits);
                    }
                    records.putLong(to + valuesLength, check);
                    records.putLongRelease(offset + SEQUENCE_OFFSET, sequence + 1);
                }
            }
        }
    }

    /**
     * A static file-backed matrix's tick: one part's sorted deposits (whole segments, led by the segment) go straight
     * into the records, one write lock per segment and one record write per site.
     *
     * @param deposits the part's deposits, sorted segment by segment.
     */
    void apply(final DepositMerger deposits)
    {
        final int count = deposits.count;
        final int substances = this.substances;
        final long[] keys = deposits.keys;
        final double[] amounts = deposits.amounts;
        final UnsafeBuffer records = this.records;
        int d = 0;
        while (d < count)
        {
            final int segment = segmentOfSite[(int)(keys[d] / substances)];
            try (MapSegmentContext<Long, byte[], ?> context = lock(segment, true))
            {
                while (d < count && segmentOfSite[(int)(keys[d] / substances)] == segment)
                {
                    final int site = (int)(keys[d] / substances);
                    final int offset = recordOffsets[site];
                    final long sequence = records.getLong(offset + SEQUENCE_OFFSET);
                    final int to = offset + copyOffset(sequence + 1, substances);
                    VarHandle.storeStoreFence();
                    records.putBytes(
                        to, records, offset + copyOffset(sequence, substances), substances * SIZE_OF_DOUBLE);
                    final long siteStart = (long)site * substances;
                    final long siteEnd = siteStart + substances;
                    while (d < count && keys[d] >= siteStart && keys[d] < siteEnd)
                    {
                        final int value = to + (int)(keys[d] - siteStart) * SIZE_OF_DOUBLE;
                        records.putDouble(value, records.getDouble(value) + amounts[d]);
                        d++;
                    }
                    records.putLong(
                        to + substances * SIZE_OF_DOUBLE, checksum(site, sequence + 1, records, to, substances));
                    records.putLongRelease(offset + SEQUENCE_OFFSET, sequence + 1);
                }
            }
        }
    }

    /**
     * Takes a segment's lock; closing the returned context releases it.
     *
     * @param segment 0 to segments - 1.
     * @param write   the write lock, else the read lock.
     * @return the segment's context, holding the lock.
     */
    MapSegmentContext<Long, byte[], ?> lock(final int segment, final boolean write)
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
     * The walk: resolves every site's record to its address once, under each segment's update lock, verifies it, notes
     * its segment, counts each segment's sites into segmentStart, and checks that the map holds exactly the header and
     * every site once.
     */
    private void walk(final long[] addresses)
    {
        final boolean[] seen = new boolean[sitesInt];
        final int[] counts = new int[segments];
        final long[] found = new long[2];
        final UnsafeBuffer probe = new UnsafeBuffer(0, 0);
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
                    final long address = value.bytes().addressForRead(value.offset());
                    // Under the segment's update lock no writer is changing the record: a failed check is a change.
                    probe.wrap(address, recordLength);
                    final String problem = problem(probe, 0, site, substances);
                    if (null != problem)
                    {
                        throw corrupt((int)site, problem);
                    }
                    seen[(int)site] = true;
                    addresses[(int)site] = address;
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
}
