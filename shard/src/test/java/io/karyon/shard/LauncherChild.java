package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.model.Progress;
import io.karyon.models.Ring;

import java.nio.file.Path;
import java.util.Map;

/**
 * A launcher of a long run of 2 shards over IPC, in a JVM of its own, for {@link ShardOrphanTest} to kill: writes
 * checkpoints every 100 ticks into {@code OUT/checkpoints} (the sign that the run is under way), unpinned, its workers
 * backing off rather than spinning.
 */
public final class LauncherChild
{
    private LauncherChild()
    {
    }

    /**
     * Runs until killed.
     *
     * @param args the output folder.
     */
    public static void main(final String[] args)
    {
        final Path out = Path.of(args[0]);
        ShardLauncher.launch(new ShardRun.Spec(new Ring(), Map.of(), 300, 100_000_000, 1, 1), 2,
            new Context().pin(false).idleStrategy("backoff"), (run) -> run.out(out).progress(Progress.NONE),
            new ShardCheckpoints.Settings(out.resolve("checkpoints"), 100, 1, "0123abcd"), null);
    }
}
