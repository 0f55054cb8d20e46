package io.karyon.shard;

import io.karyon.model.ModelException;
import io.karyon.model.StopRequest;
import io.karyon.models.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stop request while {@link ShardLauncher} still starts a run ({@link ShardStart}): before the shards are launched
 * it launches none; while they join, shard 0 stops waiting at once (its connect timeout is a minute here) and tells
 * the shards connected, which stop with its line, without one of their own.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ShardStartTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-shard-start-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }

    @Test
    void shouldLaunchNoShardOnceAStopIsRequested()
    {
        final StopRequest request = new StopRequest();
        request.request("SIGTERM");
        final List<ProcessHandle> before = ProcessHandle.current().children().toList();
        final ShardStart.Stopped stopped = assertThrows(ShardStart.Stopped.class, () -> ShardLauncher.launch(
            new ShardRun.Spec(new Ring(), Map.of(), 2_000, 20, 3, 1), 2, null, (run) -> run, null, null,
            new ShardStart(request, null)));
        assertEquals("SIGTERM", stopped.reason());
        assertEquals("stopped by SIGTERM during start-up, " + ShardStart.LAUNCHING + ": nothing ran, and no shard " +
            "is left running", stopped.getMessage());
        assertEquals(before, ProcessHandle.current().children().toList(), "no shard process launched");
    }

    @Test
    void shouldStopJoiningAtOnceAndTellTheShardsConnected() throws Exception
    {
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        final Path aeron = dir.resolve("aeron");
        try (AeronShardLink zero = AeronShardLink.open(0, 3, aeron, TIMEOUT_NS);
            AeronShardLink one = AeronShardLink.open(1, 3, aeron, TIMEOUT_NS))
        {
            final Future<ShardAborted> heard = thread.submit(() -> assertThrows(ShardAborted.class,
                one::awaitConnected, "shard 1 heard that shard 0 left"));
            assertFalse(zero.awaitConnected(() -> zero.connected(1)), "shard 2 never starts");
            final StopRequest request = new StopRequest();
            request.request("SIGINT");
            final long startNs = System.nanoTime();
            final ShardStart.Stopped stopped = assertThrows(ShardStart.Stopped.class,
                () -> new ShardStart(request, null).join(zero));
            assertTrue(System.nanoTime() - startNs < TIMEOUT_NS, "not at the connect timeout");
            assertEquals("stopped by SIGINT during start-up, " + ShardStart.JOINING + ": nothing ran, and no shard " +
                "is left running", stopped.getMessage());
            final ShardAborted aborted = heard.get(20, TimeUnit.SECONDS);
            assertEquals(0, aborted.origin());
            assertEquals(ModelException.EXIT_FAILURE, aborted.exitCode());
            assertEquals("stopped by SIGINT during start-up", aborted.reason());
        }
        finally
        {
            thread.shutdownNow();
        }
    }
}
