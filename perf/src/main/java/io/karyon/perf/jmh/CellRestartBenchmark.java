package io.karyon.perf.jmh;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.ExitReasons;
import io.karyon.engine.Genotype;
import io.karyon.engine.Stats;
import io.karyon.engine.Supervisor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
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
 * The whole restart of one cell, in ns, amortised over a batch: {@link #SUPERVISORS} one-for-one supervisors of
 * {@link #CHILDREN} permanent children each, on two workers. Each operation marks every child corrupt (the driver
 * writes one long through the flyweight), then runs two ticks: in the first each child finds its mark and dies, and
 * in the second its supervisor restarts it from its genotype (a fresh slot, state copied, new handle in the restart
 * table). So an operation's time per cell covers the death, the supervisor's decision, the new slot and its state,
 * the cell's two visits and its share of two barriers. {@link RestartDecisionBenchmark} measures the decision alone.
 * Run:
 * <pre>
 *   scripts/jmh CellRestartBenchmark -p mode=DEDICATED
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.CellRestartBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one organism per benchmark, driven by one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class CellRestartBenchmark extends WorkersBenchmark
{
    /** Supervisors; their children are dealt to the workers in turn. */
    public static final int SUPERVISORS = 4;
    /** Children per supervisor, also its intensity per tick, so none ever gives up. */
    public static final int CHILDREN = 1024;
    /** Cells restarted per operation. */
    public static final int CELLS = SUPERVISORS * CHILDREN;
    /** Ticks per operation: the deaths, then the restarts. */
    public static final int TICKS = 2;
    static final CellLayout LAYOUT = CellLayout.builder().longField("corrupt").array("rest", long.class, 7).build();
    private static final int CORRUPT = LAYOUT.offset("corrupt");

    private final Supervisor[] supervisors = new Supervisor[SUPERVISORS];
    private final long[] children = new long[CHILDREN];

    /**
     * Dies at its next tick once marked corrupt; its genotype's state is unmarked.
     */
    static final class Mortal implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            if (0 != cell.getLong(CORRUPT))
            {
                context.die(ExitReasons.CORRUPT);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    /**
     * Launches two workers, the supervisors and their children.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        launch(2);
        organism.registerBehaviour("mortal", new Mortal());
        final Genotype genotype = organism.genotype("mortal", LAYOUT, "mortal");
        for (int s = 0; s < SUPERVISORS; s++)
        {
            supervisors[s] = organism.supervisor(RestartStrategy.ONE_FOR_ONE, CHILDREN, 1);
            for (int c = 0; c < CHILDREN; c++)
            {
                organism.spawn(genotype, supervisors[s], RestartType.PERMANENT);
            }
        }
        organism.run(1);
    }

    /**
     * {@inheritDoc}
     */
    protected long counted(final Stats stats)
    {
        return stats.restarts();
    }

    /**
     * {@inheritDoc}
     */
    protected long perTick()
    {
        return CELLS / TICKS;
    }

    /**
     * {@inheritDoc}
     */
    protected String counting()
    {
        return "restarts (every cell once per " + TICKS + " ticks)";
    }

    /**
     * {@inheritDoc}
     */
    protected long ticksPerInvocation()
    {
        return TICKS;
    }

    /**
     * Every cell alive again, none gave up, nothing left to restart.
     */
    protected void checkMore(final Stats stats)
    {
        Organisms.check(CELLS == stats.alive() && 0 == stats.escalations() && 0 == stats.pendingRestarts(),
            CELLS + " alive, no escalation, no restart pending", stats);
    }

    /**
     * Marks every child, then two ticks: each dies and is restarted.
     */
    @Benchmark
    @OperationsPerInvocation(CELLS)
    public void dieAndRestart()
    {
        for (final Supervisor supervisor : supervisors)
        {
            // Into an array kept for the run, so the measured loop allocates nothing.
            for (int c = 0, n = supervisor.children(children); c < n; c++)
            {
                organism.cell(children[c]).putLong(CORRUPT, 1);
            }
        }
        organism.run(TICKS);
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
        JmhFlags.runClass(CellRestartBenchmark.class, args);
    }
}
