package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.models.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole fault path with shards as child JVMs: a run of 2 shards with checkpoints, shard 1's process killed
 * (SIGKILL) once a complete set is written, stops with one line naming the shard (exit 1) and leaves no process
 * behind; resumed from its folder, it ends with the digest of the unbroken sharded run and of one process.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShardKillResumeTest
{
    private static final Model RING = new Ring();
    private static final ShardRun.Spec SPEC = new ShardRun.Spec(RING, Map.of("supervisors", "40", "spread", "true"),
        3000, 400, 5, 1);

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = Files.createTempDirectory("karyon-shard-kill-test-");
    }

    @AfterEach
    void cleanUp()
    {
        ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
        ShardThreads.delete(dir);
    }

    @Test
    void shouldResumeARunWhoseShardWasKilledToTheUnbrokenDigest() throws Exception
    {
        final Path checkpoints = dir.resolve("out").resolve("checkpoints");
        Files.createDirectories(checkpoints);
        final CompletableFuture<Long> killed = new CompletableFuture<>();
        final Thread killer = new Thread(() -> killAfterTheFirstSet(checkpoints, killed), "killer");
        killer.setDaemon(true);
        killer.start();
        final ModelException ex = assertThrows(ModelException.class, () -> ShardLauncher.launch(SPEC, 2, null,
            (run) -> run.out(dir.resolve("out")).progress(Progress.NONE),
            new ShardCheckpoints.Settings(checkpoints, 20, 2, "0123abcd"), null));
        final long pid = killed.get(10, TimeUnit.SECONDS);
        assertEquals(ModelException.EXIT_FAILURE, ex.exitCode(), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
        assertTrue(ex.getMessage().contains("shard 1 (pid " + pid + ") exited with code 137"), ex.getMessage());
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");

        final ShardResume resume = ShardResume.load(dir.resolve("out"));
        final long tick = resume.manifest().tick();
        assertTrue(tick >= 20 && tick < SPEC.resolvedTicks() && 0 == tick % 20, "resumes from tick " + tick);
        final ShardRun.Result resumed = resume.run(ModelCatalog.load(getClass().getClassLoader()), 0, null,
            (run) -> run.progress(Progress.NONE));
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the resumed run");

        // The shards' processes run with the defaults (the chunk size among them), and so do these.
        final long unbroken = ShardCheckpointTest.sharded(dir.resolve("aeron"), SPEC, 2, null, null, false,
            dir.resolve("unbroken"))[0].digest();
        assertEquals(unbroken, resumed.digest(), "resumed from tick " + tick + " as the unbroken sharded run");
        assertEquals(Files.readString(dir.resolve("unbroken").resolve("timeseries.csv")),
            Files.readString(dir.resolve("out").resolve("timeseries.csv")), "timeseries.csv");
        final ModelRun.Builder one = ModelRun.builder(RING).context(new Context().workerCount(2)).seed(SPEC.seed())
            .cells(SPEC.resolvedCells()).ticks(SPEC.resolvedTicks()).progress(Progress.NONE);
        SPEC.parameters().forEach(one::set);
        assertEquals(one.run().digest(), resumed.digest(), "as one process of 2 workers");
        assertEquals(SPEC.resolvedTicks(), ShardResume.load(checkpoints).manifest().tick(), "the last set written");
    }

    /**
     * Waits for the first manifest to appear (renamed into the folder), then kills shard 1's process.
     */
    private static void killAfterTheFirstSet(final Path checkpoints, final CompletableFuture<Long> killed)
    {
        try (WatchService watch = FileSystems.getDefault().newWatchService())
        {
            checkpoints.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            while (!killed.isDone())
            {
                final WatchKey key = watch.poll(60, TimeUnit.SECONDS);
                if (null == key)
                {
                    killed.completeExceptionally(new AssertionError("no manifest within 60 s"));
                    return;
                }
                for (final WatchEvent<?> event : key.pollEvents())
                {
                    if (String.valueOf(event.context()).endsWith(".manifest.json") && !killed.isDone())
                    {
                        final ProcessHandle child = ProcessHandle.current().children().findFirst().orElseThrow();
                        child.destroyForcibly();
                        killed.complete(child.pid());
                    }
                }
                key.reset();
            }
        }
        catch (final IOException | InterruptedException | RuntimeException ex)
        {
            killed.completeExceptionally(ex);
        }
    }
}
