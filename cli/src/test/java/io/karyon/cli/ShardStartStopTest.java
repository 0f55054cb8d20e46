package io.karyon.cli;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code karyon run MODEL --shards 2} sent SIGINT or SIGTERM while its shards still set the model up (a set-up of
 * up to ten minutes, {@link SlowSetUpModel}): the first signal ends it at once, not after the set-up and the first
 * tick, with one line and the exit code of a run the signal stopped (130, 143); no shard process outlives it, and
 * its run directory (the media driver's) is gone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardStartStopTest
{
    @ParameterizedTest
    @ValueSource(strings = { "INT", "TERM" })
    void shouldStopAtOnceWhileTheShardsSetTheModelUp(final String signal, @TempDir final Path dir) throws Exception
    {
        final Path tmp = Files.createDirectories(dir.resolve("tmp"));
        final Process launcher = ShardJoinStopTest.start(tmp, List.of("run", "slowsetup", "--shards", "2",
            "--workers", "1", "--quiet"));
        stopWhileSetUp(launcher, tmp, signal);
    }

    /**
     * Sends {@code launcher}, a forked {@code --shards} run whose temporary folder is {@code tmp}, SIG{@code signal}
     * once shard 0 says its set-up starts ({@link SlowSetUpModel#LINE}), and checks that it ends at once: its one
     * line, its exit code, no shard process left, nothing left in {@code tmp} and no run directory.
     */
    static void stopWhileSetUp(final Process launcher, final Path tmp, final String signal) throws Exception
    {
        final List<ProcessHandle> shards = new ArrayList<>();
        try
        {
            SetUpStopTest.stopOnceSetUpStarts(launcher, signal, "nothing ran, and no shard is left running", () ->
            {
                // Shard 0 sets the model up, so every shard was launched and has joined.
                launcher.descendants().forEach(shards::add);
                assertFalse(shards.isEmpty(), "shard 1's process");
            });
            for (final ProcessHandle shard : shards)
            {
                assertFalse(shard.isAlive(), "shard process " + shard.pid() + " outlived the run");
            }
        }
        finally
        {
            shards.forEach(ProcessHandle::destroyForcibly);  // ended already, unless this test failed
        }
        try (Stream<Path> left = Files.list(tmp))
        {
            assertEquals(List.of(), left.toList(), "nothing left in the launcher's temporary folder");
        }
        assertEquals(List.of(), runDirs(Path.of("/dev/shm"), launcher.pid()), "the run's directory is gone");
    }

    private static List<Path> runDirs(final Path folder, final long pid) throws IOException
    {
        final List<Path> dirs = new ArrayList<>();
        if (Files.isDirectory(folder))
        {
            try (DirectoryStream<Path> found = Files.newDirectoryStream(folder, "karyon-shards-" + pid + "-*"))
            {
                found.forEach(dirs::add);
            }
        }
        return dirs;
    }
}
