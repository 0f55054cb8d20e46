package io.karyon.perf.jmh;

import io.karyon.engine.Context;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.CheckpointMeta;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.scheduler.ThreadingMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoints of {@link #cells} cells of 32 bytes of state (a cohort, each cell with random state), in ms per
 * operation: {@code write} is {@code Checkpoints.write} (the workers write their families' sections in parallel, then
 * the file is synced and renamed), {@code restore} is {@code Checkpoints.restore} into a second organism set up the
 * same way (every checksum verified, then the workers read their families in parallel). The file lies in a temporary
 * folder (the system's, or {@code -Dkaryon.perf.checkpoint.dir}). Each iteration checks its result: the written file's
 * cell count and size, or the restored organism's cell count and digest against the original's; the bytes per cell on
 * disk are printed once. Run:
 * <pre>
 *   scripts/jmh CheckpointBenchmark -p workers=2
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.CheckpointBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> two organisms per trial, driven by one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = { JmhFlags.BOUNDS_CHECKS_OFF, "-Xmx2g" })
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@State(Scope.Benchmark)
public class CheckpointBenchmark
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("a").longField("b").doubleField("c")
        .longField("d").build();

    /** Workers: each writes and reads its own families. */
    @Param({ "1", "2" })
    public int workers;

    /** Cells checkpointed ({@code -p cells=10000000} for the 10M figure). */
    @Param({ "1000000" })
    public int cells;

    private Path folder;
    private Path file;
    private Organism source;
    private Organism target;
    private long digest;
    private CheckpointHeader written;

    /**
     * An organism with the benchmark's behaviour and genotype, which it returns.
     */
    private Genotype launch(final boolean isSource)
    {
        final Organism organism = Organism.launch(new Context().seed(42).workerCount(workers)
            .threadingMode(ThreadingMode.DEDICATED).idleStrategy("backoff").pin(false)
            .stateLength(LAYOUT.stateLength()));
        if (isSource)
        {
            source = organism;
        }
        else
        {
            target = organism;
        }
        organism.registerBehaviour("idle", new PopulateBenchmark.Idle());
        return organism.genotype("cell", LAYOUT, "idle");
    }

    /**
     * The organism to write, its checkpoint written once (for {@code restore}), and the organism to restore into.
     *
     * @throws IOException if the first checkpoint cannot be written.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final String dir = System.getProperty("karyon.perf.checkpoint.dir");
        folder = null == dir ? Files.createTempDirectory("karyon-checkpoint") :
            Files.createTempDirectory(Path.of(dir), "karyon-checkpoint");
        file = folder.resolve("bench.kcp");
        final Genotype genotype = launch(true);
        source.populate(genotype, cells, (index, cell, random) -> cell.putLong(0, index)
            .putLong(8, random.nextLong()).putDouble(16, random.nextDouble()).putLong(24, ~index));
        source.run(3);
        digest = source.digest();
        written = Checkpoints.write(source, file, meta(), List.of());
        System.err.printf("checkpoint of %,d cells at %d workers: %,d bytes, %.2f bytes per cell%n", cells, workers,
            Files.size(file), Files.size(file) / (double)cells);
        launch(false);
    }

    private CheckpointMeta meta()
    {
        return new CheckpointMeta("bench", Map.of("cells", Integer.toString(cells)), 42, null);
    }

    /**
     * Closes both organisms and removes the file.
     *
     * @throws IOException if the file cannot be removed.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        source.close();
        target.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(folder);
    }

    /**
     * Checks the last operation's result: a written file of every cell and the same size as the first, or a
     * restored organism with every cell and the original's digest.
     *
     * @throws IOException if the file cannot be read.
     */
    @TearDown(Level.Iteration)
    public void check() throws IOException
    {
        final CheckpointHeader header = Checkpoints.inspect(file);
        if (cells != header.cellCount() || !written.sections().equals(header.sections()))
        {
            throw new IllegalStateException("benchmark self-check failed: the file is not the checkpoint written: " +
                header);
        }
        if (target.ticks() > 0 && (cells != target.stats().alive() || digest != target.digest()))
        {
            throw new IllegalStateException("benchmark self-check failed: restored " + target.stats().alive() +
                " cells, digest " + target.digest() + ", expected " + digest);
        }
    }

    /**
     * Writes the checkpoint.
     *
     * @return its header.
     * @throws IOException if it cannot be written.
     */
    @Benchmark
    public CheckpointHeader write() throws IOException
    {
        return Checkpoints.write(source, file, meta(), List.of());
    }

    /**
     * Restores the checkpoint into the second organism.
     *
     * @return its header.
     * @throws IOException if it cannot be read.
     */
    @Benchmark
    public CheckpointHeader restore() throws IOException
    {
        return Checkpoints.restore(target, file, List.of());
    }

    /**
     * Runs this class's benchmarks.
     *
     * @param args JMH options.
     * @throws Exception if a benchmark fails.
     */
    public static void main(final String[] args) throws Exception
    {
        JmhFlags.runClass(CheckpointBenchmark.class, args);
    }
}
