package io.karyon.model;

import io.karyon.engine.Organism;
import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.CheckpointMeta;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.matrix.Matrix;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's checkpoints: {@code OUT/checkpoints/tick-<T>.kcp} every K ticks (and at the run's last tick), or once when
 * the run is asked to stop; keeps the newest N. Each holds the organism (the engine's sections) and the parts: the run
 * settings, the observations' running state, every matrix the run closes at its end, and the model's own.
 * <p>
 * <b>Note:</b> not threadsafe; the driver writes between ticks.
 */
final class Checkpointing
{
    /** The folder under the output folder. */
    static final String DIR = "checkpoints";
    /** Part: the run's settings. */
    static final String RUN = "run";
    /** Part: the observations' running state. */
    static final String OBSERVATIONS = "observations";
    /** Part: the first matrix; more are "matrix-2", "matrix-3"... */
    static final String MATRIX = "matrix";

    private static final Pattern FILE = Pattern.compile("tick-(\\d{1,18})\\.kcp");

    private final Organism organism;
    private final CheckpointMeta meta;
    private final List<CheckpointPart> parts;
    private final Path dir;
    private final long every;
    private final int keep;
    private final CheckpointSet set;
    private Path latest;

    /**
     * @param dir   the folder, or null with a set.
     * @param every ticks between checkpoints, 0 for none but the one a stop request writes.
     * @param keep  newest checkpoints kept, >= 1.
     * @param set   a shard's part of a sharded run's checkpoints (its files, its sections, the set's completion and
     *              pruning), or null.
     */
    Checkpointing(final Organism organism, final CheckpointMeta meta, final List<CheckpointPart> parts,
        final Path dir, final long every, final int keep, final CheckpointSet set)
    {
        this.organism = organism;
        this.meta = meta;
        this.parts = parts;
        this.dir = dir;
        this.every = every;
        this.keep = keep;
        this.set = set;
        if (null != set)
        {
            parts.addAll(set.parts());
        }
    }

    /**
     * Whether a part name is the run's own.
     */
    static boolean isReserved(final String name)
    {
        return RUN.equals(name) || OBSERVATIONS.equals(name) || MATRIX.equals(name) || name.startsWith(MATRIX + "-");
    }

    /**
     * Every part of a run's checkpoints, in the order they are written: run, observations, matrices, the model's.
     */
    static List<CheckpointPart> parts(final RunState run, final ObservationState observations,
        final List<Matrix> matrices, final List<CheckpointPart> model)
    {
        final List<CheckpointPart> parts = new ArrayList<>();
        parts.add(run);
        parts.add(observations);
        for (int i = 0; i < matrices.size(); i++)
        {
            parts.add(new MatrixPart(i, matrices.get(i)));
        }
        parts.addAll(model);
        return parts;
    }

    /**
     * The checkpoint of a tick in a folder.
     */
    static Path file(final Path dir, final long tick)
    {
        return dir.resolve("tick-" + tick + ".kcp");
    }

    /**
     * The run folder of a checkpoint: the parent of its {@code checkpoints/} folder.
     *
     * @return the folder, or null if the file is not in a folder of that name.
     */
    static Path runFolder(final Path checkpoint)
    {
        final Path absolute = checkpoint.toAbsolutePath().normalize();
        final Path folder = absolute.getParent();
        return null != folder && null != folder.getFileName() && DIR.equals(folder.getFileName().toString()) ?
            folder.getParent() : null;
    }

    /**
     * Whether the checkpoints come every K ticks (and at the last), not only on a stop request.
     */
    boolean isPeriodic()
    {
        return every > 0;
    }

    /**
     * Whether a tick is one of every K.
     */
    boolean isDue(final long done)
    {
        return every > 0 && 0 == done % every;
    }

    /**
     * The newest checkpoint written by this run.
     *
     * @return its file, or null.
     */
    Path latest()
    {
        return latest;
    }

    /**
     * Writes the checkpoint of a tick (once), then removes all but the newest N.
     *
     * @param done ticks completed.
     */
    void write(final long done) throws IOException
    {
        final Path file = null == set ? file(dir, done) : set.file(done);
        if (file.equals(latest))
        {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        final CheckpointHeader header = Checkpoints.write(organism, file, meta, parts);
        latest = file;
        if (null != set)
        {
            set.written(done, file, header);
            return;
        }
        prune();
    }

    private void prune() throws IOException
    {
        final List<long[]> ticks = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "tick-*.kcp"))
        {
            for (final Path f : files)
            {
                final Matcher m = FILE.matcher(f.getFileName().toString());
                if (m.matches())
                {
                    ticks.add(new long[]{ Long.parseLong(m.group(1)) });
                }
            }
        }
        ticks.sort((a, b) -> Long.compare(b[0], a[0]));
        for (int i = keep; i < ticks.size(); i++)
        {
            Files.deleteIfExists(file(dir, ticks.get(i)[0]));
        }
    }
}
