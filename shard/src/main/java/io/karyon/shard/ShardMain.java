package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process of one shard that {@link ShardLauncher} starts: runs its part of the run over IPC and prints nothing
 * but, on failure, one line on stderr. Arguments, all required but {@code --set}:
 * {@code --model NAME --cells N --ticks N --seed N --workers W --every K --shard I/N --aeron-dir DIR
 * --timeout-ms MS [--set NAME=VALUE]... [--checkpoint-dir DIR --checkpoint-every K --keep-checkpoints N --run-id ID
 * [--checkpoint-folder own] [--resume PART]] [--cpus LIST|none [--idle NAME]] [--peers HOST:PORT,...]
 * [--parent-pid PID]}, or, instead of the model's options and {@code --resume}, {@code --resume-from DIR} (a run across
 * hosts resumed from this host's folder, {@link ShardHosts}): with
 * {@code --peers}, over UDP (the launcher's loopback runs), else over IPC; with {@code --parent-pid} (the
 * launcher's), it ends when that process is gone. It ignores SIGINT: shard 0 stops the run.
 */
public final class ShardMain
{
    /** The launcher's process id: this shard ends when that process is gone. */
    static final String PARENT_OPTION = "--parent-pid";
    /** {@code own}: this shard's checkpoints folder is its own (a run across hosts), not shared with the others. */
    static final String FOLDER_OPTION = "--checkpoint-folder";
    /** A run across hosts resumed from this host's folder, once the shards agree on the set: no model options. */
    static final String RESUME_FROM_OPTION = "--resume-from";

    private ShardMain()
    {
    }

    /**
     * Runs one shard; exits 0, 1 if the run failed, 2 for bad arguments.
     *
     * @param args as above.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    static int run(final String[] args)
    {
        final Map<String, String> options = new LinkedHashMap<>();
        final Map<String, Object> sets = new LinkedHashMap<>();
        String shardText = "?";
        try
        {
            for (int i = 0; i < args.length; i += 2)
            {
                if (i + 1 >= args.length || !args[i].startsWith("--"))
                {
                    throw new IllegalArgumentException("expected --NAME VALUE pairs, got '" + args[i] + "'");
                }
                if ("--set".equals(args[i]))
                {
                    final int eq = args[i + 1].indexOf('=');
                    if (eq < 1)
                    {
                        throw new IllegalArgumentException("--set: expected NAME=VALUE, got '" + args[i + 1] + "'");
                    }
                    sets.put(args[i + 1].substring(0, eq), args[i + 1].substring(eq + 1));
                }
                else
                {
                    options.put(args[i], args[i + 1]);
                }
            }
            shardText = required(options, "--shard");
            final int[] shard = parseShard(shardText);
            final Path across = options.containsKey(RESUME_FROM_OPTION) ? Path.of(options.get(RESUME_FROM_OPTION)) :
                null;
            final ShardRun.Spec spec = null != across ? null : spec(options, sets);
            final ShardCheckpoints.Settings checkpoints = options.containsKey("--checkpoint-dir") ?
                new ShardCheckpoints.Settings(Path.of(options.get("--checkpoint-dir")),
                    number(options, "--checkpoint-every"), (int)number(options, "--keep-checkpoints"),
                    required(options, "--run-id"), "own".equals(options.get(FOLDER_OPTION))) : null;
            final Path resume = options.containsKey("--resume") ? Path.of(options.get("--resume")) : null;
            ignoreInterrupts();
            final Path aeronDir = Path.of(required(options, "--aeron-dir"));
            final long timeoutNs = number(options, "--timeout-ms") * 1_000_000L;
            final String peers = options.get(ShardLauncher.PEERS_OPTION);
            final String cpus = options.get(ShardLauncher.CPUS_OPTION);
            final long parent = options.containsKey(PARENT_OPTION) ? number(options, PARENT_OPTION) : -1;
            try (AeronShardLink link = null == peers ? AeronShardLink.open(shard[0], shard[1], aeronDir, timeoutNs) :
                AeronShardLink.openUdp(shard[0], List.of(peers.split(",")), aeronDir, timeoutNs))
            {
                if (parent >= 0)
                {
                    link.watchParent(parent);  // a launcher killed by SIGKILL: this shard ends, not waits
                }
                link.awaitConnected();
                final Context base = null == cpus ? null : ShardLauncher.shardContext(cpus,
                    options.get(ShardLauncher.IDLE_OPTION));
                if (null != across)
                {
                    ShardHosts.resume(across, link, ModelCatalog.load(ShardMain.class.getClassLoader()), base,
                        (run) -> run);
                }
                else
                {
                    ShardRun.run(spec, link, base, (run) -> run, checkpoints, resume);
                }
            }
            return 0;
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("karyon: shard " + shardText + ": " + ex.getMessage());
            return 2;
        }
        catch (final ModelException ex)
        {
            if (!ShardRun.abortedElsewhere(ex))
            {
                System.err.println("karyon: " + ex.getMessage());  // else the shard that failed first said why
            }
            return ex.exitCode();
        }
        catch (final ShardAborted ex)
        {
            return ex.exitCode();  // before its run (shard 0 left while it joined): the shard that stopped it said why
        }
        catch (final RuntimeException ex)
        {
            System.err.println("karyon: shard " + shardText + " failed: " + ex);
            return 1;
        }
    }

    /**
     * Reads {@code I/N}.
     *
     * @param text as given.
     * @return {I, N}.
     * @throws IllegalArgumentException naming the text, unless 0 <= I < N <= {@link AeronShardLink#MAX_SHARDS}.
     */
    public static int[] parseShard(final String text)
    {
        final int slash = text.indexOf('/');
        try
        {
            if (slash > 0)
            {
                final int shard = Integer.parseInt(text.substring(0, slash).trim());
                final int shards = Integer.parseInt(text.substring(slash + 1).trim());
                if (shard >= 0 && shard < shards && shards <= AeronShardLink.MAX_SHARDS)
                {
                    return new int[]{ shard, shards };
                }
            }
        }
        catch (final NumberFormatException ex)
        {
            // falls through to the one message below
        }
        throw new IllegalArgumentException("--shard: expected I/N with 0 <= I < N <= " + AeronShardLink.MAX_SHARDS +
            ", got '" + text + "'");
    }

    /**
     * Leaves a Ctrl-C to shard 0, which the terminal sends it too: it stops every shard after the same tick, with the
     * outputs of that tick (a shard that ended on its own would fail the run).
     */
    private static void ignoreInterrupts()
    {
        try
        {
            Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        }
        catch (final IllegalArgumentException ex)
        {
            // no such signal here: nothing to ignore
        }
    }

    private static ShardRun.Spec spec(final Map<String, String> options, final Map<String, Object> sets)
    {
        final Model model = ModelCatalog.load(ShardMain.class.getClassLoader()).find(required(options, "--model"));
        return new ShardRun.Spec(model, sets, number(options, "--cells"), number(options, "--ticks"),
            number(options, "--seed"), (int)number(options, "--workers"), (int)number(options, "--every"));
    }

    private static String required(final Map<String, String> options, final String name)
    {
        final String value = options.get(name);
        if (null == value)
        {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static long number(final Map<String, String> options, final String name)
    {
        final String value = required(options, name);
        try
        {
            return Long.parseLong(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + ": expected an integer, got '" + value + "'");
        }
    }

    static List<String> command(final ShardRun.Spec spec, final int shard, final int shards, final Path aeronDir,
        final long timeoutMs, final ShardCheckpoints.Settings checkpoints, final Path resume)
    {
        final List<String> args = new ArrayList<>(spec.arguments());
        args.addAll(List.of("--shard", shard + "/" + shards, "--aeron-dir", aeronDir.toString(), "--timeout-ms",
            Long.toString(timeoutMs), PARENT_OPTION, Long.toString(ProcessHandle.current().pid())));
        if (null != checkpoints)
        {
            args.addAll(List.of("--checkpoint-dir", checkpoints.dir().toAbsolutePath().toString(),
                "--checkpoint-every", Long.toString(checkpoints.every()), "--keep-checkpoints",
                Integer.toString(checkpoints.keep()), "--run-id", checkpoints.runId()));
        }
        if (null != resume)
        {
            args.addAll(List.of("--resume", resume.toAbsolutePath().toString()));
        }
        return args;
    }
}
