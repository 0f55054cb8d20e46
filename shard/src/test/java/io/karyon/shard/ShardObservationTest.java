package io.karyon.shard;

import io.karyon.model.Model;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.model.StopRequest;
import io.karyon.models.Ring;
import io.karyon.models.Sir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sharded run's observations, gathered by shard 0 (shards as threads of this JVM, each its own organism and Aeron
 * client): {@code timeseries.csv} byte for byte, and the summary's digest, counters and model values, as one process
 * with as many workers gives them; a stop condition ends every shard after the same tick as one process; only shard 0
 * writes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardObservationTest
{
    private static final Model SIR = new Sir();
    private static final Model RING = new Ring();
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    /** Summary fields of this process's time and memory, which differ from run to run. */
    // Timings, and what a shard's own process holds (allocated_bytes, sir's bytes_per_person from it): a shard keeps
    // only its own cells and their edges, so its memory is not one process's.
    private static final Set<String> TIMINGS = Set.of("wall_s", "setup_s", "run_s", "seconds", "ticks_per_s",
        "observe_s", "updates_per_s", "messages_per_s", "tick_ns_mean", "tick_ns_p50", "tick_ns_p99", "tick_ns_max",
        "allocated_bytes", "bytes_per_person");

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-shard-obs-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }

    private ModelRun.Result oneProcess(final ShardRun.Spec spec, final int workers, final Path out)
    {
        return ShardRun.builder(spec, ShardThreads.context(workers)).out(out).progress(Progress.NONE).run();
    }

    /**
     * Runs every shard on a thread of its own, shard 0 writing into {@code out}; returns each shard's result.
     */
    private ShardRun.Result[] sharded(final ShardRun.Spec spec, final int shards, final boolean udp, final Path out)
        throws Exception
    {
        return sharded(spec, shards, udp, (run) -> run.out(out).progress(Progress.NONE));
    }

    private ShardRun.Result[] sharded(final ShardRun.Spec spec, final int shards, final boolean udp,
        final UnaryOperator<ModelRun.Builder> first) throws Exception
    {
        final ShardRun.Result[] results = new ShardRun.Result[shards];
        ShardThreads.run(shards, ShardThreads.links(dir, shards, udp, TIMEOUT_NS), (shard, link) -> results[shard] =
            ShardRun.run(spec, link, ShardThreads.context(spec.workers() * shards), first));
        return results;
    }

    /**
     * Runs sharded and in one process; asserts the same time series and summary; returns one process's result.
     */
    private ModelRun.Result assertSameAsOneProcess(final ShardRun.Spec spec, final int shards, final boolean udp)
        throws Exception
    {
        final Path one = dir.resolve("one");
        final Path sharded = dir.resolve("sharded");
        final ModelRun.Result expected = oneProcess(spec, spec.workers() * shards, one);
        final ShardRun.Result[] results = sharded(spec, shards, udp, sharded);
        final Map<String, Object> summary = results[0].run().summary();
        assertArrayEquals(Files.readAllBytes(one.resolve("timeseries.csv")),
            Files.readAllBytes(sharded.resolve("timeseries.csv")), "timeseries.csv of " + shards + " shards");
        for (final Map.Entry<String, Object> e : expected.summary().entrySet())
        {
            if (!TIMINGS.contains(e.getKey()))
            {
                assertEquals(e.getValue(), summary.get(e.getKey()), e.getKey());
            }
        }
        assertEquals(shards, summary.get("shards"));
        assertTrue(Files.isRegularFile(sharded.resolve("summary.json")));
        for (final ShardRun.Result result : results)
        {
            assertEquals(expected.digest(), result.digest());
            assertEquals(expected.summary().get("ticks"), result.ticks(), "every shard stops after the same tick");
        }
        return expected;
    }

    @Test
    void shouldWriteTheTimeSeriesAndSummaryOfOneProcessWithTwoShardsOverIpc() throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(SIR, Map.of("initial_infected", "20"), 4000, 500, 5, 1);
        final ModelRun.Result one = assertSameAsOneProcess(spec, 2, false);
        // The stop condition (no one infectious, nothing pending) ended it, well before the most ticks.
        assertEquals(true, one.summary().get("stopped"));
        assertTrue((Long)one.summary().get("ticks") < 500, "ticks " + one.summary().get("ticks"));
    }

    @Test
    void shouldStopEveryShardAfterTheTickOneProcessStopsObservingEveryKTicks() throws Exception
    {
        // Every 7 ticks: the stop condition's tick is not one the run observes, so the shards walk their cells again
        // for the last row.
        final ShardRun.Spec spec = new ShardRun.Spec(SIR, Map.of("initial_infected", "20"), 4000, 500, 9, 1, 7);
        final ModelRun.Result one = assertSameAsOneProcess(spec, 3, false);
        assertEquals(true, one.summary().get("stopped"));
        assertTrue(0 != (Long)one.summary().get("ticks") % 7, "ticks " + one.summary().get("ticks"));
    }

    @Test
    void shouldWriteTheTimeSeriesOfOneProcessWithDeathsAndRestartsOverThreeShardsOverUdp() throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(RING, Map.of("supervisors", "30", "spread", "true"), 3000, 40,
            7, 1);
        final ModelRun.Result one = assertSameAsOneProcess(spec, 3, true);
        assertTrue((Long)one.summary().get("deaths") > 0, "deaths " + one.summary().get("deaths"));
        assertTrue((Long)one.summary().get("restarts") > 0, "restarts " + one.summary().get("restarts"));
    }

    @Test
    void shouldGatherTwoWorkersPerShard() throws Exception
    {
        assertSameAsOneProcess(new ShardRun.Spec(RING, Map.of(), 3000, 30, 11, 2, 4), 2, false);
    }

    @Test
    void shouldStopEveryShardAtTheFirstObservedTickAfterShardZerosStopRequest() throws Exception
    {
        final StopRequest request = new StopRequest();
        request.request("SIGINT");
        final ShardRun.Result[] results = sharded(new ShardRun.Spec(RING, Map.of(), 3000, 1000, 3, 1, 5), 2, false,
            (run) -> run.stopRequest(request).progress(Progress.NONE));
        for (final ShardRun.Result result : results)
        {
            assertEquals(5, result.ticks(), "every shard stops after the first tick they gather at");
            assertEquals(true, result.run().summary().get("interrupted"));
        }
        assertEquals("SIGINT", results[0].run().stopReason());
        assertEquals(2, (Long)results[0].run().summary().get("observations"), "ticks 0 and 5");
    }

    @Test
    void shouldGatherEveryKindOfObservationOverThreeShardsOverUdp() throws Exception
    {
        // Deaths by the model's reason, a group whose members join and leave, a histogram, a reduction, values of
        // the driver's, a survey value, and a stop condition on the live cells between the ticks the run observes
        // (every 4).
        final ShardRun.Spec spec = new ShardRun.Spec(new Starvers(), Map.of("stop_below", "1500"), 2400, 200, 13, 1,
            4);
        final ModelRun.Result one = assertSameAsOneProcess(spec, 3, true);
        assertEquals(true, one.summary().get("stopped"));
        assertTrue((Long)one.summary().get("deaths") > 0, "deaths " + one.summary().get("deaths"));
        final List<String> rows = Files.readAllLines(dir.resolve("one/timeseries.csv"));
        final int hungry = List.of(rows.get(0).split(",")).indexOf("hungry");
        assertTrue(rows.get(0).contains("deaths_starved") && hungry > 0, rows.get(0));
        assertTrue(rows.stream().skip(1).anyMatch((row) -> !"0".equals(row.split(",")[hungry])),
            "the group has members at some tick");
        // Each shard walks its cells once an observation for the reduction and the survey value together, as one
        // process does: no cell's survey visit is apart from its reduction's.
        final List<String> shardRows = Files.readAllLines(dir.resolve("sharded/timeseries.csv"));
        final int apart = List.of(shardRows.get(0).split(",")).indexOf("walked_apart");
        assertTrue(apart > 0, shardRows.get(0));
        for (final String row : shardRows.subList(1, shardRows.size()))
        {
            assertEquals("0", row.split(",")[apart], "cells surveyed apart from their reduction, row " + row);
        }
    }
}
