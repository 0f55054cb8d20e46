package io.karyon.engine.internal;

import io.karyon.engine.Stats;

/**
 * What the driver of one shard of a sharded run reads and sets to observe the whole run: which workers and families
 * this shard runs, and the whole run's counters once gathered. Until the counters of the current tick are installed,
 * {@link io.karyon.engine.Organism#stats()} and {@link io.karyon.engine.Organism#countOf(short)} count only this
 * shard's workers (the driver's own mail on shard 0 only), and {@link io.karyon.engine.Organism#survey} visits only
 * this shard's families, and only for the framework, which gathers what it visits ({@link #permitSurveys}): summed
 * over the shards, the whole run. Once installed for a tick, they give the installed
 * values until the next tick runs.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's, between ticks. Null in one process
 * ({@link io.karyon.engine.OrganismWorkers#shard()}).
 */
public interface ShardCensus
{
    /**
     * Whether this shard runs a worker.
     *
     * @param worker index in the whole run.
     * @return true if it is one of this shard's workers.
     */
    boolean ownsWorker(int worker);

    /**
     * Whether this shard's workers own a family.
     *
     * @param family index.
     * @return true if one of this shard's workers owns it.
     */
    boolean ownsFamily(int family);

    /**
     * Makes {@code stats()} and {@code countOf} give the whole run's values until the next tick runs.
     *
     * @param tick   ticks completed, as {@link io.karyon.engine.Organism#ticks()} now.
     * @param stats  of the whole run.
     * @param counts live cells by behaviour id, of the whole run.
     */
    void install(long tick, Stats stats, long[] counts);

    /**
     * Lets {@link io.karyon.engine.Organism#survey} walk this shard's families while the framework gathers what it
     * visits; otherwise a sharded run refuses a survey from the driver (with a
     * {@link io.karyon.engine.ConfigurationException}): it would see only this shard's cells, silently.
     *
     * @param permitted true before the framework's walk, false after it.
     */
    void permitSurveys(boolean permitted);

    /**
     * Drops the installed counters: {@code stats()} and {@code countOf} read this shard's own again.
     */
    void clear();
}
