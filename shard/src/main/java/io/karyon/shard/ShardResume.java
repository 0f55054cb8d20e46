package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.engine.checkpoint.CheckpointException;
import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code karyon resume DIR} of a sharded run: finds the newest complete set of checkpoints (the newest
 * {@link ShardManifest} in {@code DIR/checkpoints}, or the folder or manifest named), checks every part against the
 * manifest before anything starts (present, of the length and sections it names, every checksum sound, of this run,
 * this shard and this shard count, at the manifest's tick), then restarts the whole run on as many shards as it had,
 * each shard restoring its own part after the model's set-up, and carries it on to its end, writing checkpoints as the
 * run did (each shard's {@link ModelRun} resumes from its part as one process resumes from its checkpoint: shard 0
 * carries the run folder's outputs on). A refusal is one line, exit 2, and nothing is written.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
public final class ShardResume
{
    private final Path dir;
    private final Path manifestFile;
    private final ShardManifest manifest;

    private ShardResume(final Path dir, final Path manifestFile, final ShardManifest manifest)
    {
        this.dir = dir;
        this.manifestFile = manifestFile;
        this.manifest = manifest;
    }

    /**
     * Whether a path names a sharded run's checkpoints rather than one process's {@code .kcp} file: a folder, or a
     * manifest file.
     *
     * @param path as given.
     * @return true for a folder or a {@code *.manifest.json}.
     */
    public static boolean isSharded(final Path path)
    {
        return Files.isDirectory(path) || String.valueOf(path.getFileName()).endsWith(".manifest.json");
    }

    /**
     * Finds and checks the set to resume from.
     *
     * @param path a run's output folder, its {@code checkpoints} folder, or a manifest file.
     * @return the checked set.
     * @throws ModelException exit 2, one line naming the file and what is wrong, if no complete set is found or the
     *                        set is refused.
     */
    public static ShardResume load(final Path path)
    {
        final Path file = manifestOf(path);
        final ShardManifest manifest = ShardManifest.read(file);
        final String name = String.valueOf(file.getFileName());
        if (ShardManifest.tickOf(file) != manifest.tick())
        {
            throw refuse(name, "holds the set of tick " + manifest.tick() + ", not the tick its name says");
        }
        final ShardResume resume = new ShardResume(file.toAbsolutePath().getParent(), file, manifest);
        for (final ShardManifest.Part part : manifest.parts())
        {
            resume.check(part);
        }
        return resume;
    }

    /**
     * A set of a run across hosts, as one host holds it: its manifest copy and this shard's part, checked against it
     * (the other parts are on the other hosts, which check their own).
     *
     * @param file  the manifest copy.
     * @param shard this host's shard.
     * @return the checked set.
     * @throws ModelException exit 2, one line naming the file and what is wrong.
     */
    static ShardResume loadOwn(final Path file, final int shard)
    {
        final ShardManifest manifest = ShardManifest.read(file);
        final String name = String.valueOf(file.getFileName());
        if (ShardManifest.tickOf(file) != manifest.tick())
        {
            throw refuse(name, "holds the set of tick " + manifest.tick() + ", not the tick its name says");
        }
        if (shard >= manifest.shards())
        {
            throw refuse(name, "is a set of " + manifest.shards() + " shards, not of shard " + shard);
        }
        final ShardResume resume = new ShardResume(file.toAbsolutePath().getParent(), file, manifest);
        resume.check(manifest.parts().get(shard));
        return resume;
    }

    private static Path manifestOf(final Path path)
    {
        if (!Files.isDirectory(path))
        {
            if (!Files.isRegularFile(path))
            {
                throw refuse(String.valueOf(path), "no such file or folder");
            }
            if (ShardManifest.tickOf(path) < 0)
            {
                throw refuse(String.valueOf(path.getFileName()), "not a sharded run's manifest " +
                    "(tick-T.manifest.json) nor a folder of them");
            }
            return path;
        }
        final Path dir = Files.isDirectory(path.resolve("checkpoints")) ? path.resolve("checkpoints") : path;
        Path newest = null;
        long newestTick = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "tick-*.manifest.json"))
        {
            for (final Path f : files)
            {
                final long tick = ShardManifest.tickOf(f);
                if (tick > newestTick)
                {
                    newestTick = tick;
                    newest = f;
                }
            }
        }
        catch (final IOException ex)
        {
            throw refuse(String.valueOf(dir), "cannot be read: " + ex.getMessage());
        }
        if (null == newest)
        {
            throw refuse(String.valueOf(dir), "holds no complete set of a sharded run's checkpoints " +
                "(no tick-T.manifest.json)");
        }
        return newest;
    }

    private void check(final ShardManifest.Part part)
    {
        final String name = String.valueOf(manifestFile.getFileName());
        final String what = "part of shard " + part.shard() + " (" + part.file() + ")";
        final Path file = dir.resolve(part.file());
        if (!Files.isRegularFile(file))
        {
            throw refuse(name, what + " is missing");
        }
        final long length;
        final CheckpointHeader header;
        final ShardPart shard;
        try
        {
            length = Files.size(file);
            if (length != part.length())
            {
                throw refuse(name, what + " is " + length + " bytes, the manifest says " + part.length());
            }
            header = Checkpoints.inspect(file);
            shard = ShardPart.load(file, header);
        }
        catch (final CheckpointException ex)
        {
            throw refuse(name, what + ": " + ex.getMessage());
        }
        catch (final IOException ex)
        {
            throw refuse(name, what + " cannot be read: " + ex.getMessage());
        }
        final String mismatch = mismatch(part, header, shard);
        if (null != mismatch)
        {
            throw refuse(name, what + " is not of this set: " + mismatch);
        }
    }

    private String mismatch(final ShardManifest.Part part, final CheckpointHeader header, final ShardPart shard)
    {
        final ShardManifest m = manifest;
        if (!m.runId().equals(shard.runId))
        {
            return "its run id is " + shard.runId + ", the manifest's " + m.runId();
        }
        if (shard.shards != m.shards() || shard.shard != part.shard())
        {
            return "it is shard " + shard.shard + " of " + shard.shards + ", the manifest names shard " +
                part.shard() + " of " + m.shards();
        }
        if (header.tick() != m.tick())
        {
            return "it is of tick " + header.tick() + ", the manifest's is " + m.tick();
        }
        if (!m.model().equals(header.meta().model()) || m.seed() != header.meta().seed() ||
            !m.parameters().equals(header.meta().parameters()))
        {
            return "its model, seed or parameters (" + header.meta().model() + ", seed " + header.meta().seed() +
                ", " + header.meta().parameters() + ") differ from the manifest's";
        }
        if (shard.workers != m.workers() || shard.cells != m.cells() || shard.ticks != m.ticks() ||
            shard.every != m.every() || shard.keep != m.keep() || header.workerCount() != m.shards() * m.workers())
        {
            return "its settings (workers " + shard.workers + ", cells " + shard.cells + ", ticks " + shard.ticks +
                ", every " + shard.every + ", keep " + shard.keep + ") differ from the manifest's";
        }
        if (ShardPart.sectionsChecksum(header) != part.checksum())
        {
            return "its sections' checksums differ from those the manifest recorded";
        }
        return null;
    }

    /**
     * The manifest of the set.
     *
     * @return the manifest.
     */
    public ShardManifest manifest()
    {
        return manifest;
    }

    /**
     * The manifest's file.
     *
     * @return the file.
     */
    public Path manifestFile()
    {
        return manifestFile;
    }

    /**
     * Restarts the whole run from the set, on this host over IPC, and runs it to its end.
     *
     * @param catalog the models.
     * @param shards  shards asked for ({@code --shards}), or 0 for the set's.
     * @param base    shard 0's context (threading, pinning), or null.
     * @param first   what shard 0 sets besides (progress, JSON, stop request); its output folder is by default the
     *                set's run folder (the parent of its checkpoints folder), where it carries the outputs on.
     * @return shard 0's result: the whole run's summary and digest.
     * @throws ModelException exit 2 for another shard count or a model not found, exit 1 if the run fails.
     */
    public ShardRun.Result run(final ModelCatalog catalog, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first)
    {
        return run(catalog, shards, base, first, Changes.NONE);
    }

    /**
     * What a resume changes, as {@code karyon resume} of one process does: the ticks, parameters (a fork, which needs
     * a new output folder), the output folder, the checkpoints' interval and count.
     *
     * @param ticks      ticks the run lasts in all, counted from its start, or 0 for the set's.
     * @param parameters parameters to change, by name, as text (a fork); empty for none.
     * @param out        shard 0's output folder, where the run's next sets go too ({@code out/checkpoints}), or null
     *                   for the set's run folder.
     * @param every      ticks between checkpoints, or -1 for the set's.
     * @param keep       complete sets kept, or 0 for the set's.
     */
    public record Changes(long ticks, Map<String, String> parameters, Path out, long every, int keep)
    {
        /** No change: the run goes on as it ran, to its end. */
        public static final Changes NONE = new Changes(0, Map.of(), null, -1, 0);

        /**
         * Copies.
         */
        public Changes
        {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }

    /**
     * Restarts the whole run from the set with changes, on this host over IPC, and runs it to its end. A fork (a
     * parameter changed) needs an output folder of its own, where its sets go; they keep the set's run id (each part
     * restores only into the run its {@code shard} section names), and its manifests hold the changed parameters.
     *
     * @param catalog the models.
     * @param shards  shards asked for ({@code --shards}), or 0 for the set's.
     * @param base    shard 0's context (threading, pinning), or null.
     * @param first   what shard 0 sets besides (progress, JSON, stop request).
     * @param changes the ticks, parameters, output folder and checkpoint settings changed.
     * @return shard 0's result: the whole run's summary and digest.
     * @throws ModelException exit 2 for another shard count, a model not found, a fork without a new output folder,
     *                        a fixed parameter changed, ticks before the set's; exit 1 if the run fails.
     */
    public ShardRun.Result run(final ModelCatalog catalog, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first, final Changes changes)
    {
        return run(catalog, shards, base, first, changes, null);
    }

    /**
     * Restarts the whole run from the set with changes, as {@link #run(ModelCatalog, int, Context, UnaryOperator,
     * Changes)} does, stopped at once by a stop request that comes while it still starts (launching the shards,
     * joining them, setting the model up and restoring every part: {@link ShardStart}), as
     * {@link ShardLauncher#launch(ShardRun.Spec, int, Context, UnaryOperator, ShardCheckpoints.Settings, List,
     * ShardStart)} is; after that, {@code first}'s stop request is taken by the ticks.
     *
     * @param catalog the models.
     * @param shards  shards asked for ({@code --shards}), or 0 for the set's.
     * @param base    shard 0's context (threading, pinning), or null.
     * @param first   what shard 0 sets besides (progress, JSON, stop request).
     * @param changes the ticks, parameters, output folder and checkpoint settings changed.
     * @param start   the run's stop request while it starts, or null for none.
     * @return shard 0's result: the whole run's summary and digest.
     * @throws ShardStart.Stopped after a stop request while the shards were launched or joined.
     * @throws ModelException     exit 2 for another shard count, a model not found, a fork without a new output
     *                            folder, a fixed parameter changed, ticks before the set's; exit 1 if the run fails.
     */
    public ShardRun.Result run(final ModelCatalog catalog, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first, final Changes changes, final ShardStart start)
    {
        final String name = String.valueOf(manifestFile.getFileName());
        if (0 != shards && shards != manifest.shards())
        {
            throw refuse(name, "is a set of " + manifest.shards() + " shards; a sharded run resumes on as many " +
                "shards as it ran on, not --shards " + shards);
        }
        final Model model;
        try
        {
            model = catalog.find(manifest.model());
        }
        catch (final IllegalArgumentException ex)
        {
            throw refuse(name, ex.getMessage() + " (a model from a jar needs --classpath)");
        }
        final Map<String, Object> parameters = new LinkedHashMap<>(manifest.parameters());
        for (final Map.Entry<String, String> e : changes.parameters().entrySet())
        {
            parameters.remove(e.getKey());
            parameters.put(e.getKey(), e.getValue());
        }
        final ShardRun.Spec spec = new ShardRun.Spec(model, parameters, manifest.cells(),
            0 == changes.ticks() ? manifest.ticks() : changes.ticks(), manifest.seed(), manifest.workers());
        final ShardCheckpoints.Settings settings = new ShardCheckpoints.Settings(
            null == changes.out() ? dir : changes.out().resolve("checkpoints"),
            changes.every() < 0 ? manifest.every() : changes.every(), 0 == changes.keep() ? manifest.keep() :
            changes.keep(), manifest.runId());
        // As one process: the set's run folder by default (where a fork is refused: it needs a new one).
        final UnaryOperator<ModelRun.Builder> shard0 = (run) -> first.apply(null == changes.out() ? run :
            run.out(changes.out()));
        return ShardLauncher.launch(spec, manifest.shards(), base, shard0, settings, parts(), start);
    }

    /**
     * The run's spec, as the manifest records it.
     *
     * @param model the manifest's model.
     * @return the spec every shard is given.
     */
    public ShardRun.Spec spec(final Model model)
    {
        return new ShardRun.Spec(model, new LinkedHashMap<>(manifest.parameters()), manifest.cells(),
            manifest.ticks(), manifest.seed(), manifest.workers());
    }

    /**
     * The run's checkpoint settings, as the manifest records them: the resumed run writes its next sets beside it.
     *
     * @return the settings.
     */
    public ShardCheckpoints.Settings settings()
    {
        return new ShardCheckpoints.Settings(dir, manifest.every(), manifest.keep(), manifest.runId());
    }

    /**
     * Every shard's part, by shard.
     *
     * @return the files.
     */
    public List<Path> parts()
    {
        final List<Path> files = new ArrayList<>();
        for (final ShardManifest.Part part : manifest.parts())
        {
            files.add(dir.resolve(part.file()));
        }
        return files;
    }

    private static ModelException refuse(final String where, final String problem)
    {
        return new ModelException(where + ": " + problem, ModelException.EXIT_USAGE, null);
    }
}
