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
    private static final int SUPERVISOR_HOME_SHIFT = 24;
    private static final int SUPERVISOR_ROW_MASK = (1 << SUPERVISOR_HOME_SHIFT) - 1;

    private final Context context;
    private final Arena arena;
    private final ExitReasons reasons = new ExitReasons();
    private final ByteBuffer errorLogMemory;
    private final UnsafeBuffer errorLogBuffer;
    private final Slice[] slices;
    private final SupervisionHome[] homes;
    private final MessageQueue[] external;
    private final MessageQueue[] externalBroadcasts;
    private final Map<String, Integer> groupIds = new HashMap<>();
    private final List<String> groupNames = new ArrayList<>();
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
        this.externalBroadcasts = new MessageQueue[workerCount];
        this.roundRobinHint = new int[workerCount];
        this.homes = new SupervisionHome[context.supervisionHomes()];
        for (int w = 0; w < workerCount; w++)
        {
            slices[w] = new Slice(w, workerCount, arena, reasons, context.seed(), errorLog, context.freeRunning(),
                context.stepBatch(), context.deadLetterLogLength());
            slices[w].allHomes(homes);
            external[w] = new MessageQueue(64);
            externalBroadcasts[w] = new MessageQueue(4);
        }
        for (int w = 0; w < workerCount; w++)
        {
            slices[w].connect(slices, external[w]);
            slices[w].connectBroadcasts(slices, externalBroadcasts[w]);
            slices[w].connectSignals(slices);
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
     * Creates a top-level supervisor. Top-level supervisors are dealt in turn to a fixed number of supervision homes
     * ({@link Context#supervisionHomes()}), each a family of the arena; a supervisor, its child supervisors and all
     * their cells live in its home, owned by one worker, so restarts never cross workers, and which slots and rows they
     * get does not depend on the number of workers.
     *
     * @param strategy  OTP restart strategy.
     * @param intensity restarts allowed within the period.
     * @param period    window, in ticks; in milliseconds in free-running mode.
     * @return the supervisor's id, for child supervisors and supervised spawns.
     */
    public int supervisor(final RestartStrategy strategy, final int intensity, final long period)
    {
        ensureUsable();
        final SupervisionHome home = home((int)(supervisorCount++ % homes.length));
        return supervisorId(home, home.table.createSupervisor(strategy, intensity, period));
    }

    /**
     * Creates a supervisor under another, on the same worker; when it gives up, its parent handles that as the exit
     * of a child of the given restart type.
     *
     * @param parent    supervisor id.
     * @param strategy  OTP restart strategy.
     * @param intensity restarts allowed within the period.
     * @param period    window, in ticks; in milliseconds in free-running mode.
     * @param type      its restart type as its parent's child.
     * @return the supervisor's id.
     */
    public int supervisor(
        final int parent, final RestartStrategy strategy, final int intensity, final long period, final RestartType type)
    {
        return supervisor(parent, strategy, intensity, period, type, false);
    }

    /**
     * Creates a supervisor under another, in its parent's home or, to spread one tree's cells and restarts over the
     * workers, in the next supervision home in turn. A supervisor in another home than its parent stands in its
     * parent's restart table as a proxy; its giving up, and its parent's restarting or terminating it, travel between
     * the homes and take effect in the next tick (as exit signals between Erlang processes take their time), the
     * same tick whatever the number of workers. Tick mode only.
     *
     * @param parent    supervisor id.
     * @param strategy  OTP restart strategy.
     * @param intensity restarts allowed within the period.
     * @param period    window, in ticks; in milliseconds in free-running mode.
     * @param type      its restart type as its parent's child.
     * @param spread    true to place it in the next home in turn rather than in its parent's.
     * @return the supervisor's id.
     * @throws IllegalStateException if spread in free-running mode.
     */
    public int supervisor(final int parent, final RestartStrategy strategy, final int intensity, final long period,
        final RestartType type, final boolean spread)
    {
        ensureUsable();
        final SupervisionHome parentHome = homeOfSupervisor(parent);
        final int parentRow = parent & SUPERVISOR_ROW_MASK;
        if (!spread)
        {
            return supervisorId(parentHome, parentHome.table.createSupervisor(
                strategy, intensity, period, parentRow, type));
        }
        if (context.freeRunning())
        {
            throw new IllegalStateException("a supervisor in another home than its parent needs tick mode: " +
                "free-running mode keeps a tree in its top-level supervisor's home");
        }
        final SupervisionHome home = home((int)(supervisorCount++ % homes.length));
        final int proxy = parentHome.table.createSupervisor(strategy, intensity, period, parentRow, type);
        final int row = home.table.createSupervisor(strategy, intensity, period);
        parentHome.link(proxy, home.index, row);
        home.link(row, parentHome.index, proxy);
        return supervisorId(home, row);
    }

    /**
     * Spawns a cell as a supervisor's child: in the supervisor's home, restarted from its genotype (in a fresh
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
        final SupervisionHome home = homeOfSupervisor(supervisor);
        return slices[ownerOfChunk(home.rootChunk)].spawnSupervised(
            home, genotype, supervisor & SUPERVISOR_ROW_MASK, type);
    }

    /**
     * The restart table of the supervisors of one supervision home, to read their state between runs.
     *
     * @param supervisor id of any supervisor of that home.
     * @return the table.
     */
    public RestartTable restartTable(final int supervisor)
    {
        return homeOfSupervisor(supervisor).table;
    }

    /**
     * The row of a supervisor in its home's {@link #restartTable(int)}.
     *
     * @param supervisor id.
     * @return the row.
     */
    public static int supervisorRow(final int supervisor)
    {
        return supervisor & SUPERVISOR_ROW_MASK;
    }

    static int supervisorId(final SupervisionHome home, final int row)
    {
        if (row > SUPERVISOR_ROW_MASK)
        {
            throw new IllegalStateException("too many supervisors in supervision home " + home.index + ": " + row);
        }
        return home.index << SUPERVISOR_HOME_SHIFT | row;
    }

    private SupervisionHome homeOfSupervisor(final int supervisor)
    {
        final int index = supervisor >>> SUPERVISOR_HOME_SHIFT;
        if (supervisor < 0 || index >= homes.length || null == homes[index] ||
            (supervisor & SUPERVISOR_ROW_MASK) >= homes[index].table.rowCount())
        {
            throw new IllegalArgumentException("no such supervisor: " + supervisor);
        }
        return homes[index];
    }

    /**
     * A supervision home, its family created on first use: families are added in the order the driver's calls need
     * them, which does not depend on the number of workers.
     */
    private SupervisionHome home(final int index)
    {
        SupervisionHome home = homes[index];
        if (null == home)
        {
            final int family = addFamily();
            home = new SupervisionHome(index, family, chunkShift + Arena.FAMILY_SHIFT, context.restartBudget());
            homes[index] = home;
            slices[family % workerCount].addHome(home);
        }
        return home;
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
        if (type < 0)
        {
            throw new IllegalArgumentException("send: message types < 0 are the engine's (see Signals): type=" + type);
        }
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

    // ---------------------------------------------------------------------------------------------------------------
    // Groups and broadcasts: the name table here, membership per worker (see Groups).
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Names a group, or returns the id the name has: a small integer for {@link CellContext#join(int)},
     * {@link CellContext#leave(int)} and {@link CellContext#broadcast(int, int, long)}. Membership is kept by each
     * worker beside its cells; this table only maps names to ids.
     *
     * @param name of the group.
     * @return its id, from 0.
     * @throws IllegalArgumentException if the name is blank or the table is full.
     */
    public int group(final String name)
    {
        ensureUsable();
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("group name must not be blank: name='" + name + "'");
        }
        final Integer known = groupIds.get(name);
        if (null != known)
        {
            return known;
        }
        if (groupNames.size() == Groups.MAX_GROUPS)
        {
            throw new IllegalArgumentException(
                "too many groups: at most " + Groups.MAX_GROUPS + ", cannot add '" + name + "'");
        }
        final int id = groupNames.size();
        groupNames.add(name);
        groupIds.put(name, id);
        for (final Slice slice : slices)
        {
            slice.groups.groupCount(id + 1);
        }
        return id;
    }

    /**
     * Name of a group id.
     *
     * @param group id.
     * @return its name.
     * @throws IllegalArgumentException if no group has that id.
     */
    public String groupName(final int group)
    {
        slices[0].groups.checkGroup("groupName", group);
        return groupNames.get(group);
    }

    /**
     * Makes a live cell a member of a group, from outside a tick; seen by the next tick.
     *
     * @param handle of a live cell.
     * @param group  id.
     * @return false if it was a member already.
     * @throws IllegalArgumentException if the handle is stale or the group unknown.
     */
    public boolean join(final long handle, final int group)
    {
        cell(handle);
        final Groups groups = slices[ownerOfChunk(arena.chunkOf(Handle.slot(handle)))].groups;
        groups.checkGroup("join", group);
        return groups.set(Handle.slot(handle), group);
    }

    /**
     * Removes a live cell from a group, from outside a tick; seen by the next tick.
     *
     * @param handle of a live cell.
     * @param group  id.
     * @return false if it was not a member.
     * @throws IllegalArgumentException if the handle is stale or the group unknown.
     */
    public boolean leave(final long handle, final int group)
    {
        cell(handle);
        final Groups groups = slices[ownerOfChunk(arena.chunkOf(Handle.slot(handle)))].groups;
        groups.checkGroup("leave", group);
        return groups.clear(Handle.slot(handle), group);
    }

    /**
     * Whether a handle names a live member of a group.
     *
     * @param handle of a cell.
     * @param group  id.
     * @return true if the cell is alive and a member.
     */
    public boolean isMember(final long handle, final int group)
    {
        ensureUsable();
        slices[0].groups.checkGroup("isMember", group);
        return slices[0].isLive(handle) &&
            slices[ownerOfChunk(arena.chunkOf(Handle.slot(handle)))].groups.isMember(Handle.slot(handle), group);
    }

    /**
     * Members of a group, summed over the workers.
     *
     * @param group id.
     * @return the number of members.
     */
    public long groupSize(final int group)
    {
        long size = 0;
        for (int w = 0; w < workerCount; w++)
        {
            size += groupSize(group, w);
        }
        return size;
    }

    /**
     * Members of a group that one worker owns.
     *
     * @param group  id.
     * @param worker index.
     * @return the number of members on that worker.
     */
    public long groupSize(final int group, final int worker)
    {
        ensureUsable();
        slices[0].groups.checkGroup("groupSize", group);
        if (worker < 0 || worker >= workerCount)
        {
            throw new IllegalArgumentException("worker must be in 0.." + (workerCount - 1) + ": worker=" + worker);
        }
        return slices[worker].groups.size(group);
    }

    /**
     * The handles of a group's members in slot order (for tests and tools: it allocates an array).
     *
     * @param group id.
     * @return handles, ascending by slot.
     */
    public long[] members(final int group)
    {
        final long size = groupSize(group);
        final long[] members = new long[(int)size];
        int n = 0;
        for (int c = 0, bound = arena.chunkBound(); c < bound; c++)
        {
            if (!arena.hasChunk(c))
            {
                continue;
            }
            final Groups groups = slices[ownerOfChunk(c)].groups;
            final long[] words = groups.bitmap(group, c);
            if (null == words)
            {
                continue;
            }
            for (int w = 0; w < words.length; w++)
            {
                long bits = words[w];
                while (0 != bits)
                {
                    final int slot = (c << chunkShift) | (w << 6) | Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    members[n++] = arena.wrap(driverCell, slot).handle();
                }
            }
        }
        return members;
    }

    /**
     * Broadcasts from outside (sender {@link Handle#NULL_HANDLE}) to every member of a group as of the start of the
     * next tick, after the broadcasts cells sent in the previous one.
     *
     * @param group   id.
     * @param type    of the message.
     * @param payload of the message.
     */
    public void broadcast(final int group, final int type, final long payload)
    {
        ensureUsable();
        slices[0].groups.checkGroup("broadcast", group);
        if (type < 0)
        {
            throw new IllegalArgumentException("broadcast: message types < 0 are the engine's: type=" + type);
        }
        for (int w = 0; w < workerCount; w++)
        {
            externalBroadcasts[w].append(group, Handle.NULL_HANDLE, type, payload);
        }
    }

    /**
     * Reads each worker's log of its latest dead letters (kept when {@link Context#deadLetterLogLength(int)} is set),
     * worker by worker, oldest first.
     *
     * @param consumer of each dead letter.
     * @return how many were read.
     */
    public int readDeadLetters(final DeadLetters.Consumer consumer)
    {
        ensureOpen();
        ensureStopped();
        int read = 0;
        for (final Slice slice : slices)
        {
            read += slice.deadLetterLog.read(slice.id, consumer);
        }
        return read;
    }

    /**
     * A snapshot of the counters of groups, broadcasts, monitors, links, timers and calls, summed over the workers.
     *
     * @return signal stats.
     */
    public SignalStats signalStats()
    {
        ensureOpen();
        ensureStopped();
        final long[] c = new long[15];
        for (final Slice slice : slices)
        {
            final Groups groups = slice.groups;
            final Timers timers = slice.timers;
            c[0] += groups.membershipChanges;
            c[1] += groups.broadcastsSent;
            c[2] += groups.memberDeliveries;
            c[3] += groups.memberDeadLetters;
            c[4] += slice.monitors.size();
            c[5] += slice.downsSent;
            c[6] += slice.exitsSent;
            c[7] += slice.linkKills;
            c[8] += timers.timersSet;
            c[9] += timers.timersFired;
            c[10] += timers.timersCancelled;
            c[11] += timers.calls;
            c[12] += timers.callTimeouts;
            c[13] += timers.lateReplies;
            c[14] += timers.size();
        }
        return new SignalStats(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13],
            c[14]);
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
        checkGaveUp();
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
        checkGaveUp();
    }

    /**
     * Stops the organism for good if a top-level supervisor gave up, with its report.
     */
    private void checkGaveUp()
    {
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
        barrier.awaitedBy(Thread.currentThread());
        try
        {
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
        }
        finally
        {
            barrier.awaitedBy(null);
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
        final long[] restartsByCode = new long[ExitReasons.MAX_REASONS];
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
            pending += slice.pendingMessages() + external[w].count() + externalBroadcasts[w].count();
            for (int i = 0; i < byCode.length; i++)
            {
                byCode[i] += slice.deaths[i];
                restartsByCode[i] += slice.restartsByReason[i];
            }
        }
        return new Stats(ticks, alive, spawned, updates, sent, delivered, deadLetters, pending, deaths,
            byReason(byCode), crossWorker, spilled, restarts, byReason(restartsByCode), escalations, pendingRestarts,
            errorsNotLogged);
    }

    private Map<String, Long> byReason(final long[] byCode)
    {
        final Map<String, Long> byReason = new LinkedHashMap<>();
        for (int i = 0; i < byCode.length; i++)
        {
            if (0 != byCode[i])
            {
                byReason.put(reasons.name(i), byCode[i]);
            }
        }
        return Collections.unmodifiableMap(byReason);
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
            externalBroadcasts[w].close();
        }
        for (final SupervisionHome home : homes)
        {
            if (null != home)
            {
                home.close();
            }
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
