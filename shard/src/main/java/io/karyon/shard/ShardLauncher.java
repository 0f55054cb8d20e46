package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.agrona.IoUtil;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@code karyon run --shards N}: one run sharded over N processes on this host, joined over Aeron IPC. This process is
 * shard 0: it makes the run's temporary directory (under {@code /dev/shm} where there is one), starts shards 1 to
 * N-1 as child JVMs ({@link ShardMain}, with this JVM's flags and class path), launches the embedded media driver,
 * runs its part and gathers the digest. A child that ends with an error stops the run at once, with one line naming
 * it; one that stops answering stops it within the timeout ({@value #TIMEOUT_PROP_NAME}, default
 * {@value #TIMEOUT_DEFAULT_MS} ms). No child and no media driver directory outlives the run.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
public final class ShardLauncher
{
    /** Property: milliseconds to wait for another shard's block before the run is stopped. */
    public static final String TIMEOUT_PROP_NAME = "karyon.shard.timeout.ms";
    /** Default of {@link #TIMEOUT_PROP_NAME}. */
    public static final long TIMEOUT_DEFAULT_MS = 10_000;

    private static final long CHILD_EXIT_GRACE_MS = 5_000;

    private ShardLauncher()
    {
    }

    /**
     * The timeout for a shard's block, from {@link #TIMEOUT_PROP_NAME}.
     *
     * @return milliseconds, > 0.
     * @throws ModelException exit 2 naming the property, if it is not a positive integer.
     */
    public static long timeoutMs()
    {
        final String text = System.getProperty(TIMEOUT_PROP_NAME, Long.toString(TIMEOUT_DEFAULT_MS));
        try
        {
            final long ms = Long.parseLong(text.trim());
            if (ms > 0)
            {
                return ms;
            }
        }
        catch (final NumberFormatException ex)
        {
            // one message below
        }
        throw new ModelException(TIMEOUT_PROP_NAME + " must be a positive number of milliseconds, got '" + text +
            "'", ModelException.EXIT_USAGE, null);
    }

    /**
     * Runs a model over {@code shards} processes on this host.
     *
     * @param spec   the run.
     * @param shards processes, 2 to {@link AeronShardLink#MAX_SHARDS}.
     * @param base   this shard's context (threading, pinning), or null.
     * @return shard 0's result: the whole run's digest.
     * @throws ModelException exit 1 naming the shard, if one failed or was lost; exit 2 for what sharding refuses.
     */
    public static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base)
    {
        return launch(spec, shards, base, (run) -> run.progress(Progress.NONE));
    }

    /**
     * Runs a model over {@code shards} processes on this host; this process is shard 0, which gathers the
     * observations and writes the outputs.
     *
     * @param spec   the run.
     * @param shards processes, 2 to {@link AeronShardLink#MAX_SHARDS}.
     * @param base   this shard's context (threading, pinning), or null.
     * @param first  what shard 0 sets besides: output folder, progress, JSON, stop request.
     * @return shard 0's result: the whole run's summary and digest.
     * @throws ModelException exit 1 naming the shard, if one failed or was lost; exit 2 for bad input or what sharding
     *                        refuses.
     */
    public static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first)
    {
        if (shards < 2 || shards > AeronShardLink.MAX_SHARDS)
        {
            throw new ModelException("--shards must be in 2.." + AeronShardLink.MAX_SHARDS + ": shards=" + shards,
                ModelException.EXIT_USAGE, null);
        }
        final long timeoutMs = timeoutMs();
        first.apply(ShardRun.builder(spec, new Context())).check();  // bad input: one line, before any child starts
        final Path dir = tempDir();
        final Path aeronDir = dir.resolve("aeron");
        final List<Process> children = new ArrayList<>();
        AeronShardLink link = null;
        boolean finished = false;
        try
        {
            for (int s = 1; s < shards; s++)
            {
                children.add(start(ShardMain.command(spec, s, shards, aeronDir, timeoutMs)));
            }
            link = AeronShardLink.open(0, shards, aeronDir, timeoutMs * 1_000_000L);
            watch(children, link);
            AeronShardLink.connect(link);
            final ShardRun.Result result = ShardRun.run(spec, link, base, first);
            awaitChildren(children);
            finished = true;
            return result;
        }
        finally
        {
            if (!finished)
            {
                stop(children);
            }
            if (null != link)
            {
                link.close();
            }
            IoUtil.delete(dir.toFile(), true);
        }
    }

    private static Path tempDir()
    {
        try
        {
            final Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ?
                Files.createTempDirectory(shm, "karyon-shards-") : Files.createTempDirectory("karyon-shards-");
        }
        catch (final IOException ex)
        {
            throw new ModelException("--shards: cannot make the run's temporary directory: " + ex.getMessage(),
                ModelException.EXIT_FAILURE, ex);
        }
    }

    private static Process start(final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!flag.startsWith("-agentlib") && !flag.startsWith("-javaagent") && !flag.startsWith("-Xrunjdwp"))
            {
                command.add(flag);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ShardMain.class.getName()));
        command.addAll(args);
        try
        {
            return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        }
        catch (final IOException ex)
        {
            throw new ModelException("--shards: cannot start a shard's process (" + command.get(0) + "): " +
                ex.getMessage(), ModelException.EXIT_FAILURE, ex);
        }
    }

    /**
     * Fails the link, naming the shard, as soon as a child ends with an error.
     */
    private static void watch(final List<Process> children, final AeronShardLink link)
    {
        for (int i = 0; i < children.size(); i++)
        {
            final int shard = i + 1;
            final Process child = children.get(i);
            child.onExit().thenAccept((p) ->
            {
                if (0 != p.exitValue())
                {
                    link.fail("shard " + shard + " (pid " + p.pid() + ") exited with code " + p.exitValue());
                }
            });
        }
    }

    private static void awaitChildren(final List<Process> children)
    {
        for (int i = 0; i < children.size(); i++)
        {
            final Process child = children.get(i);
            try
            {
                if (!child.waitFor(CHILD_EXIT_GRACE_MS, TimeUnit.MILLISECONDS))
                {
                    throw new ModelException("shard " + (i + 1) + " (pid " + child.pid() + ") did not exit within " +
                        CHILD_EXIT_GRACE_MS + " ms of the run's end", ModelException.EXIT_FAILURE, null);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new ModelException("--shards: interrupted waiting for the shards to exit",
                    ModelException.EXIT_FAILURE, ex);
            }
            if (0 != child.exitValue())
            {
                throw new ModelException("shard " + (i + 1) + " (pid " + child.pid() + ") exited with code " +
                    child.exitValue(), ModelException.EXIT_FAILURE, null);
            }
        }
    }

    /**
     * Ends the children of a run that failed: asked first, then forced.
     */
    private static void stop(final List<Process> children)
    {
        for (final Process child : children)
        {
            child.destroy();
        }
        for (final Process child : children)
        {
            try
            {
                if (!child.waitFor(CHILD_EXIT_GRACE_MS, TimeUnit.MILLISECONDS))
                {
                    child.destroyForcibly().waitFor();
                }
            }
            catch (final InterruptedException ex)
            {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
