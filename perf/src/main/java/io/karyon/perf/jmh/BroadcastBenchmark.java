package io.karyon.perf.jmh;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Stats;
import io.karyon.engine.cell.CellFlyweight;
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
 * Broadcast fan-out, in ns per member delivery: {@link #MEMBERS} members of one group on two workers (round-robin
 * placement), a broadcast from the driver each tick, which every member handles by counting it. One record per worker
 * crosses the barrier; each worker walks its membership bitmaps and calls each member. {@code mode=INVOKER} runs both
 * workers on the benchmark thread; {@code mode=DEDICATED} gives each its own thread.
 * Run:
 * <pre>
 *   scripts/jmh BroadcastBenchmark -p mode=DEDICATED
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.BroadcastBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one organism per benchmark, driven by one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class BroadcastBenchmark extends WorkersBenchmark
{
    /** Members of the group: member deliveries per tick. */
    public static final int MEMBERS = 100_000;
    private static final int SIGNAL = 1;

    private int group;

    /**
     * Counts the signals it gets.
     */
    static final class Member implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(Organisms.COUNT, cell.getLong(Organisms.COUNT) + 1);
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    /**
     * Launches two workers, spawns the members and has them join the group.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        launch(2);
        organism.registerBehaviour("member", new Member());
        final Genotype genotype = organism.genotype("member", Organisms.LAYOUT, "member");
        group = organism.groups().id("members");
        for (int i = 0; i < MEMBERS; i++)
        {
            organism.groups().join(organism.spawn(genotype), group);
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
        return MEMBERS;
    }

    /**
     * {@inheritDoc}
     */
    protected String counting()
    {
        return "member deliveries";
    }

    /**
     * No member missed one, and both workers hold members.
     */
    protected void checkMore(final Stats stats)
    {
        Organisms.check(0 == stats.deadLetters() && organism.groups().size(group, 0) > 0 &&
            organism.groups().size(group, 1) > 0, "no dead letters, members on both workers", stats);
    }

    /**
     * One tick: a broadcast handed to every member.
     */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void fanOut()
    {
        organism.groups().broadcast(group, SIGNAL, 0);
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
        JmhFlags.runClass(BroadcastBenchmark.class, args);
    }
}
