package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.internal.Arena;
import io.karyon.supervisor.RestartType;

import static io.karyon.engine.cell.CellDescriptor.STATUS_ALIVE;
import static io.karyon.engine.internal.Arena.FAMILY_CHUNKS;
import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;

/**
 * Bulk set-up on the workers: cohorts spawned by {@code populate} and their edges made by {@code connect}, each worker
 * creating, initialising and connecting the cells of its own families in parallel, through
 * {@link Workforce#onWorkers(WorkerJob)}.
 * <p>
 * An unsupervised cohort takes fresh families and fills their root chunks in turn, so that index {@code i} lives in
 * slot {@code (firstFamily + i / chunkSlots) << familyShift | i % chunkSlots}: arithmetic, and the same for any number
 * of workers; families are dealt to the workers in turn, so the work spreads over them. A supervised cohort takes a
 * run of chunks never used in its supervisor's home, set up by the worker that owns the home.
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it, while no tick runs. The jobs it posts write only the calling
 * worker's families.
 */
final class Cohorts
{
    private final Arena arena;
    private final Slice[] slices;
    private final SupervisionHomes homes;
    private final Edges edges;
    private final Workforce workforce;
    private final long seed;
    private final int chunkShift;
    private final int familyShift;
    private int cohortCount;

    Cohorts(final Arena arena, final Slice[] slices, final SupervisionHomes homes,
        final Edges edges, final Workforce workforce, final long seed)
    {
        this.arena = arena;
        this.slices = slices;
        this.homes = homes;
        this.edges = edges;
        this.workforce = workforce;
        this.seed = seed;
        this.chunkShift = arena.chunkShift();
        this.familyShift = chunkShift + FAMILY_SHIFT;
    }

    /**
     * Spawns an unsupervised cohort in fresh families, each worker its own.
     */
    Cohort populate(final Genotype genotype, final long count, final CellInitializer init)
    {
        checkCount(count);
        final long chunkSlots = 1L << chunkShift;
        final long needed = (count + chunkSlots - 1) >>> chunkShift;
        final long maxFamilies = 1L << (31 - familyShift);
        if (arena.familyCount() + needed > maxFamilies)
        {
            throw new IllegalStateException("populate: " + count + " cells need " + needed + " fresh families of " +
                chunkSlots + " cells; the arena has " + (maxFamilies - arena.familyCount()) + " left (raise " +
                Configuration.CHUNK_SHIFT_PROP_NAME + ")");
        }
        checkBudget(count, needed);
        // Families from the bound on are free (a lineage's family above it moves the bound): the cohort's are made by
        // their owners, so each worker's first touch of its memory (the headers and bitmaps too) is its own.
        final int first = arena.familyCount();
        final int runs = (int)needed;
        edges.ensureCapacity((first + runs) << FAMILY_SHIFT);
        final Cohort cohort = new Cohort(this, cohortCount++, genotype, count, (long)first << familyShift,
            chunkShift, familyShift);
        try
        {
            spawnRuns(cohort, genotype, count, init, first, runs);
        }
        catch (final KaryonException ex)
        {
            try
            {
                unspawnRuns(genotype, count, first, runs);
            }
            catch (final KaryonException undo)
            {
                ex.addSuppressed(undo);
            }
            throw ex;
        }
        return cohort;
    }

    /**
     * Each worker spawns the cells of its own families of an unsupervised cohort, in index order: the first touch of
     * the families' memory (the kernel's zeroing of fresh pages, most of what a spawn costs) is on their owner. Each
     * family's root chunk is fresh, so its run of cells is spawned in one pass ({@link Population#spawnFreshRun});
     * a stand-in's (another shard's cells, never written here) cell by cell.
     */
    private void spawnRuns(final Cohort cohort, final Genotype genotype, final long count, final CellInitializer init,
        final int first, final int runs)
    {
        final long chunkSlots = 1L << chunkShift;
        workforce.onWorkers((worker, workers) ->
        {
            final Population population = slices[worker].population();
            final CellFlyweight cell = new CellFlyweight();
            final SetupRandom random = new SetupRandom(seed);
            final long stream = 2L * cohort.number();
            for (int run = 0; run < runs; run++)
            {
                if (Families.ownerOfFamily(first + run, workers) != worker)
                {
                    continue;
                }
                final int chunk = (first + run) << FAMILY_SHIFT;
                arena.addFamilyAt(first + run);
                population.addOwnedChunk(chunk);
                final long from = (long)run << chunkShift;
                final long to = Math.min(count, from + chunkSlots);
                if (!population.isStandIn())
                {
                    population.spawnFreshRun(chunk, from, (int)(to - from), genotype, init, cell, random, stream);
                    continue;
                }
                for (long index = from; index < to; index++)
                {
                    final int slot = arena.allocate(chunk);
                    random.key(stream, index);
                    population.spawnCohortCell(slot, genotype, index, init, cell, random);
                }
            }
        });
    }

    /**
     * After an initializer threw on some worker: each worker frees the cells it spawned of the cohort, so that none
     * stays half set up. The families stay, empty, for later spawns: those a worker had not reached are made too, so
     * the arena has the same families whichever worker threw, and what follows is the same for any number of workers.
     * The slots' generations move on, as any freed slot's, so no handle of the failed cohort names a cell.
     */
    private void unspawnRuns(final Genotype genotype, final long count, final int first, final int runs)
    {
        final long chunkSlots = 1L << chunkShift;
        workforce.onWorkers((worker, workers) ->
        {
            final Slice slice = slices[worker];
            final Population population = slice.population();
            final CellFlyweight cell = new CellFlyweight();
            for (int run = 0; run < runs; run++)
            {
                if (Families.ownerOfFamily(first + run, workers) != worker)
                {
                    continue;
                }
                if (!arena.hasFamily(first + run))
                {
                    arena.addFamilyAt(first + run);
                    population.addOwnedChunk((first + run) << FAMILY_SHIFT);
                    continue;
                }
                final int firstSlot = (first + run) << familyShift;
                final int cells = (int)Math.min(chunkSlots, count - ((long)run << chunkShift));
                for (int i = 0; i < cells; i++)
                {
                    final int slot = firstSlot + i;
                    if (population.isStandIn())
                    {
                        // Another shard's cells: counted here, never written (StandInChunks).
                        if (arena.exists(slot) && arena.standIns().isLive(arena.standIns().handle(slot)))
                        {
                            population.free(slot, genotype.behaviourId());
                            slice.spawned--;
                        }
                    }
                    else if (arena.exists(slot) && STATUS_ALIVE == arena.wrap(cell, slot).status())
                    {
                        population.free(slot, cell.behaviourId());
                        slice.spawned--;
                    }
                }
            }
        });
    }

    /**
     * Spawns a supervised cohort in a run of never-used chunks of the supervisor's home, on the worker that owns it.
     */
    Cohort populate(final Genotype genotype, final long count, final Supervisor supervisor, final RestartType type,
        final CellInitializer init)
    {
        checkCount(count);
        if (null == type)
        {
            throw new IllegalArgumentException("populate: restart type must not be null");
        }
        final SupervisionHome home = homes.homeOf(supervisor);
        int level = 0;
        while (level < FAMILY_CHUNKS && arena.hasChunk(home.rootChunk + level))
        {
            level++;
        }
        final long room = (long)(FAMILY_CHUNKS - level) << chunkShift;
        if (count > room)
        {
            throw new IllegalArgumentException("populate: " + count + " supervised cells do not fit in the home of " +
                supervisor + ": its unused chunks hold " + room);
        }
        final int firstChunk = home.rootChunk + level;
        final Cohort cohort = new Cohort(this, cohortCount++, genotype, count, (long)firstChunk << chunkShift, 31, 31);
        final int owner = Families.ownerOfFamily(home.family, slices.length);
        final int row = supervisor.row();
        workforce.onWorkers((worker, workers) ->
        {
            if (worker != owner)
            {
                return;
            }
            final Slice slice = slices[worker];
            final Population population = slice.population();
            final CellFlyweight cell = new CellFlyweight();
            final SetupRandom random = new SetupRandom(seed);
            final long stream = 2L * cohort.number();
            for (long index = 0; index < count; index++)
            {
                final int chunk = firstChunk + (int)(index >>> chunkShift);
                if (!arena.hasChunk(chunk))
                {
                    arena.addChunk(chunk);
                    population.addOwnedChunk(chunk);
                }
                final int slot = arena.allocate(chunk);
                random.key(stream, index);
                final long handle = population.spawnCohortCell(slot, genotype, index, init, cell, random);
                slice.supervision.enterChild(home, genotype, slot, handle, row, type);
            }
        });
        return cohort;
    }

    /**
     * Gives every live cell of a cohort (still its spawned occupant) the edges a generator makes, each worker for its
     * own families, in index order.
     */
    void connect(final Cohort cohort, final EdgeGenerator generator)
    {
        if (null == cohort || !cohort.isOf(this))
        {
            throw new IllegalArgumentException("connect: cohort " + cohort + " is not this organism's");
        }
        if (null == generator)
        {
            throw new IllegalArgumentException("connect: generator must not be null");
        }
        final long size = cohort.size();
        workforce.onWorkers((worker, workers) ->
        {
            if (slices[worker].population().isStandIn())
            {
                return;  // another shard's cells, whose edges that shard makes and keeps
            }
            final CellFlyweight cell = new CellFlyweight();
            final SetupRandom random = new SetupRandom(seed);
            final CellSink sink = new CellSink(edges);
            final long stream = 2L * cohort.number() + 1;
            int lastChunk = -1;
            for (long index = 0; index < size; index++)
            {
                final int slot = cohort.slotOf(index);
                final int chunk = slot >>> chunkShift;
                if (Families.ownerOfChunk(chunk, workers) != worker)
                {
                    // Skip the rest of this chunk's run: the next index of another chunk is where ownership may change.
                    index += (1L << chunkShift) - 1 - (slot & ((1 << chunkShift) - 1));
                    continue;
                }
                arena.wrap(cell, slot);
                if (STATUS_ALIVE != cell.status() || 1 != cell.generation())
                {
                    continue;
                }
                if (chunk != lastChunk && lastChunk >= 0)
                {
                    edges.settle(lastChunk);
                }
                lastChunk = chunk;
                random.key(stream, index);
                sink.begin(slot);
                try
                {
                    generator.edges(index, cell, sink, random);
                }
                finally
                {
                    sink.end();
                }
            }
            if (lastChunk >= 0)
            {
                edges.settle(lastChunk);
            }
        });
    }

    /**
     * Cohorts made so far: the next one's number, which keys its random streams.
     */
    int cohortCount()
    {
        return cohortCount;
    }

    void cohortCount(final int cohortCount)
    {
        this.cohortCount = cohortCount;
    }

    /**
     * Refuses a cohort whose chunks the memory budget cannot hold, before any is made.
     */
    private void checkBudget(final long count, final long chunks)
    {
        final MemoryBudget budget = arena.budget();
        if (null != budget && chunks > 0)
        {
            final long bytes = chunks * arena.chunkLength();
            budget.charge(bytes, chunks + " arena chunks for a cohort of " + count + " cells");
            budget.release(bytes);
        }
    }

    private static void checkCount(final long count)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException("populate: count must be >= 0: count=" + count);
        }
    }

    /**
     * The sink a worker's generator writes one cell's edges into.
     */
    private static final class CellSink implements EdgeSink
    {
        private final Edges edges;
        private int slot;
        private int start;

        CellSink(final Edges edges)
        {
            this.edges = edges;
        }

        void begin(final int slot)
        {
            edges.clear(slot);
            this.slot = slot;
            start = -1;
        }

        public void add(final long target)
        {
            final int position = edges.append(slot, target);
            if (start < 0)
            {
                start = position;
            }
        }

        /**
         * The edges added since {@link #begin(int)} become the cell's list (none: it has none).
         */
        void end()
        {
            if (start >= 0)
            {
                edges.publish(slot, start);
            }
        }
    }
}
