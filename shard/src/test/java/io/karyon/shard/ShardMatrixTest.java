package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.engine.MemoryEstimate;
import io.karyon.engine.Organism;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.matrix.Matrix;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Observations;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Progress;
import io.karyon.model.Setup;
import io.karyon.model.StopCondition;
import io.karyon.model.SurveyValue;
import io.karyon.models.Tissue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tissue model (a dynamic matrix: nutrient and signal diffuse, cells read the sites around them and deposit,
 * founders die and are reborn by supervisors on other shards, a group gets broadcasts) sharded over 2 and 3 shards of
 * 1 or 2 workers, over IPC and UDP on the loopback, gives the digest and the matrix digest of one process of 1 worker.
 * A static matrix (parts of whole segments) over 3 shards too ({@link Secretors}). Shards are threads of this JVM,
 * each its own organism, matrix and Aeron client: no child process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardMatrixTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long CELLS = 1500;
    private static final long TICKS = 30;

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

    /**
     * The organism's and the matrix's digests of one process, and the bits of its summary's nutrient (a matrix total).
     */
    private static long[] oneProcess(final long seed, final int workers)
    {
        final MatrixDigests model = new MatrixDigests();
        final ModelRun.Result result = ModelRun.builder(model).context(ShardThreads.context(workers)).seed(seed)
            .cells(CELLS).ticks(TICKS).progress(Progress.NONE).run();
        assertEquals(1, model.digests.size());
        return new long[] { result.digest(), model.digests.poll(), nutrientBits(result) };
    }

    private static long nutrientBits(final ModelRun.Result result)
    {
        return Double.doubleToRawLongBits(((Number)result.summary().get("nutrient")).doubleValue());
    }

    /**
     * Runs every shard on a thread of its own; returns the organism's digest of each shard, then the bits of shard
     * 0's summary's nutrient (the matrix digests go to the model).
     */
    private List<Long> sharded(final MatrixDigests model, final long seed, final int shards, final int workers,
        final boolean udp) throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(model, Map.of(), CELLS, TICKS, seed, workers);
        final ShardRun.Result[] results = new ShardRun.Result[shards];
        final Throwable[] failures = run(spec, shards, udp, results);
        final List<Long> digests = new ArrayList<>();
        for (int s = 0; s < shards; s++)
        {
            if (null != failures[s])
            {
                throw new AssertionError("shard " + s + " failed: " + failures[s], failures[s]);
            }
            digests.add(results[s].digest());
            // Every tick a shard ships its parts' ranges (3 substances a site) to every other shard.
            final long sites = 2 * CELLS;  // at least: the founders fill half the lattice
            assertTrue(results[s].bytesSent() >= TICKS * (shards - 1) * (sites / shards) * 3 * Double.BYTES,
                "shard " + s + " sent " + results[s].bytesSent() + " bytes");
        }
        digests.add(nutrientBits(results[0].run()));
        return digests;
    }

    /**
     * Runs every shard of a spec on a thread of its own, filling in the results; returns each shard's failure.
     */
    private Throwable[] run(final ShardRun.Spec spec, final int shards, final boolean udp,
        final ShardRun.Result[] results) throws InterruptedException, IOException
    {
        final int workers = spec.workers();
        return ShardThreads.tryRun(shards, ShardThreads.links(dir, shards, udp, TIMEOUT_NS),
            (shard, link) -> results[shard] = ShardRun.run(spec, link, ShardThreads.context(workers * shards)));
    }

    private void assertSameAsOneProcess(final int shards, final int workers, final boolean udp) throws Exception
    {
        final long[] expected = oneProcess(5, 1);
        final MatrixDigests model = new MatrixDigests();
        final List<Long> digests = sharded(model, 5, shards, workers, udp);
        final String run = shards + " shards of " + workers + (udp ? " over UDP" : " over IPC");
        for (int s = 0; s < shards; s++)
        {
            assertEquals(expected[0], digests.get(s), "digest of shard " + s + ", " + run);
        }
        assertEquals(expected[2], digests.get(shards), "shard 0's nutrient total (read from its copy), " + run);
        assertEquals(shards, model.digests.size());
        for (final long matrixDigest : model.digests)
        {
            assertEquals(expected[1], matrixDigest, "matrix digest, " + run);
        }
    }

    @Test
    void shouldMatchOneProcessWithTwoShardsOverIpc() throws Exception
    {
        assertSameAsOneProcess(2, 1, false);
    }

    @Test
    void shouldMatchOneProcessWithTwoShardsOfTwoWorkersOverIpc() throws Exception
    {
        assertSameAsOneProcess(2, 2, false);
    }

    @Test
    void shouldMatchOneProcessWithThreeShardsOverUdp() throws Exception
    {
        assertSameAsOneProcess(3, 1, true);
    }

    @Test
    void shouldDifferWithAnotherSeed() throws Exception
    {
        final long[] other = oneProcess(6, 2);
        final MatrixDigests model = new MatrixDigests();
        final List<Long> digests = sharded(model, 5, 2, 1, false);
        assertNotEquals(other[0], digests.get(0));
        assertNotEquals(other[1], model.digests.peek());
    }

    @Test
    void shouldMatchOneProcessWithAStaticMatrixOverThreeShards() throws Exception
    {
        final Secretors one = new Secretors();
        final long expected = ModelRun.builder(one).context(ShardThreads.context(1)).seed(9).cells(600).ticks(20)
            .progress(Progress.NONE).run().digest();
        final Secretors model = new Secretors();
        final ShardRun.Result[] results = new ShardRun.Result[3];
        final Throwable[] failures = run(new ShardRun.Spec(model, Map.of(), 600, 20, 9, 1), 3, false, results);
        for (int s = 0; s < 3; s++)
        {
            if (null != failures[s])
            {
                throw new AssertionError("shard " + s + " failed: " + failures[s], failures[s]);
            }
            assertEquals(expected, results[s].digest(), "digest of shard " + s);
        }
        assertEquals(3, model.digests.size());
        for (final long matrixDigest : model.digests)
        {
            assertEquals(one.digests.peek(), matrixDigest, "matrix digest");
        }
    }

    @Test
    void shouldRefuseATickPhaseThatCannotBeSplit() throws Exception
    {
        final Model plain = new Model()
        {
            public String name()
            {
                return "plain-phase";
            }

            public String description()
            {
                return "a tick phase that is a lambda";
            }

            public List<Parameter> parameters()
            {
                return List.of();
            }

            public void setUp(final Setup setup)
            {
                setup.context().tickPhase((worker, workers, tick) -> { });
                setup.organism();
            }
        };
        final Throwable[] failures =
            run(new ShardRun.Spec(plain, Map.of(), 10, 2, 1, 1), 2, false, new ShardRun.Result[2]);
        for (final Throwable failure : failures)
        {
            final ModelException refused = assertInstanceOf(ModelException.class, failure);
            assertEquals(ModelException.EXIT_USAGE, refused.exitCode());
            assertEquals("model plain-phase cannot run sharded (--shards): its tick phase cannot be split between " +
                "shards: a sharded run needs a ShardedTickPhase (the matrix's is io.karyon.model.MatrixPhase), not a " +
                "plain TickPhase", refused.getMessage());
        }
    }

    /**
     * The tissue model, which also takes its matrix's digest at the end of each run, before the matrix is closed.
     */
    static final class MatrixDigests implements Model
    {
        private final Tissue tissue = new Tissue();
        final Queue<Long> digests = new ConcurrentLinkedQueue<>();

        public String name()
        {
            return tissue.name();
        }

        public String description()
        {
            return tissue.description();
        }

        public List<Parameter> parameters()
        {
            return tissue.parameters();
        }

        public void estimateMemory(final Parameters parameters, final long cells, final MemoryEstimate estimate)
        {
            tissue.estimateMemory(parameters, cells, estimate);
        }

        public void setUp(final Setup setup)
        {
            tissue.setUp(new DigestingSetup(setup, digests));
        }
    }

    /**
     * A set-up that, for each matrix closed at the end, takes its digest just before.
     */
    private record DigestingSetup(Setup setup, Queue<Long> digests) implements Setup
    {
        public Parameters parameters()
        {
            return setup.parameters();
        }

        public long cells()
        {
            return setup.cells();
        }

        public long seed()
        {
            return setup.seed();
        }

        public int workers()
        {
            return setup.workers();
        }

        public Context context()
        {
            return setup.context();
        }

        public Organism organism()
        {
            return setup.organism();
        }

        public Observations observe()
        {
            return setup.observe();
        }

        public void stopWhen(final StopCondition condition)
        {
            setup.stopWhen(condition);
        }

        public void summary(final String name, final DoubleSupplier value)
        {
            setup.summary(name, value);
        }

        public void summary(final String name, final SurveyValue value)
        {
            setup.summary(name, value);
        }

        public <T extends AutoCloseable> T closeAtEnd(final T resource)
        {
            setup.closeAtEnd(resource);
            if (resource instanceof Matrix)
            {
                final Matrix matrix = (Matrix)resource;
                // Closed last first: the digest is taken before the matrix is closed.
                setup.closeAtEnd(() -> digests.add(matrix.digest()));
            }
            return resource;
        }

        public void checkpointed(final CheckpointPart part)
        {
            setup.checkpointed(part);
        }
    }
}
