package io.karyon.engine;

import io.karyon.engine.cell.CellStorage;
import io.karyon.engine.internal.ShardLink;
import io.karyon.numa.BindType;
import io.karyon.scheduler.IdleStrategies;
import io.karyon.scheduler.ThreadingMode;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The settings of one organism: starts from {@link Configuration}'s defaults, is changed through fluent setters, and
 * is checked as a whole by {@link #conclude()} when the organism is launched.
 * <p>
 * <b>Note:</b> not threadsafe; set it up on one thread before launching.
 */
public final class Context
{
    private long seed = Configuration.seed();
    private int stateLength = Configuration.stateLength();
    private int chunkShift = Configuration.chunkShift();
    private int workerCount = Configuration.workerCount();
    private int errorLogLength = Configuration.errorLogLength();
    private int deadLetterLogLength = Configuration.deadLetterLogLength();
    private String threadingMode = Configuration.threadingMode();
    private String idleStrategy = Configuration.idleStrategy();
    private boolean pin = Configuration.pin();
    private String bindType = Configuration.bindType();
    private BindType resolvedBindType;
    private String placement = Configuration.placement();
    private Consumer<String> warnings = (warning) -> System.err.println("karyon: warning: " + warning);
    private boolean hugePages = Configuration.hugePages();
    private String cellStorage = Configuration.cellStorage();
    private boolean freeRunning = Configuration.freeRunning();
    private int ringCapacity = Configuration.ringCapacity();
    private int stepBatch = Configuration.stepBatch();
    private int supervisionHomes = Configuration.supervisionHomes();
    private int restartBudget = Configuration.restartBudget();
    private long maxMemory = -1;
    // Read from the property at conclude, so that a bad property fails there rather than in the constructor.
    private long watchdogNs = WATCHDOG_UNSET;
    private int mailboxLimit = Configuration.mailboxLimit();
    private int verifyEvery = Configuration.verifyEvery();
    private Path arenaFile;
    private int[] cpus;
    private TickPhase tickPhase;
    private ShardLink shardLink;
    private ThreadingMode resolvedThreadingMode;
    private Placement resolvedPlacement;
    private boolean concluded;

    /**
     * Checks the settings together and fills in derived ones.
     *
     * @return this.
     * @throws ConfigurationException naming the first setting that is out of range.
     */
    public Context conclude()
    {
        Configuration.checkStateLength(stateLength);
        Configuration.checkChunkShift(chunkShift);
        Configuration.checkCellStorage(cellStorage, arenaFile);
        require(workerCount >= 0, Configuration.WORKER_COUNT_PROP_NAME, ">= 0", "workerCount", workerCount);
        require(workerCount <= MAX_WORKERS, Configuration.WORKER_COUNT_PROP_NAME, "<= " + MAX_WORKERS, "workerCount",
            workerCount);
        if (null != cpus)
        {
            WorkerPinning.checkCpus(cpus, workerCount, Workforce.machine());
        }
        workerCount = resolvedWorkerCount();
        try
        {
            resolvedThreadingMode = ThreadingMode.valueOf(threadingMode.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException | NullPointerException ex)
        {
            throw new ConfigurationException(Configuration.THREADING_MODE_PROP_NAME +
                " must be dedicated, shared or invoker: threadingMode=" + threadingMode);
        }
        try
        {
            IdleStrategies.check(idleStrategy);
            resolvedPlacement = Placement.of(placement);
            resolvedBindType = BindType.of(bindType);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(ex.getMessage());
        }
        if ("spin".equals(idleStrategy) && ThreadingMode.DEDICATED == resolvedThreadingMode &&
            workerCount > Runtime.getRuntime().availableProcessors())
        {
            warnings.accept("busy-spinning " + workerCount + " workers on " +
                Runtime.getRuntime().availableProcessors() + " cores makes them take turns: choose the backoff idle " +
                "strategy when workers share cores");
        }
        if (ringCapacity < 1024 || Integer.bitCount(ringCapacity) != 1 || ringCapacity > (1 << 30))
        {
            throw new ConfigurationException(Configuration.RING_CAPACITY_PROP_NAME +
                " must be a power of two in 1024..2^30: ringCapacity=" + ringCapacity);
        }
        require(restartBudget > 0, Configuration.RESTART_BUDGET_PROP_NAME, "> 0", "restartBudget", restartBudget);
        require(supervisionHomes >= 1 && supervisionHomes <= Configuration.SUPERVISION_HOMES_MAX,
            Configuration.SUPERVISION_HOMES_PROP_NAME, "in 1.." + Configuration.SUPERVISION_HOMES_MAX,
            "supervisionHomes", supervisionHomes);
        require(stepBatch > 0, Configuration.STEP_BATCH_PROP_NAME, "> 0", "stepBatch", stepBatch);
        if (WATCHDOG_UNSET == watchdogNs)
        {
            watchdogNs = Configuration.watchdogNs();
        }
        require(watchdogNs >= 0, Configuration.WATCHDOG_PROP_NAME, ">= 0 (0 for off)", "watchdogNs", watchdogNs);
        if (null != shardLink && (freeRunning || 0 != workerCount % shardLink.shards()))
        {
            throw new ConfigurationException("a sharded run needs tick mode and a worker count that is a multiple of " +
                "the shards: freeRunning=" + freeRunning + ", workerCount=" + workerCount + ", shards=" +
                shardLink.shards());
        }
        require(errorLogLength >= 1024, Configuration.ERROR_LOG_LENGTH_PROP_NAME, ">= 1024", "errorLogLength",
            errorLogLength);
        require(deadLetterLogLength >= 0 && deadLetterLogLength <= Configuration.MAX_DEAD_LETTER_LOG_LENGTH,
            Configuration.DEAD_LETTER_LOG_LENGTH_PROP_NAME, "in 0.." + Configuration.MAX_DEAD_LETTER_LOG_LENGTH,
            "deadLetterLogLength", deadLetterLogLength);
        require(mailboxLimit >= 1, Configuration.MAILBOX_LIMIT_PROP_NAME, ">= 1", "mailboxLimit", mailboxLimit);
        require(verifyEvery >= 0, Configuration.VERIFY_EVERY_PROP_NAME, ">= 0", "verifyEvery", verifyEvery);
        if (-1 == maxMemory)
        {
            maxMemory = Configuration.maxMemory();
        }
        require(maxMemory > 0, Configuration.MAX_MEMORY_PROP_NAME, "> 0", "maxMemory", maxMemory);
        concluded = true;
        return this;
    }

    private static void require(final boolean ok, final String property, final String rule, final String field,
        final long value)
    {
        if (!ok)
        {
            throw new ConfigurationException(property + " must be " + rule + ": " + field + "=" + value);
        }
    }

    private static final long WATCHDOG_UNSET = Long.MIN_VALUE;

    /** Most workers an organism may have. */
    public static final int MAX_WORKERS = 256;

    /** @return true once {@link #conclude()} has run. */
    public boolean isConcluded()
    {
        return concluded;
    }

    /** @return the seed of the run. */
    public long seed()
    {
        return seed;
    }

    /**
     * Sets the seed of the run.
     *
     * @param seed of every cell's random stream.
     * @return this.
     */
    public Context seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    /** @return the bytes of state per slot. */
    public int stateLength()
    {
        return stateLength;
    }

    /**
     * Sets the bytes of state per slot.
     *
     * @param stateLength a positive multiple of 8.
     * @return this.
     */
    public Context stateLength(final int stateLength)
    {
        this.stateLength = stateLength;
        return this;
    }

    /**
     * log2 of the slots per arena chunk.
     *
     * @return chunk shift.
     */
    public int chunkShift()
    {
        return chunkShift;
    }

    /**
     * Sets log2 of the slots per arena chunk.
     *
     * @param chunkShift 6..24.
     * @return this.
     */
    public Context chunkShift(final int chunkShift)
    {
        this.chunkShift = chunkShift;
        return this;
    }

    /** @return the number of workers asked for: 0 for one per core until {@link #conclude()}. */
    public int workerCount()
    {
        return workerCount;
    }

    /**
     * Workers a run of this context has: {@link #workerCount()}, or for 0 one per CPU given to {@link #cpus(int[])},
     * else one per physical core this process may run on; {@link #conclude()} settles on it.
     *
     * @return worker count, at least 1.
     */
    public int resolvedWorkerCount()
    {
        return 0 != workerCount ? workerCount : null != cpus ? cpus.length : Workforce.machine().allowedCoreCount();
    }

    /**
     * The CPUs the workers are pinned to, whatever {@link #pin()} and the bind type say, or null for the bind type's
     * choice among all allowed CPUs.
     *
     * @return a copy of the CPUs, or null.
     */
    public int[] cpus()
    {
        return null == cpus ? null : cpus.clone();
    }

    /**
     * Pins the workers to these CPUs only (in the bind type's order among them; in the given order for {@code u}),
     * claiming them as any pinning does; with {@link #workerCount()} 0 there is one worker per CPU. Only for
     * {@link ThreadingMode#DEDICATED}, as all pinning.
     *
     * @param cpus distinct CPUs this process may run on, at least as many as workers; null for no restriction.
     * @return this.
     */
    public Context cpus(final int[] cpus)
    {
        this.cpus = null == cpus ? null : cpus.clone();
        return this;
    }

    /**
     * Sets the number of workers; 0 means one per physical core this process may run on
     * ({@link io.karyon.numa.Topology#allowedCoreCount()}).
     *
     * @param workerCount >= 0.
     * @return this.
     */
    public Context workerCount(final int workerCount)
    {
        this.workerCount = workerCount;
        return this;
    }

    /**
     * How workers get threads, once concluded.
     *
     * @return threading mode.
     */
    public ThreadingMode threadingMode()
    {
        return null != resolvedThreadingMode ? resolvedThreadingMode :
            ThreadingMode.valueOf(threadingMode.toUpperCase(Locale.ROOT));
    }

    /**
     * Sets how workers get threads.
     *
     * @param threadingMode dedicated, shared or invoker.
     * @return this.
     */
    public Context threadingMode(final ThreadingMode threadingMode)
    {
        this.threadingMode = threadingMode.name().toLowerCase(Locale.ROOT);
        return this;
    }

    /**
     * Name of the workers' idle strategy.
     *
     * @return spin, backoff, yield or sleep.
     */
    public String idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * Sets the workers' idle strategy.
     *
     * @param idleStrategy spin, backoff, yield or sleep.
     * @return this.
     */
    public Context idleStrategy(final String idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * Whether workers are pinned to CPUs.
     *
     * @return true to pin.
     */
    public boolean pin()
    {
        return pin;
    }

    /**
     * Sets whether workers are pinned to CPUs.
     *
     * @param pin true to pin.
     * @return this.
     */
    public Context pin(final boolean pin)
    {
        this.pin = pin;
        return this;
    }

    /**
     * How workers are bound to CPUs (ignored when {@link #pin()} is false).
     *
     * @return the bind type.
     */
    public BindType bindType()
    {
        return null != resolvedBindType ? resolvedBindType : BindType.of(bindType);
    }

    /**
     * Sets how workers are bound to CPUs.
     *
     * @param bindType an Erlang bind type.
     * @return this.
     */
    public Context bindType(final BindType bindType)
    {
        this.bindType = bindType.shortName();
        return this;
    }

    /**
     * Where cells spawned from outside go, once concluded.
     *
     * @return placement.
     */
    public Placement placement()
    {
        return null != resolvedPlacement ? resolvedPlacement : Placement.of(placement);
    }

    /**
     * Sets where cells spawned from outside go.
     *
     * @param placement fill or round-robin.
     * @return this.
     */
    public Context placement(final Placement placement)
    {
        this.placement = placement.label();
        return this;
    }

    /**
     * Whether anonymous arenas ask for transparent huge pages.
     *
     * @return true to ask.
     */
    public boolean hugePages()
    {
        return hugePages;
    }

    /**
     * Sets whether anonymous arenas ask for transparent huge pages (when the memory-binding library is available).
     *
     * @param hugePages true to ask.
     * @return this.
     */
    public Context hugePages(final boolean hugePages)
    {
        this.hugePages = hugePages;
        return this;
    }

    /**
     * How the arena's chunks lay out their cells (see {@link CellStorage}).
     *
     * @return the storage; a property that names neither row nor columnar throws IllegalArgumentException.
     */
    public CellStorage cellStorage()
    {
        return CellStorage.of(cellStorage);
    }

    /**
     * Sets how the arena's chunks lay out their cells: {@link CellStorage#ROW} (the default) or
     * {@link CellStorage#COLUMNAR} for cells whose ticks touch a few fields of a wide state. Anonymous arenas only.
     *
     * @param cellStorage the storage.
     * @return this.
     */
    public Context cellStorage(final CellStorage cellStorage)
    {
        this.cellStorage = null == cellStorage ? null : cellStorage.name();
        return this;
    }

    /**
     * Whether cells run free (messages handled as they arrive) rather than in ticks.
     *
     * @return true for free-running mode.
     */
    public boolean freeRunning()
    {
        return freeRunning;
    }

    /**
     * Chooses free-running mode (lowest latency, no determinism) or tick mode (the default).
     *
     * @param freeRunning true for free-running mode.
     * @return this.
     */
    public Context freeRunning(final boolean freeRunning)
    {
        this.freeRunning = freeRunning;
        return this;
    }

    /**
     * Free-running mode: bytes of each ring between two workers.
     *
     * @return ring capacity.
     */
    public int ringCapacity()
    {
        return ringCapacity;
    }

    /**
     * Sets the bytes of each ring between two workers (free-running mode).
     *
     * @param ringCapacity a power of two, >= 1024.
     * @return this.
     */
    public Context ringCapacity(final int ringCapacity)
    {
        this.ringCapacity = ringCapacity;
        return this;
    }

    /**
     * Free-running mode: cells stepped between two looks at the rings.
     *
     * @return step batch.
     */
    public int stepBatch()
    {
        return stepBatch;
    }

    /**
     * Sets the cells stepped between two looks at the rings (free-running mode).
     *
     * @param stepBatch > 0.
     * @return this.
     */
    public Context stepBatch(final int stepBatch)
    {
        this.stepBatch = stepBatch;
        return this;
    }

    /**
     * Most supervised cells a supervision home restarts in one tick.
     *
     * @return restart budget.
     */
    public int restartBudget()
    {
        return restartBudget;
    }

    /**
     * Sets the most supervised cells a supervision home restarts in one tick; the rest are carried to the next tick
     * in order, so a storm of deaths slows ticks down instead of stalling a worker. Paced per home rather than per
     * worker so that which tick a restart happens in does not depend on the number of workers.
     *
     * @param restartBudget > 0.
     * @return this.
     */
    public Context restartBudget(final int restartBudget)
    {
        this.restartBudget = restartBudget;
        return this;
    }

    /**
     * Most messages one cell may send in one visit.
     *
     * @return mailbox limit.
     */
    public int mailboxLimit()
    {
        return mailboxLimit;
    }

    /**
     * Sets the most messages one cell may send in one visit (in tick mode, one tick's mail and step; a group
     * broadcast's delivery is a visit of its own; in free-running mode, one duty cycle). The send past it is refused
     * ({@link CellContext#OVERFLOW}), and the sender dies at the end of its visit with reason
     * {@link ExitReasons#MAILBOX_OVERFLOW}, restarted if supervised; the organism carries on. A send that finds the
     * queue to its target's worker unable to grow (2^25 records in one tick, or no direct memory left) is refused the
     * same way.
     *
     * @param mailboxLimit >= 1.
     * @return this.
     */
    public Context mailboxLimit(final int mailboxLimit)
    {
        this.mailboxLimit = mailboxLimit;
        return this;
    }

    /**
     * Ticks between two sweeps of every cell header, 0 for none.
     *
     * @return sweep period in ticks.
     */
    public int verifyEvery()
    {
        return verifyEvery;
    }

    /**
     * Sets how often, in ticks, each worker checks its cells' headers, its chunks' free lists and live counts at the
     * end of a tick (tick mode only). A damaged header (a status no cell has, a live cell off its step bitmap or a
     * free slot off the free list, a behaviour or supervisor that does not exist) kills its cell with reason
     * {@link ExitReasons#CORRUPT} and is reported in one line to {@link #warnings()}; the chunk's free list and count
     * are rebuilt, so no cell vanishes with {@link Stats#alive()} wrong. Headers are also checked at every death,
     * whatever this says.
     *
     * @param verifyEvery >= 0; 0 sweeps never.
     * @return this.
     */
    public Context verifyEvery(final int verifyEvery)
    {
        this.verifyEvery = verifyEvery;
        return this;
    }

    /**
     * Number of supervision homes: the families supervision trees live in.
     *
     * @return supervision homes.
     */
    public int supervisionHomes()
    {
        return supervisionHomes;
    }

    /**
     * Sets the number of supervision homes: top-level supervisors are dealt to them in turn, and a tree's supervisors
     * and cells live in its home's family, owned by one worker. The same number for any worker count makes a
     * supervised run the same for any worker count; more homes than workers spread the trees over all of them.
     *
     * @param supervisionHomes 1 to {@link Configuration#SUPERVISION_HOMES_MAX}.
     * @return this.
     */
    public Context supervisionHomes(final int supervisionHomes)
    {
        this.supervisionHomes = supervisionHomes;
        return this;
    }

    /**
     * Most off-heap memory the organism may hold, in bytes: its arena's chunks and the JVM's direct buffers.
     *
     * @return bytes ({@link Configuration#maxMemory()} until set).
     */
    public long maxMemory()
    {
        return -1 == maxMemory ? Configuration.maxMemory() : maxMemory;
    }

    /**
     * Sets the most off-heap memory the organism may hold: a chunk that would pass it is not created, and the worker
     * that needed it stops the run with one line ({@link MemoryBudget.Exceeded}).
     *
     * @param maxMemory bytes, > 0.
     * @return this.
     */
    public Context maxMemory(final long maxMemory)
    {
        this.maxMemory = maxMemory;
        return this;
    }

    /**
     * Watchdog deadline: how long a worker may run one tick (free-running: one batch) before it is reported and the
     * organism stopped; see {@link Configuration#WATCHDOG_PROP_NAME}.
     *
     * @return nanoseconds, 0 for off; the property's value until set or concluded.
     */
    public long watchdogNs()
    {
        return WATCHDOG_UNSET == watchdogNs ? Configuration.watchdogNs() : watchdogNs;
    }

    /**
     * Sets the watchdog deadline.
     *
     * @param watchdogNs nanoseconds, > 0, or 0 for off.
     * @return this.
     */
    public Context watchdogNs(final long watchdogNs)
    {
        this.watchdogNs = watchdogNs;
        return this;
    }

    /**
     * The link to the other shards of a sharded run, or null for a run in one process.
     *
     * @return the link, or null.
     */
    public ShardLink shardLink()
    {
        return shardLink;
    }

    /**
     * Makes this organism one shard of a sharded run: its worker count is the whole run's, and this process runs
     * only the link's share of the workers ({@link ShardLink}). Tick mode only.
     *
     * @param shardLink to the other shards, or null for none.
     * @return this.
     */
    public Context shardLink(final ShardLink shardLink)
    {
        this.shardLink = shardLink;
        return this;
    }

    /**
     * Where warnings go (pinning refused, oversubscribed spinning).
     *
     * @return the warning consumer.
     */
    public Consumer<String> warnings()
    {
        return warnings;
    }

    /**
     * Sets where warnings go.
     *
     * @param warnings consumer of one-line warnings.
     * @return this.
     */
    public Context warnings(final Consumer<String> warnings)
    {
        this.warnings = warnings;
        return this;
    }

    /**
     * Capacity of the distinct error log in bytes.
     *
     * @return error log length.
     */
    public int errorLogLength()
    {
        return errorLogLength;
    }

    /**
     * Sets the capacity of the distinct error log.
     *
     * @param errorLogLength in bytes, >= 1024.
     * @return this.
     */
    public Context errorLogLength(final int errorLogLength)
    {
        this.errorLogLength = errorLogLength;
        return this;
    }

    /**
     * Dead letters each worker keeps in its bounded log; 0 when they are only counted.
     *
     * @return records per worker.
     */
    public int deadLetterLogLength()
    {
        return deadLetterLogLength;
    }

    /**
     * Sets how many of the latest dead letters each worker keeps, for {@link Organism#readDeadLetters}.
     *
     * @param deadLetterLogLength records per worker, 0 (off) to 2^20.
     * @return this.
     */
    public Context deadLetterLogLength(final int deadLetterLogLength)
    {
        this.deadLetterLogLength = deadLetterLogLength;
        return this;
    }

    /**
     * Work every worker does before each tick's cells run, then meets the others at a barrier; tick mode only.
     *
     * @return the phase, or null for none.
     */
    public TickPhase tickPhase()
    {
        return tickPhase;
    }

    /**
     * Sets work every worker does, for its own share, at the start of each tick before any cell runs (a barrier
     * follows): e.g. {@code matrix::applyTick}, or {@code MatrixPhase.of(matrix)} (model API), which a sharded run
     * can split between its shards ({@link ShardedTickPhase}). Ignored in free-running mode.
     *
     * @param tickPhase the phase, or null for none.
     * @return this.
     */
    public Context tickPhase(final TickPhase tickPhase)
    {
        this.tickPhase = tickPhase;
        return this;
    }

    /**
     * File that backs the arena, or null for anonymous memory.
     *
     * @return arena file or null.
     */
    public Path arenaFile()
    {
        return arenaFile;
    }

    /**
     * Backs the arena with a new memory-mapped file, which must not exist yet.
     *
     * @param arenaFile to create, or null for anonymous memory.
     * @return this.
     */
    public Context arenaFile(final Path arenaFile)
    {
        this.arenaFile = arenaFile;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Context{seed=" + seed + ", stateLength=" + stateLength + ", chunkShift=" + chunkShift +
            ", workerCount=" + workerCount + ", threadingMode=" + threadingMode + ", idleStrategy=" + idleStrategy +
            ", pin=" + pin + ", bindType=" + bindType + ", placement=" + placement + ", hugePages=" + hugePages +
            ", freeRunning=" + freeRunning + ", ringCapacity=" + ringCapacity + ", stepBatch=" + stepBatch +
            ", supervisionHomes=" + supervisionHomes + ", errorLogLength=" + errorLogLength +
            ", maxMemory=" + (-1 == maxMemory ? "default" : MemoryBudget.format(maxMemory)) +
            ", watchdogNs=" + (WATCHDOG_UNSET == watchdogNs ? "property" : Long.toString(watchdogNs)) +
            ", mailboxLimit=" + mailboxLimit + ", verifyEvery=" + verifyEvery + ", cellStorage=" + cellStorage +
            ", arenaFile=" + arenaFile + (null == cpus ? "" : ", cpus=" + Arrays.toString(cpus)) + "}";
    }
}
