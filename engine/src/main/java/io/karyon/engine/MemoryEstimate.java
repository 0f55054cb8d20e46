package io.karyon.engine;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.internal.ArenaDescriptor;
import io.karyon.supervisor.RestartTableDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * What a run will need off the heap, added up before anything is allocated, so that a run the memory budget cannot
 * hold is refused up front with one line ({@link #check(long)}) rather than failing part way. Each part is a lower
 * bound of what the engine will allocate for it: the founders' chunks, the workers' queues, the supervisors' rows
 * and their first restart windows (a window grows with the restarts it holds, not with the intensity asked for),
 * and whatever a model adds (a matrix).
 * <pre>
 *   new MemoryEstimate(context).cells(1_000_000).supervisors(1000).check(context.maxMemory());
 * </pre>
 * <p>
 * <b>Note:</b> not threadsafe.
 */
public final class MemoryEstimate
{
    /** Direct memory each worker starts with (queues, pools, its share of the barrier), rounded up: 142 KB measured. */
    static final long WORKER_BYTES = 256L << 10;
    /** Direct memory each pair of workers starts with (the queues between them), rounded up: 16 KB measured. */
    static final long WORKER_PAIR_BYTES = 32L << 10;
    /** Restart times a supervisor's window holds before it first grows. */
    static final long FIRST_WINDOW_TIMES = 4;

    private final int chunkShift;
    private final int workers;
    private final List<String> parts = new ArrayList<>();
    private int stateLength;
    private long cells;
    private long bytes;

    /**
     * An estimate for an organism of these settings: the engine's own memory for its workers to start with.
     *
     * @param context the run's settings (state length, chunk shift, workers; 0 workers count as one per CPU).
     */
    public MemoryEstimate(final Context context)
    {
        this.stateLength = context.stateLength();
        this.chunkShift = context.chunkShift();
        this.workers = context.workerCount() > 0 ? context.workerCount() :
            Math.max(1, Runtime.getRuntime().availableProcessors());
        add("the engine's queues for " + workers + " worker(s)",
            workers * WORKER_BYTES + (long)workers * workers * WORKER_PAIR_BYTES);
    }

    /**
     * Sets the state length the run's cells will have, when the model changes the context's before launching.
     *
     * @param stateLength bytes of state per cell.
     * @return this.
     */
    public MemoryEstimate stateLength(final int stateLength)
    {
        this.stateLength = stateLength;
        return this;
    }

    /**
     * Adds cells to place side by side ({@link Placement#FILL}): the arena's chunks for them, a whole chunk for the
     * last, counted at the state length in force when the estimate is read.
     *
     * @param cells to place, >= 0.
     * @return this.
     */
    public MemoryEstimate cells(final long cells)
    {
        if (cells < 0)
        {
            throw new IllegalArgumentException("cells must be >= 0: cells=" + cells);
        }
        this.cells += cells;
        return this;
    }

    private long arenaBytes()
    {
        final long chunkSlots = 1L << chunkShift;
        final long chunks = (cells + chunkSlots - 1) / chunkSlots;
        return chunks * ArenaDescriptor.chunkLength(stateLength, chunkShift, CACHE_LINE_LENGTH);
    }

    private String arenaPart()
    {
        return String.format(Locale.ROOT, "%,d cells of %d bytes: %s", cells,
            CellDescriptor.HEADER_LENGTH + stateLength,
            MemoryBudget.format(arenaBytes()));
    }

    /**
     * Adds supervisors' rows, with their first restart windows, and their children's entries.
     *
     * @param supervisors to create.
     * @param children    supervised cells.
     * @return this.
     */
    public MemoryEstimate supervisors(final long supervisors, final long children)
    {
        if (0 == supervisors)
        {
            return this;
        }
        return add(String.format(Locale.ROOT, "%,d supervisors", supervisors),
            supervisors * (RestartTableDescriptor.ROW_LENGTH + FIRST_WINDOW_TIMES * Long.BYTES) +
            children * (RestartTableDescriptor.ENTRY_LENGTH + Integer.BYTES));
    }

    /**
     * Adds a part a model knows it needs, e.g. its matrix.
     *
     * @param what  it is, e.g. "a matrix of 1,000,000 sites".
     * @param bytes it needs, >= 0.
     * @return this.
     */
    public MemoryEstimate add(final String what, final long bytes)
    {
        if (bytes < 0)
        {
            throw new IllegalArgumentException("bytes must be >= 0: " + what + " bytes=" + bytes);
        }
        parts.add(what + ": " + MemoryBudget.format(bytes));
        this.bytes = this.bytes + bytes < 0 ? Long.MAX_VALUE : this.bytes + bytes;
        return this;
    }

    /**
     * The estimate.
     *
     * @return bytes.
     */
    public long bytes()
    {
        final long total = bytes + arenaBytes();
        return total < 0 ? Long.MAX_VALUE : total;
    }

    /**
     * Refuses a run that would need more than a limit.
     *
     * @param limit in bytes ({@link Context#maxMemory()}).
     * @return this.
     * @throws ConfigurationException with one line: the estimate and its parts, the limit, and how to change either.
     */
    public MemoryEstimate check(final long limit)
    {
        final long bytes = bytes();
        if (bytes > limit)
        {
            throw new ConfigurationException("the run needs about " + MemoryBudget.format(bytes) + " off the heap (" +
                describeParts() + "), more than --max-memory " + MemoryBudget.format(limit) +
                ": run fewer cells, or raise --max-memory (" + Configuration.MAX_MEMORY_PROP_NAME + ")");
        }
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return MemoryBudget.format(bytes()) + " (" + describeParts() + ")";
    }

    private String describeParts()
    {
        final List<String> all = new ArrayList<>();
        if (cells > 0)
        {
            all.add(arenaPart());
        }
        all.addAll(parts);
        return String.join(", ", all);
    }
}
