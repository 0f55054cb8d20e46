package io.karyon.perf.jmh;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Cohort;
import io.karyon.engine.Context;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Setting up an SIR-shaped population, in ms: {@link #CELLS} people of 16 bytes of state with {@link #CONTACTS}
 * random contacts each, built two ways. {@code bulk}: {@code Organism.populate} (each worker creates and initialises
 * the cells of its own families) then {@code Organism.connect} (each worker builds its families' edges). {@code
 * driver}: what a driver wrote before, {@code spawn} and writes through {@code cell(h)} one cell at a time, then
 * {@code setEdges} per cell. Each operation launches a fresh organism (not timed) and closes it after. Run:
 * <pre>
 *   scripts/jmh PopulateBenchmark -p workers=2
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.PopulateBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one organism per operation, driven by one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = { JmhFlags.BOUNDS_CHECKS_OFF, "-Xmx2g" })
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@State(Scope.Benchmark)
public class PopulateBenchmark
{
    /** People. */
    public static final int CELLS = 1_000_000;
    /** Contacts per person. */
    public static final int CONTACTS = 10;
    static final CellLayout LAYOUT = CellLayout.builder().longField("index").longField("draw").build();
    private static final int INDEX = LAYOUT.offset("index");
    private static final int DRAW = LAYOUT.offset("draw");

    /** Workers: each sets up its own families in the bulk way. */
    @Param({ "1", "2" })
    public int workers;

    private Organism organism;
    private Genotype person;

    /**
     * Idle: set-up only.
     */
    static final class Idle implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    /**
     * A fresh, empty organism for each operation.
     */
    @Setup(Level.Invocation)
    public void launch()
    {
        organism = Organism.launch(new Context().seed(42).workerCount(workers).threadingMode(ThreadingMode.DEDICATED)
            .idleStrategy("backoff").pin(false).stateLength(LAYOUT.stateLength()));
        organism.registerBehaviour("idle", new Idle());
        person = organism.genotype("person", LAYOUT, "idle");
    }

    /**
     * Checks that the operation built every person and every contact, then closes the organism.
     *
     * @throws IllegalStateException if it did not.
     */
    @TearDown(Level.Invocation)
    public void close()
    {
        final long alive = organism.stats().alive();
        final long edgeBytes = organism.edgeBytes();
        organism.close();
        if (CELLS != alive || edgeBytes < (long)CELLS * CONTACTS * Long.BYTES)
        {
            throw new IllegalStateException("set-up incomplete: alive=" + alive + " edgeBytes=" + edgeBytes);
        }
    }

    /**
     * Populate and connect, on the workers.
     *
     * @return the cohort.
     */
    @Benchmark
    public Cohort bulk()
    {
        final Cohort people = organism.populate(person, CELLS,
            (index, cell, random) -> cell.putLong(INDEX, index).putLong(DRAW, random.nextLong()));
        organism.connect(people, (index, cell, sink, random) ->
        {
            for (int c = 0; c < CONTACTS; c++)
            {
                sink.add(people.handle(random.nextInt(CELLS)));
            }
        });
        return people;
    }

    /**
     * Spawn, write and set edges one cell at a time, on the driver.
     *
     * @return the handles.
     */
    @Benchmark
    public long[] driver()
    {
        final long[] handles = new long[CELLS];
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < CELLS; i++)
        {
            handles[i] = organism.spawn(person);
            organism.cell(handles[i]).putLong(INDEX, i).putLong(DRAW, random.nextLong());
        }
        final long[] contacts = new long[CONTACTS];
        for (int i = 0; i < CELLS; i++)
        {
            for (int c = 0; c < CONTACTS; c++)
            {
                contacts[c] = handles[random.nextInt(CELLS)];
            }
            organism.setEdges(handles[i], contacts);
        }
        return handles;
    }

    /**
     * Runs this class's benchmarks.
     *
     * @param args JMH options.
     * @throws Exception if a benchmark fails.
     */
    public static void main(final String[] args) throws Exception
    {
        JmhFlags.runClass(PopulateBenchmark.class, args);
    }
}
