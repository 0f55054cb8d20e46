package io.karyon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon run --shards 2 --checkpoint-every K --out DIR} then {@code karyon resume DIR}: the whole run restarts
 * from its newest complete set on two processes and ends with the unbroken run's digest, summary and
 * {@code timeseries.csv}; another shard count, a lone part given to one process's resume, and options a sharded resume
 * does not take are refused in one line (exit 2).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResumeShardsTest
{
    private static CommandRun resume(final String... args)
    {
        return CommandRun.command(new ResumeCommand(), args);
    }

    private static void assertRefused(final CommandRun result, final String expected)
    {
        assertEquals(Cli.EXIT_USAGE, result.exitCode(), result.err());
        assertTrue(result.err().contains(expected), result.err());
        assertEquals(1, result.err().strip().lines().count(), result.err());
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }

    @Test
    void shouldResumeTheWholeRunFromItsNewestCompleteSet(@TempDir final Path dir) throws IOException
    {
        final Path out = dir.resolve("out");
        final CommandRun unbroken = CommandRun.command(new RunCommand(), "ring", "--cells", "600", "--ticks", "30",
            "--set", "supervisors=20", "--set", "spread=true", "--seed", "9", "--shards", "2", "--checkpoint-every",
            "10", "--keep-checkpoints", "3", "--out", out.toString(), "--json", "--quiet");
        assertEquals(Cli.EXIT_OK, unbroken.exitCode(), unbroken.err());
        final byte[] series = Files.readAllBytes(out.resolve("timeseries.csv"));
        final Path checkpoints = out.resolve("checkpoints");
        for (final long tick : new long[]{ 10, 20, 30 })
        {
            assertTrue(Files.exists(checkpoints.resolve("tick-" + tick + ".manifest.json")), "set of tick " + tick);
        }
        // The set of tick 20 left incomplete (as by a crash before its manifest) and the newest one gone: resumes
        // from tick 10.
        Files.delete(checkpoints.resolve("tick-30.manifest.json"));
        Files.delete(checkpoints.resolve("tick-20.manifest.json"));

        assertRefused(resume(out.toString(), "--shards", "3"), "is a set of 2 shards; a sharded run resumes on as " +
            "many shards as it ran on, not --shards 3");
        assertRefused(resume(out.toString(), "--ticks", "40"), "--ticks is not supported when resuming a sharded run");
        assertRefused(resume(checkpoints.resolve("tick-10.shard-0.kcp").toString()), "tick-10.shard-0.kcp: section " +
            "\"shard\" is claimed by no part");
        assertArrayEquals(series, Files.readAllBytes(out.resolve("timeseries.csv")), "nothing written by a refusal");

        final CommandRun resumed = resume(out.toString(), "--json", "--quiet");
        assertEquals(Cli.EXIT_OK, resumed.exitCode(), resumed.err());
        assertEquals(unbroken.json().get("digest"), resumed.json().get("digest"));
        assertEquals(unbroken.json().get("alive"), resumed.json().get("alive"));
        assertEquals(30, resumed.json().get("ticks").intValue());
        assertArrayEquals(series, Files.readAllBytes(out.resolve("timeseries.csv")), "timeseries.csv");
        assertTrue(Files.exists(checkpoints.resolve("tick-30.manifest.json")), "the resumed run writes its sets");
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }
}
