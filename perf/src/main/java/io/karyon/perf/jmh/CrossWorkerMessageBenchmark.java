package io.karyon.perf.jmh;

import io.karyon.engine.Genotype;
import io.karyon.engine.Stats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Messages across two workers, in ns per message: {@link #CELLS} cells in pairs, one of each pair on each worker,
 * each passing every message it gets on to its partner, so every message of every tick crosses between the workers
 * (handed over in bulk at the tick barrier). {@code mode=INVOKER} runs both workers on the benchmark thread (the
 * cost of the crossing without a second core); {@code mode=DEDICATED} gives each worker its own thread, idling by
 * {@code idle} (default "backoff", since the two workers share the two cores with the benchmark thread).
 * Run:
 * <pre>
 *   scripts/jmh CrossWorkerMessageBenchmark -p mode=DEDICATED
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.CrossWorkerMessageBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one organism per benchmark, driven by one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class CrossWorkerMessageBenchmark extends WorkersBenchmark
{
    /** Cells, each with one message in flight: messages crossing per tick. */
    public static final int CELLS = 10_000;

    /**
     * Launches two workers, spawns the pairs (round-robin placement puts each pair's cells on different workers) and
     * seeds one message into each cell.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        launch(2);
        organism.registerBehaviour("relay", new Organisms.Relay());
        final Genotype genotype = organism.genotype("relay", Organisms.LAYOUT, "relay");
        for (int i = 0; i < CELLS; i += 2)
        {
            final long a = organism.spawn(genotype);
            final long b = organism.spawn(genotype);
            organism.cell(a).putLong(Organisms.PARTNER, b);
            organism.cell(b).putLong(Organisms.PARTNER, a);
            organism.send(a, 1, 0);
            organism.send(b, 1, 0);
        }
        organism.run(1);
    }

    /**
     * {@inheritDoc}
     */
    protected long counted(final Stats stats)
    {
        return stats.crossWorker();
    }

    /**
     * {@inheritDoc}
     */
    protected long perTick()
    {
        return CELLS;
    }

    /**
     * {@inheritDoc}
     */
    protected String counting()
    {
        return "messages crossing";
    }

    /**
     * No message lost or dead: every cell has its next message pending.
     */
    protected void checkMore(final Stats stats)
    {
        Organisms.checkRelaying(stats, CELLS);
    }

    /**
     * One tick: {@link #CELLS} messages handed from one worker to the other and handled.
     */
    @Benchmark
    @OperationsPerInvocation(CELLS)
    public void crossSend()
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
        JmhFlags.runClass(CrossWorkerMessageBenchmark.class, args);
    }
}
