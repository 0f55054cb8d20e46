package io.karyon.engine;

import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.StandInChunks;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

import static io.karyon.engine.TimerDescriptor.KIND_OFFSET;
import static io.karyon.engine.TimerDescriptor.PAYLOAD_OFFSET;
import static io.karyon.engine.TimerDescriptor.SENDER_OFFSET;
import static io.karyon.engine.TimerDescriptor.TARGET_OFFSET;
import static io.karyon.engine.TimerDescriptor.TYPE_OFFSET;
import static io.karyon.engine.internal.Arena.FAMILY_CHUNKS;
import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;
import static io.karyon.engine.internal.ArenaDescriptor.CHUNK_HEADER_LENGTH;

/**
 * The writing of an organism's state into checkpoint sections, between ticks: a section per worker, written by the
 * workers in parallel (see {@link Organism#onWorkers(WorkerJob)}), holding a block per family the worker owns, and the
 * driver's {@code engine} section with everything else and the table of where each family's block is.
 * <p>
 * A family's block holds all that belongs to its cells, so that a restore deals whole families to any number of
 * workers by the engine's own rule (family f to worker f mod workers): its chunks (header, slots, both bitmaps, the
 * mailbox column, edges, group membership), the monitors and links on its cells, the timers and calls they set, the
 * group changes they made in the last tick, the messages, signals and driver messages in flight to them (in the order
 * the next tick would hand them over), and the supervision home it may be, with the notices that home sent.
 * Messages in flight to slots of families the arena does not have yet go to the engine section, as do the
 * broadcasts in flight (every worker gets them all) and every worker's counters. {@link StateRestore} reads it back;
 * {@code io.karyon.engine.checkpoint} frames the sections in a file.
 * <p>
 * <b>Note:</b> not threadsafe; the driver makes it and runs it while no tick runs.
 */
final class StateCapture
{
    /**
     * Version of the layout of the engine's sections: 2 the child directory and parked followers in the home block,
     * 3 the cell storage after the state length, 4 a family block's kind (its cells, or a stand-in's bookkeeping).
     */
    static final int VERSION = 4;
    /** A family block holding its cells. */
    static final int FAMILY_CELLS = 0;
    /**
     * A family block of another shard's worker in a sharded process's part: its chunks' headers, live bitmaps and
     * freed slots, no cells (see {@link io.karyon.engine.internal.StandInChunks}).
     */
    static final int FAMILY_STAND_IN = 1;
    /** Name of the driver's section. */
    static final String ENGINE = "engine";
    /** Prefix of the name of each worker's section, followed by the worker's index. */
    static final String CELLS = "cells ";
    /** Counters kept per worker: see {@link #counters(Slice)}. */
    static final int COUNTERS = 14 + 2 * ExitReasons.MAX_REASONS + 4 + 6;

    private static final int MESSAGES = 0;
    private static final int SIGNALS = 1;
    private static final int DRIVER = 2;

    private final Organism organism;
    private final Arena arena;
    private final Slice[] slices;
    private final int workerCount;
    private final int familyCount;
    private final int familyBitShift;
    private final int slotLength;
    private final long tick;
    private final int[] chunkMasks;
    private final long[] familyOffset;
    private final long[] familyLength;
    private final SectionOutput[] outputs;
    private final int[] crcs;
    private final MessageQueue[][] orphans;

    StateCapture(final Organism organism)
    {
        this.organism = organism;
        this.arena = organism.arena;
        this.slices = organism.workforce.slices();
        this.workerCount = slices.length;
        this.familyCount = arena.familyCount();
        this.familyBitShift = arena.chunkShift() + FAMILY_SHIFT;
        this.slotLength = arena.slotLength();
        this.tick = organism.workforce.ticks();
        this.chunkMasks = new int[familyCount];
        for (int f = 0; f < familyCount; f++)
        {
            for (int level = 0; level < FAMILY_CHUNKS; level++)
            {
                if (arena.hasChunk((f << FAMILY_SHIFT) + level))
                {
                    chunkMasks[f] |= 1 << level;
                }
            }
        }
        this.familyOffset = new long[familyCount];
        this.familyLength = new long[familyCount];
        this.outputs = new SectionOutput[workerCount];
        this.crcs = new int[workerCount];
        this.orphans = new MessageQueue[workerCount][];
    }

    long tick()
    {
        return tick;
    }

    int workerCount()
    {
        return workerCount;
    }

    /**
     * Writes every section: the workers theirs, in parallel, then the driver the engine's.
     *
     * @return the sections, the engine's first; the caller frees them.
     */
    SectionOutput[] capture(final int[] sectionCrcs)
    {
        try
        {
            organism.workforce.onWorkers(this::writeWorker);
            final SectionOutput engine = writeEngine();
            final SectionOutput[] sections = new SectionOutput[workerCount + 1];
            sections[0] = engine;
            sectionCrcs[0] = engine.crc();
            for (int w = 0; w < workerCount; w++)
            {
                sections[w + 1] = outputs[w];
                sectionCrcs[w + 1] = crcs[w];
            }
            return sections;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            for (final SectionOutput output : outputs)
            {
                if (null != output)
                {
                    output.close();
                }
            }
            throw ex;
        }
        finally
        {
            for (final MessageQueue[] queues : orphans)
            {
                if (null != queues)
                {
                    for (final MessageQueue queue : queues)
                    {
                        queue.close();
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // A worker's section: a block per family it owns.
    // ---------------------------------------------------------------------------------------------------------------

    private void writeWorker(final int worker, final int workers)
    {
        final Slice slice = slices[worker];
        long estimate = 1024;
        for (int f = 0; f < familyCount; f++)
        {
            if (Families.ownerOfFamily(f, workers) != worker)
            {
                continue;
            }
            for (int level = 0; level < FAMILY_CHUNKS; level++)
            {
                if (0 != (chunkMasks[f] & (1 << level)))
                {
                    final int hwm = arena.highWater((f << FAMILY_SHIFT) + level);
                    estimate += 256 + ((hwm + 63) >>> 6) * 16L +
                        (slice.population().isStandIn() ? 0 : (long)hwm * (slotLength + 4));
                }
            }
        }
        final SectionOutput out = new SectionOutput(estimate);
        outputs[worker] = out;
        final MessageQueue[] inFlight = {
            new MessageQueue(64), new MessageQueue(16), new MessageQueue(16) };
        orphans[worker] = new MessageQueue[] { new MessageQueue(1), new MessageQueue(1), new MessageQueue(1) };
        try
        {
            slice.mailboxes.inFlight(inFlight[MESSAGES], inFlight[SIGNALS]);
            inFlight[DRIVER].appendAll(organism.mail.messagesTo(worker));
            final FamilyCursor cursor = new FamilyCursor(slice, inFlight, familyBitShift);
            for (int f = 0; f < familyCount; f++)
            {
                if (Families.ownerOfFamily(f, workers) != worker)
                {
                    continue;
                }
                familyOffset[f] = out.position();
                writeFamily(out, slice, cursor, f);
                familyLength[f] = out.position() - familyOffset[f];
            }
            for (int kind = 0; kind < 3; kind++)
            {
                cursor.rest(kind, orphans[worker][kind]);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            for (final MessageQueue queue : inFlight)
            {
                queue.close();
            }
        }
        crcs[worker] = out.crc();
    }

    private void writeFamily(final SectionOutput out, final Slice slice, final FamilyCursor cursor, final int family)
        throws IOException
    {
        out.writeInt(family);
        out.writeInt(chunkMasks[family]);
        final boolean standIn = slice.population().isStandIn();
        out.writeInt(standIn ? FAMILY_STAND_IN : FAMILY_CELLS);
        for (int level = 0; level < FAMILY_CHUNKS; level++)
        {
            if (0 != (chunkMasks[family] & (1 << level)))
            {
                if (standIn)
                {
                    writeStandInChunk(out, (family << FAMILY_SHIFT) + level);
                }
                else
                {
                    writeChunk(out, slice, (family << FAMILY_SHIFT) + level);
                }
            }
        }
        slice.population().lineages().write(out, family);
        cursor.writeMonitors(out, family);
        cursor.writeTimers(out, family);
        cursor.writeCalls(out, family);
        cursor.writeGroupChanges(out, family);
        for (int kind = 0; kind < 3; kind++)
        {
            cursor.writeRecords(out, kind, family);
        }
        final SupervisionHome home = slice.supervision.homeOfFamily(family);
        if (null == home)
        {
            out.writeInt(-1);
            return;
        }
        out.writeInt(home.index);
        home.write(out);
        final LongArrayList notices = new LongArrayList();
        slice.supervision.noticesOf(home.index, notices);
        out.writeInt(notices.size());
        for (int i = 0; i < notices.size(); i++)
        {
            out.writeLong(notices.getLong(i));
        }
    }

    /**
     * A stand-in's chunk: its header, its live bitmap and its freed slots (slot, generation, link), which are all it
     * holds (see {@link io.karyon.engine.internal.StandInChunks}).
     */
    private void writeStandInChunk(final SectionOutput out, final int c) throws IOException
    {
        final UnsafeBuffer chunk = arena.chunk(c);
        final int words = (arena.highWater(c) + 63) >>> 6;
        out.putRaw(chunk, 0, CHUNK_HEADER_LENGTH);
        out.putRaw(chunk, arena.bitmapOffset(StandInChunks.LIVE_BITMAP), words << 3);
        final int[] freed = arena.standIns().freedSlots(c);
        out.writeInt(freed.length / 3);
        for (final int value : freed)
        {
            out.writeInt(value);
        }
    }

    private void writeChunk(final SectionOutput out, final Slice slice, final int c) throws IOException
    {
        final UnsafeBuffer chunk = arena.chunk(c);
        final int hwm = arena.highWater(c);
        final int words = (hwm + 63) >>> 6;
        out.putRaw(chunk, 0, CHUNK_HEADER_LENGTH);
        for (int r = 0, runs = arena.slotRuns(); r < runs; r++)
        {
            out.putRaw(chunk, arena.slotRunOffset(r), hwm * arena.slotRunStride());
        }
        out.putRaw(chunk, arena.bitmapOffset(0), words << 3);
        out.putRaw(chunk, arena.bitmapOffset(1), words << 3);
        out.putRaw(chunk, arena.columnOffset(), hwm << 2);
        final Edges.EdgeChunk edges = organism.edges.chunk(c);
        if (null == edges)
        {
            out.writeInt(-1);
        }
        else
        {
            out.writeInt(edges.capacity);
            out.writeInt(edges.used);
            out.writeInt(edges.garbage);
            out.writeInt(edges.cells);
            out.putRaw(edges.index, 0, hwm << 3);
            out.putRaw(edges.lists, 0, edges.used << 3);
        }
        final Groups groups = slice.groups;
        int present = 0;
        for (int g = 0, count = groups.groupCount(); g < count; g++)
        {
            present += null == groups.bitmap(g, c) ? 0 : 1;
        }
        out.writeInt(present);
        for (int g = 0, count = groups.groupCount(); g < count; g++)
        {
            final long[] bitmap = groups.bitmap(g, c);
            if (null != bitmap)
            {
                out.writeInt(g);
                out.writeInt(groups.size(g, c));
                for (int w = 0; w < words; w++)
                {
                    out.writeLong(bitmap[w]);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The driver's section.
    // ---------------------------------------------------------------------------------------------------------------

    private SectionOutput writeEngine() throws IOException
    {
        final SectionOutput out = new SectionOutput(4096 + 64L * familyCount);
        final Context context = organism.context;
        out.writeInt(VERSION);
        out.writeLong(context.seed());
        out.writeInt(context.chunkShift());
        out.writeInt(context.stateLength());
        out.writeUTF(organism.arena.storage().name());
        out.writeInt(organism.supervision.count());
        out.writeInt(context.restartBudget());
        out.writeUTF(context.placement().name());
        out.writeLong(tick);
        out.writeInt(workerCount);
        writeRegistry(out);
        final String[] reasons = organism.reasons.names();
        for (final String reason : reasons)
        {
            out.writeBoolean(null != reason);
            if (null != reason)
            {
                out.writeUTF(reason);
            }
        }
        final List<String> groups = organism.groups.names();
        out.writeInt(groups.size());
        for (final String group : groups)
        {
            out.writeUTF(group);
        }
        out.writeInt(organism.cohorts.cohortCount());
        out.writeLong(organism.supervision.dealt());
        final Families families = organism.families;
        out.writeInt(families.fillHint());
        out.writeLong(families.spawnCount());
        for (int w = 0; w < workerCount; w++)
        {
            out.writeInt(families.roundRobinHint(w));
            out.writeInt(slices[w].population().lowestFreedChunk());
        }
        out.writeInt(familyCount);
        for (int f = 0; f < familyCount; f++)
        {
            out.writeInt(chunkMasks[f]);
            out.writeLong(familyOffset[f]);
            out.writeLong(familyLength[f]);
        }
        final SupervisionHome[] homes = organism.supervision.homes();
        int homeCount = 0;
        for (final SupervisionHome home : homes)
        {
            homeCount += null == home ? 0 : 1;
        }
        out.writeInt(homeCount);
        for (final SupervisionHome home : homes)
        {
            if (null != home)
            {
                out.writeInt(home.index);
                out.writeInt(home.family);
            }
        }
        for (final Slice slice : slices)
        {
            for (final long counter : counters(slice))
            {
                out.writeLong(counter);
            }
        }
        out.writeLong(organism.mail.sent());
        out.writeLong(organism.mail.deadLetters());
        writeBroadcasts(out);
        for (int kind = 0; kind < 3; kind++)
        {
            final MessageQueue all = new MessageQueue(16);
            try
            {
                for (int w = 0; w < workerCount; w++)
                {
                    all.appendAll(orphans[w][kind]);
                }
                final long[] keys = FamilyCursor.familyKeys(all, familyBitShift);
                out.writeInt(keys.length);
                for (final long key : keys)
                {
                    writeRecord(out, all, (int)key);
                }
            }
            finally
            {
                all.close();
            }
        }
        return out;
    }

    private void writeRegistry(final SectionOutput out) throws IOException
    {
        final String[] behaviours = organism.registry.behaviourNames();
        out.writeInt(behaviours.length);
        for (final String behaviour : behaviours)
        {
            out.writeUTF(behaviour);
        }
        final Genotype[] genotypes = organism.registry.genotypes();
        out.writeInt(genotypes.length);
        for (final Genotype genotype : genotypes)
        {
            out.writeUTF(genotype.name());
            out.writeShort(genotype.behaviourId());
            out.writeUTF(layoutOf(genotype.layout()));
            out.writeInt(genotype.state().capacity());
            out.putRaw(genotype.state(), 0, genotype.state().capacity());
        }
    }

    static String layoutOf(final CellLayout layout)
    {
        return layout.toString();
    }

    private void writeBroadcasts(final SectionOutput out) throws IOException
    {
        final MessageQueue broadcasts = new MessageQueue(4);
        try
        {
            // Every worker gathers them all: one this process runs sees those the other shards sent too.
            slices[organism.workforce.firstLocal()].broadcasts.inFlight(broadcasts, tick);
            writeQueue(out, broadcasts);
            writeQueue(out, organism.mail.broadcastsTo(0));
        }
        finally
        {
            broadcasts.close();
        }
    }

    private static void writeQueue(final SectionOutput out, final MessageQueue queue) throws IOException
    {
        out.writeInt(queue.count());
        for (int i = 0; i < queue.count(); i++)
        {
            writeRecord(out, queue, i);
        }
    }

    static void writeRecord(final SectionOutput out, final MessageQueue queue, final int index) throws IOException
    {
        out.writeLong(queue.target(index));
        out.writeLong(queue.sender(index));
        out.writeInt(queue.type(index));
        out.writeLong(queue.payload(index));
    }

    /**
     * A worker's counters, in a fixed order: the slice's, its deaths and restarts by reason, its groups' and timers'.
     */
    static long[] counters(final Slice s)
    {
        final long[] c = new long[COUNTERS];
        final long[] fields = { s.updates, s.sent, s.delivered, s.deadLetters, s.spawned, s.deathsTotal,
            s.crossWorker, s.spilled, s.restarts, s.escalations, s.errorsNotLogged, s.downsSent, s.exitsSent,
            s.linkKills };
        System.arraycopy(fields, 0, c, 0, 14);
        System.arraycopy(s.deaths, 0, c, 14, ExitReasons.MAX_REASONS);
        System.arraycopy(s.restartsByReason, 0, c, 14 + ExitReasons.MAX_REASONS, ExitReasons.MAX_REASONS);
        int i = 14 + 2 * ExitReasons.MAX_REASONS;
        final Groups g = s.groups;
        c[i++] = g.membershipChanges;
        c[i++] = g.broadcastsSent;
        c[i++] = g.memberDeliveries;
        c[i++] = g.memberDeadLetters;
        final Timers t = s.timers;
        c[i++] = t.timersSet;
        c[i++] = t.timersFired;
        c[i++] = t.timersCancelled;
        c[i++] = t.calls;
        c[i++] = t.callTimeouts;
        c[i] = t.lateReplies;
        return c;
    }

    /**
     * Sets a worker's counters from {@link #counters(Slice)}'s order.
     */
    static void counters(final Slice s, final long[] c)
    {
        s.updates = c[0];
        s.sent = c[1];
        s.delivered = c[2];
        s.deadLetters = c[3];
        s.spawned = c[4];
        s.deathsTotal = c[5];
        s.crossWorker = c[6];
        s.spilled = c[7];
        s.restarts = c[8];
        s.escalations = c[9];
        s.errorsNotLogged = c[10];
        s.downsSent = c[11];
        s.exitsSent = c[12];
        s.linkKills = c[13];
        System.arraycopy(c, 14, s.deaths, 0, ExitReasons.MAX_REASONS);
        System.arraycopy(c, 14 + ExitReasons.MAX_REASONS, s.restartsByReason, 0, ExitReasons.MAX_REASONS);
        int i = 14 + 2 * ExitReasons.MAX_REASONS;
        final Groups g = s.groups;
        g.membershipChanges = c[i++];
        g.broadcastsSent = c[i++];
        g.memberDeliveries = c[i++];
        g.memberDeadLetters = c[i++];
        final Timers t = s.timers;
        t.timersSet = c[i++];
        t.timersFired = c[i++];
        t.timersCancelled = c[i++];
        t.calls = c[i++];
        t.callTimeouts = c[i++];
        t.lateReplies = c[i];
    }

    /**
     * A worker's records by family, walked family by family in ascending order as its blocks are written.
     */
    private static final class FamilyCursor
    {
        private final Slice slice;
        private final MessageQueue[] queues;
        private final long[][] keys;
        private final int[] at = new int[3];
        private final int familyBitShift;
        private final int[] watched;
        private final long[] timerIds;
        private final long[] callKeys;
        private final long[] groupKeys;
        private int monitorAt;
        private int timerAt;
        private int callAt;
        private int groupAt;

        FamilyCursor(final Slice slice, final MessageQueue[] queues, final int familyBitShift)
        {
            this.slice = slice;
            this.queues = queues;
            this.familyBitShift = familyBitShift;
            this.keys = new long[3][];
            for (int kind = 0; kind < 3; kind++)
            {
                keys[kind] = familyKeys(queues[kind], familyBitShift);
            }
            this.watched = slice.monitors.watchedSlots();
            this.timerIds = slice.timers.timerIds();
            this.callKeys = slice.timers.callKeys();
            final Groups groups = slice.groups;
            this.groupKeys = new long[groups.pendingChanges()];
            for (int i = 0; i < groupKeys.length; i++)
            {
                groupKeys[i] = (long)familyOf(Handle.slot(groups.pendingHandle(i))) << 32 | i;
            }
            Arrays.sort(groupKeys);
        }

        /**
         * Keys {@code family << 32 | index} of a queue's records by the family of their target, sorted: the records
         * of each family in queue order.
         */
        static long[] familyKeys(final MessageQueue queue, final int familyBitShift)
        {
            final long[] keys = new long[queue.count()];
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = (long)(Handle.slot(queue.target(i)) >>> familyBitShift) << 32 | i;
            }
            Arrays.sort(keys);
            return keys;
        }

        private int familyOf(final int slot)
        {
            return slot >>> familyBitShift;
        }

        void writeRecords(final SectionOutput out, final int kind, final int family) throws IOException
        {
            final long[] keys = this.keys[kind];
            final int from = at[kind];
            int to = from;
            while (to < keys.length && (int)(keys[to] >>> 32) == family)
            {
                to++;
            }
            out.writeInt(to - from);
            for (int i = from; i < to; i++)
            {
                writeRecord(out, queues[kind], (int)keys[i]);
            }
            at[kind] = to;
        }

        /**
         * The records left once every family was written: those for families the arena does not have.
         */
        void rest(final int kind, final MessageQueue into)
        {
            final long[] keys = this.keys[kind];
            final MessageQueue queue = queues[kind];
            for (int i = at[kind]; i < keys.length; i++)
            {
                final int index = (int)keys[i];
                into.appendRange(queue, index, index + 1);
            }
        }

        void writeMonitors(final SectionOutput out, final int family) throws IOException
        {
            final Monitors monitors = slice.monitors;
            int to = monitorAt;
            while (to < watched.length && familyOf(watched[to]) == family)
            {
                to++;
            }
            out.writeInt(to - monitorAt);
            for (int i = monitorAt; i < to; i++)
            {
                final int slot = watched[i];
                int length = 0;
                for (int r = monitors.head(slot); Monitors.NULL_RECORD != r; r = monitors.next(r))
                {
                    length++;
                }
                out.writeInt(slot);
                out.writeInt(length);
                for (int r = monitors.head(slot); Monitors.NULL_RECORD != r; r = monitors.next(r))
                {
                    out.writeLong(monitors.watcher(r));
                    out.writeLong(monitors.ref(r));
                    out.writeInt(monitors.kind(r));
                }
            }
            monitorAt = to;
        }

        void writeTimers(final SectionOutput out, final int family) throws IOException
        {
            final Timers timers = slice.timers;
            int to = timerAt;
            while (to < timerIds.length && familyOf((int)(timerIds[to] >>> 32)) == family)
            {
                to++;
            }
            out.writeInt(to - timerAt);
            for (int i = timerAt; i < to; i++)
            {
                final int record = timers.recordOf(timerIds[i]);
                out.writeLong(timerIds[i]);
                out.writeLong(timers.deadline(record));
                out.writeLong(timers.field(record, TARGET_OFFSET));
                out.writeLong(timers.field(record, SENDER_OFFSET));
                out.writeLong(timers.field(record, PAYLOAD_OFFSET));
                out.writeInt(timers.intField(record, TYPE_OFFSET));
                out.writeInt(timers.intField(record, KIND_OFFSET));
            }
            timerAt = to;
        }

        void writeCalls(final SectionOutput out, final int family) throws IOException
        {
            int to = callAt;
            while (to < callKeys.length && familyOf((int)(callKeys[to] >>> 32)) == family)
            {
                to++;
            }
            out.writeInt(to - callAt);
            for (int i = callAt; i < to; i++)
            {
                out.writeLong(callKeys[i]);
                out.writeLong(slice.timers.callTimer(callKeys[i]));
            }
            callAt = to;
        }

        void writeGroupChanges(final SectionOutput out, final int family) throws IOException
        {
            final Groups groups = slice.groups;
            int to = groupAt;
            while (to < groupKeys.length && (int)(groupKeys[to] >>> 32) == family)
            {
                to++;
            }
            out.writeInt(to - groupAt);
            for (int i = groupAt; i < to; i++)
            {
                final int index = (int)groupKeys[i];
                out.writeLong(groups.pendingHandle(index));
                out.writeInt(groups.pendingOp(index));
            }
            groupAt = to;
        }
    }
}
