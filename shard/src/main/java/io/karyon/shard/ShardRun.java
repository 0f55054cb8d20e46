package io.karyon.shard;

import io.karyon.engine.ConfigurationException;
import io.karyon.engine.Context;
import io.karyon.engine.KaryonException;
import io.karyon.engine.Organism;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One shard's part of a sharded run of a model: sets the model up as one process would (the same settings on every
 * shard, so the same handles), runs the ticks with this shard's workers, the others' joined at each barrier over the
 * link, and takes the whole run's digest, the same as one process with all the workers would take.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
public final class ShardRun
{
    /**
     * What every shard of a run is given, the same on each.
     *
     * @param model      to run.
     * @param parameters the model's parameters that differ from its defaults, by name, as text or values.
     * @param cells      cells to create, 0 for the model's default.
     * @param ticks      ticks to run, 0 for the model's default.
     * @param seed       of the run.
     * @param workers    workers per shard, > 0.
     */
    public record Spec(Model model, Map<String, Object> parameters, long cells, long ticks, long seed, int workers)
    {
        /**
         * Checks and copies.
         */
        public Spec
        {
            if (workers < 1)
            {
                throw new ModelException("--workers must be >= 1 in a sharded run: workers=" + workers,
                    ModelException.EXIT_USAGE, null);
            }
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        /**
         * The cells the run creates.
         *
         * @return cells, the model's default if not given.
         */
        public long resolvedCells()
        {
            return cells > 0 ? cells : model.defaultCells();
        }

        /**
         * The ticks the run runs.
         *
         * @return ticks, the model's default if not given.
         */
        public long resolvedTicks()
        {
            return ticks > 0 ? ticks : model.defaultTicks();
        }

        /**
         * The arguments {@link ShardMain} takes for this spec, but the shard and the link.
         *
         * @return the arguments.
         */
        public List<String> arguments()
        {
            final List<String> args = new ArrayList<>(List.of("--model", model.name(), "--cells",
                Long.toString(resolvedCells()), "--ticks", Long.toString(resolvedTicks()), "--seed",
                Long.toString(seed), "--workers", Integer.toString(workers)));
            parameters.forEach((name, value) -> args.addAll(List.of("--set", name + "=" + value)));
            return args;
        }
    }

    /**
     * What a shard's run gives back.
     *
     * @param shards     in the run.
     * @param workers    in the whole run.
     * @param ticks      run.
     * @param digest     of the whole run.
     * @param setupNs    set-up time.
     * @param runNs      time of the ticks.
     * @param bytesSent  by this shard to the others during the ticks.
     * @param blocksSent by this shard to the others during the ticks.
     */
    public record Result(int shards, int workers, long ticks, long digest, long setupNs, long runNs, long bytesSent,
        long blocksSent)
    {
        /**
         * The summary as one JSON object: model, shards, workers, cells, ticks, digest, seconds, bytes per tick.
         *
         * @param spec of the run.
         * @return the JSON text.
         */
        public String toJson(final Spec spec)
        {
            return String.format(Locale.ROOT, "{\"model\":\"%s\",\"seed\":%d,\"shards\":%d,\"workers\":%d," +
                "\"cells\":%d,\"ticks\":%d,\"digest\":\"0x%016x\",\"setup_s\":%.3f,\"run_s\":%.3f," +
                "\"ticks_per_s\":%.1f,\"shard0_bytes_per_tick\":%.1f}", spec.model().name(), spec.seed(), shards,
                workers, spec.resolvedCells(), ticks, digest, setupNs / 1e9, runNs / 1e9,
                0 == runNs ? 0.0 : ticks * 1e9 / runNs, 0 == ticks ? 0.0 : (double)bytesSent / ticks);
        }
    }

    private ShardRun()
    {
    }

    /**
     * Runs this shard's part of a run.
     *
     * @param spec the run, the same on every shard.
     * @param link to the other shards; not closed here.
     * @param base the context to start from (threading, pinning), or null for the defaults.
     * @return the result, the same digest on every shard.
     * @throws ModelException exit 2 for what a sharded run refuses, exit 1 when the run fails (a shard lost).
     */
    public static Result run(final Spec spec, final AeronShardLink link, final Context base)
    {
        return run(spec, link, base, null, null);
    }

    /**
     * Runs this shard's part of a run with checkpoints, or resumes it from this shard's part of a checkpoint.
     *
     * @param spec        the run, the same on every shard.
     * @param link        to the other shards; not closed here.
     * @param base        the context to start from (threading, pinning), or null for the defaults.
     * @param checkpoints the run's checkpoint settings, or null for none.
     * @param resume      this shard's part of the set to resume from (checked by {@link ShardResume}), or null.
     * @return the result, the same digest on every shard.
     * @throws ModelException exit 2 for what a sharded run refuses or a part that does not fit, exit 1 when the run
     *                        fails (a shard lost, a checkpoint not written).
     */
    public static Result run(final Spec spec, final AeronShardLink link, final Context base,
        final ShardCheckpoints.Settings checkpoints, final Path resume)
    {
        final long startNs = System.nanoTime();
        final Model model = spec.model();
        final Parameters parameters;
        try
        {
            parameters = Parameters.of(model.parameters(), spec.parameters());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ModelException("model " + model.name() + ": " + ex.getMessage(), ModelException.EXIT_USAGE, ex);
        }
        final Context context = (null == base ? new Context() : base)
            .seed(spec.seed())
            .workerCount(spec.workers() * link.shards())
            .shardLink(link);
        final ShardSetup setup = new ShardSetup(model.name(), parameters, spec.resolvedCells(), spec.seed(), context);
        try
        {
            model.setUp(setup);
            final Organism organism = setup.organism();
            final ShardCheckpoints writer = null == checkpoints ? null :
                new ShardCheckpoints(checkpoints, spec, link.shard(), link.shards());
            final long done = null == resume ? 0 : ShardResume.restore(organism, resume, writer);
            final long setupNs = System.nanoTime() - startNs;
            final long bytesBefore = link.bytesSent();
            final long blocksBefore = link.blocksSent();
            final long runStartNs = System.nanoTime();
            runTicks(organism, link, spec.resolvedTicks(), done, writer);
            final long runNs = System.nanoTime() - runStartNs;
            final long bytes = link.bytesSent() - bytesBefore;
            final long blocks = link.blocksSent() - blocksBefore;
            final long digest = organism.digest();
            return new Result(link.shards(), context.workerCount(), spec.resolvedTicks(), digest, setupNs, runNs,
                bytes, blocks);
        }
        catch (final ConfigurationException ex)
        {
            throw new ModelException("model " + model.name() + " cannot run sharded (--shards): " + ex.getMessage(),
                ModelException.EXIT_USAGE, ex);
        }
        catch (final KaryonException | IllegalStateException ex)
        {
            throw new ModelException("shard " + link.shard() + " of " + link.shards() + ": the run failed: " +
                rootMessage(ex), ModelException.EXIT_FAILURE, ex);
        }
        catch (final ModelException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new ModelException("model " + model.name() + " failed during set-up: " + ex,
                ModelException.EXIT_FAILURE, ex);
        }
        finally
        {
            close(setup);
        }
    }

    /**
     * Runs the ticks from {@code done} to the run's end, stopping at every checkpoint due on the way.
     */
    private static void runTicks(final Organism organism, final AeronShardLink link, final long ticks,
        final long done, final ShardCheckpoints writer)
    {
        if (null == writer)
        {
            if (ticks > done)
            {
                organism.run(ticks - done);
            }
            return;
        }
        long at = done;
        while (at < ticks)
        {
            final long step = writer.nextStep(at);
            organism.run(step);
            at += step;
            if (writer.isDue(at))
            {
                writer.write(organism, link, at);
            }
        }
    }

    private static String rootMessage(final Throwable ex)
    {
        Throwable t = ex;
        while (null != t.getCause() && t.getCause() != t)
        {
            t = t.getCause();
        }
        return t == ex ? String.valueOf(ex.getMessage()) : ex.getMessage() + " (" + t.getMessage() + ")";
    }

    private static void close(final ShardSetup setup)
    {
        final Organism organism = setup.launched();
        if (null != organism)
        {
            organism.close();
        }
        final List<AutoCloseable> resources = setup.toClose();
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            try
            {
                resources.get(i).close();
            }
            catch (final Exception ex)
            {
                System.err.println("karyon: closing " + resources.get(i) + " failed: " + ex);
            }
        }
    }
}
