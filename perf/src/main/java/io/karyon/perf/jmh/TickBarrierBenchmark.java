package io.karyon.perf.jmh;

import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What one tick costs apart from the cells' work, in ns per {@link Organism#run(long) run(1)}: an empty organism
 * ({@code cells=0}: only the barrier and the hand-off between the driver and the workers) against one whose
 * {@code cells} have a tick step that does nothing (each is visited once per tick), with 1 and 2 workers,
 * {@code INVOKER} (the benchmark thread runs the workers itself) and {@code DEDICATED} (a thread per worker, idling
 * by {@code idle}, default "backoff": between runs the workers park, so {@code run(1)} includes waking them).
 * Run:
 * <pre>
 *   scripts/jmh TickBarrierBenchmark -p workers=2 -p mode=DEDICATED
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.TickBarrierBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one organism per benchmark, driven by one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class TickBarrierBenchmark extends WorkersBenchmark
{
    /** Workers. */
    @Param({ "1", "2" })
    public int workers;

    /** Cells whose tick step does nothing; 0 for an empty organism. */
    @Param({ "0", "10000" })
    public int cells;

    /**
     * Launches the organism and spawns the idle cells, spread over the workers.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        launch(workers);
        organism.registerBehaviour("idle", new Organisms.Idle());
        final Genotype genotype = organism.genotype("idle", Organisms.LAYOUT, "idle");
        for (int i = 0; i < cells; i++)
        {
            organism.spawn(genotype);
        }
        organism.run(1);
    }

    /**
     * {@inheritDoc}
     */
    protected long counted(final Stats stats)
    {
        return stats.updates();
    }

    /**
     * {@inheritDoc}
     */
    protected long perTick()
    {
        return cells;
    }

    /**
     * {@inheritDoc}
     */
    protected String counting()
    {
        return "updates";
    }

    /**
     * One tick.
     */
    @Benchmark
    public void tick()
    {
        organism.run(1);
        invocations++;
    }

    /**
     * Runs only this class.
     *
     * @param args further JMH options.
     * @throws Exception if JMH fails.
     */
    public static void main(final String[] args) throws Exception
    {
        JmhFlags.runClass(TickBarrierBenchmark.class, args);
    }
}
