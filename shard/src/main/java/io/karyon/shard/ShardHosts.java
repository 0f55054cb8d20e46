package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * {@code karyon resume DIR --shard I/N --peers ...}: the resume of a run across hosts, where every host holds its own
 * part of each set and a copy of its manifest in its own {@code DIR/checkpoints}. Each host checks its own part of
 * every set it holds (as {@link ShardResume} checks a part); before any tick the shards agree on the set: each sends
 * shard 0 the sets it holds (tick and run id), and shard 0 takes the newest one that every host holds, or refuses
 * on every shard (one line, exit 2) when there is none. A host whose newest set is older (it was killed before it
 * had the newest manifest) so makes every host take that older set, as long as every host still holds it.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's, before the run.
 */
public final class ShardHosts
{
    private static final String REFUSED = "!";

    private ShardHosts()
    {
    }

    /**
     * Agrees with the other hosts on the set to resume from, then resumes this shard's part of the run from it and
     * runs it to its end, writing its next sets into the same folder.
     *
     * @param path    this host's output folder or its checkpoints folder.
     * @param link    to the other shards, connected; not closed here.
     * @param catalog the models.
     * @param base    this host's context (threading, pinning), or null.
     * @param first   what shard 0 sets besides (progress, JSON, stop request).
     * @return the result, the same digest on every shard.
     * @throws ModelException exit 2 (one line, on every shard alike) when the hosts hold no common set or this host's
     *                        part is refused; exit 1 when the run fails.
     */
    public static ShardRun.Result resume(final Path path, final AeronShardLink link, final ModelCatalog catalog,
        final Context base, final UnaryOperator<ModelRun.Builder> first)
    {
        return resume(path, link, catalog, base, first, 0, null);
    }

    /**
     * As {@link #resume(Path, AeronShardLink, ModelCatalog, Context, UnaryOperator)}, with the changes a resume
     * across hosts takes, as a one-host resume takes them: the run's length and this host's output folder.
     *
     * @param path    this host's output folder or its checkpoints folder.
     * @param link    to the other shards, connected; not closed here.
     * @param catalog the models.
     * @param base    this host's context (threading, pinning), or null.
     * @param first   what shard 0 sets besides (progress, JSON, stop request).
     * @param ticks   ticks the run lasts in all, counted from its start ({@code --ticks}), or 0 for the set's: the
     *                same on every host, or given on some and not on the others (shard 0 gathers them before the run
     *                and sends every shard the length; different ones are refused on every shard, one line, exit 2).
     * @param out     this host's output folder ({@code --out}: on shard 0 the outputs, carried on from the set's run
     *                folder; on every host its next sets, in {@code out/checkpoints}), or null for the set's folder.
     * @return the result, the same digest on every shard.
     * @throws ModelException exit 2 (one line, on every shard alike) when the hosts hold no common set or were given
     *                        different ticks, or this host's part is refused; exit 1 when the run fails.
     */
    public static ShardRun.Result resume(final Path path, final AeronShardLink link, final ModelCatalog catalog,
        final Context base, final UnaryOperator<ModelRun.Builder> first, final long ticks, final Path out)
    {
        final long[] agreedTicks = { ticks };
        final ShardResume set = agree(path, link, agreedTicks);
        final ShardRun.Spec held;
        try
        {
            held = set.spec(catalog.find(set.manifest().model()));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ModelException(set.manifestFile().getFileName() + ": " + ex.getMessage(),
                ModelException.EXIT_USAGE, null);
        }
        final ShardRun.Spec spec = 0 == agreedTicks[0] ? held : new ShardRun.Spec(held.model(), held.parameters(),
            held.cells(), agreedTicks[0], held.seed(), held.workers());
        final ShardCheckpoints.Settings own = set.settings();
        final ShardCheckpoints.Settings settings = new ShardCheckpoints.Settings(null == out ? own.dir() :
            out.resolve("checkpoints"), own.every(), own.keep(), own.runId(), true);
        return ShardRun.run(spec, link, base, null == out ? first : (run) -> first.apply(run.out(out)), settings,
            set.parts().get(link.shard()));
    }

    /**
     * A run across hosts with checkpoints: every host writes into its own folder, under shard 0's run id (each host
     * made one of its own; shard 0 sends its own to every shard before the run).
     *
     * @param link to the other shards, connected.
     * @param own  this host's settings.
     * @return the settings every shard writes by.
     * @throws ModelException exit 1 if shard 0 sent no run id in time.
     */
    public static ShardCheckpoints.Settings agreed(final AeronShardLink link, final ShardCheckpoints.Settings own)
    {
        String runId = own.runId();
        if (0 == link.shard())
        {
            final UnsafeBuffer out = new UnsafeBuffer(runId.getBytes(StandardCharsets.UTF_8));
            for (int s = 1; s < link.shards(); s++)
            {
                link.send(s, out, 0, out.capacity());
            }
        }
        else
        {
            runId = text(ShardCheckpoints.await(link, 0, "sent no run id"));
        }
        return new ShardCheckpoints.Settings(own.dir(), own.every(), own.keep(), runId, true);
    }

    /**
     * Agrees with the other hosts on the set to resume from.
     *
     * @param path this host's output folder or its checkpoints folder.
     * @param link to the other shards, connected.
     * @return this host's part of the set, checked.
     * @throws ModelException exit 2, the same line on every shard, when there is no set that every host holds.
     */
    public static ShardResume agree(final Path path, final AeronShardLink link)
    {
        return agree(path, link, new long[1]);
    }

    /**
     * Agrees with the other hosts on the set to resume from and on the run's length: each host sends shard 0 its
     * {@code --ticks} (0 if not given) before the sets it holds ({@code TICKS;SETS}), and shard 0 sends back
     * {@code TICK;TICKS}, the set's tick and the length every shard runs to.
     *
     * @param path  this host's output folder or its checkpoints folder.
     * @param link  to the other shards, connected.
     * @param ticks in: this host's {@code --ticks}, or 0; out: the length every shard was told, or 0 for the set's.
     * @return this host's part of the set, checked.
     * @throws ModelException exit 2, the same line on every shard, when there is no set that every host holds or
     *                        the hosts were given different ticks.
     */
    static ShardResume agree(final Path path, final AeronShardLink link, final long[] ticks)
    {
        final Map<Long, ShardResume> held = new TreeMap<>();
        final String own = ticks[0] + ";" + held(path, link, held);
        final String verdict;
        if (0 == link.shard())
        {
            final List<String> all = new ArrayList<>();
            all.add(own);
            for (int s = 1; s < link.shards(); s++)
            {
                all.add(text(ShardCheckpoints.await(link, s, "told no set to resume from")));
            }
            verdict = decideWithTicks(all);
            final UnsafeBuffer out = new UnsafeBuffer(verdict.getBytes(StandardCharsets.UTF_8));
            for (int s = 1; s < link.shards(); s++)
            {
                link.send(s, out, 0, out.capacity());
            }
        }
        else
        {
            final UnsafeBuffer out = new UnsafeBuffer(own.getBytes(StandardCharsets.UTF_8));
            link.send(0, out, 0, out.capacity());
            verdict = text(ShardCheckpoints.await(link, 0, "told no set to resume from"));
        }
        if (verdict.startsWith(REFUSED))
        {
            throw new ModelException(verdict.substring(REFUSED.length()), ModelException.EXIT_USAGE, null);
        }
        final int semicolon = verdict.indexOf(';');
        ticks[0] = Long.parseLong(verdict.substring(semicolon + 1));
        return held.get(Long.parseLong(verdict.substring(0, semicolon)));
    }

    /**
     * Shard 0's decision over every host's {@code TICKS;SETS}: {@code TICK;TICKS}, or {@code !why}.
     *
     * @param all every shard's text, by shard.
     * @return the set's tick and the run's length (0 for the set's), or the refusal.
     */
    static String decideWithTicks(final List<String> all)
    {
        final List<String> sets = new ArrayList<>();
        long ticks = 0;
        int from = -1;
        for (int s = 0; s < all.size(); s++)
        {
            final String text = all.get(s);
            final int semicolon = text.indexOf(';');
            final long given = Long.parseLong(text.substring(0, semicolon));
            if (0 != given && 0 != ticks && given != ticks)
            {
                return REFUSED + "the shards were given different --ticks: shard " + from + " " + ticks + ", shard " +
                    s + " " + given + "; give every host the same, or give it to shard 0 alone";
            }
            if (0 != given && 0 == ticks)
            {
                ticks = given;
                from = s;
            }
            sets.add(text.substring(semicolon + 1));
        }
        final String verdict = decide(sets);
        return verdict.startsWith(REFUSED) ? verdict : verdict + ";" + ticks;
    }

    /**
     * The sets this host holds, checked: {@code TICK:RUNID ...}, newest first, or {@code !why} when it holds none.
     */
    static String held(final Path path, final AeronShardLink link, final Map<Long, ShardResume> held)
    {
        final Path dir = Files.isDirectory(path.resolve("checkpoints")) ? path.resolve("checkpoints") : path;
        String problem = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "tick-*.manifest.json"))
        {
            for (final Path f : files)
            {
                if (ShardManifest.tickOf(f) < 0)
                {
                    continue;
                }
                try
                {
                    final ShardResume set = ShardResume.loadOwn(f, link.shard());
                    if (set.manifest().shards() != link.shards())
                    {
                        problem = f.getFileName() + ": is a set of " + set.manifest().shards() + " shards, not " +
                            link.shards();
                    }
                    else
                    {
                        held.put(set.manifest().tick(), set);
                    }
                }
                catch (final ModelException ex)
                {
                    problem = ex.getMessage();
                }
            }
        }
        catch (final IOException ex)
        {
            problem = dir + ": cannot be read: " + ex.getMessage();
        }
        if (held.isEmpty())
        {
            return REFUSED + "shard " + link.shard() + " holds no complete set of a sharded run's checkpoints in " +
                dir + (null == problem ? " (no tick-T.manifest.json)" : " (" + problem + ")");
        }
        final StringBuilder text = new StringBuilder();
        for (final ShardResume set : held.values())
        {
            text.insert(0, set.manifest().tick() + ":" + set.manifest().runId() + " ");
        }
        return text.toString().trim();
    }

    /**
     * Shard 0's decision: the newest tick and run id every shard holds, or {@code !why}.
     *
     * @param all every shard's {@link #held} text, by shard.
     * @return the tick, or the refusal.
     */
    static String decide(final List<String> all)
    {
        List<String> common = null;
        for (final String own : all)
        {
            if (own.startsWith(REFUSED))
            {
                return own + "; no set to resume from";
            }
            final List<String> sets = List.of(own.split(" "));
            common = null == common ? new ArrayList<>(sets) : common;
            common.retainAll(sets);
        }
        if (null == common || common.isEmpty())
        {
            final StringBuilder text = new StringBuilder(REFUSED + "the shards hold no common complete set of " +
                "checkpoints (tick:run id):");
            for (int s = 0; s < all.size(); s++)
            {
                text.append(0 == s ? " " : "; ").append("shard ").append(s).append(" holds ").append(all.get(s));
            }
            return text.toString();
        }
        final String newest = common.get(0);  // every list is newest first
        return newest.substring(0, newest.indexOf(':'));
    }

    private static String text(final DirectBuffer in)
    {
        return in.getStringWithoutLengthUtf8(0, in.capacity());
    }
}
