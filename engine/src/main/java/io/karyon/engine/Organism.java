package io.karyon.engine;

import io.karyon.engine.cell.Arena;
import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.Channel;
import io.karyon.numa.BindType;
import io.karyon.numa.Topology;
import io.karyon.numa.TopologyReader;
import io.karyon.scheduler.IdleStrategies;
import io.karyon.scheduler.RestingIdleStrategy;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.scheduler.TickBarrier;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartType;
import io.karyon.scheduler.Workers;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorConsumer;
import org.agrona.concurrent.errors.ErrorLogReader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.karyon.engine.cell.Arena.FAMILY_SHIFT;

/**
 * A colony of cells: owns their arena, behaviours, genotypes, exit reasons, counters and workers, and advances them
 * tick by tick.
 * <p>
 * A tick delivers the messages sent in the previous tick (and those sent from outside since), then advances every
 * live cell that has a tick step. Each worker owns whole families of chunks, so a cell is only ever written by one
 * thread; workers meet at a barrier after every tick and hand each other the tick's messages there, in bulk.
 * Messages reach each cell in an order that does not depend on the number of workers (by sender slot, then send
 * order; messages from outside last), and every cell's random numbers come from a stream keyed by (seed, slot,
 * generation, tick): with {@link Placement#FILL} a run is a function of its seed, bit for bit, whatever the number of
 * workers.
 * <p>
 * <b>Note:</b> not threadsafe: one thread, the driver, launches, registers, spawns, sends, runs, reads stats and
 * closes. Workers run only inside {@link #run(long)}.
 */
public final class Organism implements AutoCloseable
{
    private static final long HIGHEST_TICK_NS = TimeUnit.MINUTES.toNanos(10);
    private static final int SUPERVISOR_WORKER_SHIFT = 24;
    private static final int SUPERVISOR_ROW_MASK = (1 << SUPERVISOR_WORKER_SHIFT) - 1;

    private final Context context;
    private final Arena arena;
    private final ExitReasons reasons = new ExitReasons();
    private final ByteBuffer errorLogMemory;
    private final UnsafeBuffer errorLogBuffer;
    private final Slice[] slices;
    private final MessageQueue[] external;
    private final TickBarrier barrier;
    private final TickBarrier phaseBarrier;
    private final Histogram tickLatencies = new Histogram(1, HIGHEST_TICK_NS, 3);
    private final Workers workers;
    // Parks grow to 1 ms: with a worker on every core each wake-up of the driver preempts a worker (~23 us on these
    // VMs); at 50 us parks that hit about 0.1% of W6's operations (its p99.9), at 1 ms about 0.005%.
    private final IdleStrategy driverIdle = new BackoffIdleStrategy(
        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    private final CellFlyweight driverCell = new CellFlyweight();
    private final List<Behaviour> behaviours = new ArrayList<>();
    private final Map<String, Short> behaviourIds = new HashMap<>();
    private final Map<String, Genotype> genotypes = new LinkedHashMap<>();
    private final int workerCount;
    private final int chunkShift;
    private final int[] roundRobinHint;
    private final int[] workerNodes;
    private final int[] workerCpus;
    private int fillHint;
    private Slice fillSlice;
    private long spawnCount;
    private long supervisorCount;
    private long ticks;
    private long externalSent;
    private long externalDeadLetters;
    private long epoch;
    private KaryonException failure;
    private boolean closed;

    private Organism(final Context context, final Arena arena)
    {
        this.context = context;
        this.arena = arena;
        this.workerCount = context.workerCount();
        this.chunkShift = arena.chunkShift();
        this.errorLogMemory = ByteBuffer.allocateDirect(context.errorLogLength());
        this.errorLogBuffer = new UnsafeBuffer(errorLogMemory);
        final DistinctErrorLog errorLog = new DistinctErrorLog(errorLogBuffer, SystemEpochClock.INSTANCE);
        this.slices = new Slice[workerCount];
        this.external = new MessageQueue[workerCount];
        this.roundRobinHint = new int[workerCount];
        for (int w = 0; w < workerCount; w++)
        {
            slices[w] = new Slice(w, workerCount, arena, reasons, context.seed(), errorLog, context.freeRunning(),
                context.stepBatch(), context.restartBudget());
            external[w] = new MessageQueue(64);
        }
        for (int w = 0; w < workerCount; w++)
        {
            slices[w].connect(slices, external[w]);
        }
        if (context.freeRunning())
        {
            for (int from = 0; from < workerCount; from++)
            {
                for (int to = 0; to < workerCount; to++)
                {
                    if (from != to)
                    {
                        slices[from].connectChannel(
                            slices[to], new Channel(context.ringCapacity(), MessageQueue.RECORD_LENGTH));
                    }
                }
            }
        }
        this.barrier = new TickBarrier(workerCount);
        this.phaseBarrier = null == context.tickPhase() || context.freeRunning() ? null : new TickBarrier(workerCount);
        final List<Agent> agents = new ArrayList<>(workerCount);
        for (int w = 0; w < workerCount; w++)
        {
            agents.add(context.freeRunning() ? new FreeRunningAgent(slices[w], barrier) :
                new TickAgent(slices[w], barrier, tickLatencies, context.tickPhase(), phaseBarrier));
        }
        final int[] cpus = plan(context, workerCount);
        this.workerCpus = null == cpus ? new int[workerCount] : cpus;
        if (null == cpus)
        {
            Arrays.fill(workerCpus, -1);
        }
        this.workerNodes = new int[workerCount];
        for (int w = 0; w < workerCount; w++)
        {
            workerNodes[w] = null == cpus ? -1 : machine().nodeOfCpu(cpus[w]);
        }
        if (null != cpus && null == arena.file())
        {
            arena.bindChunks((chunk) -> workerNodes[ownerOfChunk(chunk)], context.warnings());
        }
        final String idleStrategy = context.idleStrategy();
        this.workers = Workers.start(agents, context.threadingMode(),
            () -> new RestingIdleStrategy(IdleStrategies.of(idleStrategy), barrier), cpus, context.warnings());
    }

    private static volatile Topology machineTopology;

    /**
     * This machine's CPU and NUMA topology, read once per process.
     *
     * @return the topology.
     */
    public static Topology machine()
    {
        Topology topology = machineTopology;
        if (null == topology)
        {
            topology = TopologyReader.readThisMachine();
            machineTopology = topology;
        }
        return topology;
    }

    /**
     * The CPU each worker is pinned to, by the context's bind type, or null when workers run unpinned: pinning off,
     * not a thread per worker, or more workers than CPUs (two busy workers bound to one CPU would take turns).
     */
    private static int[] plan(final Context context, final int workerCount)
    {
        if (!context.pin() || ThreadingMode.DEDICATED != context.threadingMode() || BindType.U == context.bindType())
        {
            return null;
        }
        final Topology topology = machine();
        topology.warnings().forEach(context.warnings());
        if (workerCount > topology.allowedCpus().length)
        {
            context.warnings().accept(workerCount + " workers, " + topology.allowedCpus().length +
                " CPUs allowed: workers run unpinned");
            return null;
        }
        return context.bindType().plan(topology, workerCount);
    }

    /**
     * The CPU a worker is pinned to, or -1 when unpinned.
     *
     * @param worker index.
     * @return the CPU or -1.
     */
    public int cpuOfWorker(final int worker)
    {
        return workerCpus[worker];
    }

    /**
     * The NUMA node of the CPU a worker is pinned to, or -1 when unpinned.
     *
     * @param worker index.
     * @return the node or -1.
     */
    public int nodeOfWorker(final int worker)
    {
        return workerNodes[worker];
    }

    /**
     * Launches an empty organism and starts its workers.
     *
     * @param context settings; concluded here if it was not yet.
     * @return the organism.
     * @throws ConfigurationException for a bad setting.
     */
    public static Organism launch(final Context context)
    {
        if (!context.isConcluded())
        {
            context.conclude();
        }
        final Arena arena;
        if (null != context.arenaFile())
        {
            arena = Arena.create(context.arenaFile(), context.stateLength(), context.chunkShift());
        }
        else
        {
            arena = context.hugePages() ?
                Arena.inMemoryHugePages(context.stateLength(), context.chunkShift()) :
                Arena.inMemory(context.stateLength(), context.chunkShift());
        }
        try
        {
            return new Organism(context, arena);
        }
        catch (final RuntimeException | Error ex)
        {
            arena.close();
            throw ex;
        }
    }

    /**
     * The settings it was launched with.
     *
     * @return the concluded context.
     */
    public Context context()
    {
        return context;
    }

    /**
     * The arena holding the cells.
     *
     * @return the arena.
     */
    public Arena arena()
    {
        return arena;
    }

    /**
     * Number of workers.
     *
     * @return worker count.
     */
    public int workerCount()
    {
        return workerCount;
    }

    /**
     * The exit reason table.
     *
     * @return exit reasons.
     */
    public ExitReasons exitReasons()
    {
        return reasons;
    }

    /**
     * Registers a user exit reason, or returns the code it has.
     *
     * @param name of the reason.
     * @return its code, for {@link CellContext#die(int)}.
     */
    public int exitReason(final String name)
    {
        return reasons.register(name);
    }

    /**
     * Registers a behaviour under a name.
     *
     * @param name      unique name.
     * @param behaviour shared by every cell of the kinds that use it, on every worker.
     * @return its id.
     * @throws IllegalArgumentException if the name is taken or blank.
     */
    public short registerBehaviour(final String name, final Behaviour behaviour)
    {
        ensureUsable();
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("behaviour name must not be blank: name='" + name + "'");
        }
        if (null == behaviour)
        {
            throw new IllegalArgumentException("behaviour '" + name + "' must not be null");
        }
        if (behaviourIds.containsKey(name))
        {
            throw new IllegalArgumentException("behaviour '" + name + "' is registered already");
        }
        if (behaviours.size() == Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("too many behaviours: at most " + Short.MAX_VALUE);
        }
        final short id = (short)behaviours.size();
        behaviours.add(behaviour);
        behaviourIds.put(name, id);
        final Behaviour[] array = behaviours.toArray(new Behaviour[0]);
        for (final Slice slice : slices)
        {
            slice.behaviours(array);
        }
        return id;
    }

    /**
     * Declares a genotype: a named kind of cell with a layout and a behaviour, whose initial state starts zeroed.
     *
     * @param name      unique name.
     * @param layout    of the state; must fit in the slot's state length.
     * @param behaviour name of a registered behaviour.
     * @return the genotype, to set initial values on and spawn from.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public Genotype genotype(final String name, final CellLayout layout, final String behaviour)
    {
        ensureUsable();
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("genotype name must not be blank: name='" + name + "'");
        }
        if (genotypes.containsKey(name))
        {
            throw new IllegalArgumentException("genotype '" + name + "' is declared already");
        }
        final Short behaviourId = behaviourIds.get(behaviour);
        if (null == behaviourId)
        {
            throw new IllegalArgumentException("genotype '" + name + "' names unknown behaviour '" + behaviour +
                "': registered=" + behaviourIds.keySet());
        }
        if (layout.stateLength() > arena.stateLength())
        {
            throw new IllegalArgumentException("genotype '" + name + "' has a layout of " + layout.stateLength() +
                " bytes, more than the slot's state length " + arena.stateLength() + " (" +
                Configuration.STATE_LENGTH_PROP_NAME + ")");
        }
        final Genotype genotype = new Genotype(name, genotypes.size(), behaviourId, layout, arena.stateLength());
        genotypes.put(name, genotype);
        final Genotype[] array = genotypes.values().toArray(new Genotype[0]);
        for (final Slice slice : slices)
        {
            slice.genotypes(array);
        }
        return genotype;
    }

    /**
     * Spawns a cell from outside a tick, placed by the context's {@link Placement}; it is advanced from the next
     * tick on.
     *
     * @param genotype to copy into the slot.
     * @return the cell's handle.
     */
    public long spawn(final Genotype genotype)
    {
        ensureUsable();
        if (Placement.ROUND_ROBIN == context.placement())
        {
            final int chunk = chunkOfWorker((int)(spawnCount++ % workerCount));
            return slices[ownerOfChunk(chunk)].spawnAt(arena.allocate(chunk), genotype);
        }
        // Fast path: the chunk the last spawn filled, while it has room and no lower slot was freed since.
        int slot = null == fillSlice ? -1 : arena.allocate(fillHint);
        if (slot < 0)
        {
            final int chunk = chunkToFill();
            fillSlice = slices[ownerOfChunk(chunk)];
            slot = arena.allocate(chunk);
        }
        return fillSlice.spawnAt(slot, genotype);
    }

    private void lowerFillHint(final int chunk)
    {
        if (chunk < fillHint)
        {
            fillHint = chunk;
            fillSlice = null;
        }
    }

    private int chunkToFill()
    {
        for (int c = fillHint, bound = arena.chunkBound(); c < bound; c++)
        {
            if (arena.hasFree(c))
            {
                fillHint = c;
                return c;
            }
        }
        final int chunk = addFamily() << FAMILY_SHIFT;
        fillHint = chunk;
        return chunk;
    }

    private int chunkOfWorker(final int worker)
    {
        for (int c = roundRobinHint[worker], bound = arena.chunkBound(); c < bound; c++)
        {
            if (ownerOfChunk(c) == worker && arena.hasFree(c))
            {
                roundRobinHint[worker] = c;
                return c;
            }
        }
        while (true)
        {
            final int family = addFamily();
            if (family % workerCount == worker)
            {
                roundRobinHint[worker] = family << FAMILY_SHIFT;
                return family << FAMILY_SHIFT;
            }
        }
    }

    private int addFamily()
    {
        final int family = arena.addFamily();
        slices[family % workerCount].addOwnedChunk(family << FAMILY_SHIFT);
        return family;
    }

    private int ownerOfChunk(final int chunk)
    {
        return (chunk >>> FAMILY_SHIFT) % workerCount;
    }

    /**
     * Creates a top-level supervisor. Supervisors are dealt to the workers in turn; a supervisor, its child
     * supervisors and all their cells live on one worker, so restarts never cross workers.
     *
     * @param strategy  OTP restart strategy.
     * @param intensity restarts allowed within the period.
     * @param period    window, in ticks.
     * @return the supervisor's id, for child supervisors and supervised spawns.
     */
    public int supervisor(final RestartStrategy strategy, final int intensity, final long period)
    {
        ensureUsable();
        final int worker = (int)(supervisorCount++ % workerCount);
        return supervisorId(worker, slices[worker].table().createSupervisor(strategy, intensity, period));
    }

    /**
     * Creates a supervisor under another, on the same worker; when it gives up, its parent handles that as the exit
     * of a child of the given restart type.
     *
     * @param parent    supervisor id.
     * @param strategy  OTP restart strategy.
     * @param intensity restarts allowed within the period.
     * @param period    window, in ticks.
     * @param type      its restart type as its parent's child.
     * @return the supervisor's id.
     */
    public int supervisor(
        final int parent, final RestartStrategy strategy, final int intensity, final long period, final RestartType type)
    {
        ensureUsable();
        final int worker = workerOfSupervisor(parent);
        return supervisorId(worker, slices[worker].table().createSupervisor(
            strategy, intensity, period, parent & SUPERVISOR_ROW_MASK, type));
    }

    /**
     * Spawns a cell as a supervisor's child: on the supervisor's worker, restarted from its genotype (in a fresh
     * slot, with a new handle) as the supervisor's strategy and the child's restart type say.
     *
     * @param genotype   of the child.
     * @param supervisor id.
     * @param type       restart type.
     * @return the child's handle.
     */
    public long spawn(final Genotype genotype, final int supervisor, final RestartType type)
    {
        ensureUsable();
        final int worker = workerOfSupervisor(supervisor);
        final int chunk = chunkOfWorker(worker);
        return slices[worker].spawnSupervised(arena.allocate(chunk), genotype, supervisor & SUPERVISOR_ROW_MASK, type);
    }

    /**
     * The restart table of one worker's supervisors, to read their state between runs.
     *
     * @param supervisor id of any supervisor of that worker.
     * @return the table.
     */
    public RestartTable restartTable(final int supervisor)
    {
        return slices[workerOfSupervisor(supervisor)].table();
    }

    /**
     * The row of a supervisor in its worker's {@link #restartTable(int)}.
     *
     * @param supervisor id.
     * @return the row.
     */
    public static int supervisorRow(final int supervisor)
    {
        return supervisor & SUPERVISOR_ROW_MASK;
    }

    private int supervisorId(final int worker, final int row)
    {
        if (row > SUPERVISOR_ROW_MASK)
        {
            throw new IllegalStateException("too many supervisors on worker " + worker + ": " + row);
        }
        return worker << SUPERVISOR_WORKER_SHIFT | row;
    }

    private int workerOfSupervisor(final int supervisor)
    {
        final int worker = supervisor >>> SUPERVISOR_WORKER_SHIFT;
        if (supervisor < 0 || worker >= workerCount)
        {
            throw new IllegalArgumentException("no such supervisor: " + supervisor);
        }
        return worker;
    }

    /**
     * Points the driver's flyweight at a live cell, to read or write its state between ticks.
     *
     * @param handle of a live cell.
     * @return the flyweight, valid until the next call.
     * @throws IllegalArgumentException if the handle is stale or names no cell.
     */
    public CellFlyweight cell(final long handle)
    {
        ensureUsable();
        final int slot = Handle.slot(handle);
        if (!arena.exists(slot))
        {
            throw new IllegalArgumentException("handle " + Handle.toString(handle) + " names no cell: slot " +
                Integer.toUnsignedString(slot) + " was never used");
        }
        arena.wrap(driverCell, slot);
        if (CellDescriptor.STATUS_ALIVE != driverCell.status() || driverCell.generation() != Handle.generation(handle))
        {
            throw new IllegalArgumentException("handle " + Handle.toString(handle) + " is stale: slot " + slot +
                " holds generation " + driverCell.generation() + " with status " + driverCell.status());
        }
        return driverCell;
    }

    /**
     * Whether a handle names a live cell.
     *
     * @param handle to check.
     * @return true if the cell is alive.
     */
    public boolean isAlive(final long handle)
    {
        ensureUsable();
        return slices[0].isLive(handle);
    }

    /**
     * Kills a cell from outside, counted under {@link ExitReasons#KILLED}; its slot is freed at once.
     *
     * @param handle of the cell.
     * @return false if the handle was already stale.
     */
    public boolean kill(final long handle)
    {
        ensureUsable();
        if (!slices[0].isLive(handle))
        {
            return false;
        }
        final int chunk = arena.chunkOf(Handle.slot(handle));
        final int owner = ownerOfChunk(chunk);
        slices[owner].kill(handle, ExitReasons.KILLED);
        lowerFillHint(chunk);
        roundRobinHint[owner] = Math.min(roundRobinHint[owner], chunk);
        return true;
    }

    /**
     * Sends a message from outside (sender {@link Handle#NULL_HANDLE}); it is handled in the next tick, after the
     * messages that cells sent in the previous one.
     *
     * @param target  handle.
     * @param type    of the message.
     * @param payload of the message.
     * @return {@link CellContext#SENT}, or {@link CellContext#DEAD_LETTER} when the handle cannot name a cell.
     */
    public int send(final long target, final int type, final long payload)
    {
        ensureUsable();
        final int slot = Handle.slot(target);
        if (Handle.NULL_HANDLE == target || slot < 0)
        {
            externalDeadLetters++;
            return CellContext.DEAD_LETTER;
        }
        external[Slice.owner(slot, chunkShift, workerCount)].append(target, Handle.NULL_HANDLE, type, payload);
        externalSent++;
        return CellContext.SENT;
    }

    /**
     * Runs one tick.
     */
    public void tick()
    {
        run(1);
    }

    /**
     * Runs a number of ticks on the workers and waits for them.
     *
     * @param ticks to run, >= 0.
     * @throws KaryonException if a worker failed; the organism is then stopped.
     */
    public void run(final long ticks)
    {
        if (ticks < 0)
        {
            throw new IllegalArgumentException("ticks must be >= 0: ticks=" + ticks);
        }
        ensureUsable();
        if (context.freeRunning())
        {
            throw new IllegalStateException("a free-running organism has no ticks to run: use start() and stop()");
        }
        final long target = this.ticks + ticks;
        barrier.target(target);
        awaitWorkers(() -> barrier.completed() >= target, Long.MAX_VALUE);
        this.ticks = target;
        for (final Slice slice : slices)
        {
            if (null != slice.gaveUp())
            {
                workers.close();
                failure = new KaryonException(KaryonException.Category.FATAL,
                    "a top-level supervisor gave up, organism stopped: " + slice.gaveUp(), null);
                throw failure;
            }
        }
        for (int w = 0; w < workerCount; w++)
        {
            final int lowest = slices[w].takeLowestFreedChunk();
            lowerFillHint(lowest);
            roundRobinHint[w] = Math.min(roundRobinHint[w], lowest);
        }
    }

    /**
     * Free-running mode: lets the workers run, handling messages as they arrive and stepping cells in batches, until
     * {@link #stop()}. While started, only {@link #stop()}, {@link #awaitQuiescence(long)}, {@link #isStarted()} and
     * {@link #close()} may be called.
     *
     * @throws IllegalStateException in tick mode, or if started already.
     */
    public void start()
    {
        ensureUsable();  // also checks it is stopped
        if (!context.freeRunning())
        {
            throw new IllegalStateException("start() is for free-running organisms: tick mode runs with run(ticks)");
        }
        epoch++;
        barrier.target(epoch);
    }

    /**
     * Free-running mode: stops the workers and waits until each has acknowledged, so that counters, cells and
     * pending messages can be read and changed. Messages still in flight stay queued for the next start.
     *
     * @throws IllegalStateException in tick mode, or if not started.
     */
    public void stop()
    {
        ensureOpen();
        if (!isStarted())
        {
            throw new IllegalStateException("stop() without start()");
        }
        epoch++;
        barrier.target(epoch);
        final long stopped = epoch;
        awaitWorkers(() -> barrier.isComplete(stopped), Long.MAX_VALUE);
        barrier.complete(epoch);
    }

    /**
     * Whether a free-running organism is started.
     *
     * @return true between {@link #start()} and {@link #stop()}.
     */
    public boolean isStarted()
    {
        return 0 != (epoch & 1);
    }

    /**
     * Free-running mode: runs until the organism is quiet, or the deadline passes, and leaves it stopped either way.
     * Quiet means that over a stretch in which every worker made at least one full pass over its cells (and drained
     * its rings), no message was sent and none is left in flight. Checks by stopping the workers, so it is for tests
     * and batch drivers, not for a hot loop.
     *
     * @param timeoutNs how long to wait.
     * @return true if quiet, false if the deadline passed first.
     */
    public boolean awaitQuiescence(final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        if (isStarted())
        {
            stop();
        }
        while (true)
        {
            final long sentBefore = stats().sent();
            start();
            final long started = epoch;
            awaitWorkers(() -> barrier.isComplete(started), deadlineNs);
            stop();
            final Stats stats = stats();
            if (0 == stats.pending() && stats.sent() == sentBefore)
            {
                return true;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
        }
    }

    /**
     * Waits for the workers (or, in invoker mode, drives them) until a barrier condition holds or the deadline
     * passes, stopping the organism if a worker failed meanwhile.
     */
    private void awaitWorkers(final BooleanSupplier done, final long deadlineNs)
    {
        final IdleStrategy idle = driverIdle;
        idle.reset();
        final boolean invoker = ThreadingMode.INVOKER == workers.mode();
        while (!done.getAsBoolean() && (Long.MAX_VALUE == deadlineNs || System.nanoTime() - deadlineNs < 0))
        {
            checkWorkers();
            if (invoker)
            {
                workers.invoke();
            }
            else
            {
                idle.idle();
            }
        }
        checkWorkers();
    }

    private void checkWorkers()
    {
        final Workers.Fault fault = workers.fault();
        if (null != fault)
        {
            workers.close();
            failure = new KaryonException(KaryonException.Category.FATAL,
                "worker " + fault.role() + " failed, organism stopped: " + fault.cause(), fault.cause());
            throw failure;
        }
    }

    /**
     * Ticks completed so far.
     *
     * @return the number of the next tick.
     */
    public long ticks()
    {
        return ticks;
    }

    /**
     * Latency of each tick so far (from the start of the tick to the moment every worker had finished it), in
     * nanoseconds; {@link #resetTickLatencies()} starts it afresh.
     *
     * @return the histogram, to read between runs.
     */
    public Histogram tickLatencies()
    {
        return tickLatencies;
    }

    /**
     * Empties the tick latency histogram.
     */
    public void resetTickLatencies()
    {
        tickLatencies.reset();
    }

    /**
     * A snapshot of the counters, summed over the workers (messages sent from outside included).
     *
     * @return stats.
     */
    public Stats stats()
    {
        return sum(0, workerCount, true);
    }

    /**
     * A snapshot of one worker's counters: the cells it owns and what they did.
     *
     * @param worker index, 0 to {@link #workerCount()} - 1.
     * @return the worker's stats.
     */
    public Stats stats(final int worker)
    {
        if (worker < 0 || worker >= workerCount)
        {
            throw new IllegalArgumentException("worker must be in 0.." + (workerCount - 1) + ": worker=" + worker);
        }
        return sum(worker, worker + 1, false);
    }

    private Stats sum(final int from, final int to, final boolean withDriver)
    {
        ensureOpen();
        ensureStopped();
        long alive = 0;
        long updates = 0;
        long sent = withDriver ? externalSent : 0;
        long delivered = 0;
        long deadLetters = withDriver ? externalDeadLetters : 0;
        long spawned = 0;
        long deaths = 0;
        long crossWorker = 0;
        long spilled = 0;
        long restarts = 0;
        long escalations = 0;
        long pendingRestarts = 0;
        long errorsNotLogged = 0;
        long pending = 0;
        final long[] byCode = new long[ExitReasons.MAX_REASONS];
        for (int w = from; w < to; w++)
        {
            final Slice slice = slices[w];
            alive += slice.liveCells();
            updates += slice.updates;
            sent += slice.sent;
            delivered += slice.delivered;
            deadLetters += slice.deadLetters;
            spawned += slice.spawned;
            deaths += slice.deathsTotal;
            crossWorker += slice.crossWorker;
            spilled += slice.spilled;
            restarts += slice.restarts;
            escalations += slice.escalations;
            pendingRestarts += slice.pendingRestarts();
            errorsNotLogged += slice.errorsNotLogged;
            pending += slice.pendingMessages() + external[w].count();
            for (int i = 0; i < byCode.length; i++)
            {
                byCode[i] += slice.deaths[i];
            }
        }
        final Map<String, Long> byReason = new LinkedHashMap<>();
        for (int i = 0; i < byCode.length; i++)
        {
            if (0 != byCode[i])
            {
                byReason.put(reasons.name(i), byCode[i]);
            }
        }
        return new Stats(ticks, alive, spawned, updates, sent, delivered, deadLetters, pending, deaths,
            Collections.unmodifiableMap(byReason), crossWorker, spilled, restarts, escalations, pendingRestarts,
            errorsNotLogged);
    }

    /**
     * A 64-bit hash over every live cell's slot, generation, behaviour and state, taken in slot order: the same for
     * the same run whatever the number of workers, and different (but for hash collisions) when any cell differs.
     *
     * @return the digest.
     */
    public long digest()
    {
        ensureOpen();
        final CellFlyweight cell = new CellFlyweight();
        final int words = arena.stateLength() >>> 3;
        long hash = 0x4B415259_4F4E0001L;
        for (int c = 0, bound = arena.chunkBound(); c < bound; c++)
        {
            if (!arena.hasChunk(c))
            {
                continue;
            }
            final int highWater = arena.highWater(c);
            for (int i = 0; i < highWater; i++)
            {
                arena.wrap(cell, (c << chunkShift) | i);
                if (CellDescriptor.STATUS_ALIVE != cell.status())
                {
                    continue;
                }
                hash = Slice.mix(hash + cell.handle());
                hash = Slice.mix(hash + cell.behaviourId());
                for (int w = 0; w < words; w++)
                {
                    hash = Slice.mix(hash + cell.getLong(w << 3));
                }
            }
        }
        return hash;
    }

    /**
     * Reads the distinct errors behaviours threw: one observation per distinct stack trace, with its count and
     * first and last time seen.
     *
     * @param consumer of each distinct error.
     * @return the number of distinct errors.
     */
    public int readErrors(final ErrorConsumer consumer)
    {
        ensureOpen();
        return ErrorLogReader.read(errorLogBuffer, consumer);
    }

    /**
     * Names of the registered behaviours, by id.
     *
     * @return behaviour names.
     */
    public String[] behaviourNames()
    {
        final String[] names = new String[behaviours.size()];
        behaviourIds.forEach((name, id) -> names[id] = name);
        return names;
    }

    /**
     * Live worker threads, for checks that a closed organism leaves none behind.
     *
     * @return threads still running.
     */
    public int liveWorkerThreads()
    {
        return workers.liveThreads();
    }

    /**
     * Stops the workers and waits for their threads to end, then releases the arena (a file-backed arena is forced
     * to disk and stays on it) and the error log.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        workers.close();
        // Freed now rather than by the collector, so that a closed organism's memory is gone when close returns.
        for (int w = 0; w < workerCount; w++)
        {
            slices[w].close();
            external[w].close();
        }
        barrier.close();
        if (null != phaseBarrier)
        {
            phaseBarrier.close();
        }
        arena.force();
        arena.close();
        BufferUtil.free(errorLogMemory);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("organism is closed");
        }
    }

    private void ensureUsable()
    {
        ensureOpen();
        if (null != failure)
        {
            throw new IllegalStateException("organism stopped after a worker failed: " + failure.getMessage(), failure);
        }
        ensureStopped();
    }

    private void ensureStopped()
    {
        if (isStarted())
        {
            throw new IllegalStateException("organism is running free: stop() it first");
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Organism{" + context + ", behaviours=" + Arrays.toString(behaviourNames()) + "}";
    }
}
