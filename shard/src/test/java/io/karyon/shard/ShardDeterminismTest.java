package io.karyon.shard;

import io.karyon.model.Model;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.models.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sharded run (shards as threads of this JVM, each its own organism and Aeron client, joined over IPC or UDP on the
 * loopback) gives the digest of one process with as many workers: 2 and 3 shards, with and without supervision
 * notices crossing shards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardDeterminismTest
{
    private static final Model RING = new Ring();
    // A pair of workers' empty queues in a block (three queues and the notices), and one record (ShardExchange).
    private static final long EMPTY_PAIR = 3 * 2 * Integer.BYTES + Integer.BYTES;
    private static final long RECORD = 3 * Long.BYTES + Integer.BYTES;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-shard-test-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }


    static long oneProcess(final ShardRun.Spec spec, final int workers)
    {
        final ModelRun.Builder run = ModelRun.builder(spec.model()).context(ShardThreads.context(workers))
            .seed(spec.seed()).cells(spec.resolvedCells()).ticks(spec.resolvedTicks()).progress(Progress.NONE);
        spec.parameters().forEach(run::set);
        return run.run().digest();
    }

    /**
     * Runs every shard on a thread of its own; returns each shard's result.
     */
    private List<ShardRun.Result> sharded(final ShardRun.Spec spec, final int shards, final boolean udp)
        throws Exception
    {
        final ShardRun.Result[] results = new ShardRun.Result[shards];
        ShardThreads.run(shards, ShardThreads.links(dir, shards, udp, TIMEOUT_NS),
            (shard, link) -> results[shard] = ShardRun.run(spec, link, ShardThreads.context(spec.workers() * shards)));
        return List.of(results);
    }

    private void assertSameAsOneProcess(final ShardRun.Spec spec, final int shards, final boolean udp)
        throws Exception
    {
        final long expected = oneProcess(spec, spec.workers() * shards);
        final List<ShardRun.Result> results = sharded(spec, shards, udp);
        for (int s = 0; s < shards; s++)
        {
            assertEquals(expected, results.get(s).digest(), "shard " + s + " of " + shards + (udp ? " (udp)" : ""));
            // Cells on every shard send to the others' cells, a record a tick at least: else the test proves nothing.
            final long empty = Long.BYTES + (long)spec.workers() * spec.workers() * EMPTY_PAIR;
            final ShardRun.Result result = results.get(s);
            assertTrue(result.bytesSent() - result.blocksSent() * empty >= spec.resolvedTicks() * RECORD,
                "shard " + s + " sent " + result.bytesSent() + " bytes in " + result.blocksSent() + " blocks");
        }
    }

    private static ShardRun.Spec ring(final int workers, final Map<String, Object> parameters)
    {
        return new ShardRun.Spec(RING, parameters, 3000, 40, 7, workers);
    }

    @Test
    void shouldMatchOneProcessWithTwoShardsOverIpc() throws Exception
    {
        assertSameAsOneProcess(ring(1, Map.of()), 2, false);
    }

    @Test
    void shouldMatchOneProcessWithTwoShardsOfTwoWorkersOverIpc() throws Exception
    {
        assertSameAsOneProcess(ring(2, Map.of()), 2, false);
    }

    @Test
    void shouldMatchOneProcessWithThreeShardsOverUdp() throws Exception
    {
        assertSameAsOneProcess(ring(1, Map.of()), 3, true);
    }

    @Test
    void shouldMatchOneProcessWithSupervisionSpreadOverThreeShardsOverIpc() throws Exception
    {
        assertSameAsOneProcess(ring(1, Map.of("supervisors", "60", "fanout", "6", "spread", "true")), 3, false);
    }

    @Test
    void shouldMatchOneProcessWithTwoShardsOverUdp() throws Exception
    {
        assertSameAsOneProcess(ring(1, Map.of("supervisors", "30", "spread", "true")), 2, true);
    }

    @Test
    void shouldMatchOneProcessWhenEveryShardsDigestListTakesSeveralBlocks() throws Exception
    {
        // 100,000 cells a shard, each listed as at least 3 longs: 2.4 MB, more than two of ShardDigest's 1 MiB blocks
        // a shard, so shard 0 hashes the three lists a block at a time, in chunk order across the shards.
        final ShardRun.Spec spec = new ShardRun.Spec(RING, Map.of(), 300_000, 3, 7, 1);
        final long expected = oneProcess(spec, 3);
        final long[] digests = new long[3];
        final long[] linkBytes = new long[3];
        ShardThreads.run(3, ShardThreads.links(dir, 3, false, TIMEOUT_NS), (shard, link) ->
        {
            digests[shard] = ShardRun.run(spec, link, ShardThreads.context(3)).digest();
            linkBytes[shard] = link.bytesSent();
        });
        for (int s = 0; s < 3; s++)
        {
            assertEquals(expected, digests[s], "shard " + s + " of 3");
        }
        assertTrue(linkBytes[2] > 2 << 20, linkBytes[2] + " bytes from shard 2");
    }

    @Test
    void shouldDifferWithAnotherSeed() throws Exception
    {
        final List<ShardRun.Result> results = sharded(ring(1, Map.of()), 2, false);
        assertNotEquals(oneProcess(new ShardRun.Spec(RING, Map.of(), 3000, 40, 8, 1), 2), results.get(0).digest());
    }
}
