package io.karyon.perf.jmh;

import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.matrix.MatrixWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
 * A whole matrix tick at the scale of the {@code tissue} model: a dynamic in-memory matrix of {@link #side} x
 * {@link #side} sites (about 2,000,000), three substances (two decaying and diffusing, one forgotten every tick, as
 * tissue's nutrient, signal and occupancy), two parts and two writers; every tick {@link #depositors} depositors at
 * seeded random sites each deposit on two or three of their site's values, and both parts apply the tick one after
 * the other in the benchmark's thread (ms per tick: the sum of both workers' shares).
 * <p>
 * One invocation is one tick: the deposits (the same every tick, made through the writers as workers make them), then
 * {@code applyTick} for part 0 and part 1. The values stay far from subnormal: amounts are positive and the grid's
 * nutrient decays slowly. The tear-down prints the matrix's digest, which must be the same for any implementation of
 * the matrix after the same number of ticks (JMH runs a fixed number of them with {@code -bm ss}).
 * Run, with Agrona's bounds checks on as in {@code karyon run} (the default of this class's fork):
 * <pre>
 *   java -jar perf/target/benchmarks.jar MatrixTickBenchmark
 * </pre>
 * <b>Note:</b> one state per benchmark thread.
 */
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class MatrixTickBenchmark
{
    private static final int PARTS = 2;
    private static final int SUBSTANCES = 3;

    /** Sites along each side of the square grid. */
    @Param({ "1414" })
    public int side;

    /** Depositors a tick (each makes two or three deposits: about 2.5 per depositor). */
    @Param({ "400000" })
    public int depositors;

    private Matrix matrix;
    private MatrixWriter[] writers;
    private int[] sites;
    private long[] handles;
    private boolean[] secretes;
    private long tick;

    /**
     * Creates the matrix and draws the depositors' sites and handles.
     */
    @Setup
    public void setUp()
    {
        matrix = Matrix.create(new MatrixConfiguration()
            .grid(side, side)
            .substances(SUBSTANCES)
            .decayRate(0, 0.001)
            .diffusionRate(0, 0.1)
            .decayRate(1, 0.05)
            .diffusionRate(1, 0.2)
            .decayRate(2, 1.0)
            .publishInterval(1024));
        writers = matrix.writers(PARTS);
        final SplittableRandom random = new SplittableRandom(42);
        sites = new int[depositors];
        handles = new long[depositors];
        secretes = new boolean[depositors];
        for (int i = 0; i < depositors; i++)
        {
            sites[i] = random.nextInt(side * side);
            handles[i] = random.nextLong() >>> 20;
            secretes[i] = random.nextInt(2) == 0;
        }
        tick = 0;
    }

    /**
     * One tick: every depositor's deposits, then both parts' tick phases.
     *
     * @return a value of the grid, so that nothing is optimised away.
     */
    @Benchmark
    public double tick()
    {
        for (int i = 0; i < depositors; i++)
        {
            final MatrixWriter writer = writers[i & 1];
            writer.deposit(sites[i], 0, 0.25, handles[i]);
            writer.deposit(sites[i], 2, 1.0, handles[i]);
            if (secretes[i])
            {
                writer.deposit(sites[i], 1, 0.5, handles[i]);
            }
        }
        for (int part = 0; part < PARTS; part++)
        {
            matrix.applyTick(part, PARTS, tick);
        }
        tick++;
        return matrix.read(sites[0], 0);
    }

    /**
     * Prints the digest and the ticks, and closes the matrix.
     */
    @TearDown
    public void tearDown()
    {
        System.out.printf("%nMatrixTickBenchmark: %d ticks, digest 0x%016x%n", tick, matrix.digest());
        matrix.close();
    }
}
