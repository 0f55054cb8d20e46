package io.karyon.cli;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon resume DIR} of a {@code --shards 2} run sent SIGINT or SIGTERM while its shards still set the model up
 * and restore their parts (a set-up of up to ten minutes in the resume's processes, {@link SlowResumeModel}): the
 * first signal ends it at once, as it ends {@code karyon run --shards} ({@link ShardStartStopTest}), not after the
 * set-up and the first tick: one line, exit 130 (143), no shard process left, no run directory; and the run folder,
 * its checkpoints with it, is as it was.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShardResumeStopTest
{
    @ParameterizedTest
    @ValueSource(strings = { "INT", "TERM" })
    void shouldStopAtOnceWhileTheShardsSetTheModelUpAndRestore(final String signal, @TempDir final Path dir)
        throws Exception
    {
        final Path out = dir.resolve("out");
        final CommandRun sharded = CommandRun.command(new RunCommand(), "slowresume", "--ticks", "10", "--shards",
            "2", "--workers", "1", "--checkpoint-every", "5", "--keep-checkpoints", "5", "--out", out.toString(),
            "--quiet");
        assertEquals(Cli.EXIT_OK, sharded.exitCode(), sharded.err());
        final Path manifest = out.resolve("checkpoints/tick-5.manifest.json");
        assertTrue(Files.isRegularFile(manifest), "the set of tick 5");
        final Map<Path, String> before = files(out);

        final Path tmp = Files.createDirectories(dir.resolve("tmp"));
        final ProcessBuilder resume = new ProcessBuilder(ShardJoinStopTest.command(tmp, List.of("resume",
            manifest.toString(), "--quiet"))).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        resume.environment().put(SlowResumeModel.SLOW, "1");  // the shards it launches inherit it
        ShardStartStopTest.stopWhileSetUp(resume.start(), tmp, signal);
        assertEquals(before, files(out), "the run folder and its checkpoints are as they were");
    }

    /**
     * Every file under {@code root}, by path, with its bytes (as text that compares).
     */
    static Map<Path, String> files(final Path root) throws IOException
    {
        final Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root))
        {
            for (final Path file : all.filter(Files::isRegularFile).toList())
            {
                files.put(root.relativize(file), HexFormat.of().formatHex(Files.readAllBytes(file)));
            }
        }
        return files;
    }
}
