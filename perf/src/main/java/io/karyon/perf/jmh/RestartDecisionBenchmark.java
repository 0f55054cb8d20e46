package io.karyon.perf.jmh;

import io.karyon.engine.cell.Handle;
import io.karyon.supervisor.RestartDecision;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartType;
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
 * One supervisor restart decision, in ns: a {@link RestartStrategy#ONE_FOR_ONE} supervisor of {@link #CHILDREN}
 * permanent children; each operation is one child's abnormal exit ({@link RestartTable#onChildExit}) followed by the
 * caller giving the restarted child its new handle ({@link RestartTable#updateHandle}). Exits come
 * {@link #NOW_STEP} apart in a period of {@link #PERIOD}, so the intensity window holds about five earlier restarts
 * (it is scanned on every exit) and never exceeds the intensity: every exit is a restart.
 * Run:
 * <pre>
 *   scripts/jmh RestartDecisionBenchmark
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.RestartDecisionBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one table per benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class RestartDecisionBenchmark
{
    /** Children of the supervisor, a power of two. */
    public static final int CHILDREN = 16;
    /** Most restarts in a period. */
    public static final int INTENSITY = 10;
    /** Length of the intensity window, in ticks. */
    public static final long PERIOD = 1000;
    /** Ticks between two exits. */
    public static final long NOW_STEP = 200;
    /** An abnormal exit reason (neither normal nor shutdown). */
    public static final int REASON_CRASH = 2;

    private final RestartDecision decision = new RestartDecision();
    private final int[] entries = new int[CHILDREN];
    private final int[] generations = new int[CHILDREN];
    private RestartTable table;
    private int row;
    private int next;
    private long now;

    /**
     * Builds the supervisor and its children (child i in slot i, generation 1).
     */
    @Setup(Level.Trial)
    public void setup()
    {
        table = new RestartTable();
        row = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, INTENSITY, PERIOD);
        for (int i = 0; i < CHILDREN; i++)
        {
            generations[i] = 1;
            entries[i] = table.addChild(row, Handle.of(i, 1), RestartType.PERMANENT);
        }
        next = 0;
        now = 0;
    }

    /**
     * Checks that every exit was a restart: none escalated, gave up or was ignored, the table counted one restart per
     * exit so far ({@code now} advanced {@link #NOW_STEP} per exit), and every child holds the handle it was given
     * last.
     *
     * @throws IllegalStateException naming the count or the child that is wrong.
     */
    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        if (0 != table.giveUps() || 0 != table.escalations() || 0 != table.ignoredExits())
        {
            throw new IllegalStateException("benchmark self-check failed: every exit must restart: giveUps=" +
                table.giveUps() + ", escalations=" + table.escalations() + ", ignoredExits=" + table.ignoredExits());
        }
        final long exits = now / NOW_STEP;
        if (table.restarts() != exits)
        {
            throw new IllegalStateException("benchmark self-check failed: " + table.restarts() + " restarts after " +
                exits + " exits");
        }
        for (int child = 0; child < CHILDREN; child++)
        {
            if (table.handle(entries[child]) != Handle.of(child, generations[child]))
            {
                throw new IllegalStateException("benchmark self-check failed: child " + child + " holds handle " +
                    Handle.toString(table.handle(entries[child])) + ", its last restart gave it generation " +
                    generations[child]);
            }
        }
    }

    /**
     * Frees the table.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        table.close();
    }

    /**
     * The next child exits abnormally, is restarted and gets its new handle.
     *
     * @return the decision's kind ({@link RestartDecision#RESTART}), negated if the new handle was refused.
     */
    @Benchmark
    public int exitAndRestart()
    {
        final int child = next++ & (CHILDREN - 1);
        now += NOW_STEP;
        final int kind = table.onChildExit(row, entries[child], REASON_CRASH, true, now, decision);
        final long handle = Handle.of(child, ++generations[child]);
        return table.updateHandle(entries[child], handle) ? kind : -kind;
    }

    /**
     * Runs only this class.
     *
     * @param args further JMH options.
     * @throws Exception if JMH fails.
     */
    public static void main(final String[] args) throws Exception
    {
        JmhFlags.runClass(RestartDecisionBenchmark.class, args);
    }
}
