package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One shard's part of a sharded run of a model: the same {@link ModelRun} as one process, over a context whose
 * {@link Context#shardLink shard link} joins this shard's workers to the others' at each barrier. Every shard sets
 * the model up with the same settings (so the same handles) and runs the ticks with its own workers; shard 0 gathers
 * the observations, decides when the run stops, shows the progress and writes the outputs, and every shard takes the
 * whole run's digest, the same as one process with all the workers.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
public final class ShardRun
{
    /** The run's end block from shard 0: this, or'ed with its reason's length, then the reason in UTF-8. */
    private static final long END = 0x4B45_4E44L << 32;
    private static final long END_LENGTH_MASK = 0xFFFF_FFFFL;

    /**
     * What every shard of a run is given, the same on each.
     *
     * @param model      to run.
     * @param parameters the model's parameters that differ from its defaults, by name, as text or values.
     * @param cells      cells to create, 0 for the model's default.
     * @param ticks      ticks to run, 0 for the model's default.
     * @param seed       of the run.
     * @param workers    workers per shard, > 0.
     * @param every      observe every K ticks, > 0: every shard gathers at these ticks.
     */
    public record Spec(Model model, Map<String, Object> parameters, long cells, long ticks, long seed, int workers,
        int every)
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
            if (every < 1)
            {
                throw new ModelException("--every must be >= 1: every=" + every, ModelException.EXIT_USAGE, null);
            }
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        /**
         * A run observed after every tick.
         *
         * @param model      to run.
         * @param parameters the model's parameters that differ from its defaults.
         * @param cells      cells to create, 0 for the model's default.
         * @param ticks      ticks to run, 0 for the model's default.
         * @param seed       of the run.
         * @param workers    workers per shard, > 0.
         */
        public Spec(final Model model, final Map<String, Object> parameters, final long cells, final long ticks,
            final long seed, final int workers)
        {
            this(model, parameters, cells, ticks, seed, workers, 1);
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
                Long.toString(seed), "--workers", Integer.toString(workers), "--every", Integer.toString(every)));
            parameters.forEach((name, value) -> args.addAll(List.of("--set", name + "=" + value)));
            return args;
        }
    }

    /**
     * What a shard's run gives back: the run's result, read through the fields of its summary that a sharded run
     * adds or that a caller of a shard wants.
     *
     * @param run        the run's result: on shard 0 the whole run's summary (what {@code summary.json} holds), on
     *                   the others this shard's counters, without the model's summary values.
     * @param stopReason what stopped the run before its ticks on shard 0 (a stop request's signal, as
     *                   {@link ModelRun.Result#stopReason()}), told to every shard; null if nothing did.
     */
    public record Result(ModelRun.Result run, String stopReason)
    {
        /**
         * The shards in the run.
         *
         * @return the summary's {@code shards}.
         */
        public int shards()
        {
            return number("shards").intValue();
        }

        /**
         * The workers of the whole run.
         *
         * @return the summary's {@code workers}.
         */
        public int workers()
        {
            return number("workers").intValue();
        }

        /**
         * The ticks run.
         *
         * @return the summary's {@code ticks}.
         */
        public long ticks()
        {
            return number("ticks").longValue();
        }

        /**
         * The whole run's digest, the same on every shard.
         *
         * @return the digest.
         */
        public long digest()
        {
            return run.digest();
        }

        /**
         * The set-up's time.
         *
         * @return nanoseconds, from the summary's {@code setup_s}.
         */
        public long setupNs()
        {
            return (long)(number("setup_s").doubleValue() * 1e9);
        }

        /**
         * The time of the ticks.
         *
         * @return nanoseconds, from the summary's {@code run_s}.
         */
        public long runNs()
        {
            return (long)(number("run_s").doubleValue() * 1e9);
        }

        /**
         * Bytes this shard sent the others at the barriers (the gathering of observations not counted).
         *
         * @return the summary's {@code shard_bytes_sent}.
         */
        public long bytesSent()
        {
            return number("shard_bytes_sent").longValue();
        }

        /**
         * Blocks this shard sent the others at the barriers.
         *
         * @return the summary's {@code shard_blocks_sent}.
         */
        public long blocksSent()
        {
            return number("shard_blocks_sent").longValue();
        }

        private Number number(final String field)
        {
            return (Number)run.summary().get(field);
        }
    }

    private ShardRun()
    {
    }

    /**
     * Runs this shard's part of a run, with no progress and no outputs.
     *
     * @param spec the run, the same on every shard.
     * @param link to the other shards; not closed here.
     * @param base the context to start from (threading, pinning), or null for the defaults.
     * @return the result, the same digest on every shard.
     * @throws ModelException exit 2 for what a sharded run refuses, exit 1 when the run fails (a shard lost).
     */
    public static Result run(final Spec spec, final AeronShardLink link, final Context base)
    {
        return run(spec, link, base, (run) -> run.progress(Progress.NONE));
    }

    /**
     * Runs this shard's part of a run.
     *
     * @param spec  the run, the same on every shard.
     * @param link  to the other shards; not closed here.
     * @param base  the context to start from (threading, pinning), or null for the defaults.
     * @param first what shard 0 sets besides (output folder, progress, JSON, stop request); the others show no
     *              progress and write nothing.
     * @return the result, the same digest on every shard.
     * @throws ModelException exit 2 for bad input or what a sharded run refuses, exit 1 when the run fails (a shard
     *                        lost), as one process.
     */
    public static Result run(final Spec spec, final AeronShardLink link, final Context base,
        final UnaryOperator<ModelRun.Builder> first)
    {
        return run(spec, link, base, first, null, null);
    }

    /**
     * Runs this shard's part of a run with checkpoints of every shard ({@link ShardCheckpoints}), or resumes it from
     * this shard's part of a set.
     *
     * @param spec        the run, the same on every shard.
     * @param link        to the other shards; not closed here.
     * @param base        the context to start from (threading, pinning), or null for the defaults.
     * @param first       what shard 0 sets besides (output folder, progress, JSON, stop request); the others show no
     *                    progress and write nothing but their parts.
     * @param checkpoints the run's checkpoint settings, or null for none.
     * @param resume      this shard's part of the set to resume from (checked by {@link ShardResume}), or null.
     * @return the result, the same digest on every shard.
     * @throws ModelException exit 2 for bad input, what a sharded run refuses or a part that does not fit; exit 1
     *                        when the run fails (a shard lost, a part not written), as one process.
     */
    public static Result run(final Spec spec, final AeronShardLink link, final Context base,
        final UnaryOperator<ModelRun.Builder> first, final ShardCheckpoints.Settings checkpoints, final Path resume)
    {
        final Context context = (null == base ? new Context() : base)
            .workerCount(spec.workers() * link.shards())
            .shardLink(link);
        final ModelRun.Builder run;
        if (null == resume)
        {
            run = builder(spec, context);
        }
        else
        {
            // The part holds the run's settings, as one process's checkpoint does, but the spec's ticks and
            // parameters win (--ticks, a fork's --set: the same on every shard); only shard 0 writes outputs.
            run = resumed(spec, resume).context(context);
            if (0 != link.shard())
            {
                run.out(null);
            }
        }
        if (null != checkpoints)
        {
            run.checkpointEvery(checkpoints.every()).keepCheckpoints(checkpoints.keep())
                .checkpointSet(new ShardCheckpoints(checkpoints, spec, link));
        }
        final ModelRun.Result result = run(link, 0 == link.shard() ? first.apply(run) : run.progress(Progress.NONE));
        return new Result(result, stopReason(link, result.stopReason()));
    }

    /**
     * Runs the shard's part; when it fails, tells every other shard ({@link AeronShardLink#abort}), so that every
     * shard stops at once with one process's exit code and the failure's line (a refusal on shard 0 alone, such as a
     * stop condition that surveys, left the others waiting for the link's timeout and exiting 1). A shard stopped by
     * another's abort fails with that shard's exit code and line, and passes it on.
     */
    private static ModelRun.Result run(final AeronShardLink link, final ModelRun.Builder run)
    {
        try
        {
            return run.run();
        }
        catch (final RuntimeException ex)
        {
            final ShardAborted aborted = null != link.aborted() ? link.aborted() : aborted(ex);
            if (null != aborted)
            {
                link.abort(aborted.origin(), aborted.exitCode(), aborted.reason());
                throw new ModelException(aborted.getMessage(), aborted.exitCode(), aborted);
            }
            final int exitCode = ex instanceof ModelException ? ((ModelException)ex).exitCode() :
                ModelException.EXIT_FAILURE;
            link.abort(link.shard(), exitCode, ex instanceof ModelException ? ex.getMessage() : String.valueOf(ex));
            throw ex;
        }
    }

    /**
     * Whether a failure came from another shard's abort: the shard that failed first has said why.
     *
     * @param failure of a shard's run.
     * @return true if another shard's abort stopped this one.
     */
    static boolean abortedElsewhere(final Throwable failure)
    {
        return null != aborted(failure);
    }

    private static ShardAborted aborted(final Throwable failure)
    {
        for (Throwable t = failure; null != t; t = t.getCause())
        {
            if (t instanceof ShardAborted)
            {
                return (ShardAborted)t;
            }
        }
        return null;
    }

    /**
     * Shard 0's stop reason, on every shard: shard 0 sends it to the others once the run is done (a shard other than
     * 0 was not asked to stop itself: the signal went to shard 0, whose reply says only "a stop request"), so that
     * each exits as one process stopped by that signal would.
     */
    private static String stopReason(final AeronShardLink link, final String own)
    {
        if (0 == link.shard())
        {
            final byte[] text = null == own ? new byte[0] : own.getBytes(StandardCharsets.UTF_8);
            final UnsafeBuffer block = new UnsafeBuffer(new byte[Long.BYTES + text.length]);
            block.putLong(0, END | text.length);
            block.putBytes(Long.BYTES, text);
            try
            {
                for (int s = 1; s < link.shards(); s++)
                {
                    link.send(s, block, 0, block.capacity());
                }
            }
            catch (final IllegalStateException ex)
            {
                throw new ModelException(ex.getMessage(), ModelException.EXIT_FAILURE, ex);  // a shard gone since
            }
            return own;
        }
        try
        {
            return awaitEnd(link);
        }
        catch (final ShardAborted ex)
        {
            throw new ModelException(ex.getMessage(), ex.exitCode(), ex);  // shard 0 failed writing its outputs
        }
    }

    private static String awaitEnd(final AeronShardLink link)
    {
        final IdleStrategy waiting = link.waitStrategy();
        final long startNs = System.nanoTime();
        while (true)
        {
            final DirectBuffer in = link.poll(0);
            if (null != in)
            {
                final long head = in.getLong(0);
                if ((head & ~END_LENGTH_MASK) != END || Long.BYTES + (head & END_LENGTH_MASK) != in.capacity())
                {
                    throw new ModelException("shard 0 of " + link.shards() + " sent another block where the run's " +
                        "end was due", ModelException.EXIT_FAILURE, null);
                }
                return 0 == (head & END_LENGTH_MASK) ? null :
                    in.getStringWithoutLengthUtf8(Long.BYTES, (int)(head & END_LENGTH_MASK));
            }
            if (System.nanoTime() - startNs > link.timeoutNs())
            {
                throw new ModelException("shard 0 of " + link.shards() + " sent nothing for the run's end within " +
                    link.timeoutNs() / 1_000_000 + " ms: it stopped or cannot be reached", ModelException.EXIT_FAILURE,
                    null);
            }
            waiting.idle();
        }
    }

    /**
     * The run of a spec resumed from one shard's part (or, to check the input before the shards start, shard 0's),
     * as that shard runs it: the part's settings, with the spec's ticks and parameters (a fork's changes among them).
     *
     * @param spec the run, the same on every shard.
     * @param part a part of the set, checked by {@link ShardResume}.
     * @return the builder.
     * @throws ModelException exit 2 if the part cannot be read.
     */
    public static ModelRun.Builder resumed(final Spec spec, final Path part)
    {
        // A fork names the set (its manifest) as its parent, as one process names its checkpoint file.
        final ModelRun.Builder run = ModelRun.resume(ModelCatalog.of(List.of(spec.model())), part)
            .ticks(spec.resolvedTicks()).parentCheckpoint(ShardManifest.manifestOf(part));
        spec.parameters().forEach(run::set);
        return run;
    }

    /**
     * The run of a spec over a context, as every shard runs it; with a context without a shard link, one process's
     * (to {@link ModelRun.Builder#check() check} the input, or to compare with).
     *
     * @param spec    the run.
     * @param context the engine's settings.
     * @return the builder.
     */
    public static ModelRun.Builder builder(final Spec spec, final Context context)
    {
        final ModelRun.Builder run = ModelRun.builder(spec.model()).context(context).seed(spec.seed())
            .cells(spec.resolvedCells()).ticks(spec.resolvedTicks()).every(spec.every());
        spec.parameters().forEach(run::set);
        return run;
    }
}
