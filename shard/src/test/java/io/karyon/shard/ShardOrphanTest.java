package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.models.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A launcher ({@code --shards}) killed by SIGKILL mid-run: its child shard notices that it is gone (the parent check
 * on the link's idle path, long before the link's timeout, two minutes here) and exits; the run directory it left in
 * {@code /dev/shm}, named for its pid, is removed by the next launch.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardOrphanTest
{
    private Path dir;
    private Process launcher;
    private final List<ProcessHandle> shards = new ArrayList<>();

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = Files.createTempDirectory("karyon-shard-orphan-test-");
    }

    @AfterEach
    void cleanUp()
    {
        if (null != launcher)
        {
            launcher.destroyForcibly();
        }
        shards.forEach(ProcessHandle::destroyForcibly);
        ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
        ShardThreads.delete(dir);
    }

    @Test
    void shouldEndTheShardsOfAKilledLauncherAndRemoveItsDirectoryAtTheNextLaunch() throws Exception
    {
        final Path checkpoints = dir.resolve("out").resolve("checkpoints");
        Files.createDirectories(checkpoints);
        try (WatchService watch = FileSystems.getDefault().newWatchService())
        {
            checkpoints.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            final List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command()
                .orElse("java")));
            for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
            {
                if (flag.startsWith("--add-") || flag.startsWith("-X"))
                {
                    command.add(flag);  // what Agrona and Chronicle need, as this JVM has it
                }
            }
            command.addAll(List.of("-D" + ShardLauncher.TIMEOUT_PROP_NAME + "=120000", "-cp",
                System.getProperty("java.class.path"), LauncherChild.class.getName(), dir.resolve("out").toString()));
            launcher = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("launcher.err").toFile())
                .start();
            awaitManifest(watch);
        }
        launcher.descendants().forEach(shards::add);
        assertEquals(1, shards.size(), "shard 1's process, under way: " + shards);
        final Path runDir = runDir(launcher.pid());
        assertNotNull(runDir, "the launcher's run directory, named for its pid");

        launcher.destroyForcibly();
        assertEquals(137, launcher.waitFor());
        for (final ProcessHandle shard : shards)
        {
            // The link's timeout is 2 minutes, the Aeron client's for its media driver (the launcher's) 10 s.
            shard.onExit().get(8, TimeUnit.SECONDS);
        }
        assertTrue(Files.isDirectory(runDir), "left behind by the killed launcher");

        final ShardRun.Result next = ShardLauncher.launch(new ShardRun.Spec(new Ring(), Map.of(), 100, 3, 1, 1), 2,
            new Context().pin(false).idleStrategy("backoff"));
        assertEquals(3, next.ticks());
        assertFalse(Files.exists(runDir), "removed by the next launch: its owner is gone");
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }

    private void awaitManifest(final WatchService watch) throws InterruptedException, IOException
    {
        final long startNs = System.nanoTime();
        while (System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(60))
        {
            final WatchKey key = watch.poll(1, TimeUnit.SECONDS);
            if (null == key)
            {
                assertTrue(launcher.isAlive(), "the launcher ended: " +
                    Files.readString(dir.resolve("launcher.err")));
                continue;
            }
            for (final WatchEvent<?> event : key.pollEvents())
            {
                if (String.valueOf(event.context()).endsWith(".manifest.json"))
                {
                    return;
                }
            }
            key.reset();
        }
        throw new AssertionError("no manifest within 60 s: " + Files.readString(dir.resolve("launcher.err")));
    }

    /**
     * The run directory of a launcher, in /dev/shm or the temporary folder, or null.
     */
    private static Path runDir(final long pid) throws IOException
    {
        for (final Path parent : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir"))))
        {
            if (Files.isDirectory(parent))
            {
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, "karyon-shards-" + pid + "-*"))
                {
                    for (final Path d : dirs)
                    {
                        return d;
                    }
                }
            }
        }
        return null;
    }
}
