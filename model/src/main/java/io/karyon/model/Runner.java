package io.karyon.model;

import io.karyon.engine.ConfigurationException;
import io.karyon.engine.Context;
import io.karyon.engine.MemoryBudget;
import io.karyon.engine.MemoryEstimate;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.checkpoint.CheckpointMeta;
import io.karyon.engine.checkpoint.CheckpointPart;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Does one {@link ModelRun}: checks the input (nothing runs if it is bad), lets the model set the organism up, runs
 * the ticks with a {@link Ticker}, then writes the report and, last, {@code summary.json}.
 * <p>
 * <b>Note:</b> not threadsafe; one run on the calling thread.
 */
final class Runner
{
    /** Summary fields the run writes itself; a model's summary values may not take these names. */
    static final Set<String> RESERVED = Set.of("model", "parameters", "parent_checkpoint", "changes", "seed",
        "workers", "cells", "ticks", "digest", "wall_s", "setup_s", "run_s", "seconds", "ticks_per_s", "stopped",
        "interrupted", "observations", "observe_s", "alive",
        "spawned", "updates", "updates_per_s", "sent", "delivered", "messages", "messages_per_s", "dead_letters",
        "pending", "deaths", "deaths_by_reason", "restarts", "restarts_by_reason", "escalations", "cross_worker",
        "cross_worker_share", "spilled", "errors_not_logged", "distinct_errors", "tick_ns_mean", "tick_ns_p50",
        "tick_ns_p99", "tick_ns_max", "allocated_bytes", "shards", "shard_bytes_sent", "shard_blocks_sent");

    /** 2^53: beyond it a double is not exact, so it stays one. */
    private static final double WHOLE_LIMIT = 9_007_199_254_740_992.0;

    private final ModelRun.Builder settings;
    private final String name;

    Runner(final ModelRun.Builder settings)
    {
        this.settings = settings;
        this.name = settings.model.name();
    }

    /**
     * Checks the input and readies the output folder, running nothing: what {@link #run()} checks first.
     */
    void check()
    {
        final Parameters parameters = parameters();
        checkSettings(cells(), maxTicks());
        if (null == settings.resumeFrom)
        {
            prepare(settings.out);
        }
        else
        {
            Resume.check(settings, parameters, maxTicks());  // a fork's changes, its --out, the ticks
        }
    }

    private void checkSettings(final long cells, final long maxTicks)
    {
        check(cells >= 1, "cells must be >= 1: cells=" + cells);
        check(maxTicks >= 1, "ticks must be >= 1 (0 for the model's default): ticks=" + maxTicks);
        check(settings.every >= 1, "every must be >= 1: every=" + settings.every);
        check(settings.snapshotEvery >= 0, "snapshot every must be >= 0: snapshotEvery=" + settings.snapshotEvery);
        check(settings.checkpointEvery >= 0, "checkpoint every must be >= 0: checkpointEvery=" +
            settings.checkpointEvery);
        check(settings.keepCheckpoints >= 1, "keep checkpoints must be >= 1: keepCheckpoints=" +
            settings.keepCheckpoints);
        check(0 == settings.checkpointEvery || null != settings.out || null != settings.resumeFrom ||
            null != settings.checkpointSet, "--checkpoint-every needs --out: checkpoints go to OUT/" +
            Checkpointing.DIR);
    }

    private long cells()
    {
        return settings.cells < 0 ? settings.model.defaultCells() : settings.cells;
    }

    private long maxTicks()
    {
        return 0 == settings.ticks ? settings.model.defaultTicks() : settings.ticks;
    }

    ModelRun.Result run()
    {
        final Parameters parameters = parameters();
        final long cells = cells();
        final long maxTicks = maxTicks();
        checkSettings(cells, maxTicks);
        final Resume resume = null == settings.resumeFrom ? null : Resume.check(settings, parameters, maxTicks);
        final Context context = null == settings.context ? new Context() : settings.context;
        if (null != context.shardLink())
        {
            check(0 == settings.snapshotEvery, "snapshots every K ticks are not supported in a sharded run yet");
            check(null != settings.checkpointSet || 0 == settings.checkpointEvery && null == settings.resumeFrom,
                "a sharded run checkpoints and resumes through its shards' set of parts " +
                "(ModelRun.Builder.checkpointSet), not as one process");
        }
        final long seed = null == settings.seed ? context.seed() : settings.seed;
        context.seed(seed);  // 0 workers stay 0: Context.conclude resolves them (one per CPU of Context.cpus, if set)
        if (null == resume)
        {
            prepare(settings.out);  // a resumed run's, once its checkpoint is loaded; neither removes a summary yet
        }
        checkMemory(context, parameters, cells);
        final long startNs = System.nanoTime();
        final RunSetup setup = new RunSetup(parameters, cells, seed, context, RESERVED);
        try
        {
            final Observer observer = setUp(setup, null != context.shardLink());
            return run(setup, observer, startNs, runState(cells, maxTicks, resume), resume);
        }
        finally
        {
            final Exception failure = setup.close();
            if (null != failure)
            {
                context.warnings().accept(name + ": closing the run: " + oneLine(failure));
            }
        }
    }

    /**
     * Refuses, before anything is allocated, a run whose estimate passes the memory budget.
     */
    private void checkMemory(final Context context, final Parameters parameters, final long cells)
    {
        try
        {
            final MemoryEstimate estimate = new MemoryEstimate(context);
            settings.model.estimateMemory(parameters, cells, estimate);
            estimate.cells(cells).check(context.maxMemory());
        }
        catch (final ConfigurationException ex)
        {
            throw new ModelException("model " + name + ": " + ex.getMessage(), ModelException.EXIT_USAGE, ex);
        }
        catch (final IllegalArgumentException ex)
        {
            // A setting the estimate cannot use (a chunk shift out of range): launching names it, as bad input.
        }
    }

    private void prepare(final Path out)
    {
        if (null != out)
        {
            try
            {
                Outputs.prepare(out, "--out");
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ModelException(name + ": " + ex.getMessage(), ModelException.EXIT_USAGE, ex);
            }
        }
    }

    private RunState runState(final long cells, final long maxTicks, final Resume resume)
    {
        final RunState run = new RunState();
        run.cells = cells;
        run.maxTicks = maxTicks;
        run.every = settings.every;
        run.snapshotEvery = settings.snapshotEvery;
        run.checkpointEvery = settings.checkpointEvery;
        run.keepCheckpoints = settings.keepCheckpoints;
        if (null != resume)
        {
            run.parent = resume.parent();
            run.changes = new LinkedHashMap<>(resume.changes());
        }
        return run;
    }

    private Parameters parameters()
    {
        try
        {
            return Parameters.of(settings.model.parameters(),
                null == settings.resumeFrom ? settings.overrides : Resume.parameters(settings));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ModelException("model " + name + ": " + ex.getMessage(), ModelException.EXIT_USAGE, ex);
        }
    }

    private void check(final boolean ok, final String problem)
    {
        if (!ok)
        {
            throw new ModelException("model " + name + ": " + problem, ModelException.EXIT_USAGE, null);
        }
    }

    private Observer setUp(final RunSetup setup, final boolean sharded)
    {
        try
        {
            settings.model.setUp(setup);
            final Organism organism = setup.organism();
            setup.observations().close();
            if (sharded)
            {
                ShardRuns.check(name, setup.observations(), settings.out);
            }
            return new Observer(setup.observations(), organism);
        }
        catch (final ConfigurationException ex)
        {
            if (sharded)
            {
                throw ShardRuns.refused(name, ex);
            }
            throw new ModelException("model " + name + " failed during set-up: " + oneLine(ex),
                ModelException.EXIT_FAILURE, ex);
        }
        catch (final ModelException ex)
        {
            if (ModelException.EXIT_USAGE == ex.exitCode())
            {
                throw ex;  // the model refused a combination of parameters: bad input, its message as it is
            }
            throw new ModelException("model " + name + " failed during set-up: " + oneLine(ex),
                ModelException.EXIT_FAILURE, ex);
        }
        catch (final Exception | LinkageError | AssertionError | OutOfMemoryError ex)
        {
            final OutOfMemoryError oom = outOfMemory(ex);
            throw new ModelException("model " + name + (null != oom ? " ran out of memory during set-up: " +
                describe(oom) : " failed during set-up: " + oneLine(ex)), ModelException.EXIT_FAILURE, ex);
        }
    }

    private ModelRun.Result run(final RunSetup setup, final Observer observer, final long startNs,
        final RunState run, final Resume resume)
    {
        final Organism organism = setup.organism();
        final Path out = settings.out;
        final ObservationState observed = new ObservationState();
        if (null != resume)
        {
            // Parts read into what set-up made; the run section read back is the checkpoint's, not this run's.
            final List<CheckpointPart> parts = Checkpointing.parts(new RunState(), observed, setup.matrices(),
                setup.parts());
            if (null != settings.checkpointSet)
            {
                parts.addAll(settings.checkpointSet.parts());  // a shard's part: the set checks what it reads back
            }
            resume.restore(organism, parts);
        }
        final long setupNs = System.nanoTime() - startNs;
        if (null != settings.setUpDone)
        {
            settings.setUpDone.run();
        }
        try
        {
            final byte[] seriesPrefix = null == resume ? null : prefix(resume, Outputs.TIMESERIES,
                observed.seriesBytes, observed.seriesCrc, true);
            final byte[] latencyPrefix = null == resume ? null : prefix(resume, Outputs.LATENCY,
                observed.latencyBytes, observed.latencyCrc, false);
            if (null != out)
            {
                if (null != resume)
                {
                    prepare(out);  // a resumed run writes nothing until its checkpoint is loaded
                }
                Outputs.claim(out);  // the first file this run writes into the folder is the time series, below
            }
            try (TimeSeries series = new TimeSeries(observer.columns(), null == out ? null :
                    out.resolve(Outputs.TIMESERIES), seriesPrefix);
                TimeSeries latency = new TimeSeries(new String[]{ "tick", "tick_ns", "observe_ns" },
                    null == out ? null : out.resolve(Outputs.LATENCY), latencyPrefix))
            {
                final Snapshots snapshots = new Snapshots(null == out ? null : out.resolve(Outputs.SNAPSHOTS),
                    organism, setup.observations());
                if (null != resume && resume.isRunFolder(out))
                {
                    snapshots.written(observed.snapshots);
                }
                final ProgressMeter progress = new ProgressMeter(name, ShardRuns.progress(organism, settings.progress),
                    null != System.console(), settings.err, run.maxTicks);
                final Ticker ticker = new Ticker(observer, series, latency, snapshots, setup.stopCondition(),
                    progress, run.maxTicks, settings.every, settings.snapshotEvery, settings.stopRequest);
                final Checkpointing checkpoints = checkpointing(setup, run, observed, ticker);
                ticker.checkpoints(checkpoints);
                final ShardRuns.Traffic traffic = ShardRuns.Traffic.start(organism, observer.shard());
                final long runStartNs = System.nanoTime();
                ticks(organism, ticker, run.maxTicks, null == resume ? null : observed);
                final long runNs = System.nanoTime() - runStartNs;
                if (null != traffic)
                {
                    traffic.end();
                }
                surveySummary(setup, observer, organism);
                final long digest = organism.digest();  // every shard at the same point: they gather it
                final Map<String, Object> summary = summary(setup, organism, ticker, setupNs, runNs, startNs, run,
                    digest);
                if (null != traffic)
                {
                    traffic.summary(summary);
                }
                final ModelRun.Result result = new ModelRun.Result(summary, digest, out, settings.json)
                    .stopped(ticker.interrupted() && null != settings.stopRequest ? settings.stopRequest.reason() :
                        null,
                        null == checkpoints ? null : checkpoints.latest());
                if (null != out)
                {
                    finish(out, summary, series, latency, snapshots, setup, observer, result);
                }
                return result;
            }
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new ModelException("model " + name + ": writing the outputs under " + out + " failed: " +
                oneLine(ex), ModelException.EXIT_FAILURE, ex);
        }
    }

    /**
     * Computes the summary's survey values when the ticks are done: in one process a walk of the cells; in a sharded
     * run every shard walks its families and shard 0 gathers them, at the same point on every shard.
     */
    private static void surveySummary(final RunSetup setup, final Observer observer, final Organism organism)
    {
        final SurveyPass surveys = setup.surveys();
        if (null == surveys)
        {
            return;
        }
        if (null == observer.shard())
        {
            surveys.walk(organism);
            surveys.finish();
        }
        else
        {
            observer.shard().gatherSummary(organism.ticks(), surveys);
        }
    }

    /**
     * Writes the outputs of a complete run, summary.json last; a failure carries the run's results, to be printed all
     * the same.
     */
    private void finish(final Path out, final Map<String, Object> summary, final TimeSeries series,
        final TimeSeries latency, final Snapshots snapshots, final RunSetup setup, final Observer observer,
        final ModelRun.Result result)
    {
        try
        {
            series.finish();
            latency.finish();
            Report.write(out, "karyon run " + name, summary, series,
                Report.charts(setup.observations().items(), observer.engineColumns()), latency,
                snapshots.latestHeatmaps(), snapshots.written());
            Outputs.writeAtomically(out.resolve(Outputs.SUMMARY), Outputs.json(summary, true));
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new ModelException("model " + name + ": writing the outputs under " + out + " failed: " +
                oneLine(ex), ModelException.EXIT_FAILURE, ex).result(result);
        }
    }

    /**
     * The first bytes of a resumed run's time series; null to start it afresh (a run into another folder that cannot
     * find the earlier file says so on the warnings).
     */
    private byte[] prefix(final Resume resume, final String file, final long length, final int crc,
        final boolean needed) throws IOException
    {
        if (null == settings.out)
        {
            return null;
        }
        final byte[] prefix = resume.prefix(file, length, crc);
        if (null == prefix && needed)
        {
            if (resume.isRunFolder(settings.out))
            {
                resume.missing(file, length);
            }
            settings.err.println(name + ": " + file + " starts afresh at tick " + resume.header().tick() + ": the " +
                "checkpoint's run folder " + (resume.hasRunFolder() ? "does not hold its first rows" : "is gone"));
        }
        return prefix;
    }

    private Checkpointing checkpointing(final RunSetup setup, final RunState run, final ObservationState observed,
        final Ticker ticker)
    {
        if (null == settings.checkpointSet && (null == settings.out || null != setup.organism().context().shardLink()))
        {
            return null;  // a shard's checkpoint is a part of a set: never a lone file of its own
        }
        observed.source(ticker);
        final Map<String, String> values = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : setup.parameters().asMap().entrySet())
        {
            values.put(e.getKey(), String.valueOf(e.getValue()));
        }
        final CheckpointMeta meta = new CheckpointMeta(name, values, setup.seed(), run.parent);
        return new Checkpointing(setup.organism(), meta, Checkpointing.parts(run, observed, setup.matrices(),
            setup.parts()), null == settings.out ? null : settings.out.resolve(Checkpointing.DIR), run.checkpointEvery,
            run.keepCheckpoints, settings.checkpointSet);
    }

    private void ticks(final Organism organism, final Ticker ticker, final long maxTicks,
        final ObservationState resumed) throws IOException
    {
        try
        {
            if (null == resumed)
            {
                ticker.start(organism);
            }
            else
            {
                ticker.resume(resumed);
            }
            final long left = null != resumed && resumed.stopped ? 0 : maxTicks - organism.ticks();
            if (left > 0)
            {
                organism.runUntil(left, ticker);
            }
            else
            {
                ticker.end(organism);  // from a checkpoint of the last tick: only what that tick adds to the outputs
            }
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        catch (final RuntimeException | LinkageError | AssertionError | OutOfMemoryError ex)
        {
            if (ex instanceof ConfigurationException && null != organism.workers().shard())
            {
                throw ShardRuns.refused(name, (ConfigurationException)ex);  // a read a sharded run cannot gather
            }
            final OutOfMemoryError oom = outOfMemory(ex);
            throw new ModelException("model " + name + (null != oom ? " ran out of memory at tick " +
                organism.ticks() + ": " + describe(oom) : " failed at tick " + organism.ticks() + ": " + oneLine(ex)),
                ModelException.EXIT_FAILURE, ex);
        }
        finally
        {
            ticker.finish(organism);
        }
    }

    private Map<String, Object> summary(final RunSetup setup, final Organism organism, final Ticker ticker,
        final long setupNs, final long runNs, final long startNs, final RunState run, final long digest)
    {
        final Map<String, Object> summary = new LinkedHashMap<>();
        final Stats stats = organism.stats();
        final double runS = runNs / 1e9;
        summary.put("model", name);
        summary.put("parameters", setup.parameters().asMap());
        if (null != run.parent)
        {
            summary.put("parent_checkpoint", run.parent);
            summary.put("changes", new LinkedHashMap<String, Object>(run.changes));
        }
        summary.put("seed", setup.seed());
        summary.put("workers", setup.workers());
        if (null != organism.workers().shard())
        {
            summary.put("shards", organism.context().shardLink().shards());
        }
        summary.put("cells", setup.cells());
        summary.put("ticks", organism.ticks());
        summary.put("digest", String.format(Locale.ROOT, "0x%016x", digest));
        summary.put("wall_s", (System.nanoTime() - startNs) / 1e9);
        summary.put("setup_s", setupNs / 1e9);
        summary.put("run_s", runS);
        summary.put("seconds", runS);  // as karyon run --json said before models: the ticks' time, set-up excluded
        summary.put("ticks_per_s", organism.ticks() / runS);
        summary.put("stopped", ticker.stopped());
        summary.put("interrupted", ticker.interrupted());
        summary.put("observations", ticker.observations());
        summary.put("observe_s", ticker.observeSeconds());
        engine(summary, organism, stats, runS);
        for (final Map.Entry<String, DoubleSupplier> e : setup.summary().entrySet())
        {
            // Read on every shard, so that a survey a value makes is refused on every shard alike; kept on shard 0.
            final Object value = modelValue(e.getKey(), e.getValue(), null != organism.workers().shard());
            if (null == organism.workers().shard() || 0 == organism.context().shardLink().shard())
            {
                summary.put(e.getKey(), value);
            }
        }
        return summary;
    }

    private static void engine(final Map<String, Object> summary, final Organism organism, final Stats stats,
        final double runS)
    {
        summary.put("alive", stats.alive());
        summary.put("spawned", stats.spawned());
        summary.put("updates", stats.updates());
        summary.put("updates_per_s", stats.updates() / runS);
        summary.put("sent", stats.sent());
        summary.put("delivered", stats.delivered());
        summary.put("messages", stats.delivered());  // karyon run --json's name before models
        summary.put("messages_per_s", stats.delivered() / runS);
        summary.put("dead_letters", stats.deadLetters());
        summary.put("pending", stats.pending());
        summary.put("deaths", stats.deaths());
        summary.put("deaths_by_reason", stats.deathsByReason());
        summary.put("restarts", stats.restarts());
        summary.put("restarts_by_reason", stats.restartsByReason());
        summary.put("escalations", stats.escalations());
        summary.put("cross_worker", stats.crossWorker());
        summary.put("cross_worker_share", 0 == stats.sent() ? 0.0 : (double)stats.crossWorker() / stats.sent());
        summary.put("spilled", stats.spilled());
        summary.put("errors_not_logged", stats.errorsNotLogged());
        summary.put("distinct_errors", organism.readErrors((count, first, last, text) -> { }));
        final Histogram tickNs = organism.tickLatencies();
        final boolean any = tickNs.getTotalCount() > 0;
        summary.put("tick_ns_mean", any ? tickNs.getMean() : Double.NaN);
        summary.put("tick_ns_p50", any ? tickNs.getValueAtPercentile(50) : 0L);
        summary.put("tick_ns_p99", any ? tickNs.getValueAtPercentile(99) : 0L);
        summary.put("tick_ns_max", any ? tickNs.getMaxValue() : 0L);
        summary.put("allocated_bytes", organism.allocatedBytes());
    }

    /**
     * A model's summary value: a whole number (a count, a tick) as a long, so that it prints as 397239, not 397239.0.
     */
    private Object modelValue(final String field, final DoubleSupplier value, final boolean sharded)
    {
        final double number;
        try
        {
            number = value.getAsDouble();
        }
        catch (final ConfigurationException ex)
        {
            if (sharded)
            {
                throw ShardRuns.refused(name, ShardRuns.ungathered("summary value " + field, ex));
            }
            throw new ModelException("model " + name + " failed reading summary value " + field + ": " +
                oneLine(ex), ModelException.EXIT_FAILURE, ex);
        }
        catch (final RuntimeException ex)
        {
            throw new ModelException("model " + name + " failed reading summary value " + field + ": " +
                oneLine(ex), ModelException.EXIT_FAILURE, ex);
        }
        return whole(number) ? (Object)(long)number : (Object)number;
    }

    /**
     * Whether a number is whole and exactly a long (within 2^53, where every double is exact).
     */
    static boolean whole(final double number)
    {
        return Math.abs(number) <= WHOLE_LIMIT && number == Math.rint(number);
    }

    /**
     * The out-of-memory error a failure comes from (a worker's is the cause of the organism's), or null.
     */
    static OutOfMemoryError outOfMemory(final Throwable ex)
    {
        for (Throwable t = ex; null != t; t = t.getCause())
        {
            if (t instanceof OutOfMemoryError)
            {
                return (OutOfMemoryError)t;
            }
        }
        return null;
    }

    /**
     * What ran out, and what to change: the memory budget, the heap or the JVM's direct memory.
     */
    static String describe(final OutOfMemoryError oom)
    {
        final String message = String.valueOf(oom.getMessage());
        if (oom instanceof MemoryBudget.Exceeded || message.startsWith("out of memory"))
        {
            return message;
        }
        if (message.contains("direct buffer memory"))
        {
            return "out of direct memory (" + message + "): the JVM's limit on queues and tables; raise it with " +
                "-XX:MaxDirectMemorySize in KARYON_JAVA_OPTS, or run fewer cells";
        }
        if (message.contains("heap") || message.contains("array size") || message.contains("GC overhead"))
        {
            return "out of heap memory (" + message + "): raise -Xmx in KARYON_JAVA_OPTS, or run fewer cells";
        }
        return "out of memory (" + message + "): run fewer cells, or lower --max-memory below what the machine " +
            "has free";
    }

    /**
     * A throwable as one line: its message (its class if it has none), then its causes' messages.
     */
    static String oneLine(final Throwable ex)
    {
        final StringBuilder line = new StringBuilder();
        for (Throwable t = ex; null != t && line.length() < 400; t = t.getCause())
        {
            final String message = t.getMessage();
            final String text = null == message || message.isBlank() ? t.getClass().getName() :
                t instanceof RuntimeException && !(t.getClass().getName().startsWith("java.")) ||
                t instanceof IllegalArgumentException || t instanceof IllegalStateException ? message :
                t.getClass().getSimpleName() + ": " + message;
            if (line.indexOf(text) < 0)
            {
                line.append(line.length() > 0 ? ": " : "").append(text);
            }
        }
        return line.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
