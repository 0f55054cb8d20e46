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
 * The matrix's operations on an in-memory matrix of {@link #sites} sites, one substance, every site holding a real
 * value (non-zero, different from site to site), at random sites spread over the whole matrix:
 * <ul>
 *   <li>{@code read}: ns per read of one random site (a concentration as the workers see it);</li>
 *   <li>{@code deposit}: ns per deposit on one random site, write-combined into a {@link MatrixWriter}, with its
 *   share of the tick phase that applies it (one phase per {@link #BATCH} deposits);</li>
 *   <li>{@code depositDirect}: ns per deposit on one random site, free-running, at once under the segment's write
 *   lock;</li>
 *   <li>{@code tick}: ns per tick of decay and 2D diffusion over a whole square grid of about {@link #sites} sites
 *   (31 x 31 or 1,000 x 1,000), in one part; divide by the grid's sites for ns per site.</li>
 * </ul>
 * The random sites are drawn once, at set-up, into a sequence several times longer than the matrix ({@link
 * #sequenceLength(int)}), which invocations walk {@link #BATCH} at a time: the measured loop only steps an index, and
 * with 1,000,000 sites each read finds its site in memory, not in a cache warmed by the same few thousand sites. With
 * 1,000 sites the matrix fits in cache, and that is what that parameter measures.
 * <p>
 * Each iteration checks its result ({@link #checkIteration()}): the reads summed to the values the set-up wrote on
 * exactly the sites read, every deposit was applied once on its own site, and the grid kept its mass but for the
 * decay. Values are multiples of 1/1024 and every sum stays far below 2^43, so the sums are exact in any order and
 * are compared for equality.
 * Run:
 * <pre>
 *   scripts/jmh MatrixBenchmark
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.MatrixBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one state per benchmark thread; JMH gives each benchmark method a trial, and so a state, of its own,
 * which {@code read}'s check relies on (it expects the values as set up).
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class MatrixBenchmark
{
    /** Operations per invocation of {@code read}, {@code deposit} and {@code depositDirect}; deposits per phase. */
    public static final int BATCH = 4096;
    /** What each deposit adds: a multiple of 1/1024, so totals stay exact. */
    public static final double AMOUNT = 0.25;
    /**
     * The grid's decay rate per tick: small enough that no run drives its values down to subnormal doubles, whose
     * arithmetic is many times slower and would be measured instead of the kernel (0.99 a tick reaches them within
     * a second on a small grid).
     */
    public static final double GRID_DECAY_RATE = 1.0e-6;
    /** The grid's diffusion coefficient per tick and neighbour. */
    public static final double GRID_DIFFUSION_RATE = 0.2;

    private static final int WEIGHTS = 16;

    /** Sites of the matrix (a square grid of about as many when diffusing). */
    @Param({ "1000", "1000000" })
    public int sites;

    private Matrix matrix;
    private Matrix grid;
    private MatrixWriter writer;
    private int[] sequence;
    private int sequenceMask;
    private double[] blockValues;
    private long[] blockWeights;
    private int cursor;
    private long tick;
    private long gridTick;

    private double readSum;
    private double expectedReadSum;
    private long deposits;
    private long expectedWeight;
    private double totalBefore;
    private double weightedBefore;
    private long gridTickBefore;
    private double gridTotalBefore;

    /**
     * The value set-up writes on a site: a multiple of 1/1024 from 1/1024 to 64, scattered over the sites.
     *
     * @param site of the matrix or grid.
     * @return its value.
     */
    static double value(final long site)
    {
        return (1 + ((site * 0x9E3779B97F4A7C15L) >>> 48)) / 1024.0;
    }

    /**
     * The weight a site's value has in the weighted total, which catches a deposit on the wrong site.
     *
     * @param site of the matrix.
     * @return 1 to 16.
     */
    static int weight(final long site)
    {
        return 1 + (int)(site % WEIGHTS);
    }

    /**
     * Length of the random sequence for a matrix: a power of two, a multiple of {@link #BATCH}, at least four draws
     * per site, so that a pass visits most sites (all but about e^-4 of them), in random order.
     *
     * @param sites of the matrix.
     * @return entries.
     */
    static int sequenceLength(final int sites)
    {
        return Integer.highestOneBit(Math.max(4 * sites, 16 * BATCH) - 1) << 1;
    }

    /**
     * A static matrix of {@link #sites} sites and a diffusing 2D one of about as many, each site holding
     * {@link #value(long)}, and the random sequence of sites with each block's expected sums.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        matrix = Matrix.create(new MatrixConfiguration().grid(sites));
        writer = matrix.writers(1)[0];
        fill(matrix);
        final int side = (int)Math.sqrt(sites);
        grid = Matrix.create(new MatrixConfiguration().grid(side, side)
            .decayRate(0, GRID_DECAY_RATE).diffusionRate(0, GRID_DIFFUSION_RATE));
        grid.writers(1);
        fill(grid);

        final int length = sequenceLength(sites);
        final SplittableRandom random = new SplittableRandom(42);
        sequence = new int[length];
        sequenceMask = length - 1;
        blockValues = new double[length / BATCH];
        blockWeights = new long[length / BATCH];
        for (int i = 0; i < length; i++)
        {
            final int site = random.nextInt(sites);
            sequence[i] = site;
            blockValues[i / BATCH] += value(site);
            blockWeights[i / BATCH] += weight(site);
        }
        cursor = 0;
        tick = 0;
        gridTick = 0;
    }

    /**
     * Notes where the iteration starts: the totals of both matrices and the grid's tick.
     */
    @Setup(Level.Iteration)
    public void startIteration()
    {
        readSum = 0.0;
        expectedReadSum = 0.0;
        deposits = 0;
        expectedWeight = 0;
        totalBefore = total();
        weightedBefore = weightedTotal();
        gridTickBefore = gridTick;
        gridTotalBefore = gridTotal();
    }

    /**
     * Checks the iteration's result: the reads' sum, every deposit applied once on its site, the grid's mass.
     *
     * @throws IllegalStateException naming what is wrong.
     */
    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        check(readSum == expectedReadSum, "the reads summed to " + readSum + ", the sites read hold " +
            expectedReadSum);
        check(0 == writer.pending(), writer.pending() + " deposits left unapplied");
        final double total = total();
        final double expectedTotal = totalBefore + deposits * AMOUNT;
        check(total == expectedTotal, deposits + " deposits of " + AMOUNT + " took the total from " + totalBefore +
            " to " + total + ", not " + expectedTotal);
        final double weighted = weightedTotal();
        final double expectedWeighted = weightedBefore + expectedWeight * AMOUNT;
        check(weighted == expectedWeighted, "deposits went to other sites than drawn: weighted total " + weighted +
            ", expected " + expectedWeighted);
        final double gridTotal = gridTotal();
        final double expectedGrid = gridTotalBefore * Math.pow(1.0 - GRID_DECAY_RATE, gridTick - gridTickBefore);
        check(Math.abs(gridTotal - expectedGrid) <= 1.0e-6 * expectedGrid, (gridTick - gridTickBefore) +
            " ticks took the grid's mass from " + gridTotalBefore + " to " + gridTotal + ", not " + expectedGrid);
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
     * Reads the next {@link #BATCH} sites of the random sequence.
     *
     * @return their sum.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double read()
    {
        final Matrix matrix = this.matrix;
        final int[] sequence = this.sequence;
        final int start = cursor;
        double sum = 0.0;
        for (int i = start, end = start + BATCH; i < end; i++)
        {
            sum += matrix.read(sequence[i], 0);
        }
        cursor = (start + BATCH) & sequenceMask;
        readSum += sum;
        expectedReadSum += blockValues[start / BATCH];
        return sum;
    }

    /**
     * Deposits on the next {@link #BATCH} sites of the random sequence, then the tick phase that applies them.
     *
     * @return a concentration, so the work is kept.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double deposit()
    {
        final MatrixWriter writer = this.writer;
        final int[] sequence = this.sequence;
        final int start = cursor;
        for (int i = start, end = start + BATCH; i < end; i++)
        {
            writer.deposit(sequence[i], 0, AMOUNT, i);
        }
        matrix.applyTick(0, 1, tick++);
        countDeposits(start);
        return matrix.read(sequence[start], 0);
    }

    /**
     * Deposits on the next {@link #BATCH} sites of the random sequence, each at once under its segment's write lock.
     *
     * @return a concentration, so the work is kept.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double depositDirect()
    {
        final Matrix matrix = this.matrix;
        final int[] sequence = this.sequence;
        final int start = cursor;
        for (int i = start, end = start + BATCH; i < end; i++)
        {
            matrix.depositDirect(sequence[i], 0, AMOUNT);
        }
        countDeposits(start);
        return matrix.read(sequence[start], 0);
    }

    /**
     * One tick of decay and diffusion over the whole grid, in one part.
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
     * Sum of the grid's concentrations, for the self-check.
     *
     * @return total over every site of the grid.
     */
    double gridTotal()
    {
        double total = 0.0;
        for (long s = 0, n = grid.sites(); s < n; s++)
        {
            total += grid.read(s, 0);
        }
        return total;
    }

    /**
     * The random sites the benchmarks walk, for the self-check test.
     *
     * @return the sequence (not a copy).
     */
    int[] sequence()
    {
        return sequence;
    }

    private double weightedTotal()
    {
        double total = 0.0;
        for (long s = 0; s < sites; s++)
        {
            total += weight(s) * matrix.read(s, 0);
        }
        return total;
    }

    private void countDeposits(final int start)
    {
        cursor = (start + BATCH) & sequenceMask;
        deposits += BATCH;
        expectedWeight += blockWeights[start / BATCH];
    }

    private static void fill(final Matrix matrix)
    {
        for (long s = 0, n = matrix.sites(); s < n; s++)
        {
            matrix.depositDirect(s, 0, value(s));
        }
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new IllegalStateException("benchmark self-check failed: " + what);
        }
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
