package io.karyon.shard;

import io.karyon.model.Model;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.model.StopRequest;
import io.karyon.models.Ring;
import io.karyon.models.Tissue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sharded run's checkpoints (shards as threads of this JVM, joined over IPC): every shard writes its part at the
 * same ticks, shard 0 the manifest last, the newest N complete sets are kept; and a run resumed from any set, on the
 * same shards, ends with the digest of the unbroken run and of one process with as many workers: 2 shards of 1, 2
 * and 3 workers, 3 shards of 1, with supervision notices crossing shards.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShardCheckpointTest
{
    private static final Model RING = new Ring();
    private static final Model TISSUE = new Tissue();
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-shard-ckpt-test-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }

    private static ShardRun.Spec ring(final int workers)
    {
        return new ShardRun.Spec(RING, Map.of("supervisors", "40", "fanout", "4", "spread", "true"), 2000, 40, 11,
            workers);
    }

    /**
     * Runs every shard on a thread of its own, in invoker mode, with checkpoints and, if given, from a set's parts.
     */
    static ShardRun.Result[] sharded(final Path aeron, final ShardRun.Spec spec, final int shards,
        final ShardCheckpoints.Settings settings, final List<Path> resume) throws Exception
    {
        return sharded(aeron, spec, shards, settings, resume, true, (Path)null);
    }

    /**
     * Runs every shard on a thread of its own, in invoker mode ({@link ShardThreads#context}) or with the
     * defaults a shard's process has, with checkpoints and, if given, from a set's parts; shard 0 writes its outputs
     * to {@code out} if given (a resumed run: by default to the set's run folder).
     */
    static ShardRun.Result[] sharded(final Path aeron, final ShardRun.Spec spec, final int shards,
        final ShardCheckpoints.Settings settings, final List<Path> resume, final boolean invoker, final Path out)
        throws Exception
    {
        return sharded(aeron, spec, shards, settings, resume, invoker,
            (run) -> (null == out ? run : run.out(out)).progress(Progress.NONE));
    }

    /**
     * {@link #sharded(Path, ShardRun.Spec, int, ShardCheckpoints.Settings, List, boolean, Path)} with what shard 0
     * sets besides.
     */
    static ShardRun.Result[] sharded(final Path aeron, final ShardRun.Spec spec, final int shards,
        final ShardCheckpoints.Settings settings, final List<Path> resume, final boolean invoker,
        final UnaryOperator<ModelRun.Builder> first) throws Exception
    {
        final ShardRun.Result[] results = new ShardRun.Result[shards];
        ShardThreads.run(shards, (shard) -> AeronShardLink.ipc(shard, shards, aeron, TIMEOUT_NS),
            (shard, link) -> results[shard] = ShardRun.run(spec, link,
                invoker ? ShardThreads.context(spec.workers() * shards) : null, first, settings,
                null == resume ? null : resume.get(shard)));
        return results;
    }

    static Set<String> names(final Path folder) throws IOException
    {
        try (Stream<Path> files = Files.list(folder))
        {
            final Set<String> names = new TreeSet<>();
            files.forEach((f) -> names.add(f.getFileName().toString()));
            return names;
        }
    }

    private void assertResumesToTheSameDigest(final int shards, final int workers) throws Exception
    {
        assertResumesToTheSameDigest(ring(workers), shards);
    }

    private void assertResumesToTheSameDigest(final ShardRun.Spec spec, final int shards) throws Exception
    {
        final int workers = spec.workers();
        final long expected = ShardDeterminismTest.oneProcess(spec, workers * shards);
        final Path out = dir.resolve("out");
        final Path checkpoints = out.resolve("checkpoints");
        final ShardCheckpoints.Settings settings = new ShardCheckpoints.Settings(checkpoints, 15, 2, "00c0ffee");
        final ShardRun.Result[] unbroken = sharded(dir.resolve("aeron-1"), spec, shards, settings, null, true, out);
        final byte[] series = Files.readAllBytes(out.resolve("timeseries.csv"));
        for (int s = 0; s < shards; s++)
        {
            assertEquals(expected, unbroken[s].digest(), "shard " + s + " of the unbroken run");
        }
        // Every 15 ticks and at the last (40): 15, 30, 40; the newest two sets are kept, and only theirs.
        final Set<String> expectedNames = new TreeSet<>();
        expectedNames.add("tick-30.manifest.json");
        for (final long tick : new long[]{ 30, 40 })
        {
            expectedNames.add("tick-" + tick + ".manifest.json");
            for (int s = 0; s < shards; s++)
            {
                expectedNames.add("tick-" + tick + ".shard-" + s + ".kcp");
            }
        }
        assertEquals(expectedNames, names(checkpoints));
        final ShardManifest manifest = ShardManifest.read(checkpoints.resolve("tick-30.manifest.json"));
        assertEquals(30, manifest.tick());
        assertEquals(shards, manifest.parts().size());
        assertEquals("00c0ffee", manifest.runId());

        // From the set of tick 30, named by its manifest: the run goes on to tick 40 and the same digest.
        final ShardResume resume = ShardResume.load(checkpoints.resolve("tick-30.manifest.json"));
        assertEquals(30, resume.manifest().tick());
        Files.delete(out.resolve("timeseries.csv"));
        Files.write(out.resolve("timeseries.csv"), Arrays.copyOf(series, series.length - 7));  // a torn last row
        final ShardRun.Result[] resumed = sharded(dir.resolve("aeron-2"), resume.spec(spec.model()), shards,
            resume.settings(), resume.parts());
        for (int s = 0; s < shards; s++)
        {
            assertEquals(expected, resumed[s].digest(), "shard " + s + " resumed from tick 30");
        }
        // Shard 0 carries the run folder's time series on from the checkpoint's rows, as one process does.
        assertArrayEquals(series, Files.readAllBytes(out.resolve("timeseries.csv")), "timeseries.csv");
        assertEquals(40L, ((Number)resumed[0].run().summary().get("ticks")).longValue());
        // The output folder names the newest set: that of the last tick, which resumes to the end at once.
        assertEquals(40, ShardResume.load(dir.resolve("out")).manifest().tick());
    }

    @Test
    void shouldResumeTwoShardsOfOneWorkerToTheSameDigest() throws Exception
    {
        assertResumesToTheSameDigest(2, 1);
    }

    @Test
    void shouldResumeTwoShardsOfTwoWorkersToTheSameDigest() throws Exception
    {
        assertResumesToTheSameDigest(2, 2);
    }

    @Test
    void shouldResumeTwoShardsOfThreeWorkersToTheSameDigest() throws Exception
    {
        assertResumesToTheSameDigest(2, 3);
    }

    @Test
    void shouldResumeThreeShardsToTheSameDigest() throws Exception
    {
        assertResumesToTheSameDigest(3, 1);
    }

    /**
     * The matrix across shards: every part holds its shard's whole copy of the matrix and the deposits its writers
     * still hold for other shards' parts, which the first phase after the restore drops as the unbroken run did.
     */
    @Test
    void shouldResumeTissueWithItsMatrixOverTwoShardsToTheSameDigest() throws Exception
    {
        assertResumesToTheSameDigest(new ShardRun.Spec(TISSUE, Map.of(), 3000, 40, 5, 1), 2);
    }

    @Test
    void shouldWriteACompleteSetOnAStopRequestAndResumeFromIt() throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(RING, Map.of(), 2000, 60, 3, 1, 5);
        final Path out = dir.resolve("out");
        final Path checkpoints = out.resolve("checkpoints");
        final StopRequest request = new StopRequest();
        request.request("SIGINT");
        // No checkpoint every K: the stop request alone writes one, as in one process with an output folder.
        final ShardRun.Result[] stopped = sharded(dir.resolve("aeron-1"), spec, 2,
            new ShardCheckpoints.Settings(checkpoints, 0, 2, "5709ed00"), null, true,
            (run) -> run.out(out).stopRequest(request).progress(Progress.NONE));
        assertEquals(5, stopped[0].ticks(), "stopped at the first tick the shards gather at");
        assertEquals(Set.of("tick-5.manifest.json", "tick-5.shard-0.kcp", "tick-5.shard-1.kcp"), names(checkpoints));
        final ShardResume resume = ShardResume.load(out);
        final ShardRun.Result[] resumed = sharded(dir.resolve("aeron-2"), resume.spec(RING), 2, resume.settings(),
            resume.parts());
        assertEquals(60, resumed[0].ticks());
        assertEquals(ShardDeterminismTest.oneProcess(spec, 2), resumed[0].digest(), "as one process, unbroken");
        assertEquals(resumed[0].digest(), resumed[1].digest());
    }
}
