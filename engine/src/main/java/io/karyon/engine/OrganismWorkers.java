package io.karyon.engine;

import io.karyon.engine.internal.ShardCensus;

/**
 * Where an {@link Organism}'s workers run, reached by {@link Organism#workers()}: the CPU and NUMA node each is pinned
 * to, the node each page of its memory sits on, and how many of their threads are still alive. For tools and checks
 * of the placement ({@code karyon topology}); a model needs none of it.
 * <p>
 * <b>Note:</b> like its organism, not threadsafe: call it from the driver.
 */
public final class OrganismWorkers
{
    private final Lifecycle life;
    private final Workforce workforce;
    private final Families families;
    private final ShardCensus shard;

    OrganismWorkers(final Lifecycle life, final Workforce workforce, final Families families,
        final ShardCensus shard)
    {
        this.life = life;
        this.workforce = workforce;
        this.families = families;
        this.shard = shard;
    }

    /**
     * In a sharded run ({@link Context#shardLink}), which workers and families this shard runs, and where the
     * driver installs the whole run's counters once gathered: until then, {@link Organism#stats()},
     * {@link Organism#countOf(short)} and {@link Organism#survey} read this shard's part only.
     *
     * @return the shard's census, or null in one process.
     */
    public ShardCensus shard()
    {
        return shard;
    }

    /**
     * Number of workers, as {@link Organism#workerCount()}.
     *
     * @return worker count.
     */
    public int count()
    {
        return workforce.workerCount();
    }

    /**
     * The CPU a worker is pinned to, or -1 when unpinned.
     *
     * @param worker index.
     * @return the CPU or -1.
     */
    public int cpu(final int worker)
    {
        return workforce.cpuOfWorker(worker);
    }

    /**
     * The NUMA node of the CPU a worker is pinned to, or -1 when unpinned.
     *
     * @param worker index.
     * @return the node or -1.
     */
    public int node(final int worker)
    {
        return workforce.nodeOfWorker(worker);
    }

    /**
     * Where a worker's memory is: the NUMA node of each whole page of the first chunk of the first family dealt to
     * it (chunk {@code worker << Arena.FAMILY_SHIFT}), as the kernel reports it; a page not yet touched reads as a
     * negative errno. For checking that a pinned worker's cells sit on its node.
     *
     * @param worker index, 0 to {@link #count()} - 1.
     * @return the node of each page, in address order.
     * @throws IllegalStateException if the arena has no such chunk yet (spawn {@code (worker + 1)} families' worth
     *                               of cells first) or the memory-binding library is absent.
     */
    public int[] pageNodes(final int worker)
    {
        life.ensureUsable();
        workforce.checkWorker(worker);
        return families.pageNodesOfFirstChunk(worker);
    }

    /**
     * Slots this process has written a cell into for a worker's families: spawns and restarts (not a checkpoint's
     * restore). In a sharded run, none for another shard's worker: its families are kept here only as counts and
     * handles, their slots never written (see {@code io.karyon.engine.internal.StandInChunks}).
     *
     * @param worker index, 0 to {@link #count()} - 1.
     * @return slots written.
     */
    public long initialisedSlots(final int worker)
    {
        life.ensureUsable();
        workforce.checkWorker(worker);
        return workforce.slices()[worker].population().initialisedSlots();
    }

    /**
     * Live worker threads, for checks that a closed organism leaves none behind.
     *
     * @return threads still running.
     */
    public int liveThreads()
    {
        return workforce.liveThreads();
    }
}
