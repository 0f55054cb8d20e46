package io.karyon.model;

import io.karyon.engine.ConfigurationException;
import io.karyon.engine.Organism;
import io.karyon.engine.internal.ShardLink;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link ModelRun} does differently as one shard of a sharded run (a context with a
 * {@link io.karyon.engine.Context#shardLink shard link}): what it refuses, with one line, rather than run differently
 * from one process; progress on shard 0 only; and the shard's traffic for the summary.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
final class ShardRuns
{
    private ShardRuns()
    {
    }

    /**
     * Refuses, after set-up, the observations a sharded run cannot gather yet: snapshots of cells into an output
     * folder (each shard holds only its own cells). A matrix's totals and snapshots need no gathering: every shard
     * holds the whole matrix as of the tick's start ({@link MatrixPhase}).
     *
     * @throws ModelException exit 2 naming what is refused.
     */
    static void check(final String model, final RunObservations declared, final Path out)
    {
        if (null != out && !declared.snapshotFields().isEmpty())
        {
            throw refused(model, "snapshots of cells under --out");
        }
    }

    /**
     * A refusal of what a sharded run does not support yet.
     */
    static ModelException refused(final String model, final String what)
    {
        return new ModelException("model " + model + " uses " + what + ", which a sharded run (--shards) does not " +
            "support yet: run it in one process", ModelException.EXIT_USAGE, null);
    }

    /**
     * A model's own read of the cells that a sharded run cannot gather: its supplier called
     * {@link Organism#survey}, which the engine refuses on a shard (each holds only its own families).
     *
     * @param what the column or summary value that surveyed.
     * @param ex   the engine's refusal.
     * @return a refusal for {@link #refused(String, ConfigurationException)} to name the model in.
     */
    static ConfigurationException ungathered(final String what, final ConfigurationException ex)
    {
        return new ConfigurationException("its " + what + " calls Organism.survey, but " + ex.getMessage() +
            ": declare it as a SurveyValue (Observations.value(column, SurveyValue) or Setup.summary(name, " +
            "SurveyValue)), which shard 0 gathers");
    }

    /**
     * A refusal of a setting the engine cannot shard (the matrix's tick phase), as bad usage.
     */
    static ModelException refused(final String model, final ConfigurationException ex)
    {
        return new ModelException("model " + model + " cannot run sharded (--shards): " + ex.getMessage(),
            ModelException.EXIT_USAGE, ex);
    }

    /**
     * Progress as asked on shard 0 (and in one process), none on the others: one line for the whole run.
     */
    static Progress progress(final Organism organism, final Progress asked)
    {
        final ShardLink link = organism.context().shardLink();
        return null == link || 0 == link.shard() ? asked : Progress.NONE;
    }

    /**
     * The blocks this shard sends the others during the ticks: the barrier's, without the gathering's.
     */
    static final class Traffic
    {
        private final ShardLink link;
        private final ShardGather gather;
        private final long bytes;
        private final long blocks;
        private final long gatherBytes;
        private final long gatherBlocks;
        private long bytesSent;
        private long blocksSent;

        private Traffic(final ShardLink link, final ShardGather gather)
        {
            this.link = link;
            this.gather = gather;
            this.bytes = link.bytesSent();
            this.blocks = link.blocksSent();
            this.gatherBytes = gather.bytesSent();
            this.gatherBlocks = gather.blocksSent();
        }

        /**
         * Starts counting, before the ticks.
         *
         * @return null in one process.
         */
        static Traffic start(final Organism organism, final ShardGather gather)
        {
            return null == gather ? null : new Traffic(organism.context().shardLink(), gather);
        }

        /**
         * Stops counting, after the ticks (before the digest, which the shards also exchange).
         */
        void end()
        {
            bytesSent = link.bytesSent() - bytes - (gather.bytesSent() - gatherBytes);
            blocksSent = link.blocksSent() - blocks - (gather.blocksSent() - gatherBlocks);
        }

        /**
         * Adds this shard's barrier traffic during the ticks to the summary.
         */
        void summary(final Map<String, Object> summary)
        {
            summary.put("shard_bytes_sent", bytesSent);
            summary.put("shard_blocks_sent", blocksSent);
        }
    }
}
