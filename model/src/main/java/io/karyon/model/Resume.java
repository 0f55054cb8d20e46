package io.karyon.model;

import io.karyon.engine.Organism;
import io.karyon.engine.checkpoint.CheckpointException;
import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.engine.internal.ShardLink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run resumed from a checkpoint: reads and checks it before anything runs (the header, every checksum, the run
 * settings), works out what a fork changes and refuses what it may not, then, after the model's set-up, has
 * {@link Checkpoints#restore} replace the organism's state and read every part, and finds the first bytes of the
 * earlier run's time series to carry on from. Nothing is written to the output folder until the checkpoint is loaded.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
final class Resume
{
    private final Path file;
    private final String fileName;
    private final CheckpointHeader header;
    private final RunState saved;
    private final Path runFolder;
    private final Map<String, String> changes = new LinkedHashMap<>();
    private Path parentFile;

    private Resume(final Path file, final CheckpointHeader header, final RunState saved)
    {
        this.file = file;
        this.parentFile = file;
        this.fileName = String.valueOf(file.getFileName());
        this.header = header;
        this.saved = saved;
        this.runFolder = Checkpointing.runFolder(file);
    }

    /**
     * {@link ModelRun#resume}: the builder of a run from a checkpoint.
     */
    static ModelRun.Builder builder(final ModelCatalog catalog, final Path checkpoint)
    {
        Objects.requireNonNull(checkpoint, "checkpoint");
        final CheckpointHeader header;
        final RunState run;
        try
        {
            header = Checkpoints.inspect(checkpoint);
            run = RunState.load(checkpoint, header);
        }
        catch (final CheckpointException ex)
        {
            throw new ModelException(ex.getMessage(), ModelException.EXIT_USAGE, ex);
        }
        final Model model;
        try
        {
            model = catalog.find(header.meta().model());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ModelException(checkpoint.getFileName() + ": " + ex.getMessage() +
                " (a model from a jar needs --classpath)", ModelException.EXIT_USAGE, ex);
        }
        final ModelRun.Builder builder = ModelRun.builder(model, checkpoint, header, run)
            .cells(run.cells)
            .ticks(run.maxTicks)
            .seed(header.meta().seed())
            .every(run.every)
            .snapshotEvery(run.snapshotEvery)
            .checkpointEvery(run.checkpointEvery)
            .keepCheckpoints(run.keepCheckpoints)
            .out(Checkpointing.runFolder(checkpoint));
        return builder;
    }

    /**
     * Checks a resumed run's settings before anything runs.
     *
     * @param settings the builder; its overrides ({@code --set}) are a fork's changes.
     * @param out      the output folder, or null.
     * @return the resume.
     * @throws ModelException exit 2: a fixed parameter changed, a fork into the run's own folder, ticks before the
     *                        checkpoint's.
     */
    static Resume check(final ModelRun.Builder settings, final Parameters parameters, final long maxTicks)
    {
        final Resume resume = new Resume(settings.resumeFrom, settings.resumeHeader, settings.resumeRun);
        if (null != settings.parentCheckpoint)
        {
            resume.parentFile = settings.parentCheckpoint;  // a shard's part: its set's manifest is the parent
        }
        resume.checkChanges(settings.model, parameters);
        final ShardLink link = null == settings.context ? null : settings.context.shardLink();
        if (null == link || 0 == link.shard())
        {
            resume.checkOut(settings.out);  // a shard but 0 writes no outputs: shard 0 checks the fork's --out
        }
        if (maxTicks < resume.header.tick())
        {
            throw resume.refuse("--ticks " + maxTicks + " is before the checkpoint's tick " + resume.header.tick());
        }
        return resume;
    }

    /**
     * The parameters a resumed run sets: the checkpoint's, as text, then the builder's overrides.
     */
    static Map<String, Object> parameters(final ModelRun.Builder settings)
    {
        final Map<String, Object> values = new LinkedHashMap<>(settings.resumeHeader.meta().parameters());
        for (final Map.Entry<String, Object> e : settings.overrides.entrySet())
        {
            values.remove(e.getKey());
            values.put(e.getKey(), e.getValue());
        }
        return values;
    }

    private void checkChanges(final Model model, final Parameters parameters)
    {
        final Parameters before;
        try
        {
            before = Parameters.of(model.parameters(), new LinkedHashMap<>(header.meta().parameters()));
        }
        catch (final IllegalArgumentException ex)
        {
            throw refuse("its parameters do not fit the model " + model.name() + " here: " + ex.getMessage());
        }
        for (final Parameter p : model.parameters())
        {
            final Object was = before.asMap().get(p.name());
            final Object now = parameters.asMap().get(p.name());
            if (!Objects.equals(was, now))
            {
                if (p.isFixed())
                {
                    throw new ModelException("--set " + p.name() + "=" + now + ": " + p.name() + " is fixed once a " +
                        model.name() + " run is set up; a fork may change " +
                        (free(model).isEmpty() ? "no parameter" : String.join(", ", free(model))),
                        ModelException.EXIT_USAGE, null);
                }
                changes.put(p.name(), String.valueOf(now));
            }
        }
    }

    private static List<String> free(final Model model)
    {
        final List<String> free = new ArrayList<>();
        for (final Parameter p : model.parameters())
        {
            if (!p.isFixed())
            {
                free.add(p.name());
            }
        }
        return free;
    }

    private void checkOut(final Path out)
    {
        if (!changes.isEmpty() && (null == out || null != runFolder && same(out, runFolder)))
        {
            throw new ModelException("a fork (--set " + String.join(", ", changes.keySet()) + ") needs a new --out: " +
                (null == out ? "none was given" : out + " holds the run it forks from"), ModelException.EXIT_USAGE,
                null);
        }
    }

    private static boolean same(final Path a, final Path b)
    {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private ModelException refuse(final String problem)
    {
        return new ModelException(fileName + ": " + problem, ModelException.EXIT_USAGE, null);
    }

    /**
     * Whether this run forks (changes parameters).
     */
    boolean isFork()
    {
        return !changes.isEmpty();
    }

    /**
     * The checkpoint forked from (this one, or the set's manifest for a shard's part, for a fork; the run's own parent
     * otherwise), or null.
     */
    String parent()
    {
        return isFork() ? parentFile.toAbsolutePath().normalize().toString() : saved.parent;
    }

    /**
     * The parameters changed from the parent checkpoint (this fork's, or those the run's fork recorded).
     */
    Map<String, String> changes()
    {
        return isFork() ? changes : saved.changes();
    }

    /**
     * Loads the checkpoint into a set-up organism and the parts.
     *
     * @throws ModelException exit 2 with the engine's one line if it refuses the file (nothing has been written).
     */
    void restore(final Organism organism, final List<CheckpointPart> parts)
    {
        try
        {
            Checkpoints.restore(organism, file, parts);
        }
        catch (final CheckpointException ex)
        {
            throw new ModelException(ex.getMessage(), ModelException.EXIT_USAGE, ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new ModelException(fileName + ": " + Runner.oneLine(ex), ModelException.EXIT_USAGE, ex);
        }
    }

    /**
     * Whether a folder is the checkpoint's own run folder.
     */
    boolean isRunFolder(final Path out)
    {
        return null != out && null != runFolder && same(out, runFolder);
    }

    /**
     * The first bytes of an earlier run's time series, as far as the checkpoint saw it: from the run folder's file
     * (the temporary one a stopped or failed run left, else the finished one).
     *
     * @param name   the file's name, e.g. timeseries.csv.
     * @param length bytes the checkpoint saw.
     * @param crc    their CRC-32C.
     * @return the bytes, or null if neither file has them.
     */
    byte[] prefix(final String name, final long length, final int crc) throws IOException
    {
        if (null == runFolder)
        {
            return null;
        }
        final Path file = runFolder.resolve(name);
        final byte[] part = TimeSeries.prefix(Outputs.part(file), length, crc);
        return null != part ? part : TimeSeries.prefix(file, length, crc);
    }

    /**
     * Refuses a time series the checkpoint's run folder has lost, when resuming into that folder: carrying on
     * would leave a file without its first rows.
     */
    void missing(final String name, final long length)
    {
        throw refuse("its run folder's " + name + " is missing or does not start with the " + length +
            " bytes the checkpoint saw; resume into another --out to start the file afresh");
    }

    /**
     * The run folder, or null.
     */
    Path runFolder()
    {
        return runFolder;
    }

    /**
     * Whether the folder exists (a missing run folder is no error for a run into another one).
     */
    boolean hasRunFolder()
    {
        return null != runFolder && Files.isDirectory(runFolder);
    }

    /**
     * The checkpoint's header.
     */
    CheckpointHeader header()
    {
        return header;
    }
}
