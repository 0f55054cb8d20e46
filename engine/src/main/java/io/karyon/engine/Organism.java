package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.numa.Topology;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.errors.ErrorConsumer;

import java.util.Arrays;

/**
 * A colony of cells, and the one class a model author drives: launch it from a {@link Context}, register behaviours
 * and declare genotypes, spawn and supervise cells, send them messages, run ticks (or start and stop it in
 * free-running mode), read {@link Stats}, and close it. Three handles reached from it hold a concern each:
 * {@link #groups()} (groups and broadcasts from outside), {@link #edges()} (the cells' edges) and {@link #workers()}
 * (where the workers run). The package documentation names the package-private classes behind this facade.
 * <p>
 * A tick delivers the messages sent in the previous tick (and those sent from outside since), then advances every
 * live cell that has a tick step. With {@link Placement#FILL} a run is a function of its seed, bit for bit, whatever
 * the number of workers: the package documentation says how.
 * <p>
 * <b>Note:</b> not threadsafe: one thread, the driver, launches, registers, spawns, sends, runs, reads stats and
 * closes. Workers run only inside {@link #run(long)}, or between {@link #start()} and {@link #stop()}.
 */
public final class Organism implements AutoCloseable
{
    final Context context;
    final Arena arena;
    final ExitReasons reasons = new ExitReasons();
    final DriverMail mail;
    final Workforce workforce;
    final Families families;
    final SupervisionHomes supervision;
    final Registry registry;
    final GroupDirectory groups;
    private final Census census;
    final Lifecycle life;
    final Edges edges;
    final Cohorts cohorts;
    private final CellFlyweight driverCell = new CellFlyweight();
    private final int workerCount;
    private final OrganismWorkers workerView;
    private final OrganismEdges edgeView;
    private final OrganismGroups groupView;

    private Organism(final Context context, final Arena arena)
    {
        this.context = context;
        this.arena = arena;
        this.workerCount = context.workerCount();
        // Filled in by SupervisionHomes as supervisors are dealt; every slice reads it to route restart notices.
        final SupervisionHome[] homes = new SupervisionHome[Configuration.SUPERVISION_HOMES_MAX];
        this.mail = new DriverMail(workerCount, arena.chunkShift());
        this.edges = new Edges(arena.chunkShift());
        this.workforce = new Workforce(context, arena, reasons, mail, homes, edges);
        this.life = new Lifecycle(workforce);
        final Slice[] slices = workforce.slices();
        this.families = new Families(arena, slices, context.placement(), edges);
        this.supervision = new SupervisionHomes(homes, families, life, context);
        this.registry = new Registry(slices, arena.stateLength());
        workforce.registry(registry);
        this.groups = new GroupDirectory(slices, families, arena);
        this.census = new Census(slices, mail, reasons, arena, edges, context.shardLink());
        this.cohorts = new Cohorts(arena, slices, supervision, edges, workforce, context.seed());
        this.workerView = new OrganismWorkers(life, workforce, families, census.shard());
        this.edgeView = new OrganismEdges(life, families, cohorts, edges, driverCell);
        this.groupView = new OrganismGroups(this, life, groups, mail, workforce);
    }

    /**
     * This machine's CPU and NUMA topology, read once per process.
     *
     * @return the topology.
     */
    public static Topology machine()
    {
        return Workforce.machine();
    }

    /**
     * Launches an empty organism and starts its workers.
     *
     * @param context settings; concluded here if it was not yet.
     * @return the organism.
     * @throws ConfigurationException for a bad setting, or when the JVM lacks a flag the engine needs (one line naming
     *                                every missing flag; README, Using Karyon from your own project).
     */
    public static Organism launch(final Context context)
    {
        JvmFlags.check();
        if (!context.isConcluded())
        {
            context.conclude();
        }
        final Arena arena = Families.createArena(context);
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
     * The arena holding the cells, for tests in this package: its chunks are the workers' to write.
     */
    Arena arena()
    {
        return arena;
    }

    /**
     * Bytes of off-heap memory the arena has allocated for cells so far: every chunk's header, slots, tick and mail
     * bitmaps and mailbox column, whether its slots are occupied or not (page-alignment slack and, sharded, the other
     * shards' stand-in chunks left out), and the cells' edges ({@link OrganismEdges#bytes()}).
     *
     * @return the allocated bytes; read it while no tick runs.
     */
    public long allocatedBytes()
    {
        return arena.allocatedBytes() + edges.bytes();
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
     * Where the workers run: the CPU and NUMA node of each, and the node of each page of its memory.
     *
     * @return the organism's workers.
     */
    public OrganismWorkers workers()
    {
        return workerView;
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
        life.ensureUsable();
        return registry.registerBehaviour(name, behaviour);
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
        life.ensureUsable();
        return registry.genotype(name, layout, behaviour);
    }

    /**
     * Names of the registered behaviours, by id.
     *
     * @return behaviour names.
     */
    public String[] behaviourNames()
    {
        return registry.behaviourNames();
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
        life.ensureUsable();
        return families.spawn(genotype);
    }

    /**
     * The id of a registered behaviour, for {@link CellContext#become(short)} and {@link #countOf(short)}.
     *
     * @param name of the behaviour.
     * @return its id.
     * @throws IllegalArgumentException if no behaviour has that name.
     */
    public short behaviourId(final String name)
    {
        return registry.behaviourId(name);
    }

    /**
     * Live cells whose current behaviour is {@code behaviourId}: kept by each worker as its cells are spawned, die,
     * are restarted and {@link CellContext#become(short) become} another, and summed here in worker order; cheap
     * enough to read after every tick (a stop condition). In a sharded run, see {@link OrganismWorkers#shard()}.
     *
     * @param behaviourId of a registered behaviour.
     * @return live cells with that behaviour.
     * @throws IllegalArgumentException if no behaviour has that id.
     */
    public long countOf(final short behaviourId)
    {
        life.ensureReadable();
        registry.checkBehaviourId("countOf", behaviourId);
        return census.countOf(workforce.ticks(), behaviourId);
    }

    /**
     * Switches a live cell to another behaviour from outside, between ticks, as {@link CellContext#become(short)}
     * does from inside.
     *
     * @param handle      of a live cell.
     * @param behaviourId of a registered behaviour.
     * @throws IllegalArgumentException if the handle is stale or no behaviour has that id.
     */
    public void become(final long handle, final short behaviourId)
    {
        life.ensureUsable();
        registry.checkBehaviourId("become", behaviourId);
        final CellFlyweight cell = families.wrapLive(driverCell, handle);
        families.sliceOfSlot(cell.slot()).population().become(cell, behaviourId);
    }

    // Bulk set-up on the workers: jobs, cohorts, edges (see WorkerJobs, Cohorts, Edges; OrganismEdges).

    /**
     * Runs a job once on every worker, in parallel, each on its own thread (in the invoker threading mode, the
     * driver's), between ticks, and returns when all are done. A free-running organism must be stopped.
     *
     * @param job to run; each worker runs it over what it owns.
     * @throws KaryonException naming the first worker (in worker order) whose run of the job threw, with that throw as
     *                         its cause, once every worker is done; the organism stays usable.
     */
    public void onWorkers(final WorkerJob job)
    {
        life.ensureUsable();
        if (null == job)
        {
            throw new IllegalArgumentException("onWorkers: job must not be null");
        }
        workforce.onWorkers(job);
    }

    /**
     * Spawns a cohort of cells in bulk: fresh families, each worker creating and initialising the cells of its own
     * families in parallel (see {@link Cohort}). The cells are stepped from the next tick, as any spawned from outside.
     *
     * @param genotype to spawn.
     * @param count    cells, >= 0.
     * @param init     sets each cell up (its random stream keyed by seed, cohort and index), or null for none.
     * @return the cohort, whose handles are arithmetic and the same for any number of workers.
     * @throws IllegalArgumentException for a negative count or a genotype of another organism.
     * @throws IllegalStateException    if the arena has too few families left.
     * @throws KaryonException          if the initializer threw on a worker; no cell of the cohort stays alive.
     */
    public Cohort populate(final Genotype genotype, final long count, final CellInitializer init)
    {
        life.ensureUsable();
        registry.checkOwn("populate", genotype);
        return cohorts.populate(genotype, count, init);
    }

    /**
     * Spawns a cohort of supervised cells in bulk: a run of fresh chunks of the supervisor's home, set up by the
     * worker that owns it, each cell a child of the supervisor with the given restart type.
     *
     * @param genotype   to spawn.
     * @param count      cells, >= 0, at most what the home's unused chunks hold.
     * @param supervisor of every cell.
     * @param type       restart type of every cell.
     * @param init       sets each cell up, or null for none.
     * @return the cohort.
     * @throws IllegalArgumentException for a negative or too large count, or a supervisor of another organism.
     * @throws KaryonException          if the initializer threw; cells set up so far stay alive.
     */
    public Cohort populate(final Genotype genotype, final long count, final Supervisor supervisor,
        final RestartType type, final CellInitializer init)
    {
        life.ensureUsable();
        registry.checkOwn("populate", genotype);
        return cohorts.populate(genotype, count, supervisor, type, init);
    }

    /**
     * The cells' edges: a cohort's built in bulk by {@link OrganismEdges#connect(Cohort, EdgeGenerator) connect},
     * and one cell's read and replaced between ticks.
     *
     * @return the organism's edges.
     */
    public OrganismEdges edges()
    {
        return edgeView;
    }

    // Supervision: supervisors dealt to supervision homes (see SupervisionHomes), supervised spawns, read-only state.

    /**
     * Creates a top-level supervisor. Top-level supervisors are dealt in turn to a fixed number of supervision homes
     * ({@link Context#supervisionHomes()}), each a family of the arena; a supervisor, its child supervisors and all
     * their cells live in its home, owned by one worker, so restarts never cross workers, and which slots and rows they
     * get does not depend on the number of workers.
     *
     * @param strategy  OTP restart strategy.
     * @param intensity restarts allowed within the period.
     * @param period    window, in ticks; in milliseconds in free-running mode.
     * @return the supervisor, for child supervisors and supervised spawns.
     */
    public Supervisor supervisor(final RestartStrategy strategy, final int intensity, final long period)
    {
        life.ensureUsable();
        return supervision.topLevel(strategy, intensity, period);
    }

    /**
     * Creates a supervisor under another, on the same worker; when it gives up, its parent handles that as the exit
     * of a child of the given restart type.
     *
     * @param parent    supervisor.
     * @param strategy  OTP restart strategy.
     * @param intensity restarts allowed within the period.
     * @param period    window, in ticks; in milliseconds in free-running mode.
     * @param type      its restart type as its parent's child.
     * @return the supervisor.
     * @throws IllegalArgumentException if the parent is not this organism's.
     */
    public Supervisor supervisor(final Supervisor parent, final RestartStrategy strategy, final int intensity,
        final long period, final RestartType type)
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
     * @param parent    supervisor.
     * @param strategy  OTP restart strategy.
     * @param intensity restarts allowed within the period.
     * @param period    window, in ticks; in milliseconds in free-running mode.
     * @param type      its restart type as its parent's child.
     * @param spread    true to place it in the next home in turn rather than in its parent's.
     * @return the supervisor.
     * @throws IllegalArgumentException if the parent is not this organism's.
     * @throws IllegalStateException    if spread in free-running mode.
     */
    public Supervisor supervisor(final Supervisor parent, final RestartStrategy strategy, final int intensity,
        final long period, final RestartType type, final boolean spread)
    {
        life.ensureUsable();
        return supervision.child(parent, strategy, intensity, period, type, spread);
    }

    /**
     * Spawns a cell as a supervisor's child: in the supervisor's home, restarted from its genotype (in a fresh
     * slot, with a new handle) as the supervisor's strategy and the child's restart type say.
     *
     * @param genotype   of the child.
     * @param supervisor to supervise it.
     * @param type       restart type.
     * @return the child's handle.
     * @throws IllegalArgumentException if the supervisor is not this organism's.
     */
    public long spawn(final Genotype genotype, final Supervisor supervisor, final RestartType type)
    {
        life.ensureUsable();
        return supervision.spawn(genotype, supervisor, type);
    }

    // Cells from outside: read and write, kill, send; groups and broadcasts (see OrganismGroups).

    /**
     * Points the driver's flyweight at a live cell, to read or write its state between ticks.
     *
     * @param handle of a live cell.
     * @return the flyweight, valid until the next call.
     * @throws IllegalArgumentException if the handle is stale or names no cell.
     */
    public CellFlyweight cell(final long handle)
    {
        life.ensureUsable();
        return families.wrapLive(driverCell, handle);
    }

    /**
     * Whether a handle names a live cell.
     *
     * @param handle to check.
     * @return true if the cell is alive.
     */
    public boolean isAlive(final long handle)
    {
        life.ensureUsable();
        return workforce.slices()[0].isLive(handle);
    }

    /**
     * Kills a cell from outside, counted under {@link ExitReasons#KILLED}; its slot is freed at once.
     *
     * @param handle of the cell.
     * @return false if the handle was already stale.
     */
    public boolean kill(final long handle)
    {
        life.ensureUsable();
        if (!workforce.slices()[0].isLive(handle))
        {
            return false;
        }
        families.kill(handle);
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
        life.ensureUsable();
        if (type < 0)
        {
            throw new IllegalArgumentException("send: message types < 0 are the engine's (see Signals): type=" + type);
        }
        return mail.send(target, type, payload);
    }

    /**
     * Groups: names and ids, membership from outside a tick, sizes, and broadcasts from outside.
     *
     * @return the organism's groups.
     */
    public OrganismGroups groups()
    {
        return groupView;
    }

    // Running: ticks, or start and stop in free-running mode (see Workforce).

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
        life.ensureUsable();
        if (context.freeRunning())
        {
            throw new IllegalStateException("a free-running organism has no ticks to run: use start() and stop()");
        }
        workforce.run(ticks);
        families.takeFreedChunks();
    }

    /**
     * Runs ticks one by one, calling an observer on the driver after each, until it says stop or {@code maxTicks}
     * have run: the loop a batch driver would otherwise write.
     *
     * @param maxTicks most ticks to run, >= 0.
     * @param observer called after every tick; returns true to stop.
     * @return the ticks run.
     * @throws KaryonException if a worker failed; the organism is then stopped.
     */
    public long runUntil(final long maxTicks, final TickObserver observer)
    {
        if (maxTicks < 0)
        {
            throw new IllegalArgumentException("maxTicks must be >= 0: maxTicks=" + maxTicks);
        }
        for (long t = 0; t < maxTicks; t++)
        {
            run(1);
            if (observer.afterTick(this, ticks() - 1))
            {
                return t + 1;
            }
        }
        return maxTicks;
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
        ensureStartable();
        workforce.start();
    }

    private void ensureStartable()
    {
        life.ensureUsable();  // also checks it is stopped
        if (!context.freeRunning())
        {
            throw new IllegalStateException("start() is for free-running organisms: tick mode runs with run(ticks)");
        }
    }

    /**
     * Free-running mode: stops the workers and waits until each has acknowledged, so that counters, cells and
     * pending messages can be read and changed. Messages still in flight stay queued for the next start.
     *
     * @throws IllegalStateException in tick mode, or if not started.
     */
    public void stop()
    {
        life.ensureOpen();
        if (!isStarted())
        {
            throw new IllegalStateException("stop() without start()");
        }
        workforce.stop();
    }

    /**
     * Whether a free-running organism is started.
     *
     * @return true between {@link #start()} and {@link #stop()}.
     */
    public boolean isStarted()
    {
        return workforce.isStarted();
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
        ensureStartable();
        return workforce.awaitQuiescence(deadlineNs, census);
    }

    /**
     * Ticks completed so far.
     *
     * @return the number of the next tick.
     */
    public long ticks()
    {
        return workforce.ticks();
    }

    // Observations: latencies, stats, dead letters, errors, the digest (see Census).

    /**
     * Latency of each tick so far (from the start of the tick to the moment every worker had finished it), in
     * nanoseconds; {@link #resetTickLatencies()} starts it afresh.
     *
     * @return the histogram, to read between runs.
     */
    public Histogram tickLatencies()
    {
        return workforce.tickLatencies();
    }

    /**
     * Empties the tick latency histogram.
     */
    public void resetTickLatencies()
    {
        workforce.tickLatencies().reset();
    }

    /**
     * A snapshot of the counters, summed over the workers (messages sent from outside included). In a sharded run, see
     * {@link OrganismWorkers#shard()}.
     *
     * @return stats.
     */
    public Stats stats()
    {
        life.ensureReadable();
        return census.stats(workforce.ticks());
    }

    /**
     * A snapshot of one worker's counters: the cells it owns and what they did.
     *
     * @param worker index, 0 to {@link #workerCount()} - 1.
     * @return the worker's stats.
     */
    public Stats stats(final int worker)
    {
        workforce.checkWorker(worker);
        life.ensureReadable();
        return census.stats(workforce.ticks(), worker, worker + 1, false);
    }

    /**
     * A snapshot of the counters of groups, broadcasts, monitors, links, timers and calls, summed over the workers.
     *
     * @return signal stats.
     */
    public SignalStats signalStats()
    {
        life.ensureReadable();
        return census.signalStats();
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
        life.ensureReadable();
        return census.readDeadLetters(consumer);
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
        life.ensureOpen();
        return workforce.readErrors(consumer);
    }

    /**
     * Families in the arena so far: a family's index is below this. See {@link CellSurvey}.
     *
     * @return the number of families.
     */
    public int familyCount()
    {
        life.ensureOpen();
        return arena.familyCount();
    }

    /**
     * Visits every live cell, between ticks (in free-running mode: while stopped), family by family, each family's
     * cells in slot order: reductions kept per family and merged in family order are the same for any number of
     * workers. Each worker walks its own families, on its own thread, in parallel (see {@link #onWorkers}). In a
     * sharded run, only this shard's families, and only for the framework, which gathers them.
     *
     * @param survey called for each live cell.
     * @throws KaryonException naming the first worker on which the survey threw; the organism stays usable.
     */
    public void survey(final CellSurvey survey)
    {
        life.ensureReadable();
        if (null == survey)
        {
            throw new IllegalArgumentException("survey must not be null");
        }
        census.checkSurvey();  // sharded: only the framework's gathered walks
        if (null != workforce.failure())
        {
            census.survey(survey);  // the workers are gone: the driver walks every family, in the same order
            return;
        }
        workforce.onWorkers((worker, workers) -> census.survey(survey, worker, workers), true);
    }

    /**
     * A 64-bit hash over every live cell's slot, generation, behaviour and state, taken in slot order: the same for
     * the same run whatever the number of workers, and different (but for hash collisions) when any cell differs.
     *
     * @return the digest.
     */
    public long digest()
    {
        life.ensureOpen();
        return census.digest();
    }

    /**
     * Stops the workers and waits for their threads to end, then releases the arena (a file-backed arena is forced
     * to disk and stays on it) and the error log.
     * Bounded even with a worker stuck in a behaviour that never returns: past the watchdog's deadline it abandons
     * that worker, with a warning, and keeps the memory the worker may touch.
     */
    public void close()
    {
        if (!life.close())
        {
            return;
        }
        if (!workforce.stopThreads(context.warnings(), allocatedBytes()))
        {
            return;  // a worker was abandoned: what it may touch stays allocated
        }
        // Freed now rather than by the collector, so that a closed organism's memory is gone when close returns.
        workforce.close();
        mail.close();
        supervision.close();
        edges.close();
        arena.force();
        arena.close();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Organism{" + context + ", behaviours=" + Arrays.toString(behaviourNames()) + "}";
    }
}
