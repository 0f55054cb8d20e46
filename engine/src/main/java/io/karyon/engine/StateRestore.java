package io.karyon.engine;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.StandInChunks;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static io.karyon.engine.cell.CellDescriptor.NULL_LINK;
import static io.karyon.engine.internal.Arena.FAMILY_CHUNKS;
import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;
import static io.karyon.engine.internal.ArenaDescriptor.CHUNK_HEADER_LENGTH;

/**
 * The restore of what {@link StateCapture} wrote into a freshly set-up organism, on any number of workers: it reads
 * and checks the whole engine section first (settings, behaviours, genotypes, exit reasons, groups, the table of
 * family blocks) and refuses, changing nothing, what does not fit this organism; then it empties the organism, adds
 * the checkpoint's families and homes on the driver, and has each worker read the blocks of the families it now
 * owns, in parallel; last, the driver puts back the counters, the broadcasts and messages in flight that belong to no
 * family, and the tick.
 * <p>
 * <b>Note:</b> not threadsafe; the driver runs it while no tick runs.
 */
final class StateRestore
{
    private final Organism organism;
    private final Arena arena;
    private final Slice[] slices;
    private final Map<String, ByteBuffer> sections;
    private final CheckedEngine engine;

    /**
     * Reads and checks the engine section against the organism.
     *
     * @throws IllegalArgumentException naming the section and what does not fit.
     */
    StateRestore(final Organism organism, final Map<String, ByteBuffer> sections)
    {
        this.organism = organism;
        this.arena = organism.arena;
        this.slices = organism.workforce.slices();
        this.sections = sections;
        final ByteBuffer bytes = sections.get(StateCapture.ENGINE);
        if (null == bytes)
        {
            throw new IllegalArgumentException("no section \"" + StateCapture.ENGINE + "\"");
        }
        try
        {
            this.engine = new CheckedEngine(organism, new SectionInput(bytes.duplicate()));
        }
        catch (final EOFException ex)
        {
            throw new IllegalArgumentException("section \"" + StateCapture.ENGINE + "\" " + ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("section \"" + StateCapture.ENGINE + "\": " + ex.getMessage(), ex);
        }
        for (int w = 0; w < engine.workerCount; w++)
        {
            final ByteBuffer cells = sections.get(StateCapture.CELLS + w);
            if (null == cells)
            {
                throw new IllegalArgumentException("no section \"" + StateCapture.CELLS + w + "\"");
            }
            for (int f = 0; f < engine.familyCount; f++)
            {
                if (Families.ownerOfFamily(f, engine.workerCount) != w)
                {
                    continue;
                }
                if (engine.familyOffset[f] < 0 || engine.familyLength[f] < 0 ||
                    engine.familyOffset[f] + engine.familyLength[f] > cells.remaining())
                {
                    throw new IllegalArgumentException("section \"" + StateCapture.ENGINE + "\": family " + f +
                        " lies outside section \"" + StateCapture.CELLS + w + "\"");
                }
            }
        }
    }

    long tick()
    {
        return engine.tick;
    }

    /**
     * Replaces the organism's state with the checkpoint's.
     *
     * @throws IllegalArgumentException naming the section and family whose block could not be read.
     */
    void apply()
    {
        engine.applyOnDriver();
        final long tick = engine.tick;
        try
        {
            organism.workforce.onWorkers(this::restoreWorker);
        }
        catch (final KaryonException ex)
        {
            throw new IllegalArgumentException(null == ex.getCause() ? ex.getMessage() : ex.getCause().getMessage(),
                ex);
        }
        organism.workforce.restoreTicks(tick);
        engine.applyAfterWorkers();
    }

    private void restoreWorker(final int worker, final int workers)
    {
        final Slice slice = slices[worker];
        slice.tick = engine.tick;
        slice.mailboxes.clearForRestore(engine.tick);
        slice.broadcasts.clearForRestore(engine.tick);
        slice.groups.clearForRestore();
        slice.monitors.clear();
        slice.timers.clearForRestore(engine.tick);
        final FamilyReader reader = new FamilyReader(organism, slice, worker);
        for (int f = 0; f < engine.familyCount; f++)
        {
            if (Families.ownerOfFamily(f, workers) != worker)
            {
                continue;
            }
            final int section = Families.ownerOfFamily(f, engine.workerCount);
            final String name = StateCapture.CELLS + section;
            final ByteBuffer bytes = sections.get(name).duplicate();
            bytes.position(bytes.position() + (int)engine.familyOffset[f]);
            bytes.limit(bytes.position() + (int)engine.familyLength[f]);
            try
            {
                reader.read(new SectionInput(bytes), f, engine.chunkMasks[f]);
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new IllegalArgumentException("section \"" + name + "\", family " + f + ": " + ex.getMessage(),
                    ex);
            }
        }
        slice.restoredTick = engine.tick;
    }

    /**
     * Reads one family's block into the worker that now owns it.
     */
    private static final class FamilyReader
    {
        private final Organism organism;
        private final Arena arena;
        private final Slice slice;
        private final int worker;
        private final CellFlyweight cell = new CellFlyweight();

        FamilyReader(final Organism organism, final Slice slice, final int worker)
        {
            this.organism = organism;
            this.arena = organism.arena;
            this.slice = slice;
            this.worker = worker;
        }

        void read(final SectionInput in, final int family, final int mask) throws IOException
        {
            final int read = in.readInt();
            final int readMask = in.readInt();
            if (read != family || readMask != mask)
            {
                throw new IOException("block of family " + read + " with chunks " + Integer.toHexString(readMask) +
                    ", expected family " + family + " with chunks " + Integer.toHexString(mask));
            }
            final int kind = in.readInt();
            final boolean standIn = slice.population().isStandIn();
            if (kind != (standIn ? StateCapture.FAMILY_STAND_IN : StateCapture.FAMILY_CELLS))
            {
                throw new IOException(StateCapture.FAMILY_STAND_IN == kind ? "block holds no cells (it is from " +
                    "the part of a shard that does not run worker " + worker + "), but this process runs worker " +
                    worker + ", which owns the family" : StateCapture.FAMILY_CELLS == kind ? "block holds cells, " +
                    "but the family is another shard's here (is this a part of another shard, or of one process?)" :
                    "block of unknown kind " + kind);
            }
            for (int level = 0; level < FAMILY_CHUNKS; level++)
            {
                if (0 != (mask & (1 << level)))
                {
                    if (standIn)
                    {
                        readStandInChunk(in, (family << FAMILY_SHIFT) + level);
                    }
                    else
                    {
                        readChunk(in, (family << FAMILY_SHIFT) + level);
                    }
                }
            }
            slice.population().lineages().read(in, family);
            readMonitors(in);
            readTimers(in);
            for (int i = 0, calls = count(in); i < calls; i++)
            {
                slice.timers.restoreCall(in.readLong(), in.readLong());
            }
            for (int i = 0, changes = count(in); i < changes; i++)
            {
                slice.groups.restorePending(in.readLong(), in.readInt());
            }
            for (int i = 0, n = count(in); i < n; i++)
            {
                slice.mailboxes.restoreMessage(in.readLong(), in.readLong(), in.readInt(), in.readLong());
            }
            for (int i = 0, n = count(in); i < n; i++)
            {
                slice.mailboxes.restoreSignal(in.readLong(), in.readLong(), in.readInt(), in.readLong());
            }
            final MessageQueue driver = organism.mail.messagesTo(worker);
            for (int i = 0, n = count(in); i < n; i++)
            {
                driver.append(in.readLong(), in.readLong(), in.readInt(), in.readLong());
            }
            final int home = in.readInt();
            if (home >= 0)
            {
                final SupervisionHome[] homes = organism.supervision.homes();
                if (home >= homes.length || null == homes[home] || homes[home].family != family)
                {
                    throw new IOException("supervision home " + home + " is not in the engine section's table");
                }
                homes[home].read(in);
                for (int i = 0, n = count(in) / 2; i < n; i++)
                {
                    slice.supervision.restoreNotice(in.readLong(), in.readLong());
                }
            }
            if (in.position() != in.length())
            {
                throw new IOException((in.length() - in.position()) + " bytes left unread");
            }
        }

        /**
         * Tells the chunk's worker if the chunk has cells with a tick step (or, from a damaged file, mail bits):
         * only a chunk without either is visited by its mail alone.
         */
        private void markStepping(final UnsafeBuffer chunk, final int c, final int words)
        {
            for (int b = 0; b < 2; b++)
            {
                for (int w = 0; w < words; w++)
                {
                    if (0 != chunk.getLong(arena.bitmapOffset(b) + (w << 3)))
                    {
                        slice.population().markStepping(c);
                        return;
                    }
                }
            }
        }

        /**
         * A stand-in's chunk (see {@code StateCapture.writeStandInChunk}): its header, live bitmap and freed slots.
         */
        private void readStandInChunk(final SectionInput in, final int c) throws IOException
        {
            final UnsafeBuffer chunk = arena.chunk(c);
            in.getRaw(chunk, 0, CHUNK_HEADER_LENGTH);
            final int hwm = arena.highWater(c);
            if (hwm < 0 || hwm > arena.chunkSlots())
            {
                throw new IOException("chunk " + c + " has a high-water mark of " + hwm);
            }
            in.getRaw(chunk, arena.bitmapOffset(StandInChunks.LIVE_BITMAP), ((hwm + 63) >>> 6) << 3);
            final StandInChunks standIns = arena.standIns();
            for (int i = 0, freed = count(in); i < freed; i++)
            {
                final int slot = in.readInt();
                final int generation = in.readInt();
                final int link = in.readInt();
                if (slot >>> arena.chunkShift() != c || (slot & (arena.chunkSlots() - 1)) >= hwm || 0 == generation ||
                    (StandInChunks.NOT_FREE != link && NULL_LINK != link && (link < 0 || link >= hwm)))
                {
                    throw new IOException("chunk " + c + " has a freed slot " + slot + " of generation " + generation +
                        " linked to " + link);
                }
                standIns.restoreFreed(slot, generation, link);
            }
        }

        private void readChunk(final SectionInput in, final int c) throws IOException
        {
            final UnsafeBuffer chunk = arena.chunk(c);
            in.getRaw(chunk, 0, CHUNK_HEADER_LENGTH);
            final int hwm = arena.highWater(c);
            if (hwm < 0 || hwm > arena.chunkSlots())
            {
                throw new IOException("chunk " + c + " has a high-water mark of " + hwm);
            }
            final int words = (hwm + 63) >>> 6;
            for (int r = 0, runs = arena.slotRuns(); r < runs; r++)
            {
                in.getRaw(chunk, arena.slotRunOffset(r), hwm * arena.slotRunStride());
            }
            in.getRaw(chunk, arena.bitmapOffset(0), words << 3);
            in.getRaw(chunk, arena.bitmapOffset(1), words << 3);
            in.getRaw(chunk, arena.columnOffset(), hwm << 2);
            markStepping(chunk, c, words);
            final int capacity = in.readInt();
            if (capacity >= 0)
            {
                final Edges.EdgeChunk edges = new Edges.EdgeChunk(arena.chunkSlots(), Math.max(1, capacity));
                organism.edges.put(c, edges);
                edges.used = in.readInt();
                edges.garbage = in.readInt();
                edges.cells = in.readInt();
                if (edges.used < 0 || edges.used > capacity)
                {
                    throw new IOException("chunk " + c + " has " + edges.used + " edges in room for " + capacity);
                }
                in.getRaw(edges.index, 0, hwm << 3);
                in.getRaw(edges.lists, 0, edges.used << 3);
            }
            final Groups groups = slice.groups;
            for (int i = 0, present = count(in); i < present; i++)
            {
                final int group = in.readInt();
                final int members = in.readInt();
                if (group < 0 || group >= groups.groupCount())
                {
                    throw new IOException("chunk " + c + " has members of group " + group);
                }
                final long[] bitmap = new long[arena.chunkSlots() >>> 6];
                for (int w = 0; w < words; w++)
                {
                    bitmap[w] = in.readLong();
                }
                groups.restoreBitmap(group, c, bitmap, members);
            }
            final Population population = slice.population();
            for (int i = 0; i < hwm; i++)
            {
                arena.wrap(cell, (c << arena.chunkShift()) | i);
                if (CellDescriptor.STATUS_ALIVE == cell.status())
                {
                    population.countRestored(cell.behaviourId());
                }
            }
        }

        private void readMonitors(final SectionInput in) throws IOException
        {
            final Monitors monitors = slice.monitors;
            for (int i = 0, slots = count(in); i < slots; i++)
            {
                final int slot = in.readInt();
                for (int r = 0, length = count(in); r < length; r++)
                {
                    monitors.add(slot, in.readLong(), in.readLong(), in.readInt());
                }
            }
        }

        private void readTimers(final SectionInput in) throws IOException
        {
            for (int i = 0, timers = count(in); i < timers; i++)
            {
                final long id = in.readLong();
                final long deadline = in.readLong();
                final long target = in.readLong();
                final long sender = in.readLong();
                final long payload = in.readLong();
                final int type = in.readInt();
                final int kind = in.readInt();
                slice.timers.schedule(id, deadline, target, sender, type, payload, kind);
            }
        }

        private static int count(final SectionInput in) throws IOException
        {
            final int count = in.readInt();
            if (count < 0 || count > in.length())
            {
                throw new IOException("bad count " + count + " at byte " + (in.position() - 4));
            }
            return count;
        }
    }

    /**
     * The engine section, read and checked against the organism before anything is changed.
     */
    private static final class CheckedEngine
    {
        private final Organism organism;
        private final long tick;
        private final int workerCount;
        private final Genotype[] genotypes;
        private final byte[][] genotypeStates;
        private final String[] reasons = new String[ExitReasons.MAX_REASONS];
        private final String[] groupNames;
        private final int cohortCount;
        private final long dealt;
        private final int homeCount;
        private final int fillHint;
        private final long spawnCount;
        private final int[] roundRobinHints;
        private final int[] lowestFreed;
        private final int familyCount;
        private final int[] chunkMasks;
        private final long[] familyOffset;
        private final long[] familyLength;
        private final int[] homeIndex;
        private final int[] homeFamily;
        private final long[][] counters;
        private final long mailSent;
        private final long mailDeadLetters;
        private final Records broadcasts;
        private final Records driverBroadcasts;
        private final Records[] orphans = new Records[3];

        CheckedEngine(final Organism organism, final SectionInput in) throws IOException
        {
            this.organism = organism;
            final int version = in.readInt();
            if (StateCapture.VERSION != version)
            {
                throw new IOException("engine state version " + version + ", this engine reads " +
                    StateCapture.VERSION);
            }
            final Context context = organism.context;
            if (context.freeRunning())
            {
                throw new IOException("a free-running organism cannot be restored: checkpoints are for tick mode");
            }
            checkSetting("seed", in.readLong(), context.seed());
            checkSetting("chunk shift", in.readInt(), context.chunkShift());
            checkSetting("state length", in.readInt(), context.stateLength());
            // The chunks' bytes are laid out as the storage they were saved in.
            final String storage = in.readUTF();
            if (!storage.equals(organism.arena.storage().name()))
            {
                throw new IOException("cell storage " + storage + ", this organism's is " +
                    organism.arena.storage().name());
            }
            // The checkpoint's number of homes wins over the organism's setting: the dealing of
            // supervisors to homes goes on as it began (a checkpoint taken with the old default of 16 resumes so).
            this.homeCount = in.readInt();
            if (homeCount < 1 || homeCount > Configuration.SUPERVISION_HOMES_MAX)
            {
                throw new IOException("supervision homes " + homeCount + ", expected 1.." +
                    Configuration.SUPERVISION_HOMES_MAX);
            }
            checkSetting("restart budget", in.readInt(), context.restartBudget());
            final String placement = in.readUTF();
            if (!placement.equals(context.placement().name()))
            {
                throw new IOException("placement " + placement + ", this organism's is " + context.placement().name());
            }
            this.tick = in.readLong();
            this.workerCount = in.readInt();
            if (tick < 0 || workerCount <= 0)
            {
                throw new IOException("tick " + tick + " and " + workerCount + " workers");
            }
            checkBehaviours(in);
            this.genotypes = organism.registry.genotypes();
            this.genotypeStates = checkGenotypes(in);
            checkReasons(in);
            this.groupNames = checkGroups(in);
            this.cohortCount = in.readInt();
            this.dealt = in.readLong();
            this.fillHint = in.readInt();
            this.spawnCount = in.readLong();
            this.roundRobinHints = new int[workerCount];
            this.lowestFreed = new int[workerCount];
            for (int w = 0; w < workerCount; w++)
            {
                roundRobinHints[w] = in.readInt();
                lowestFreed[w] = in.readInt();
            }
            this.familyCount = in.readInt();
            if (familyCount < 0 || familyCount > in.length())
            {
                throw new IOException("bad family count " + familyCount);
            }
            this.chunkMasks = new int[familyCount];
            this.familyOffset = new long[familyCount];
            this.familyLength = new long[familyCount];
            for (int f = 0; f < familyCount; f++)
            {
                chunkMasks[f] = in.readInt();
                familyOffset[f] = in.readLong();
                familyLength[f] = in.readLong();
                if (0 != chunkMasks[f] && 0 == (chunkMasks[f] & 1))
                {
                    throw new IOException("family " + f + " has chunks but no root chunk");
                }
            }
            final int homes = in.readInt();
            if (homes < 0 || homes > homeCount)
            {
                throw new IOException(homes + " supervision homes created, of " + homeCount);
            }
            this.homeIndex = new int[homes];
            this.homeFamily = new int[homes];
            for (int h = 0; h < homes; h++)
            {
                homeIndex[h] = in.readInt();
                homeFamily[h] = in.readInt();
                if (homeIndex[h] < 0 || homeIndex[h] >= homeCount || homeFamily[h] < 0 ||
                    homeFamily[h] >= familyCount)
                {
                    throw new IOException("supervision home " + homeIndex[h] + " in family " + homeFamily[h]);
                }
            }
            this.counters = new long[workerCount][StateCapture.COUNTERS];
            for (int w = 0; w < workerCount; w++)
            {
                for (int i = 0; i < StateCapture.COUNTERS; i++)
                {
                    counters[w][i] = in.readLong();
                }
            }
            this.mailSent = in.readLong();
            this.mailDeadLetters = in.readLong();
            this.broadcasts = new Records(in);
            this.driverBroadcasts = new Records(in);
            for (int kind = 0; kind < 3; kind++)
            {
                orphans[kind] = new Records(in);
            }
            if (in.position() != in.length())
            {
                throw new IOException((in.length() - in.position()) + " bytes left unread");
            }
        }

        private static void checkSetting(final String name, final long checkpoint, final long organism)
            throws IOException
        {
            if (checkpoint != organism)
            {
                throw new IOException(name + " " + checkpoint + ", this organism's is " + organism);
            }
        }

        private void checkBehaviours(final SectionInput in) throws IOException
        {
            final String[] names = organism.registry.behaviourNames();
            final int count = in.readInt();
            if (count != names.length)
            {
                throw new IOException(count + " behaviours, this organism registered " + names.length);
            }
            for (int i = 0; i < count; i++)
            {
                final String name = in.readUTF();
                if (!name.equals(names[i]))
                {
                    throw new IOException("behaviour " + i + " is '" + name + "', this organism's is '" + names[i] +
                        "'");
                }
            }
        }

        private byte[][] checkGenotypes(final SectionInput in) throws IOException
        {
            final int count = in.readInt();
            if (count != genotypes.length)
            {
                throw new IOException(count + " genotypes, this organism declared " + genotypes.length);
            }
            final byte[][] states = new byte[count][];
            for (int i = 0; i < count; i++)
            {
                final Genotype genotype = genotypes[i];
                final String name = in.readUTF();
                final short behaviour = in.readShort();
                final String layout = in.readUTF();
                if (!name.equals(genotype.name()) || behaviour != genotype.behaviourId() ||
                    !layout.equals(StateCapture.layoutOf(genotype.layout())))
                {
                    throw new IOException("genotype " + i + " is '" + name + "' of behaviour " + behaviour + " with " +
                        layout + ", this organism's is '" + genotype.name() + "' of behaviour " +
                        genotype.behaviourId() + " with " + StateCapture.layoutOf(genotype.layout()));
                }
                final int length = in.readInt();
                if (length != genotype.state().capacity())
                {
                    throw new IOException("genotype '" + name + "' has " + length + " bytes of state, this " +
                        "organism's " + genotype.state().capacity());
                }
                states[i] = new byte[length];
                in.readFully(states[i]);
            }
            return states;
        }

        private void checkReasons(final SectionInput in) throws IOException
        {
            final String[] own = organism.reasons.names();
            for (int i = 0; i < ExitReasons.MAX_REASONS; i++)
            {
                reasons[i] = in.readBoolean() ? in.readUTF() : null;
                if (null != own[i] && !own[i].equals(reasons[i]))
                {
                    throw new IOException("exit reason " + i + " is '" + reasons[i] + "', this organism's is '" +
                        own[i] + "'");
                }
            }
        }

        private String[] checkGroups(final SectionInput in) throws IOException
        {
            final List<String> own = organism.groups.names();
            final int count = in.readInt();
            if (count < own.size() || count > Groups.MAX_GROUPS)
            {
                throw new IOException(count + " groups, this organism named " + own.size() + " already");
            }
            final String[] names = new String[count];
            for (int i = 0; i < count; i++)
            {
                names[i] = in.readUTF();
                if (i < own.size() && !own.get(i).equals(names[i]))
                {
                    throw new IOException("group " + i + " is '" + names[i] + "', this organism's is '" + own.get(i) +
                        "'");
                }
            }
            return names;
        }

        /**
         * Empties the organism and sets up what the driver owns: genotypes, names, hints, families and homes.
         */
        void applyOnDriver()
        {
            for (int i = 0; i < genotypes.length; i++)
            {
                genotypes[i].state().putBytes(0, genotypeStates[i]);
            }
            organism.reasons.restore(reasons);
            for (final String name : groupNames)
            {
                organism.groups.group(name);
            }
            organism.cohorts.cohortCount(cohortCount);
            organism.supervision.clearForRestore(homeCount, dealt);
            final Slice[] slices = organism.workforce.slices();
            for (final Slice slice : slices)
            {
                slice.supervision.clearForRestore();
                slice.population().clearForRestore();
            }
            organism.edges.close();
            organism.arena.clear();
            final Families families = organism.families;
            for (int f = 0; f < familyCount; f++)
            {
                if (0 == chunkMasks[f])
                {
                    continue;  // no family there: lineages had skipped it to grow into families of their class
                }
                families.addFamilyAt(f);
                for (int level = 1; level < FAMILY_CHUNKS; level++)
                {
                    if (0 != (chunkMasks[f] & (1 << level)))
                    {
                        final int chunk = (f << FAMILY_SHIFT) + level;
                        organism.arena.addChunk(chunk);
                        families.sliceOfChunk(chunk).population().addOwnedChunk(chunk);
                    }
                }
            }
            for (int h = 0; h < homeIndex.length; h++)
            {
                organism.supervision.restoreHome(homeIndex[h], homeFamily[h]);
            }
            organism.mail.clearForRestore(mailSent, mailDeadLetters);
            final boolean sameWorkers = slices.length == workerCount;
            families.restoreHints(fillHint, sameWorkers ? roundRobinHints : new int[slices.length], spawnCount);
        }

        /**
         * Puts back, once the workers have restored their families, the counters, the broadcasts in flight and the
         * messages in flight to slots of families the arena does not have. With the worker count the checkpoint was
         * written with, each worker gets its own counters back; with another, worker 0 gets the sums.
         */
        void applyAfterWorkers()
        {
            final Slice[] slices = organism.workforce.slices();
            final boolean sameWorkers = slices.length == workerCount;
            int lowest = Integer.MAX_VALUE;
            final long[] sums = new long[StateCapture.COUNTERS];
            for (int w = 0; w < workerCount; w++)
            {
                lowest = Math.min(lowest, lowestFreed[w]);
                for (int i = 0; i < StateCapture.COUNTERS; i++)
                {
                    sums[i] += counters[w][i];
                }
            }
            for (int w = 0; w < slices.length; w++)
            {
                StateCapture.counters(slices[w], sameWorkers ? counters[w] : 0 == w ? sums : new long[sums.length]);
                slices[w].population().lowestFreedChunk(
                    sameWorkers ? lowestFreed[w] : 0 == w ? lowest : Integer.MAX_VALUE);
                for (int i = 0; i < broadcasts.count; i++)
                {
                    slices[w].broadcasts.restore((int)broadcasts.targets[i], broadcasts.senders[i],
                        broadcasts.types[i], broadcasts.payloads[i]);
                }
                driverBroadcasts.appendTo(organism.mail.broadcastsTo(w));
            }
            final int familyBitShift = organism.arena.chunkShift() + FAMILY_SHIFT;
            for (int kind = 0; kind < 3; kind++)
            {
                final Records records = orphans[kind];
                for (int i = 0; i < records.count; i++)
                {
                    final int owner =
                        Families.ownerOfFamily((int)records.targets[i] >>> familyBitShift, slices.length);
                    final Mailboxes mailboxes = slices[owner].mailboxes;
                    if (0 == kind)
                    {
                        mailboxes.restoreMessage(records.targets[i], records.senders[i], records.types[i],
                            records.payloads[i]);
                    }
                    else if (1 == kind)
                    {
                        mailboxes.restoreSignal(records.targets[i], records.senders[i], records.types[i],
                            records.payloads[i]);
                    }
                    else
                    {
                        organism.mail.messagesTo(owner).append(records.targets[i], records.senders[i],
                            records.types[i], records.payloads[i]);
                    }
                }
            }
        }
    }

    /**
     * Message records read from the engine section.
     */
    private static final class Records
    {
        final int count;
        final long[] targets;
        final long[] senders;
        final int[] types;
        final long[] payloads;

        Records(final SectionInput in) throws IOException
        {
            count = in.readInt();
            if (count < 0 || count > in.length() / 28)
            {
                throw new IOException("bad record count " + count);
            }
            targets = new long[count];
            senders = new long[count];
            types = new int[count];
            payloads = new long[count];
            for (int i = 0; i < count; i++)
            {
                targets[i] = in.readLong();
                senders[i] = in.readLong();
                types[i] = in.readInt();
                payloads[i] = in.readLong();
            }
        }

        void appendTo(final MessageQueue queue)
        {
            for (int i = 0; i < count; i++)
            {
                queue.append(targets[i], senders[i], types[i], payloads[i]);
            }
        }
    }
}
