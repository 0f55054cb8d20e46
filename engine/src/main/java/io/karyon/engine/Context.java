package io.karyon.engine;

import java.nio.file.Path;

/**
 * The settings of one organism: starts from {@link Configuration}'s defaults, is changed through fluent setters, and
 * is checked as a whole by {@link #conclude()} when the organism is launched.
 * <p>
 * <b>Note:</b> not threadsafe; set it up on one thread before launching.
 */
public final class Context
{
    private long seed = Configuration.seed();
    private int stateLength = Configuration.stateLength();
    private int chunkShift = Configuration.chunkShift();
    private int workerCount = Configuration.workerCount();
    private int errorLogLength = Configuration.errorLogLength();
    private Path arenaFile;
    private boolean concluded;

    /**
     * Checks the settings together and fills in derived ones.
     *
     * @return this.
     * @throws ConfigurationException naming the first setting that is out of range.
     */
    public Context conclude()
    {
        Configuration.checkStateLength(stateLength);
        Configuration.checkChunkShift(chunkShift);
        if (workerCount < 0)
        {
            throw new ConfigurationException(
                Configuration.WORKER_COUNT_PROP_NAME + " must be >= 0: workerCount=" + workerCount);
        }
        if (0 == workerCount)
        {
            workerCount = 1;
        }
        if (1 != workerCount)
        {
            throw new ConfigurationException(Configuration.WORKER_COUNT_PROP_NAME +
                " must be 1: this build advances all cells on one worker: workerCount=" + workerCount);
        }
        if (errorLogLength < 1024)
        {
            throw new ConfigurationException(
                Configuration.ERROR_LOG_LENGTH_PROP_NAME + " must be >= 1024: errorLogLength=" + errorLogLength);
        }
        concluded = true;
        return this;
    }

    /**
     * Whether {@link #conclude()} has run.
     *
     * @return true once concluded.
     */
    public boolean isConcluded()
    {
        return concluded;
    }

    /**
     * Seed of the run.
     *
     * @return seed.
     */
    public long seed()
    {
        return seed;
    }

    /**
     * Sets the seed of the run.
     *
     * @param seed of every cell's random stream.
     * @return this.
     */
    public Context seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    /**
     * Bytes of state per slot.
     *
     * @return state length.
     */
    public int stateLength()
    {
        return stateLength;
    }

    /**
     * Sets the bytes of state per slot.
     *
     * @param stateLength a positive multiple of 8.
     * @return this.
     */
    public Context stateLength(final int stateLength)
    {
        this.stateLength = stateLength;
        return this;
    }

    /**
     * log2 of the slots per arena chunk.
     *
     * @return chunk shift.
     */
    public int chunkShift()
    {
        return chunkShift;
    }

    /**
     * Sets log2 of the slots per arena chunk.
     *
     * @param chunkShift 6..24.
     * @return this.
     */
    public Context chunkShift(final int chunkShift)
    {
        this.chunkShift = chunkShift;
        return this;
    }

    /**
     * Number of workers.
     *
     * @return worker count.
     */
    public int workerCount()
    {
        return workerCount;
    }

    /**
     * Sets the number of workers; 0 means one per available core.
     *
     * @param workerCount >= 0.
     * @return this.
     */
    public Context workerCount(final int workerCount)
    {
        this.workerCount = workerCount;
        return this;
    }

    /**
     * Capacity of the distinct error log in bytes.
     *
     * @return error log length.
     */
    public int errorLogLength()
    {
        return errorLogLength;
    }

    /**
     * Sets the capacity of the distinct error log.
     *
     * @param errorLogLength in bytes, >= 1024.
     * @return this.
     */
    public Context errorLogLength(final int errorLogLength)
    {
        this.errorLogLength = errorLogLength;
        return this;
    }

    /**
     * File that backs the arena, or null for anonymous memory.
     *
     * @return arena file or null.
     */
    public Path arenaFile()
    {
        return arenaFile;
    }

    /**
     * Backs the arena with a new memory-mapped file, which must not exist yet.
     *
     * @param arenaFile to create, or null for anonymous memory.
     * @return this.
     */
    public Context arenaFile(final Path arenaFile)
    {
        this.arenaFile = arenaFile;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Context{seed=" + seed + ", stateLength=" + stateLength + ", chunkShift=" + chunkShift +
            ", workerCount=" + workerCount + ", errorLogLength=" + errorLogLength + ", arenaFile=" + arenaFile + "}";
    }
}
