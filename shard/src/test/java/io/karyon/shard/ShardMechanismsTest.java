package io.karyon.shard;

import io.karyon.engine.Configuration;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every mechanism in flight across shards at once ({@link Mechanisms}: messages, timers set and cancelled, groups
 * joined and left, broadcasts, monitors across restarts, links trapped and not, deaths, restarts by supervisors on
 * other shards, children found again by id) gives the digest of one process with as many workers, the same count of
 * every event, and the engine's counters that shard 0 gathers: 2 shards over IPC, 3 over UDP on the loopback, 2 of 2
 * workers over IPC (shards as threads of this JVM), and 2 shard processes over UDP started by the launcher.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardMechanismsTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final List<String> STATS = List.of("alive", "spawned", "updates", "sent", "delivered",
        "dead_letters", "pending", "deaths", "deaths_by_reason", "restarts", "restarts_by_reason", "escalations",
        "cross_worker");
    private static final ShardRun.Spec ONE_WORKER = new ShardRun.Spec(new Mechanisms(), Map.of(), 2_000, 60, 11, 1);

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-mechanisms-test-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }


    /**
     * One process: its digest, and the events counted.
     */
    private static long oneProcess(final ShardRun.Spec spec, final int workers, final long[] counts)
    {
        return oneRun(spec, workers, counts).digest();
    }

    /**
     * One process: its result, and the events counted.
     */
    private static ModelRun.Result oneRun(final ShardRun.Spec spec, final int workers, final long[] counts)
    {
        reset();
        final ModelRun.Builder run = ModelRun.builder(spec.model()).context(ShardThreads.context(workers))
            .seed(spec.seed()).cells(spec.resolvedCells()).ticks(spec.resolvedTicks()).progress(Progress.NONE);
        spec.parameters().forEach(run::set);
        final ModelRun.Result result = run.run();
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = Mechanisms.COUNTS.get(i);
        }
        return result;
    }

    private static void reset()
    {
        for (int i = 0; i < Mechanisms.NAMES.size(); i++)
        {
            Mechanisms.COUNTS.set(i, 0);
        }
    }

    /**
     * Every shard on a thread of its own; the result of every shard.
     */
    private ShardRun.Result[] sharded(final ShardRun.Spec spec, final int shards, final boolean udp) throws Exception
    {
        reset();
        final ShardRun.Result[] results = new ShardRun.Result[shards];
        ShardThreads.run(shards, ShardThreads.links(dir, shards, udp, TIMEOUT_NS),
            (shard, link) -> results[shard] = ShardRun.run(spec, link, ShardThreads.context(spec.workers() * shards)));
        return results;
    }

    private void assertSameAsOneProcess(final ShardRun.Spec spec, final int shards, final boolean udp)
        throws Exception
    {
        final long[] expected = new long[Mechanisms.NAMES.size()];
        final ModelRun.Result one = oneRun(spec, spec.workers() * shards, expected);
        final long digest = one.digest();
        for (int i = 0; i < expected.length; i++)
        {
            // Each mechanism happens in the run, or the comparison proves nothing about it.
            assertTrue(spec.parameters().size() > 0 || expected[i] > 0, Mechanisms.NAMES.get(i) +
                " never happened in one process: " + Arrays.toString(expected));
        }
        final ShardRun.Result[] results = sharded(spec, shards, udp);
        final long[] counted = new long[expected.length];
        for (int i = 0; i < expected.length; i++)
        {
            counted[i] = Mechanisms.COUNTS.get(i);
        }
        for (int s = 0; s < shards; s++)
        {
            assertEquals(digest, results[s].digest(), "digest of shard " + s + " of " + shards +
                (udp ? " (udp)" : ""));
            assertCrossShardTraffic(results[s]);
        }
        assertEquals(Arrays.toString(expected), Arrays.toString(counted), "events " + Mechanisms.NAMES + ", " +
            shards + " shards");
        // The engine's counters of the whole run, gathered by shard 0, are one process's.
        for (final String stat : STATS)
        {
            assertEquals(one.summary().get(stat), results[0].run().summary().get(stat), stat + ", " + shards +
                " shards");
        }
        assertTrue(((Number)one.summary().get("restarts")).longValue() > 0, "restarts: " + one.summary());
    }

    /**
     * Records cross the shards every tick, many of them: else the comparison proves little.
     */
    private static void assertCrossShardTraffic(final ShardRun.Result result)
    {
        assertTrue(result.bytesSent() > result.ticks() * 100 * 28, "cross-shard bytes: " + result.bytesSent());
    }

    @Test
    void shouldBeTheSameInOneProcessOnAnyWorkerCount()
    {
        final long[] one = new long[Mechanisms.NAMES.size()];
        final long digest = oneProcess(ONE_WORKER, 1, one);
        for (int workers = 2; workers <= 3; workers++)
        {
            final long[] counts = new long[one.length];
            assertEquals(digest, oneProcess(ONE_WORKER, workers, counts), workers + " workers");
            assertEquals(Arrays.toString(one), Arrays.toString(counts), workers + " workers");
        }
    }

    @Test
    void shouldMatchOneProcessWithTwoShardsOverIpc() throws Exception
    {
        assertSameAsOneProcess(ONE_WORKER, 2, false);
    }

    @Test
    void shouldMatchOneProcessWithThreeShardsOverUdp() throws Exception
    {
        assertSameAsOneProcess(ONE_WORKER, 3, true);
    }

    @Test
    void shouldMatchOneProcessWithTwoShardsOfTwoWorkersOverIpc() throws Exception
    {
        assertSameAsOneProcess(new ShardRun.Spec(new Mechanisms(), Map.of(), 2_000, 60, 12, 2), 2, false);
    }

    /**
     * Shard processes, pinned and idling as the launcher plans them, over UDP: the digest of one process. The chunk
     * size reaches the children as the property it is the default of.
     */
    @Test
    void shouldMatchOneProcessWithTwoShardProcessesOverUdp()
    {
        final String before = System.getProperty(Configuration.CHUNK_SHIFT_PROP_NAME);
        System.setProperty(Configuration.CHUNK_SHIFT_PROP_NAME, "6");
        try
        {
            final ShardRun.Spec spec = new ShardRun.Spec(new Mechanisms(), Map.of(), 2_000, 60, 13, 1);
            final long expected = oneProcess(spec, 2, new long[Mechanisms.NAMES.size()]);
            final ShardRun.Result result = ShardLauncher.launch(spec, 2, null, true, null);
            assertEquals(expected, result.digest());
            assertCrossShardTraffic(result);
        }
        finally
        {
            if (null == before)
            {
                System.clearProperty(Configuration.CHUNK_SHIFT_PROP_NAME);
            }
            else
            {
                System.setProperty(Configuration.CHUNK_SHIFT_PROP_NAME, before);
            }
        }
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the run");
    }
}
