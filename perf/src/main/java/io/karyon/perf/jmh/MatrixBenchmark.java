package io.karyon.perf.jmh;

import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.matrix.MatrixWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The matrix's operations, in ns each, over 1,000 sites (in cache) and 1,000,000 (from memory), at random sites:
 * {@code read} (a concentration as the workers see it), {@code deposit} (write-combined into a {@link MatrixWriter},
 * with its share of the tick phase that applies it: one phase per {@link #BATCH} deposits), {@code depositDirect}
 * (free-running: under the segment's write lock at once), and {@code tick}: decay plus 2D diffusion over the whole
 * grid, in ns per site, on one part. Run:
 * <pre>
 *   scripts/jmh MatrixBenchmark
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.MatrixBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one matrix per benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class MatrixBenchmark
{
    /** Operations per invocation (and deposits per tick phase). */
    public static final int BATCH = 4096;

    /** Sites of the matrix (a square grid when diffusing). */
    @Param({ "1000", "1000000" })
    public int sites;

    private final long[] randomSites = new long[BATCH];
    private Matrix matrix;
    private Matrix grid;
    private MatrixWriter writer;
    private long tick;
    private long gridTick;

    /**
     * A static matrix of {@link #sites} sites, and a diffusing 2D one of about as many, plus random sites.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        matrix = Matrix.create(new MatrixConfiguration().grid(sites));
        writer = matrix.writers(1)[0];
        final int side = (int)Math.sqrt(sites);
        grid = Matrix.create(new MatrixConfiguration().grid(side, side).decayRate(0, 0.01).diffusionRate(0, 0.2));
        grid.writers(1);
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < BATCH; i++)
        {
            randomSites[i] = random.nextLong(sites);
        }
        tick = 0;
        gridTick = 0;
    }

    /**
     * Closes the matrices.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        matrix.close();
        grid.close();
    }

    /**
     * Reads {@link #BATCH} random sites.
     *
     * @return their sum.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double read()
    {
        final Matrix matrix = this.matrix;
        final long[] sites = randomSites;
        double sum = 0.0;
        for (int i = 0; i < BATCH; i++)
        {
            sum += matrix.read(sites[i], 0);
        }
        return sum;
    }

    /**
     * Deposits on {@link #BATCH} random sites, then the tick phase that applies them.
     *
     * @return a concentration, so the work is kept.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double deposit()
    {
        final MatrixWriter writer = this.writer;
        final long[] sites = randomSites;
        for (int i = 0; i < BATCH; i++)
        {
            writer.deposit(sites[i], 0, 1.0, i);
        }
        matrix.applyTick(0, 1, tick++);
        return matrix.read(sites[0], 0);
    }

    /**
     * Deposits on {@link #BATCH} random sites, each at once under its segment's write lock.
     *
     * @return a concentration, so the work is kept.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double depositDirect()
    {
        final Matrix matrix = this.matrix;
        final long[] sites = randomSites;
        for (int i = 0; i < BATCH; i++)
        {
            matrix.depositDirect(sites[i], 0, 1.0);
        }
        return matrix.read(sites[0], 0);
    }

    /**
     * One tick of decay and diffusion over the whole grid, in one part (ns per tick).
     *
     * @return a concentration, so the work is kept.
     */
    @Benchmark
    public double tick()
    {
        grid.applyTick(0, 1, gridTick++);
        return grid.read(0, 0);
    }

    /**
     * Sum of the static matrix's concentrations, for the self-check.
     *
     * @return total over every site.
     */
    double total()
    {
        double total = 0.0;
        for (long s = 0; s < sites; s++)
        {
            total += matrix.read(s, 0);
        }
        return total;
    }

    /**
     * Runs only this class.
     *
     * @param args further JMH options.
     * @throws Exception if JMH fails.
     */
    public static void main(final String[] args) throws Exception
    {
        JmhFlags.runClass(MatrixBenchmark.class, args);
    }
}
