package io.karyon.perf.jmh;

import io.karyon.engine.Organism;
import io.karyon.scheduler.ThreadingMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * How long {@link Organism#close()} takes to stop the workers, in µs, sampled per close so JMH reports the median
 * (p0.50) and the tail: an organism of {@link #WORKERS} dedicated workers idling by "backoff", which has run one tick
 * and whose workers rest between runs, as a test or a sweep leaves it. Launching and the tick are per-invocation
 * set-up, not timed. This is the figure {@code WorkersTest} once bounded (a median under 100 ms): tests assert that
 * close leaves no worker thread, the time it takes is reported here.
 * Run:
 * <pre>
 *   scripts/jmh OrganismCloseBenchmark
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.OrganismCloseBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one organism at a time, launched, closed and checked by the one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class OrganismCloseBenchmark
{
    /** Worker threads each close must stop. */
    public static final int WORKERS = 2;

    private Organism organism;
    private long closes;
    private long leaks;

    /**
     * Counts for the iteration's self-check start at zero.
     */
    @Setup(Level.Iteration)
    public void startIteration()
    {
        closes = 0;
        leaks = 0;
    }

    /**
     * Launches the organism to be closed and runs one tick, so every worker has started and gone to rest.
     */
    @Setup(Level.Invocation)
    public void launch()
    {
        organism = Organisms.launch(WORKERS, ThreadingMode.DEDICATED, "backoff", false);
        organism.run(1);
    }

    /**
     * Stops the workers and frees the organism.
     */
    @Benchmark
    public void close()
    {
        organism.close();
    }

    /**
     * Counts the close and any worker thread it left running (untimed).
     */
    @TearDown(Level.Invocation)
    public void countClose()
    {
        closes++;
        if (0 != organism.workers().liveThreads())
        {
            leaks++;
        }
        organism.close();
    }

    /**
     * Checks that the iteration closed organisms and that none left a worker thread running.
     *
     * @throws IllegalStateException naming the counts.
     */
    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        if (0 == closes || 0 != leaks)
        {
            throw new IllegalStateException("benchmark self-check failed: " + leaks + " of " + closes +
                " closes left worker threads running");
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
        JmhFlags.runClass(OrganismCloseBenchmark.class, args);
    }
}
