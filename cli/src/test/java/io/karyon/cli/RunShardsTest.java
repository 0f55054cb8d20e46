package io.karyon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon run --shards N} and {@code --shard I/N --peers}: one line and exit 2 for what a sharded run does not
 * support yet, a bad shard option or bad input (before any shard process starts; a shard across hosts that refuses
 * tells the others: {@link ShardRefusalTest}); and a sharded run of two processes gives the outputs, summary and
 * digest of one process with two workers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunShardsTest
{
    private static CommandRun run(final String... args)
    {
        return CommandRun.command(new RunCommand(), args);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ring --shards 1|Invalid value for option '--shards': must be in 2..64, was '1'",
        "ring --shards 65|Invalid value for option '--shards': must be in 2..64, was '65'",
        "ring --shards 2 --snapshot-every 5|--snapshot-every is not supported with --shards yet",
        "ring --shards 2 --checkpoint-every 5|--checkpoint-every and --keep-checkpoints with --shards need --out DIR",
        "ring --shard 0/2 --peers a:1,b:2 --checkpoint-every 5|--checkpoint-every and --keep-checkpoints with " +
            "--shard need --out DIR (each host's part",
        "ring --shards 2 --cpus 0|--cpus names 1 CPU(s) for 2 shards x 1 worker(s): give at least 2",
        "x.toml --shards 2|--shards takes a model's name, not a scenario file",
        "ring --shard 0/2|--shard 0/2 needs --peers with 2 HOST:PORT endpoints, one per shard, got none",
        "ring --shard 0/2 --peers a:1|needs --peers with 2 HOST:PORT endpoints, one per shard, got 1",
        "ring --shard 2/2 --peers a:1,b:2|--shard: expected I/N with 0 <= I < N <= 64, got '2/2'",
        "ring --shard 0/2 --peers a:1,b|--peers: expected HOST:PORT, got 'b'",
        "ring --shards 2 --peers a:1,b:2|--peers goes with --shard I/N",
        "ring --shards 2 --shard 0/2 --peers a:1,b:2|give one or the other",
        "ring --shards 2 --out /proc/karyon-shards|--out /proc/karyon-shards: cannot write there",
        "sir --shards 2 --set beta=7|beta" })
    void shouldRefuseWithOneLine(final String args, final String expected)
    {
        final CommandRun result = run(args.split(" "));
        assertEquals(Cli.EXIT_USAGE, result.exitCode(), result.err());
        assertTrue(result.err().contains(expected), result.err());
        assertEquals(1, result.err().strip().lines().count(), result.err());
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }

    @Test
    void shouldRunAModelWithTheMatrixAsOneProcess()
    {
        final String[] common = { "tissue", "--cells", "400", "--ticks", "6", "--json", "--quiet" };
        final CommandRun one = run(concat(common, "--workers", "2"));
        assertEquals(Cli.EXIT_OK, one.exitCode(), one.err());
        final CommandRun sharded = run(concat(common, "--shards", "2"));
        assertEquals(Cli.EXIT_OK, sharded.exitCode(), sharded.err());
        for (final String field : new String[]{ "digest", "population", "nutrient" })
        {
            assertEquals(one.json().get(field), sharded.json().get(field), field);
        }
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }

    @Test
    void shouldWriteTheOutputsAndSummaryOfOneProcessWithAsManyWorkers(@TempDir final Path dir) throws IOException
    {
        final String[] common = { "sir", "--cells", "5000", "--set", "initial_infected=20", "--seed", "3", "--every",
            "3", "--json", "--quiet" };
        final CommandRun one = run(concat(common, "--workers", "2", "--out", dir.resolve("one").toString()));
        assertEquals(Cli.EXIT_OK, one.exitCode(), one.err());
        final CommandRun sharded = run(concat(common, "--shards", "2", "--out", dir.resolve("sharded").toString()));
        assertEquals(Cli.EXIT_OK, sharded.exitCode(), sharded.err());
        assertEquals(1, sharded.out().strip().lines().count(), sharded.out());
        for (final String field : new String[]{ "digest", "ticks", "stopped", "observations", "alive", "delivered",
            "cross_worker", "attack_rate", "peak_infected", "peak_tick" })
        {
            assertEquals(one.json().get(field), sharded.json().get(field), field);
        }
        assertEquals(2, sharded.json().get("shards").intValue());
        assertArrayEquals(Files.readAllBytes(dir.resolve("one/timeseries.csv")),
            Files.readAllBytes(dir.resolve("sharded/timeseries.csv")));
        assertEquals(sharded.json(), CommandRun.parse(Files.readString(dir.resolve("sharded/summary.json"))));
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }

    private static String[] concat(final String[] first, final String... more)
    {
        final String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
