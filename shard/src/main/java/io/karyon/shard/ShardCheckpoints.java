package io.karyon.shard;

import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.CheckpointMeta;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.model.CheckpointSet;
import io.karyon.model.ModelException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sharded run's checkpoints: every K ticks (and at the run's last tick) every shard writes its part,
 * {@code tick-<T>.shard-<I>.kcp}, its process's whole organism (its own workers' families, and the stand-ins' copies
 * as the process holds them) with a {@code shard} section naming the run, and reports it to shard 0 over the link;
 * shard 0, once every part of the tick is reported written, writes the {@link ShardManifest} and removes all but the
 * newest N complete sets (and parts of sets that never completed). The shards take their parts between the same ticks,
 * so the set is one tick boundary of the whole run.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's, between ticks, at the same point on every shard.
 */
public final class ShardCheckpoints implements CheckpointSet
{
    private static final int REPORT_LENGTH = 3 * Long.BYTES;
    private static final Pattern PART = Pattern.compile("tick-(\\d{1,18})\\.shard-\\d{1,2}\\.kcp");

    /**
     * A sharded run's checkpoint settings, the same on every shard.
     *
     * @param dir   the checkpoints' folder ({@code OUT/checkpoints}).
     * @param every ticks between checkpoints, or 0 for none but the one a stop request writes.
     * @param keep  complete sets kept, >= 1.
     * @param runId the run's id, in every part and the manifest; a resumed run keeps it.
     * @param ownFolder whether every shard has a folder of its own (a run across hosts): shard 0 then sends every
     *                  shard the manifest, which each writes beside its part and prunes its own parts by.
     */
    public record Settings(Path dir, long every, int keep, String runId, boolean ownFolder)
    {
        /**
         * One folder that every shard writes into (a run on this host).
         *
         * @param dir   the checkpoints' folder ({@code OUT/checkpoints}).
         * @param every ticks between checkpoints, or 0 for none but the one a stop request writes.
         * @param keep  complete sets kept, >= 1.
         * @param runId the run's id, in every part and the manifest; a resumed run keeps it.
         */
        public Settings(final Path dir, final long every, final int keep, final String runId)
        {
            this(dir, every, keep, runId, false);
        }

        /**
         * Checks.
         */
        public Settings
        {
            if (null == dir || every < 0 || keep < 1 || null == runId || runId.isEmpty() || runId.contains(" "))
            {
                throw new ModelException("sharded checkpoints need a folder, every >= 0, keep >= 1 and a run id: " +
                    "dir=" + dir + ", every=" + every + ", keep=" + keep + ", runId=" + runId,
                    ModelException.EXIT_USAGE, null);
            }
        }

        /**
         * A new run's id: random, so that parts of two runs in one folder are told apart.
         *
         * @return 16 hex digits.
         */
        public static String newRunId()
        {
            return String.format(Locale.ROOT, "%016x", new SecureRandom().nextLong());
        }
    }

    private final Settings settings;
    private final ShardRun.Spec spec;
    private final AeronShardLink link;
    private final int shard;
    private final int shards;
    private final ShardPart part;

    ShardCheckpoints(final Settings settings, final ShardRun.Spec spec, final AeronShardLink link)
    {
        this.settings = settings;
        this.spec = spec;
        this.link = link;
        this.shard = link.shard();
        this.shards = link.shards();
        this.part = new ShardPart(settings.runId(), shard, shards, spec.workers(), spec.resolvedCells(),
            spec.resolvedTicks(), settings.every(), settings.keep());
    }

    /**
     * {@inheritDoc}
     */
    public Path file(final long tick)
    {
        return ShardManifest.partFile(settings.dir(), tick, shard);
    }

    /**
     * {@inheritDoc}
     */
    public List<CheckpointPart> parts()
    {
        return List.of(part);
    }

    /**
     * Reports this shard's part to shard 0; shard 0 waits for every other shard's report, writes the manifest and
     * removes old sets.
     *
     * @throws ModelException exit 1 naming the shard that sent no report or could not write its part.
     */
    public void written(final long tick, final Path file, final CheckpointHeader header) throws IOException
    {
        final long length = Files.size(file);
        final long checksum = ShardPart.sectionsChecksum(header);
        if (0 != shard)
        {
            final UnsafeBuffer report = new UnsafeBuffer(new byte[REPORT_LENGTH]);
            report.putLong(0, tick);
            report.putLong(Long.BYTES, length);
            report.putLong(2 * Long.BYTES, checksum);
            link.send(0, report, 0, REPORT_LENGTH);
            if (settings.ownFolder())
            {
                received(tick);
            }
            return;
        }
        final List<ShardManifest.Part> parts = new ArrayList<>(shards);
        parts.add(new ShardManifest.Part(0, String.valueOf(file.getFileName()), length, checksum));
        for (int s = 1; s < shards; s++)
        {
            final DirectBuffer report = await(link, s, "reported no part of the checkpoint of tick " + tick);
            if (REPORT_LENGTH != report.capacity() || report.getLong(0) != tick)
            {
                throw new ModelException("shard " + s + " of " + shards + " sent no report of its part of the " +
                    "checkpoint of tick " + tick + " where one was due", ModelException.EXIT_FAILURE, null);
            }
            parts.add(new ShardManifest.Part(s, String.valueOf(ShardManifest.partFile(settings.dir(), tick, s)
                .getFileName()), report.getLong(Long.BYTES), report.getLong(2 * Long.BYTES)));
        }
        final CheckpointMeta meta = header.meta();
        final ShardManifest manifest = new ShardManifest(settings.runId(), meta.model(), meta.seed(), shards,
            spec.workers(), spec.resolvedCells(), spec.resolvedTicks(), tick, settings.every(), settings.keep(),
            meta.parameters(), parts);
        manifest.write(settings.dir());
        if (settings.ownFolder())
        {
            final UnsafeBuffer text = new UnsafeBuffer(manifest.toJson().getBytes(StandardCharsets.UTF_8));
            for (int s = 1; s < shards; s++)
            {
                link.send(s, text, 0, text.capacity());
            }
        }
        prune();
    }

    /**
     * A shard other than 0 with a folder of its own: takes the manifest shard 0 wrote, writes its copy beside its
     * part (a temporary file, synced, renamed) and prunes its own parts by it.
     */
    private void received(final long tick) throws IOException
    {
        final DirectBuffer in = await(link, 0, "sent no manifest of the checkpoint of tick " + tick);
        final String name = String.valueOf(ShardManifest.file(settings.dir(), tick).getFileName());
        final ShardManifest manifest = ShardManifest.parse(in.getStringWithoutLengthUtf8(0, in.capacity()), name);
        if (manifest.tick() != tick || !manifest.runId().equals(settings.runId()) || manifest.shards() != shards)
        {
            throw new ModelException("shard 0 of " + shards + " sent the manifest of tick " + manifest.tick() +
                " of run " + manifest.runId() + " where the one of tick " + tick + " of run " + settings.runId() +
                " was due", ModelException.EXIT_FAILURE, null);
        }
        manifest.write(settings.dir());
        prune();
    }

    /**
     * The next piece from shard {@code from}, waited for up to the link's timeout the way the link waits within a
     * tick ({@link AeronShardLink#waitStrategy()}: spins, yields, then parks), not by spinning on a core the workers
     * and the other shards may need.
     *
     * @param link to the other shards.
     * @param from the shard it is due from.
     * @param what what shard {@code from} failed to do, for the error ("sent no manifest of ...").
     * @return the piece, valid until the next poll of that shard.
     * @throws ModelException (exit 1) naming the shard once the timeout has passed.
     */
    static DirectBuffer await(final AeronShardLink link, final int from, final String what)
    {
        final IdleStrategy waiting = link.waitStrategy();
        final long startNs = System.nanoTime();
        while (true)
        {
            final DirectBuffer in = link.poll(from);
            if (null != in)
            {
                return in;
            }
            if (System.nanoTime() - startNs > link.timeoutNs())
            {
                throw new ModelException("shard " + from + " of " + link.shards() + " " + what + " within " +
                    link.timeoutNs() / 1_000_000 + " ms: it stopped or cannot be reached", ModelException.EXIT_FAILURE,
                    null);
            }
            waiting.idle();
        }
    }

    /**
     * Keeps the newest N complete sets: removes older manifests first (so a set is never left looking complete with a
     * part gone), then every part of a tick before the newest set that no kept manifest names.
     */
    private void prune() throws IOException
    {
        final Path dir = settings.dir();
        final List<Long> complete = new ArrayList<>();
        final List<Path> partFiles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "tick-*"))
        {
            for (final Path f : files)
            {
                final long tick = ShardManifest.tickOf(f);
                if (tick >= 0)
                {
                    complete.add(tick);
                }
                else if (PART.matcher(String.valueOf(f.getFileName())).matches())
                {
                    partFiles.add(f);
                }
            }
        }
        complete.sort((a, b) -> Long.compare(b, a));
        final Set<Long> kept = new HashSet<>();
        for (int i = 0; i < complete.size(); i++)
        {
            if (i < settings.keep())
            {
                kept.add(complete.get(i));
            }
            else
            {
                Files.deleteIfExists(ShardManifest.file(dir, complete.get(i)));
            }
        }
        final long newest = complete.isEmpty() ? -1 : complete.get(0);
        for (final Path f : partFiles)
        {
            final Matcher m = PART.matcher(String.valueOf(f.getFileName()));
            if (m.matches())
            {
                final long tick = Long.parseLong(m.group(1));
                if (tick < newest && !kept.contains(tick))
                {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
