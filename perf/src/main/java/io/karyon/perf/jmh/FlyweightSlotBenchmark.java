package io.karyon.perf.jmh;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.ArenaDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.util.concurrent.TimeUnit;

/**
 * Read-modify-write of one double per cell through the {@link CellFlyweight}, over an {@link Arena} of 1,000 cells
 * (fits in L1/L2) and 1,000,000 cells (80 MB: streams from memory), in ns per cell; {@code rawBuffer} does the same
 * with offsets computed by hand on the chunk's buffer, the flyweight's floor.
 * <p>
 * Each invocation visits the next {@link #BATCH} slots in slot order, wrapping at the end, so both sizes report ns per
 * cell. The update is the logistic map, as W3 does. After each iteration every cell must hold the value a plain scalar
 * loop gives for the number of updates it got (all cells start alike and are visited in turn, so they differ by at
 * most one update): a benchmark whose loop stopped writing, or skipped cells, fails instead of reporting a number. Run:
 * <pre>
 *   scripts/jmh FlyweightSlotBenchmark
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.FlyweightSlotBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one state per benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class FlyweightSlotBenchmark
{
    /** Cells visited per invocation. */
    public static final int BATCH = 1000;
    /** Bytes of state per slot, the engine's default. */
    public static final int STATE_LENGTH = 64;

    static final CellLayout LAYOUT = CellLayout.builder().doubleField("x").longField("next").build();
    static final int X = LAYOUT.offset("x");
    /** Every cell's x before its first update. */
    static final double X0 = 0.3;

    /** Cells in the arena. */
    @Param({ "1000", "1000000" })
    public int cells;

    private final CellFlyweight cell = new CellFlyweight();
    private Arena arena;
    private UnsafeBuffer chunk;
    private int slotLength;
    private int cursor;
    private long visits;
    private long shadowUpdates;
    private double shadow;

    /**
     * Fills one chunk with {@link #cells} cells whose x starts at {@link #X0}.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        final int chunkShift = Math.max(ArenaDescriptor.MIN_CHUNK_SHIFT, 32 - Integer.numberOfLeadingZeros(cells - 1));
        arena = Arena.inMemory(STATE_LENGTH, chunkShift);
        final int family = arena.addFamily();
        final int chunkIndex = family << Arena.FAMILY_SHIFT;
        for (int i = 0; i < cells; i++)
        {
            arena.wrap(cell, arena.allocate(chunkIndex)).status(CellDescriptor.STATUS_ALIVE).putDouble(X, X0);
        }
        chunk = arena.chunk(chunkIndex);
        slotLength = arena.slotLength();
        cursor = 0;
        visits = 0;
        shadowUpdates = 0;
        shadow = X0;
    }

    /**
     * Checks every cell against a scalar loop: after {@code visits} visits in slot order from slot 0, the first
     * {@code visits % cells} cells have had {@code visits / cells + 1} updates and the others one fewer.
     *
     * @throws IllegalStateException naming the first cell that holds another value, or a cursor out of step.
     */
    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        final long passes = visits / cells;
        final int ahead = (int)(visits % cells);
        for (; shadowUpdates < passes; shadowUpdates++)
        {
            shadow = 3.9 * shadow * (1.0 - shadow);
        }
        final double oneMore = 3.9 * shadow * (1.0 - shadow);
        if (cursor != ahead)
        {
            throw new IllegalStateException("benchmark self-check failed: cursor at slot " + cursor + " after " +
                visits + " visits of " + cells + " cells, expected " + ahead);
        }
        for (int slot = 0; slot < cells; slot++)
        {
            final double expected = slot < ahead ? oneMore : shadow;
            final double actual = arena.wrap(cell, slot).getDouble(X);
            if (Double.doubleToRawLongBits(actual) != Double.doubleToRawLongBits(expected))
            {
                throw new IllegalStateException("benchmark self-check failed: slot " + slot + " holds x=" + actual +
                    " after " + (passes + (slot < ahead ? 1 : 0)) + " updates, a scalar loop gives " + expected);
            }
        }
    }

    /**
     * Frees the arena.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    /**
     * The next {@link #BATCH} cells through the flyweight: wrap, read x, write 3.9x(1 - x).
     *
     * @return the last value written.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double flyweight()
    {
        final Arena arena = this.arena;
        final CellFlyweight cell = this.cell;
        final int cells = this.cells;
        int slot = cursor;
        double x = 0;
        for (int i = 0; i < BATCH; i++)
        {
            arena.wrap(cell, slot);
            x = cell.getDouble(X);
            x = 3.9 * x * (1.0 - x);
            cell.putDouble(X, x);
            slot = slot + 1 == cells ? 0 : slot + 1;
        }
        cursor = slot;
        visits += BATCH;
        return x;
    }

    /**
     * The same update on the chunk's buffer with the slot offset computed by hand: what the flyweight costs on top.
     *
     * @return the last value written.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double rawBuffer()
    {
        final UnsafeBuffer chunk = this.chunk;
        final int slotLength = this.slotLength;
        final int cells = this.cells;
        final int base = ArenaDescriptor.CHUNK_HEADER_LENGTH + CellDescriptor.HEADER_LENGTH + X;
        int slot = cursor;
        double x = 0;
        for (int i = 0; i < BATCH; i++)
        {
            final int offset = base + slot * slotLength;
            x = chunk.getDouble(offset);
            x = 3.9 * x * (1.0 - x);
            chunk.putDouble(offset, x);
            slot = slot + 1 == cells ? 0 : slot + 1;
        }
        cursor = slot;
        visits += BATCH;
        return x;
    }

    /**
     * Runs only this class.
     *
     * @param args further JMH options.
     * @throws Exception if JMH fails.
     */
    public static void main(final String[] args) throws Exception
    {
        JmhFlags.runClass(FlyweightSlotBenchmark.class, args);
    }
}
