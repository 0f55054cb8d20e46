package io.karyon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void shouldRefuseAResumeAcrossHostsWithoutPeersOrWithChanges(@TempDir final Path dir)
    {
        final String folder = dir.toString();
        assertRefused(resume(folder, "--shard", "0/2"), "--shard 0/2 needs --peers with 2 HOST:PORT endpoints");
        assertRefused(resume(folder, "--shard", "1/2", "--peers", "a:1"), "got 1 (a host's folder holds only its");
        assertRefused(resume(folder, "--peers", "a:1,b:2"), "--peers goes with --shard I/N");
        assertRefused(resume(folder, "--shard", "0/2", "--peers", "a:1,b:2", "--set", "beta=0.1"),
            "--set is not supported when resuming a run across hosts yet");
        assertRefused(resume(folder, "--shard", "0/2", "--peers", "a:1,b:2", "--ticks", "0"),
            "Invalid value for option '--ticks'");
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
        assertRefused(resume(out.toString(), "--ticks", "5"), "tick-10.shard-0.kcp: --ticks 5 is before the " +
            "checkpoint's tick 10");
        assertRefused(resume(out.toString(), "--cpus", "0,1"), "--cpus is not supported when resuming a sharded run");
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

    @Test
    void shouldExtendTheRunWithTicksToTheDigestAndRowsOfTheLongerRunInAnotherOut(@TempDir final Path dir)
        throws IOException
    {
        final String[] ring = { "ring", "--cells", "600", "--set", "supervisors=20", "--seed", "9", "--json",
            "--quiet" };
        final Path out = dir.resolve("out");
        final CommandRun sharded = run(ring, "--ticks", "20", "--shards", "2", "--checkpoint-every", "10", "--out",
            out.toString());
        assertEquals(Cli.EXIT_OK, sharded.exitCode(), sharded.err());
        final Path longer = dir.resolve("longer");
        final CommandRun unbroken = run(ring, "--ticks", "35", "--workers", "2", "--out", longer.toString());
        assertEquals(Cli.EXIT_OK, unbroken.exitCode(), unbroken.err());

        final Path more = dir.resolve("more");
        final CommandRun resumed = resume(out.resolve("checkpoints").toString(), "--ticks", "35", "--out",
            more.toString(), "--checkpoint-every", "5", "--keep-checkpoints", "2", "--json", "--quiet");
        assertEquals(Cli.EXIT_OK, resumed.exitCode(), resumed.err());
        assertEquals(unbroken.json().get("digest"), resumed.json().get("digest"));
        assertEquals(35, resumed.json().get("ticks").intValue());
        assertArrayEquals(Files.readAllBytes(longer.resolve("timeseries.csv")),
            Files.readAllBytes(more.resolve("timeseries.csv")), "the rows of the unbroken longer run");
        assertTrue(Files.exists(more.resolve("checkpoints/tick-35.manifest.json")), "its sets go to its --out");
        assertTrue(Files.exists(more.resolve("checkpoints/tick-30.manifest.json")), "every 5 ticks, as asked");
        assertFalse(Files.exists(more.resolve("checkpoints/tick-25.manifest.json")), "the newest two sets only");
        assertFalse(Files.exists(out.resolve("checkpoints/tick-35.manifest.json")), "nothing in the old folder");
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }

    @Test
    void shouldForkWithSetIntoANewOutAsOneProcessForks(@TempDir final Path dir) throws IOException
    {
        final String[] sir = { "sir", "--cells", "2000", "--ticks", "30", "--seed", "3", "--checkpoint-every", "10",
            "--keep-checkpoints", "5", "--json", "--quiet" };
        final Path one = dir.resolve("one");
        assertEquals(Cli.EXIT_OK, run(sir, "--workers", "2", "--out", one.toString()).exitCode());
        final Path oneFork = dir.resolve("one-fork");
        final CommandRun expected = CommandRun.command(new ResumeCommand(), one.resolve("checkpoints/tick-10.kcp")
            .toString(), "--set", "beta=0.1", "--out", oneFork.toString(), "--json", "--quiet", "--workers", "2");
        assertEquals(Cli.EXIT_OK, expected.exitCode(), expected.err());

        final Path out = dir.resolve("out");
        final CommandRun sharded = run(sir, "--shards", "2", "--out", out.toString());
        assertEquals(Cli.EXIT_OK, sharded.exitCode(), sharded.err());
        final String set = out.resolve("checkpoints/tick-10.manifest.json").toString();
        assertRefused(resume(set, "--set", "beta=0.1"), "a fork (--set beta) needs a new --out: ");
        assertRefused(resume(set, "--set", "initial_infected=5", "--out", dir.resolve("x").toString()),
            "--set initial_infected=5: initial_infected is fixed once a sir run is set up");
        assertRefused(resume(set, "--set", "beta=many", "--out", dir.resolve("x").toString()), "beta");
        assertFalse(Files.exists(dir.resolve("x")), "nothing written by a refusal");

        final Path fork = dir.resolve("fork");
        final CommandRun forked = resume(set, "--set", "beta=0.1", "--out", fork.toString(), "--json", "--quiet");
        assertEquals(Cli.EXIT_OK, forked.exitCode(), forked.err());
        assertEquals(expected.json().get("digest"), forked.json().get("digest"));
        assertEquals("0.1", forked.json().get("changes").get("beta").asText());
        // The fork's parent is the set, named by its manifest, as one process's names its checkpoint file.
        assertEquals(one.resolve("checkpoints/tick-10.kcp").toAbsolutePath().normalize().toString(),
            expected.json().get("parent_checkpoint").asText());
        assertEquals(Path.of(set).toAbsolutePath().normalize().toString(),
            forked.json().get("parent_checkpoint").asText(), "a sharded fork's parent: the set's manifest");
        assertEquals(forked.json().get("parent_checkpoint"),
            CommandRun.parse(Files.readString(fork.resolve("summary.json"))).get("parent_checkpoint"));
        assertArrayEquals(Files.readAllBytes(oneFork.resolve("timeseries.csv")),
            Files.readAllBytes(fork.resolve("timeseries.csv")), "the fork's rows, as one process's");
        assertTrue(Files.exists(fork.resolve("checkpoints/tick-30.manifest.json")), "the fork's sets in its --out");
        final String forkSet = Files.readString(fork.resolve("checkpoints/tick-30.manifest.json"));
        assertEquals("0.1", CommandRun.parse(forkSet).get("parameters").get("beta").asText());
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }

    private static CommandRun run(final String[] base, final String... more)
    {
        final String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CommandRun.command(new RunCommand(), args);
    }
}
