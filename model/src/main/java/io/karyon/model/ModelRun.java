package io.karyon.model;

import io.karyon.engine.Context;
import io.karyon.engine.checkpoint.CheckpointHeader;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a {@link Model}: resolves its parameters, launches an organism from a base {@link Context}, lets the
 * model set it up, runs its ticks (or until its stop condition), observes every K ticks, and writes the outputs
 * ({@code timeseries.csv}, snapshots, {@code report.html}, then {@code summary.json}) under an output folder.
 * <pre>
 *   ModelRun.Result result = ModelRun.builder(model).set("beta", "0.04").cells(100_000).seed(7)
 *       .out(Path.of("out")).run();
 * </pre>
 * <p>
 * <b>Note:</b> a builder is not threadsafe; each {@link Builder#run()} is one run on the calling thread (the driver).
 */
public final class ModelRun
{
    /** Checkpoints kept when a run does not say. */
    public static final int DEFAULT_KEEP_CHECKPOINTS = 2;

    private ModelRun()
    {
    }

    /**
     * A run that carries on from a checkpoint: the model it names (found in the catalog), its parameters, seed, cells
     * and settings, its ticks (or the model's stop condition), and the checkpoint's run folder (the parent of
     * {@code checkpoints/}) as the output folder, where it appends to {@code timeseries.csv} and rewrites
     * {@code summary.json} as the unbroken run would have them. Change the ticks, the workers (through
     * {@link Builder#context(Context)}), the output folder; {@link Builder#set(String, Object)} makes it a fork,
     * which needs a new output folder and may change only parameters that are not {@link Parameter#fixed() fixed}.
     *
     * @param catalog    where to find the model the checkpoint names.
     * @param checkpoint a {@code .kcp} file.
     * @return the builder.
     * @throws ModelException exit 2 with one line naming the file, if it is not a whole checkpoint of a run (every
     *                        checksum is verified) or names a model the catalog has not.
     */
    public static Builder resume(final ModelCatalog catalog, final Path checkpoint)
    {
        return Resume.builder(catalog, checkpoint);
    }

    /**
     * A run of a model from a checkpoint, for {@link #resume(ModelCatalog, Path)}.
     */
    static Builder builder(final Model model, final Path checkpoint, final CheckpointHeader header,
        final RunState run)
    {
        final Builder builder = new Builder(model);
        builder.resumeFrom = checkpoint;
        builder.resumeHeader = header;
        builder.resumeRun = run;
        return builder;
    }

    /**
     * A run of a model, with its defaults until told otherwise.
     *
     * @param model to run.
     * @return the builder.
     */
    public static Builder builder(final Model model)
    {
        return new Builder(Objects.requireNonNull(model, "model"));
    }

    /**
     * The settings of a run: parameters, population, ticks, seed, the engine's context, observations and outputs.
     * <p>
     * <b>Note:</b> not threadsafe.
     */
    public static final class Builder
    {
        final Model model;
        final Map<String, Object> overrides = new LinkedHashMap<>();
        long cells = -1;
        long ticks;
        Long seed;
        Context context;
        int every = 1;
        int snapshotEvery;
        Path out;
        Progress progress = Progress.AUTO;
        boolean json;
        PrintStream err = System.err;
        long checkpointEvery;
        int keepCheckpoints = DEFAULT_KEEP_CHECKPOINTS;
        StopRequest stopRequest;
        Runnable setUpDone;
        CheckpointSet checkpointSet;
        Path resumeFrom;
        CheckpointHeader resumeHeader;
        RunState resumeRun;
        Path parentCheckpoint;

        private Builder(final Model model)
        {
            this.model = model;
        }

        /**
         * Sets a parameter: a {@code String} is parsed as the parameter's type, another value is checked as it is
         * ({@link Parameter#check(Object)}); later calls win. Checked by {@link #run()}.
         *
         * @param name  of a parameter the model declares.
         * @param value its value.
         * @return this.
         */
        public Builder set(final String name, final Object value)
        {
            overrides.remove(name);
            overrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Cells to create ({@link Setup#cells()}); by default {@link Model#defaultCells()}.
         *
         * @param cells >= 1.
         * @return this.
         */
        public Builder cells(final long cells)
        {
            this.cells = cells;
            return this;
        }

        /**
         * Most ticks to run; the model's stop condition may end the run sooner.
         *
         * @param ticks >= 1, or 0 for {@link Model#defaultTicks()}.
         * @return this.
         */
        public Builder ticks(final long ticks)
        {
            this.ticks = ticks;
            return this;
        }

        /**
         * The run's seed (also the organism's); by default the context's.
         *
         * @param seed of the run.
         * @return this.
         */
        public Builder seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /**
         * The engine's settings to start from (workers, idle strategy, pinning, policy already applied); the run
         * sets its seed, and resolves 0 workers to one per core this process may use. By default a fresh
         * {@link Context} ({@code karyon.*} properties). A context with a {@link Context#shardLink shard link} makes
         * the run one shard of a sharded run (docs/spec/shards.md): shard 0 gathers the observations, decides when
         * the run stops, shows the progress and writes the outputs; the others only run their workers.
         *
         * @param base context, not yet launched; the run changes it.
         * @return this.
         */
        public Builder context(final Context base)
        {
            this.context = base;
            return this;
        }

        /**
         * Observes every k ticks (and at tick 0 and the last tick).
         *
         * @param k >= 1; default 1.
         * @return this.
         */
        public Builder every(final int k)
        {
            this.every = k;
            return this;
        }

        /**
         * Writes snapshots every k ticks (and at tick 0 and the last tick).
         *
         * @param k >= 1, or 0 (the default) for a snapshot of the last tick only.
         * @return this.
         */
        public Builder snapshotEvery(final int k)
        {
            this.snapshotEvery = k;
            return this;
        }

        /**
         * Folder for {@code timeseries.csv}, {@code summary.json}, {@code snapshots/} and {@code report.html};
         * created if missing.
         *
         * @param dir the folder, or null (the default) for no files.
         * @return this.
         */
        public Builder out(final Path dir)
        {
            this.out = dir;
            return this;
        }

        /**
         * How progress is shown on stderr.
         *
         * @param mode AUTO (the default), PLAIN or NONE.
         * @return this.
         */
        public Builder progress(final Progress mode)
        {
            this.progress = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Where progress goes; by default {@code System.err}.
         *
         * @param stream for progress lines.
         * @return this.
         */
        public Builder progressTo(final PrintStream stream)
        {
            this.err = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /**
         * Whether {@link Result#print(PrintStream)} prints the summary as one JSON object rather than as text.
         *
         * @param json true for JSON.
         * @return this.
         */
        public Builder json(final boolean json)
        {
            this.json = json;
            return this;
        }

        /**
         * Writes a checkpoint every k ticks, and at the run's last tick, to {@code OUT/checkpoints/tick-<T>.kcp}
         * ({@link #out(Path)} is then needed); with an output folder, a {@link #stopRequest(StopRequest) stop request}
         * writes one whatever this says.
         *
         * @param k >= 1, or 0 (the default) for none.
         * @return this.
         */
        public Builder checkpointEvery(final long k)
        {
            this.checkpointEvery = k;
            return this;
        }

        /**
         * How many checkpoints stay: the newest n; older ones are removed as new ones are written.
         *
         * @param n >= 1; default {@value ModelRun#DEFAULT_KEEP_CHECKPOINTS}.
         * @return this.
         */
        public Builder keepCheckpoints(final int n)
        {
            this.keepCheckpoints = n;
            return this;
        }

        /**
         * Makes this run one shard's of a sharded run's checkpoints: its parts go where the set says (not to
         * {@code OUT/checkpoints/tick-<T>.kcp}, and without an output folder too), at the ticks
         * {@link #checkpointEvery(long)} says and on a stop request, and the set is completed by it.
         *
         * @param set the shard's checkpoints, or null (the default) for a run's own.
         * @return this.
         */
        public Builder checkpointSet(final CheckpointSet set)
        {
            this.checkpointSet = set;
            return this;
        }

        /**
         * Lets another thread (a signal handler) end the run early and safely: after the tick under way it writes a
         * checkpoint (with an output folder) and the outputs as of that tick.
         *
         * @param request checked once per tick, or null (the default) for none.
         * @return this.
         */
        public Builder stopRequest(final StopRequest request)
        {
            this.stopRequest = request;
            return this;
        }

        /**
         * Told on the run's thread once the model is set up (and restored, for a resume), before any output is opened
         * and before the first tick: a sharded run's launcher, or the command of a run in one process, which stops a
         * run still starting at once, hands a stop request over to the ticks from then on.
         *
         * @param action to run, or null (the default) for none.
         * @return this.
         */
        public Builder setUpDone(final Runnable action)
        {
            this.setUpDone = action;
            return this;
        }

        /**
         * The file a fork of this resumed run names as the checkpoint it forked from ({@code parent_checkpoint} in
         * its summary and its checkpoints): by default the checkpoint it resumes from; a sharded run's shard, which
         * resumes its part of a set, names the set's manifest, as one process names its checkpoint file.
         *
         * @param file the parent to record, or null for the checkpoint resumed from.
         * @return this.
         */
        public Builder parentCheckpoint(final Path file)
        {
            this.parentCheckpoint = file;
            return this;
        }

        /**
         * The checkpoint this run resumes from, or null.
         *
         * @return its file.
         */
        public Path resumeFrom()
        {
            return resumeFrom;
        }

        /**
         * Checks the input as {@link #run()} does first (parameters, cells, ticks, every) and readies the output
         * folder, running nothing: a launcher of a sharded run checks this before it starts the other shards.
         *
         * @throws ModelException exit 2 naming what is bad.
         */
        public void check()
        {
            new Runner(this).check();
        }

        /**
         * Runs the model.
         *
         * @return the result.
         * @throws ModelException exit 2 for bad input (an unknown parameter, a value that does not fit, bad cells,
         *                        ticks or every, an unwritable out: nothing ran); exit 1 when the model fails while
         *                        being set up or run.
         */
        public Result run()
        {
            return new Runner(this).run();
        }
    }

    /**
     * What a run gives back: its summary (what {@code summary.json} holds), digest and output folder.
     */
    public static final class Result
    {
        private final Map<String, Object> summary;
        private final long digest;
        private final Path out;
        private final boolean json;
        private String stopReason;
        private Path checkpoint;

        Result(final Map<String, Object> summary, final long digest, final Path out, final boolean json)
        {
            this.summary = Collections.unmodifiableMap(summary);
            this.digest = digest;
            this.out = out;
            this.json = json;
        }

        Result stopped(final String reason, final Path latest)
        {
            this.stopReason = reason;
            this.checkpoint = latest;
            return this;
        }

        /**
         * Why the run ended before its ticks or its stop condition: a {@link StopRequest}'s reason.
         *
         * @return the reason, or null if the run was not asked to stop.
         */
        public String stopReason()
        {
            return stopReason;
        }

        /**
         * The newest checkpoint the run wrote.
         *
         * @return its file, or null if it wrote none.
         */
        public Path checkpoint()
        {
            return checkpoint;
        }

        /**
         * The summary, in order: model, parameters, seed, workers, cells, ticks, digest ("0x%016x"), wall_s,
         * setup_s, run_s, ticks_per_s, the engine's stats, then the model's summary values.
         *
         * @return field name to value (a Number, String, or nested Map), unmodifiable.
         */
        public Map<String, Object> summary()
        {
            return summary;
        }

        /**
         * The organism's digest at the end of the run.
         *
         * @return the digest.
         */
        public long digest()
        {
            return digest;
        }

        /**
         * The output folder.
         *
         * @return the folder, or null if the run wrote no files.
         */
        public Path out()
        {
            return out;
        }

        /**
         * The summary as one line of JSON.
         *
         * @return the JSON object.
         */
        public String toJson()
        {
            return Outputs.json(summary, false);
        }

        /**
         * The summary as aligned text lines, one field a line.
         *
         * @return the text, ending with a newline.
         */
        public String toText()
        {
            return Outputs.text(summary);
        }

        /**
         * Prints the summary as the run was told ({@link Builder#json(boolean)}): one JSON line, or text.
         *
         * @param stream to print to.
         */
        public void print(final PrintStream stream)
        {
            if (json)
            {
                stream.println(toJson());
            }
            else
            {
                stream.print(toText());
            }
            stream.flush();
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "ModelRun.Result" + summary;
        }
    }
}
