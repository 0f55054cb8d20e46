package io.karyon.shard;

import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The matrix's halo exchange: a model whose cells sit on their part's sites ({@link Heaters}) declares a reach of
 * one row, and a run of 2 shards of 1 or 2 workers over IPC, or 3 of 1 over UDP, gives the digest and, for every
 * part, the matrix digest of one process of as many workers in all, while each shard ships only the rows in the other
 * shards' halos: far fewer bytes than the whole ranges it ships without a reach. A heater that reads half the grid
 * away stops the run with one line naming the site. A run whose shards hold only their windows resumes from its
 * checkpoints to the same digest. Shards are threads of this JVM (see {@link ShardThreads}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardHaloTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long CELLS = 300;
    private static final long TICKS = 20;

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-shard-halo-test-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }


    /**
     * One process of a number of workers: the organism's digest, and the matrix digest of every part.
     */
    private static Map<Long, Long> oneProcess(final int workers, final long[] digest)
    {
        final Heaters model = new Heaters(1, false);
        digest[0] = ModelRun.builder(model).context(ShardThreads.context(workers)).seed(3).cells(CELLS).ticks(TICKS)
            .progress(Progress.NONE).run().digest();
        final Map<Long, Long> parts = new HashMap<>();
        for (final long[] entry : model.digests)
        {
            parts.put(entry[0], entry[1]);
        }
        assertEquals(workers, parts.size());
        return parts;
    }

    /**
     * Runs every shard on a thread; checks their digests and every part digest they hold against one process of as
     * many workers; returns the bytes shard 0 sent.
     */
    private long assertSameAsOneProcess(final int reach, final int shards, final int workers, final boolean udp)
        throws Exception
    {
        final long[] expected = new long[1];
        final Map<Long, Long> expectedParts = oneProcess(shards * workers, expected);
        final Heaters model = new Heaters(reach, false);
        final ShardRun.Result[] results = new ShardRun.Result[shards];
        final Throwable[] failures = run(model, shards, workers, udp, results);
        final String run = shards + " shards of " + workers + (udp ? " over UDP" : " over IPC") + ", reach " + reach;
        final Map<Long, Long> seen = new HashMap<>();
        for (int s = 0; s < shards; s++)
        {
            if (null != failures[s])
            {
                throw new AssertionError("shard " + s + " failed, " + run + ": " + failures[s], failures[s]);
            }
            assertEquals(expected[0], results[s].digest(), "digest of shard " + s + ", " + run);
        }
        for (final long[] entry : model.digests)
        {
            assertEquals(expectedParts.get(entry[0]), entry[1], "matrix digest of part " + entry[0] + ", " + run);
            seen.put(entry[0], entry[1]);
        }
        assertEquals(expectedParts.keySet(), seen.keySet(), "the parts held somewhere, " + run);
        return results[0].bytesSent();
    }

    private Throwable[] run(final Heaters model, final int shards, final int workers, final boolean udp,
        final ShardRun.Result[] results) throws InterruptedException, IOException
    {
        final ShardRun.Spec spec = new ShardRun.Spec(model, Map.of(), CELLS, TICKS, 3, workers, 1);
        return ShardThreads.tryRun(shards, ShardThreads.links(dir, shards, udp, TIMEOUT_NS),
            (shard, link) -> results[shard] = ShardRun.run(spec, link, ShardThreads.context(workers * shards)));
    }

    @Test
    void shouldMatchOneProcessAndShipOnlyTheHalosWithTwoShardsOverIpc() throws Exception
    {
        final long halos = assertSameAsOneProcess(1, 2, 1, false);
        final long whole = assertSameAsOneProcess(-1, 2, 1, false);
        // Without a reach shard 0 ships its range each tick (600 sites); with one, the row next to shard 1's (40):
        // everything else (the tick's blocks, deposits for the other shard's part included) is the same.
        assertEquals(TICKS * (600 - Heaters.NX) * Double.BYTES, whole - halos,
            "bytes shard 0 sent with a reach of 1 row: " + halos + "; without: " + whole);
        assertTrue(halos >= TICKS * Heaters.NX * Double.BYTES, "with a reach shard 0 sent " + halos + " bytes");
    }

    @Test
    void shouldMatchOneProcessWithTwoShardsOfTwoWorkersOverIpc() throws Exception
    {
        assertSameAsOneProcess(1, 2, 2, false);
    }

    @Test
    void shouldMatchOneProcessWithThreeShardsOverUdp() throws Exception
    {
        assertSameAsOneProcess(1, 3, 1, true);
    }

    /**
     * Checkpoints of a run whose shards hold only their windows: each shard's part holds its window (0.0 beyond it),
     * and the run resumed from the set of tick 10 ends with the digest of the unbroken run and of one process.
     */
    @Test
    void shouldResumeTwoShardsThatHoldOnlyTheirWindowsToTheSameDigest() throws Exception
    {
        final long[] expected = new long[1];
        oneProcess(2, expected);
        final Heaters model = new Heaters(1, false);
        final ShardRun.Spec spec = new ShardRun.Spec(model, Map.of(), CELLS, TICKS, 3, 1, 1);
        final Path out = dir.resolve("out");
        final Path checkpoints = out.resolve("checkpoints");
        final ShardCheckpoints.Settings settings = new ShardCheckpoints.Settings(checkpoints, 10, 2, "00c0ffee");
        final ShardRun.Result[] unbroken =
            ShardCheckpointTest.sharded(dir.resolve("aeron-1"), spec, 2, settings, null, true, out);
        final ShardResume resume = ShardResume.load(checkpoints.resolve("tick-10.manifest.json"));
        final ShardRun.Result[] resumed =
            ShardCheckpointTest.sharded(dir.resolve("aeron-2"), resume.spec(model), 2, resume.settings(),
                resume.parts());
        for (int s = 0; s < 2; s++)
        {
            assertEquals(expected[0], unbroken[s].digest(), "shard " + s + " of the unbroken run");
            assertEquals(expected[0], resumed[s].digest(), "shard " + s + " resumed from tick 10");
        }
    }

    @Test
    void shouldStopARunWhoseCellReadsBeyondTheReach() throws Exception
    {
        final Heaters model = new Heaters(1, true);
        final Throwable[] failures = run(model, 2, 1, false, new ShardRun.Result[2]);
        Throwable named = null;
        for (final Throwable failure : failures)
        {
            for (Throwable t = failure; null != t && null == named; t = t.getCause())
            {
                if (null != t.getMessage() && t.getMessage().contains("is outside what this shard holds"))
                {
                    named = t;
                }
            }
        }
        assertNotNull(named, "no shard named the stray read: " + failures[0] + " / " + failures[1]);
        assertTrue(Pattern.compile("in-memory matrix: site \\d+ is outside what this shard holds: sites " +
            "\\[\\d+, \\d+\\), its parts [01]\\.\\.[01] of 2 and their reach of 1 rows; beyond the reach a read " +
            "would see a stale value \\(a cell read it in the last tick\\)").matcher(named.getMessage()).find(),
            named.getMessage());
    }
}
