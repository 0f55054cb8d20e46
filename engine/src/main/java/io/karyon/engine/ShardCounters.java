package io.karyon.engine;

import io.karyon.engine.internal.ShardCensus;
import io.karyon.engine.internal.ShardLink;

/**
 * The counters of a sharded run as the driver reads them: this shard's own, or the whole run's once gathered and
 * installed for the current tick (see {@link ShardCensus}).
 * <p>
 * <b>Note:</b> not threadsafe; the driver's, between ticks.
 */
final class ShardCounters implements ShardCensus
{
    private final int shard;
    private final int workerCount;
    private final int perShard;
    private long installedTick = -1;
    private Stats stats;
    private long[] counts;
    private boolean surveys;

    ShardCounters(final ShardLink link, final int workerCount)
    {
        this.shard = link.shard();
        this.workerCount = workerCount;
        this.perShard = workerCount / link.shards();
    }

    /**
     * {@inheritDoc}
     */
    public boolean ownsWorker(final int worker)
    {
        return worker / perShard == shard;
    }

    /**
     * {@inheritDoc}
     */
    public boolean ownsFamily(final int family)
    {
        return ownsWorker(Families.ownerOfFamily(family, workerCount));
    }

    /**
     * {@inheritDoc}
     */
    public void install(final long tick, final Stats stats, final long[] counts)
    {
        this.installedTick = tick;
        this.stats = stats;
        this.counts = counts.clone();
    }

    /**
     * {@inheritDoc}
     */
    public void clear()
    {
        this.installedTick = -1;
        this.stats = null;
        this.counts = null;
    }

    /**
     * {@inheritDoc}
     */
    public void permitSurveys(final boolean permitted)
    {
        this.surveys = permitted;
    }

    /**
     * Refuses a survey from the driver that the framework does not gather.
     *
     * @throws ConfigurationException unless {@link #permitSurveys permitted}.
     */
    void checkSurvey()
    {
        if (!surveys)
        {
            throw new ConfigurationException("a survey from the driver of a sharded run would visit only shard " +
                shard + "'s families");
        }
    }

    int firstWorker()
    {
        return shard * perShard;
    }

    int localWorkers()
    {
        return perShard;
    }

    boolean isFirstShard()
    {
        return 0 == shard;
    }

    /**
     * The installed stats, if installed for this tick, else null.
     */
    Stats installed(final long tick)
    {
        return tick == installedTick ? stats : null;
    }

    /**
     * The installed count of a behaviour, if installed for this tick, else -1.
     */
    long installedCount(final long tick, final short behaviourId)
    {
        return tick == installedTick && behaviourId < counts.length ? counts[behaviourId] : -1;
    }
}
