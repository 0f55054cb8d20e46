package io.karyon.shard;

import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.models.Ring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shards as child JVMs: a shard killed mid-run stops the run with one line naming it, and no child outlives the run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardLauncherTest
{
    private static final Model RING = new Ring();

    @Test
    void shouldStopTheRunNamingAShardThatWasKilled() throws Exception
    {
        // Long enough that the kill, three seconds after the launch, lands while the shards connect or tick.
        final ShardRun.Spec spec = new ShardRun.Spec(RING, Map.of(), 20_000, 10_000_000, 1, 1);
        final CompletableFuture<Long> killed = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS).execute(() ->
        {
            final ProcessHandle child = ProcessHandle.current().children().findFirst().orElseThrow();
            child.destroyForcibly();
            killed.complete(child.pid());
        });
        final ModelException ex = assertThrows(ModelException.class, () -> ShardLauncher.launch(spec, 2, null));
        final long pid = killed.get(10, TimeUnit.SECONDS);
        assertEquals(ModelException.EXIT_FAILURE, ex.exitCode());
        assertTrue(ex.getMessage().contains("shard 1 (pid " + pid + ") exited with code 137"), ex.getMessage());
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }

    @Test
    void shouldRefuseOneShard()
    {
        final ModelException ex = assertThrows(ModelException.class,
            () -> ShardLauncher.launch(new ShardRun.Spec(RING, Map.of(), 10, 1, 1, 1), 1, null));
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        assertEquals("--shards must be in 2..64: shards=1", ex.getMessage());
    }
}
