package io.karyon.engine;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellStorage;
import io.karyon.engine.internal.ArenaDescriptor;
import org.agrona.SystemUtil;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Defaults for an organism's settings, each overridable by a system property named {@code karyon.<module>.<thing>}.
 */
public final class Configuration
{
    /** Seed of the run: every cell's random stream derives from it. */
    public static final String SEED_PROP_NAME = "karyon.engine.seed";
    /** Default seed. */
    public static final long SEED_DEFAULT = 42L;

    /** Bytes of state per cell slot (a positive multiple of 8); every genotype's layout must fit in it. */
    public static final String STATE_LENGTH_PROP_NAME = "karyon.engine.state.length";
    /** Default state length: 64 bytes, eight longs. */
    public static final int STATE_LENGTH_DEFAULT = 64;

    /** log2 of the slots per arena chunk; a chunk is the unit of memory allocation and, later, of placement. */
    public static final String CHUNK_SHIFT_PROP_NAME = "karyon.engine.chunk.shift";
    /**
     * Default chunk shift: 2^16 = 65,536 slots, 5.3 MiB of 84-byte slots: big enough for two 2 MiB huge pages, small
     * enough to deal a million cells over 16 families.
     */
    public static final int CHUNK_SHIFT_DEFAULT = 16;

    /** How a chunk lays out its cells: row (each cell's slot together) or columnar (a column per word of state). */
    public static final String CELL_STORAGE_PROP_NAME = "karyon.engine.cell.storage";
    /** Default: row. */
    public static final String CELL_STORAGE_DEFAULT = "row";

    /** Whether anonymous arenas ask the OS for transparent huge pages. */
    public static final String HUGE_PAGES_PROP_NAME = "karyon.engine.huge.pages";
    /** Default: ask. */
    public static final boolean HUGE_PAGES_DEFAULT = true;

    /** Number of workers; 0 means one per available core. */
    public static final String WORKER_COUNT_PROP_NAME = "karyon.scheduler.worker.count";
    /** Default worker count: one per available core. */
    public static final int WORKER_COUNT_DEFAULT = 0;

    /** How workers get threads: dedicated, shared or invoker (see {@link io.karyon.scheduler.ThreadingMode}). */
    public static final String THREADING_MODE_PROP_NAME = "karyon.scheduler.threading.mode";
    /** Default threading mode: a thread per worker. */
    public static final String THREADING_MODE_DEFAULT = "dedicated";

    /** What a worker does when it has nothing to do: spin, backoff, yield or sleep. */
    public static final String IDLE_STRATEGY_PROP_NAME = "karyon.scheduler.idle.strategy";
    /** Default idle strategy: busy-spin, for a core per worker. */
    public static final String IDLE_STRATEGY_DEFAULT = "spin";

    /** How workers are bound to CPUs: an Erlang bind type, u, ns, ts, ps, s, nnts, nnps or tnnps. */
    public static final String BIND_TYPE_PROP_NAME = "karyon.scheduler.bind.type";
    /** Default bind type: tnnps, as the Erlang VM's default. */
    public static final String BIND_TYPE_DEFAULT = "tnnps";

    /** Whether worker threads are pinned to CPUs. */
    public static final String PIN_PROP_NAME = "karyon.scheduler.pin";
    /** Default: pinned. */
    public static final boolean PIN_DEFAULT = true;

    /** Where cells spawned from outside go: fill (lowest free slot) or round-robin (one worker after another). */
    public static final String PLACEMENT_PROP_NAME = "karyon.engine.placement";
    /** Default placement: fill, the one whose slots do not depend on the worker count. */
    public static final String PLACEMENT_DEFAULT = "fill";

    /** Whether the organism runs free (messages handled as they arrive) instead of in ticks. */
    public static final String FREE_RUNNING_PROP_NAME = "karyon.engine.free.running";
    /** Default: tick mode. */
    public static final boolean FREE_RUNNING_DEFAULT = false;

    /** Free-running mode: bytes of each ring between two workers, a power of two. */
    public static final String RING_CAPACITY_PROP_NAME = "karyon.scheduler.ring.capacity";
    /** Default ring capacity: 64 KiB, about 1,600 messages. */
    public static final int RING_CAPACITY_DEFAULT = 64 * 1024;

    /** Free-running mode: cells stepped between two looks at the rings. */
    public static final String STEP_BATCH_PROP_NAME = "karyon.engine.step.batch";
    /** Default step batch: 256 cells, about a microsecond of logistic updates. */
    public static final int STEP_BATCH_DEFAULT = 256;

    /**
     * Most supervised cells one supervision home restarts in one tick; the rest wait for the next tick, in order. A
     * worker restarts at most this times the number of homes it owns.
     */
    public static final String RESTART_BUDGET_PROP_NAME = "karyon.engine.restart.budget";
    /** Default restart budget: 8,192 a home a tick. */
    public static final int RESTART_BUDGET_DEFAULT = 8_192;

    /**
     * Supervision homes: the families that supervision trees live in, whatever the number of workers (top-level
     * supervisors are dealt to them in turn), so that supervised runs are the same for any number of workers. A home
     * costs nothing until a supervisor is dealt to it.
     */
    public static final String SUPERVISION_HOMES_PROP_NAME = "karyon.engine.supervision.homes";
    /**
     * Default supervision homes: 64, enough to spread trees over up to 64 workers (it was 16). A restored checkpoint
     * keeps the number it was taken with, so one taken with 16 resumes with 16.
     */
    public static final int SUPERVISION_HOMES_DEFAULT = 64;
    /** Most supervision homes. */
    public static final int SUPERVISION_HOMES_MAX = 127;

    /** Capacity of the distinct error log, in bytes. */
    public static final String ERROR_LOG_LENGTH_PROP_NAME = "karyon.engine.error.log.length";
    /** Default error log capacity: 64 KiB. */
    public static final int ERROR_LOG_LENGTH_DEFAULT = 64 * 1024;

    /** Dead letters each worker keeps in its bounded log (the latest ones); 0 counts them only. */
    public static final String DEAD_LETTER_LOG_LENGTH_PROP_NAME = "karyon.engine.dead.letter.log.length";
    /** Default dead-letter log: off (dead letters are counted, not logged). */
    public static final int DEAD_LETTER_LOG_LENGTH_DEFAULT = 0;
    /** Largest dead-letter log a worker may keep. */
    public static final int MAX_DEAD_LETTER_LOG_LENGTH = 1 << 20;

    /**
     * Most off-heap memory an organism may hold (its arena, queues, tables and matrix), as a size: {@code 8g},
     * {@code 512m}, or bytes. A run that needs more is refused before it starts; one that grows past it stops.
     */
    public static final String MAX_MEMORY_PROP_NAME = "karyon.engine.max.memory";
    /** Default max memory: {@link MemoryBudget#DEFAULT_SHARE} of physical memory, leaving the machine headroom. */
    public static final String MAX_MEMORY_DEFAULT = "80% of physical memory";

    /**
     * Watchdog deadline: a worker that has not finished its tick (free-running: its batch) this long after it began is
     * reported, with the cell it is visiting, and the organism stops. A duration such as "30s" or "500ms"; 0 turns
     * the watchdog off (e.g. to stop at breakpoints in a debugger).
     */
    public static final String WATCHDOG_PROP_NAME = "karyon.engine.watchdog";
    /** Default watchdog deadline: 30 seconds, far beyond any tick a model means to run. */
    public static final long WATCHDOG_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Most messages one cell may send in one visit (in tick mode, one tick's mail and step; in free-running mode, one
     * duty cycle); past it the sender dies with reason {@code mailbox_overflow} and the rest are not sent.
     */
    public static final String MAILBOX_LIMIT_PROP_NAME = "karyon.engine.mailbox.limit";
    /**
     * Default mailbox limit: 2^24 messages (512 MiB of records), generous. Past it, or past its worker's share of a
     * receiving worker's inbox (2^25 records over workers + 1), a flooding cell fails alone instead of stopping the
     * organism.
     */
    public static final int MAILBOX_LIMIT_DEFAULT = 1 << 24;

    /**
     * Every this many ticks each worker checks the headers of its cells and its chunks' free lists and counts (a
     * damaged header kills its cell with reason {@code corrupt}, reported in one line); 0 checks only at deaths.
     */
    public static final String VERIFY_EVERY_PROP_NAME = "karyon.engine.verify.every";
    /** Default: no periodic sweep (headers are still checked at every death). */
    public static final int VERIFY_EVERY_DEFAULT = 0;

    private Configuration()
    {
    }

    /**
     * Max memory from {@link #MAX_MEMORY_PROP_NAME}, else {@link MemoryBudget#defaultLimit()}.
     *
     * @return bytes.
     * @throws ConfigurationException if the property is not a positive size.
     */
    public static long maxMemory()
    {
        final String value = System.getProperty(MAX_MEMORY_PROP_NAME);
        if (null == value)
        {
            return MemoryBudget.defaultLimit();
        }
        try
        {
            return MemoryBudget.parseSize(MAX_MEMORY_PROP_NAME, value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(ex.getMessage());
        }
    }

    /**
     * Watchdog deadline from {@link #WATCHDOG_PROP_NAME}.
     *
     * @return nanoseconds, 0 for off.
     * @throws ConfigurationException if the property is not a duration.
     */
    public static long watchdogNs()
    {
        try
        {
            return SystemUtil.getDurationInNanos(WATCHDOG_PROP_NAME, WATCHDOG_DEFAULT_NS);
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(WATCHDOG_PROP_NAME + " must be a duration such as 30s or 500ms: " +
                WATCHDOG_PROP_NAME + "=" + System.getProperty(WATCHDOG_PROP_NAME));
        }
    }

    /**
     * Mailbox limit from {@link #MAILBOX_LIMIT_PROP_NAME}.
     *
     * @return messages one cell may send in one visit.
     */
    public static int mailboxLimit()
    {
        return Integer.getInteger(MAILBOX_LIMIT_PROP_NAME, MAILBOX_LIMIT_DEFAULT);
    }

    /**
     * Sweep period from {@link #VERIFY_EVERY_PROP_NAME}.
     *
     * @return ticks between header sweeps, 0 for none.
     */
    public static int verifyEvery()
    {
        return Integer.getInteger(VERIFY_EVERY_PROP_NAME, VERIFY_EVERY_DEFAULT);
    }

    /**
     * Dead-letter log length from {@link #DEAD_LETTER_LOG_LENGTH_PROP_NAME}.
     *
     * @return records per worker.
     */
    public static int deadLetterLogLength()
    {
        return Integer.getInteger(DEAD_LETTER_LOG_LENGTH_PROP_NAME, DEAD_LETTER_LOG_LENGTH_DEFAULT);
    }

    /**
     * Seed from {@link #SEED_PROP_NAME}.
     *
     * @return the seed.
     */
    public static long seed()
    {
        return Long.getLong(SEED_PROP_NAME, SEED_DEFAULT);
    }

    /**
     * State length from {@link #STATE_LENGTH_PROP_NAME}.
     *
     * @return the state length in bytes.
     */
    public static int stateLength()
    {
        return Integer.getInteger(STATE_LENGTH_PROP_NAME, STATE_LENGTH_DEFAULT);
    }

    /**
     * Chunk shift from {@link #CHUNK_SHIFT_PROP_NAME}.
     *
     * @return the chunk shift.
     */
    public static int chunkShift()
    {
        return Integer.getInteger(CHUNK_SHIFT_PROP_NAME, CHUNK_SHIFT_DEFAULT);
    }

    /**
     * Huge pages from {@link #HUGE_PAGES_PROP_NAME}.
     *
     * @return true to ask for huge pages.
     */
    public static boolean hugePages()
    {
        return Boolean.parseBoolean(System.getProperty(HUGE_PAGES_PROP_NAME, Boolean.toString(HUGE_PAGES_DEFAULT)));
    }

    /**
     * Worker count from {@link #WORKER_COUNT_PROP_NAME}.
     *
     * @return the worker count.
     */
    public static int workerCount()
    {
        return Integer.getInteger(WORKER_COUNT_PROP_NAME, WORKER_COUNT_DEFAULT);
    }

    /**
     * Threading mode from {@link #THREADING_MODE_PROP_NAME}.
     *
     * @return the threading mode name.
     */
    public static String threadingMode()
    {
        return System.getProperty(THREADING_MODE_PROP_NAME, THREADING_MODE_DEFAULT);
    }

    /**
     * Idle strategy from {@link #IDLE_STRATEGY_PROP_NAME}.
     *
     * @return the idle strategy name.
     */
    public static String idleStrategy()
    {
        return System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT);
    }

    /**
     * Bind type from {@link #BIND_TYPE_PROP_NAME}.
     *
     * @return the bind type name.
     */
    public static String bindType()
    {
        return System.getProperty(BIND_TYPE_PROP_NAME, BIND_TYPE_DEFAULT);
    }

    /**
     * Pinning from {@link #PIN_PROP_NAME}.
     *
     * @return true to pin workers.
     */
    public static boolean pin()
    {
        return Boolean.parseBoolean(System.getProperty(PIN_PROP_NAME, Boolean.toString(PIN_DEFAULT)));
    }

    /**
     * Cell storage from {@link #CELL_STORAGE_PROP_NAME}: row or columnar, checked when the context is concluded.
     *
     * @return the storage name.
     */
    public static String cellStorage()
    {
        return System.getProperty(CELL_STORAGE_PROP_NAME, CELL_STORAGE_DEFAULT);
    }

    /**
     * Placement from {@link #PLACEMENT_PROP_NAME}.
     *
     * @return the placement name.
     */
    public static String placement()
    {
        return System.getProperty(PLACEMENT_PROP_NAME, PLACEMENT_DEFAULT);
    }

    /**
     * Free-running from {@link #FREE_RUNNING_PROP_NAME}.
     *
     * @return true for free-running mode.
     */
    public static boolean freeRunning()
    {
        return Boolean.parseBoolean(System.getProperty(FREE_RUNNING_PROP_NAME, Boolean.toString(FREE_RUNNING_DEFAULT)));
    }

    /**
     * Ring capacity from {@link #RING_CAPACITY_PROP_NAME}.
     *
     * @return bytes per ring.
     */
    public static int ringCapacity()
    {
        return Integer.getInteger(RING_CAPACITY_PROP_NAME, RING_CAPACITY_DEFAULT);
    }

    /**
     * Step batch from {@link #STEP_BATCH_PROP_NAME}.
     *
     * @return cells per batch.
     */
    public static int stepBatch()
    {
        return Integer.getInteger(STEP_BATCH_PROP_NAME, STEP_BATCH_DEFAULT);
    }

    /**
     * Restart budget from {@link #RESTART_BUDGET_PROP_NAME}.
     *
     * @return restarts per worker per tick.
     */
    public static int restartBudget()
    {
        return Integer.getInteger(RESTART_BUDGET_PROP_NAME, RESTART_BUDGET_DEFAULT);
    }

    /**
     * Supervision homes from {@link #SUPERVISION_HOMES_PROP_NAME}.
     *
     * @return the number of supervision homes.
     */
    public static int supervisionHomes()
    {
        return Integer.getInteger(SUPERVISION_HOMES_PROP_NAME, SUPERVISION_HOMES_DEFAULT);
    }

    /**
     * Error log length from {@link #ERROR_LOG_LENGTH_PROP_NAME}.
     *
     * @return the error log length in bytes.
     */
    public static int errorLogLength()
    {
        return Integer.getInteger(ERROR_LOG_LENGTH_PROP_NAME, ERROR_LOG_LENGTH_DEFAULT);
    }

    static void checkCellStorage(final String cellStorage, final Path arenaFile)
    {
        final CellStorage storage;
        try
        {
            storage = CellStorage.of(cellStorage);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(CELL_STORAGE_PROP_NAME + " must be row or columnar: cellStorage=" +
                cellStorage);
        }
        if (CellStorage.ROW != storage && null != arenaFile)
        {
            throw new ConfigurationException(CELL_STORAGE_PROP_NAME + " is " + cellStorage +
                ", but an arena file keeps row storage: arenaFile=" + arenaFile);
        }
    }

    static void checkStateLength(final int stateLength)
    {
        if (stateLength <= 0 || (stateLength & 7) != 0 || stateLength > CellDescriptor.MAX_STATE_LENGTH)
        {
            throw new ConfigurationException(STATE_LENGTH_PROP_NAME + " must be a positive multiple of 8 <= " +
                CellDescriptor.MAX_STATE_LENGTH + ": stateLength=" + stateLength);
        }
    }

    static void checkChunkShift(final int chunkShift)
    {
        if (chunkShift < ArenaDescriptor.MIN_CHUNK_SHIFT || chunkShift > ArenaDescriptor.MAX_CHUNK_SHIFT)
        {
            throw new ConfigurationException(CHUNK_SHIFT_PROP_NAME + " must be in " +
                ArenaDescriptor.MIN_CHUNK_SHIFT + ".." + ArenaDescriptor.MAX_CHUNK_SHIFT + ": chunkShift=" +
                chunkShift);
        }
    }
}
