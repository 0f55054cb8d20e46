package io.karyon.engine;

import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.ShardLink;
import io.karyon.engine.internal.StandInChunks;
import io.karyon.numa.Topology;
import io.karyon.numa.TopologyReader;
import io.karyon.scheduler.Channel;
import io.karyon.scheduler.IdleStrategies;
import io.karyon.scheduler.RestingIdleStrategy;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.scheduler.TickBarrier;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The workers of an organism and what joins them: a slice of cells per worker, wired to its peers' slices (and, in
 * free-running mode, a ring to each), an agent per worker pinned to the CPU the bind type plans, the log of distinct
 * errors their behaviours throw, and the barrier the driver moves them with: a tick at a time in tick mode, an epoch
 * (started, stopped) at a time in free-running mode.
 * <p>
 * It stops the organism for good, and keeps the failure, when a worker throws or a top-level supervisor gives up.
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it, and it touches the slices only while the workers wait.
 */
final class Workforce implements AutoCloseable
{
    private static final long HIGHEST_TICK_NS = TimeUnit.MINUTES.toNanos(10);
    // Once the watchdog has fired the other workers are waiting at the barrier, and end as soon as they are told.
    private static final long ABANDON_GRACE_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static volatile Topology machineTopology;

    private final ByteBuffer errorLogMemory;
    private final UnsafeBuffer errorLogBuffer;
    private final Slice[] slices;
    private final Consumer<String> warnings;
    private final TickBarrier barrier;
    private final TickBarrier phaseBarrier;
    private final Histogram tickLatencies = new Histogram(1, HIGHEST_TICK_NS, 3);
    private final Workers workers;
    // Parks grow to 1 ms: with a worker on every core each wake-up of the driver preempts a worker (~23 us on these
    // VMs); at 50 us parks that hit about 0.1% of W6's operations (its p99.9), at 1 ms about 0.005%.
    private final IdleStrategy driverIdle = new BackoffIdleStrategy(
        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    // Waiting for a tick or a job, whose end unparks the driver (the leader's complete, the last worker's poll), the
    // parks only bound how late the watchdog and a dead worker are seen: 1 ms parks were 1,000 wake-ups a second,
    // each taking a core from a worker when there is a worker on every core, and with it the other workers at the
    // barrier.
    private final IdleStrategy driverWokenIdle = new BackoffIdleStrategy(
        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(20));
    private final int[] workerNodes;
    private final int[] workerCpus;
    private final WorkerPinning pinning;
    private final WorkerJobs jobs;
    private final DistinctErrorLog errorLog;
    private final Watchdog watchdog;
    private final int firstLocal;
    private final ShardExchange exchange;
    private final StandInChunks standIns;
    private long ticks;
    private long epoch;
    private boolean standInJobs;
    private KaryonException failure;

    /**
     * Builds and wires a slice per worker, pins the agents, binds the arena's chunks to their owners' nodes and
     * starts the workers.
     *
     * @param homes the organism's supervision homes, filled in as they are created; every slice reads them.
     * @param edges every cell's edges, each chunk's written by its owner.
     */
    Workforce(
        final Context context,
        final Arena arena,
        final ExitReasons reasons,
        final DriverMail mail,
        final SupervisionHome[] homes,
        final Edges edges)
    {
        final int workerCount = context.workerCount();
        this.errorLogMemory = ByteBuffer.allocateDirect(context.errorLogLength());
        this.errorLogBuffer = new UnsafeBuffer(errorLogMemory);
        this.errorLog = new DistinctErrorLog(errorLogBuffer, SystemEpochClock.INSTANCE);
        this.slices = new Slice[workerCount];
        for (int w = 0; w < workerCount; w++)
        {
            slices[w] = new Slice(w, workerCount, arena, reasons, context.seed(), errorLog, context.freeRunning(),
                context.stepBatch(), context.deadLetterLogLength(), edges);
            slices[w].allHomes(homes);
            slices[w].checks(context.mailboxLimit(), context.verifyEvery());
        }
        this.warnings = context.warnings();
        connect(context, mail);
        final ShardLink link = context.shardLink();
        final ShardedTickPhase shardedPhase = null == link ? null : shardedPhase(context);
        // A sharded run: this process runs only its shard's workers; the others' slices stand in for them here.
        final int localCount = null == link ? workerCount : workerCount / link.shards();
        this.firstLocal = null == link ? 0 : link.shard() * localCount;
        if (null != link)
        {
            // The other shards' workers' families hold no cells here: their spawns only keep count (StandInChunks).
            arena.standIns(StandInChunks.remoteClasses(link.shard(), localCount, workerCount));
            for (int w = 0; w < workerCount; w++)
            {
                if (w < firstLocal || w >= firstLocal + localCount)
                {
                    slices[w].population().standIn();
                }
            }
        }
        this.standIns = arena.standIns();
        this.barrier = new TickBarrier(workerCount);
        this.phaseBarrier = null == context.tickPhase() || context.freeRunning() ? null : new TickBarrier(workerCount);
        this.jobs = new WorkerJobs(workerCount);
        // The driver runs the workers itself in invoker mode: a stuck one stops it too, so nothing could watch; in a
        // sharded run the exchange's timeout watches the other shards instead.
        this.watchdog = new Watchdog(ThreadingMode.INVOKER == context.threadingMode() || null != link ? 0 :
            context.watchdogNs(), barrier, phaseBarrier, slices, arena, context.freeRunning());
        final List<Agent> agents = new ArrayList<>(localCount + 1);
        for (int w = firstLocal; w < firstLocal + localCount; w++)
        {
            agents.add(context.freeRunning() ? new FreeRunningAgent(slices[w], barrier, jobs) :
                new TickAgent(slices[w], barrier, tickLatencies, context.tickPhase(), phaseBarrier, jobs,
                    w == firstLocal));
        }
        this.exchange = null == link ? null : new ShardExchange(link, slices, barrier, phaseBarrier, shardedPhase,
            jobs, ThreadingMode.DEDICATED == context.threadingMode());
        this.pinning = WorkerPinning.plan(context, localCount, null != link);
        final int[] localCpus = pinning.cpus();
        this.workerCpus = new int[workerCount];
        Arrays.fill(workerCpus, -1);
        this.workerNodes = new int[workerCount];
        Arrays.fill(workerNodes, -1);
        for (int w = 0; null != localCpus && w < localCount; w++)
        {
            workerCpus[firstLocal + w] = localCpus[w];
            workerNodes[firstLocal + w] = machine().nodeOfCpu(localCpus[w]);
        }
        if (null != localCpus && null == arena.file() && null == link)
        {
            arena.bindChunks((chunk) -> workerNodes[Families.ownerOfChunk(chunk, workerCount)], context.warnings());
        }
        int[] cpus = localCpus;
        if (null != exchange)
        {
            agents.add(exchange);
            cpus = null == localCpus ? null : Arrays.copyOf(localCpus, localCount + 1);
            if (null != cpus)
            {
                cpus[localCount] = pinning.exchangeCpu();  // a CPU after the workers', or -1: unpinned
            }
        }
        final String idleStrategy = pinning.idleStrategy();
        try
        {
            this.workers = Workers.start(agents, context.threadingMode(),
                () -> new RestingIdleStrategy(IdleStrategies.of(idleStrategy), barrier), cpus, context.warnings());
        }
        catch (final RuntimeException | Error ex)
        {
            pinning.close();
            throw ex;
        }
    }

    /**
     * A sharded run's tick phase, which must ship its state between the shards, or null if it has none.
     *
     * @throws ConfigurationException if the phase cannot be split between shards, saying why.
     */
    private static ShardedTickPhase shardedPhase(final Context context)
    {
        final TickPhase phase = context.tickPhase();
        if (null == phase || context.freeRunning())
        {
            return null;
        }
        if (!(phase instanceof ShardedTickPhase))
        {
            throw new ConfigurationException("its tick phase cannot be split between shards: a sharded run needs a " +
                "ShardedTickPhase (the matrix's is io.karyon.model.MatrixPhase), not a plain TickPhase");
        }
        final ShardedTickPhase sharded = (ShardedTickPhase)phase;
        final String reason = sharded.unshardable();
        if (null != reason)
        {
            throw new ConfigurationException(reason);
        }
        return sharded;
    }

    /**
     * Joins every slice to its peers and to the driver's queues; in free-running mode, gives each pair of workers a
     * ring each way.
     */
    private void connect(final Context context, final DriverMail mail)
    {
        final int workerCount = slices.length;
        for (int w = 0; w < workerCount; w++)
        {
            slices[w].connect(slices, mail.messagesTo(w));
            slices[w].connectBroadcasts(slices, mail.broadcastsTo(w));
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
                            slices[to], new Channel(context.ringCapacity(), MessageDescriptor.RECORD_LENGTH));
                    }
                }
            }
        }
    }

    /**
     * This machine's CPU and NUMA topology, read once per process: a race reads it twice, to the same result.
     */
    static Topology machine()
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
     * Names behaviours and genotypes in the watchdog's reports.
     */
    void registry(final Registry registry)
    {
        watchdog.registry(registry);
    }

    /**
     * The slices, by worker; the driver may touch them only while the workers wait.
     */
    Slice[] slices()
    {
        return slices;
    }

    int workerCount()
    {
        return slices.length;
    }

    /**
     * @throws IllegalArgumentException unless {@code worker} is a worker index.
     */
    void checkWorker(final int worker)
    {
        if (worker < 0 || worker >= slices.length)
        {
            throw new IllegalArgumentException("worker must be in 0.." + (slices.length - 1) + ": worker=" + worker);
        }
    }

    int cpuOfWorker(final int worker)
    {
        return workerCpus[worker];
    }

    int nodeOfWorker(final int worker)
    {
        return workerNodes[worker];
    }

    /**
     * Ticks completed so far.
     */
    long ticks()
    {
        return ticks;
    }

    /**
     * Latency of each tick, recorded by the workers: the last to finish a tick records it.
     */
    Histogram tickLatencies()
    {
        return tickLatencies;
    }

    /**
     * Why the organism stopped for good, or null while it is usable.
     */
    KaryonException failure()
    {
        return failure;
    }

    /**
     * After a checkpoint was restored by a job on every worker (each of which has gone on to {@code tick}, see
     * {@link TickAgent}): the barrier and the count of ticks go on from it too.
     */
    void restoreTicks(final long tick)
    {
        sealStandIns();
        barrier.complete(tick);
        barrier.target(tick);
        this.ticks = tick;
    }

    /**
     * Runs ticks and waits for the workers to finish them.
     *
     * @throws KaryonException if a worker failed or a top-level supervisor gave up.
     */
    void run(final long ticks)
    {
        final long target = this.ticks + ticks;
        if (ticks > 0)
        {
            sealStandIns();
        }
        barrier.target(target);
        watchdog.begin(target, System.nanoTime());
        awaitWorkers(() -> barrier.completed() >= target, Long.MAX_VALUE, driverWokenIdle);
        this.ticks = target;
        checkGaveUp();
        reportHeaderFaults();
    }

    /**
     * From the first tick on, the driver's view of another shard's cells is refused (see {@link Families}).
     */
    private void sealStandIns()
    {
        if (null != standIns)
        {
            standIns.seal();
        }
    }

    /**
     * Runs a job once on every worker, between ticks (free-running: while stopped), and waits for all of them.
     *
     * @throws KaryonException naming the first worker whose run threw (the organism stays usable), or, if a worker
     *                         failed outright, stopping the organism.
     */
    void onWorkers(final WorkerJob job)
    {
        onWorkers(job, false);
    }

    /**
     * {@link #onWorkers(WorkerJob)}; a job that does nothing for another shard's workers ({@code localOnly}: a survey
     * of this shard's families) may run after the first tick of a sharded run too, and so may a checkpoint's capture
     * (see {@link #standInJobs}).
     */
    void onWorkers(final WorkerJob job, final boolean localOnly)
    {
        if (null != exchange && ticks > 0 && !localOnly && !standInJobs)
        {
            throw new KaryonException(KaryonException.Category.ERROR, "a job on every worker (a cohort) " +
                "after the first tick of a sharded run: the other shards' cells are not here", null);
        }
        final long posted = jobs.post(job);
        try
        {
            awaitWorkers(() -> jobs.isDone(posted), Long.MAX_VALUE, driverWokenIdle);
        }
        finally
        {
            jobs.clear();
        }
        final int failed = jobs.firstFailed();
        if (failed >= 0)
        {
            final Throwable cause = jobs.failure(failed);
            throw new KaryonException(KaryonException.Category.ERROR,
                "worker karyon-worker-" + failed + " failed a job: " + cause, cause);
        }
    }

    /**
     * Lets jobs run on the stand-in workers of a sharded run after its first tick, while a checkpoint is captured and
     * written: each shard's part is its whole process, the stand-ins' copies with it (see docs/spec/shards.md).
     *
     * @param allowed true from the capture until its sections are written.
     */
    void standInJobs(final boolean allowed)
    {
        this.standInJobs = allowed;
    }

    /**
     * The first worker this process runs: 0, or in a sharded run its shard's first.
     */
    int firstLocal()
    {
        return firstLocal;
    }

    /**
     * Whether free-running workers are started: odd epochs run, even ones are stopped.
     */
    boolean isStarted()
    {
        return 0 != (epoch & 1);
    }

    /**
     * Lets free-running workers go.
     */
    void start()
    {
        epoch++;
        barrier.target(epoch);
    }

    /**
     * Free-running mode, stopped: runs until the organism is quiet or the deadline passes, and leaves it stopped.
     * Quiet means that over a stretch in which every worker made at least one full pass, no message was sent and
     * none is left in flight.
     *
     * @return true if quiet, false if the deadline passed first.
     * @throws KaryonException if a worker failed or a top-level supervisor gave up.
     */
    boolean awaitQuiescence(final long deadlineNs, final Census census)
    {
        while (true)
        {
            final long sentBefore = census.stats(ticks, 0, slices.length, true).sent();
            start();
            final long started = epoch;
            awaitWorkers(() -> barrier.isComplete(started), deadlineNs, driverIdle);
            stop();
            final Stats stats = census.stats(ticks, 0, slices.length, true);
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
     * Stops free-running workers and waits until each has acknowledged.
     *
     * @throws KaryonException if a worker failed or a top-level supervisor gave up.
     */
    void stop()
    {
        epoch++;
        barrier.target(epoch);
        final long stopped = epoch;
        watchdog.begin(stopped, System.nanoTime());
        awaitWorkers(() -> barrier.isComplete(stopped), Long.MAX_VALUE, driverIdle);
        barrier.complete(epoch);
        checkGaveUp();
        reportHeaderFaults();
    }

    /**
     * Hands the damaged cell headers the workers found (see {@link Context#verifyEvery(int)}) to the warnings, one
     * line each.
     */
    private void reportHeaderFaults()
    {
        for (final Slice slice : slices)
        {
            slice.drainHeaderReports(warnings);
        }
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
                stopThreads();
                failure = new KaryonException(KaryonException.Category.FATAL,
                    "a top-level supervisor gave up, organism stopped: " + slice.gaveUp(), null);
                throw failure;
            }
        }
    }

    /**
     * Waits for the workers (or, in invoker mode, drives them) until a barrier condition holds or the deadline
     * passes, stopping the organism if a worker failed meanwhile.
     */
    private void awaitWorkers(final BooleanSupplier done, final long deadlineNs, final IdleStrategy idle)
    {
        idle.reset();
        final boolean invoker = ThreadingMode.INVOKER == workers.mode();
        barrier.awaitedBy(Thread.currentThread());
        try
        {
            while (!done.getAsBoolean() && (Long.MAX_VALUE == deadlineNs || System.nanoTime() - deadlineNs < 0))
            {
                checkWorkers();
                checkWatchdog();
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
            watchdog.end();
        }
        checkWorkers();
    }

    /**
     * Stops the organism for good if a worker has overrun the watchdog's deadline: its stack goes to the error log,
     * the other workers are stopped and it is abandoned.
     */
    private void checkWatchdog()
    {
        final KaryonException overrun = watchdog.isWatching() ? watchdog.check(System.nanoTime()) : null;
        if (null != overrun)
        {
            errorLog.record(overrun.getCause());
            failure = overrun;
            stopThreads();
            throw failure;
        }
    }

    private void checkWorkers()
    {
        final Workers.Fault fault = workers.fault();
        if (null != fault)
        {
            stopThreads();
            failure = new KaryonException(KaryonException.Category.FATAL,
                "worker " + fault.role() + " failed, organism stopped: " + fault.cause(), fault.cause());
            throw failure;
        }
    }

    /**
     * Reads the distinct errors the workers' behaviours threw, from the log they share.
     *
     * @return the number of distinct errors.
     */
    int readErrors(final ErrorConsumer consumer)
    {
        return ErrorLogReader.read(errorLogBuffer, consumer);
    }

    /**
     * Live worker threads.
     */
    int liveThreads()
    {
        return workers.liveThreads();
    }

    /**
     * Stops the worker threads (idempotent), so that what they own can be freed: waits for each to finish its duty
     * cycle, for up to the watchdog's deadline (for ever with the watchdog off), or only a moment once the watchdog
     * has fired. A thread still running then is abandoned.
     *
     * @return the role names of the abandoned threads: what they use must not be freed.
     */
    List<String> stopThreads()
    {
        final long deadlineNs = watchdog.deadlineNs();
        final long timeoutNs = null != failure && failure.getCause() instanceof Watchdog.WorkerStack ?
            Math.min(ABANDON_GRACE_NS, deadlineNs) : 0 == deadlineNs ? Long.MAX_VALUE : deadlineNs;
        return workers.close(timeoutNs);
    }

    /**
     * Stops the worker threads for a close, within a bounded time even when a worker is stuck in a behaviour that
     * never returns: it waits for each worker's duty cycle to end up to the watchdog's deadline (a moment if the
     * watchdog fired already; for ever if it is off), then abandons the workers still running, and says so. Java
     * cannot stop a thread safely, so an abandoned worker keeps running, and the memory it may touch (the arena,
     * queues and barriers) must be kept, not freed, until the process exits.
     *
     * @param warnings   where the one line naming the abandoned workers goes.
     * @param arenaBytes the organism's cell memory, for that line.
     * @return true if every thread ended, so that everything can be freed.
     */
    boolean stopThreads(final Consumer<String> warnings, final long arenaBytes)
    {
        final List<String> abandoned = stopThreads();
        if (abandoned.isEmpty())
        {
            return true;
        }
        warnings.accept("close: abandoned " + String.join(", ", abandoned) + ", still running (Java cannot stop a " +
            "running behaviour); kept allocated until the process exits, as it may still touch them: the arena (" +
            arenaBytes + " bytes of cells) and the workers' queues and barriers");
        return false;
    }

    /**
     * Frees the slices, the barriers and the error log now rather than by the collector; call after
     * {@link #stopThreads()}.
     */
    public void close()
    {
        for (final Slice slice : slices)
        {
            slice.close();
        }
        barrier.close();
        if (null != phaseBarrier)
        {
            phaseBarrier.close();
        }
        BufferUtil.free(errorLogMemory);
        pinning.close();
    }
}
