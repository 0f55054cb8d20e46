package io.karyon.perf.jmh;

import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.scheduler.ThreadingMode;
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
 * Messages within one worker, in ns per message: {@link #CELLS} cells, each of which, on every message, sends one to
 * itself, so each tick delivers (dequeues, handles) and enqueues {@link #CELLS} messages. One worker in
 * {@link ThreadingMode#INVOKER} mode: the benchmark thread runs the tick itself, with no hand-off to a worker
 * thread. The engine's message queue is package-private, so it is measured through {@link Organism#run(long)}; the
 * fixed cost of a tick ({@link TickBarrierBenchmark} with {@code cells=0}) is spread over the messages.
 * Run:
 * <pre>
 *   scripts/jmh LocalMessageBenchmark
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.LocalMessageBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one organism per benchmark, driven by one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class LocalMessageBenchmark extends OrganismBenchmark
{
    /** Cells, each with one message in flight: messages per tick. */
    public static final int CELLS = 10_000;


    /**
     * Launches the organism, spawns the cells, and seeds one message into each.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        organism = Organisms.launch(1, ThreadingMode.INVOKER, "backoff", false);
        organism.registerBehaviour("relay", new Organisms.Relay());
        final Genotype genotype = organism.genotype("relay", Organisms.LAYOUT, "relay");
        for (int i = 0; i < CELLS; i++)
        {
            final long handle = organism.spawn(genotype);
            organism.cell(handle).putLong(Organisms.PARTNER, handle);
            organism.send(handle, 1, 0);
        }
        organism.run(1);
    }

    /**
     * {@inheritDoc}
     */
    protected long counted(final Stats stats)
    {
        return stats.delivered();
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
        return "messages delivered";
    }

    /**
     * No message lost or dead: every cell has its next message pending.
     */
    protected void checkMore(final Stats stats)
    {
        Organisms.checkRelaying(stats, CELLS);
    }

    /**
     * One tick: {@link #CELLS} messages dequeued, handled and enqueued again.
     */
    @Benchmark
    @OperationsPerInvocation(CELLS)
    public void selfSend()
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
        JmhFlags.runClass(LocalMessageBenchmark.class, args);
    }
}
