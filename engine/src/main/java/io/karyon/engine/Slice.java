package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.scheduler.Channel;
import io.karyon.supervisor.RestartType;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.errors.DistinctErrorLog;

import java.util.function.Consumer;

import static io.karyon.engine.Monitors.NULL_RECORD;
import static io.karyon.engine.cell.CellDescriptor.NO_SUPERVISOR;
import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;

/**
 * The cells one worker owns, and everything it needs to advance them a tick: the coordinator of the worker's
 * mechanisms, each a class of its own that owns its state:
 * <ul>
 *   <li>{@link Population}: the worker's chunks, births and freed slots, the step bitmap;</li>
 *   <li>{@link Mailboxes}: the queues between workers, the merged inbox and the per-cell mailboxes, dead letters;</li>
 *   <li>{@link Visit}: the visit of a cell, the only place behaviours are called;</li>
 *   <li>{@link Signalling}: monitors, links and the engine's messages;</li>
 *   <li>{@link Broadcasts}: groups and broadcasts;</li>
 *   <li>{@link Calls}: timers and calls;</li>
 *   <li>{@link Supervision}: restarts, supervision homes and the notices between them;</li>
 *   <li>{@link FreeRunning}: the duty cycle in free-running mode;</li>
 *   <li>{@link SliceContext}: the {@link CellContext} behaviours call back into, a facade over the others.</li>
 * </ul>
 * <p>
 * A worker owns whole families of chunks (family f belongs to worker (f mod 64) mod workers) for its whole life, so
 * a cell's state is only ever written by one thread. A tick first gathers the messages all workers sent to this one in
 * the previous tick, merged by sender slot, then the driver's; links them into per-cell mailboxes without touching the
 * cells; then visits, in slot order, only the cells that have a tick step or mail: each gets its messages in order,
 * then its step. Messages arrive in the same order whatever the number of workers, and so does everything else.
 * Cells born during a tick start the next tick; cells that die are freed at once.
 * <p>
 * The worker's counters are fields of this class (see {@link SliceCounters}), padded against the other workers'.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class Slice extends SliceRhsPadding
{
    private static final int STEP = 0;
    private static final int MAIL = 1;

    final int id;
    final int workerCount;
    private final Arena arena;
    private final CellFlyweight scratch = new CellFlyweight();

    /**
     * The flyweight over the cell being visited, shared by every mechanism a behaviour calls into; the
     * {@link Watchdog} reads which slot it is over when the worker is stuck in a visit.
     */
    final CellFlyweight visiting;
    final Groups groups;
    final Monitors monitors = new Monitors();
    final Timers timers;
    final DeadLetters deadLetterLog;
    final long[] deaths = new long[ExitReasons.MAX_REASONS];
    final long[] restartsByReason = new long[ExitReasons.MAX_REASONS];

    /**
     * The tick being run (in free-running mode, the passes made over the worker's cells).
     */
    long tick;

    /**
     * The tick a job that restored a checkpoint left for the worker to go on from, or -1 (see {@link TickAgent}).
     */
    long restoredTick = -1;

    /**
     * Whether a tick (or a free-running duty cycle) is running: cells may spawn, and terminations wait for its end.
     */
    boolean inTick;

    private final Population population;
    final Mailboxes mailboxes;
    private final Visit visit;
    private final Signalling signalling;
    final Broadcasts broadcasts;
    private final Calls calls;
    final Supervision supervision;
    private final FreeRunning freeRunning;
    private final HeaderCheck headerCheck;
    private int verifyEvery;

    Slice(final int id, final int workerCount, final Arena arena, final ExitReasons reasons, final long seed,
        final DistinctErrorLog errorLog, final boolean freeRunning, final int stepBatch,
        final int deadLetterLogLength, final Edges edges)
    {
        this.id = id;
        this.workerCount = workerCount;
        this.arena = arena;
        this.groups = new Groups(arena);
        this.timers = new Timers(freeRunning);
        this.deadLetterLog = new DeadLetters(deadLetterLogLength);
        final int stepOffset = arena.bitmapOffset(STEP);
        final int mailOffset = arena.bitmapOffset(MAIL);
        // The cell being visited: one flyweight, shared by every mechanism a behaviour calls into.
        final CellFlyweight cell = new CellFlyweight(arena.stateLength()).storage(arena.storage(), arena.chunkShift());
        this.visiting = cell;
        this.population = new Population(this, arena, stepOffset, edges);
        this.headerCheck = new HeaderCheck(this, arena, population, stepOffset);
        this.mailboxes = new Mailboxes(
            this, arena, cell, deadLetterLog, freeRunning, mailOffset, arena.columnOffset());
        this.calls = new Calls(this, cell, timers, mailboxes, freeRunning);
        this.signalling = new Signalling(this, cell, monitors, mailboxes, calls);
        this.visit = new Visit(this, cell, mailboxes, signalling, calls, errorLog, arena.headerStride(), stepOffset,
            mailOffset, arena.columnOffset());
        mailboxes.visit(visit);
        this.broadcasts = new Broadcasts(
            this, arena, cell, groups, mailboxes, visit, population.chunks, freeRunning);
        this.supervision = new Supervision(this, population, reasons, arena.chunkShift(), freeRunning);
        this.freeRunning = new FreeRunning(this, arena, cell, stepOffset, stepBatch, population, mailboxes, visit,
            broadcasts, calls, supervision, groups);
        visit.context(new SliceContext(this, cell, mailboxes, visit, population, broadcasts, signalling, calls,
            new CellRandom(this, cell, seed), reasons, edges));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Set-up by the driver.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Takes the message queues and notice lists the peers fill for this worker, and the driver's queue for it.
     */
    void connect(final Slice[] peers, final MessageQueue external)
    {
        mailboxes.connect(peers, external);
        supervision.connect(peers);
    }

    /**
     * Takes the signal queues the peers fill for this worker.
     */
    void connectSignals(final Slice[] peers)
    {
        mailboxes.connectSignals(peers);
    }

    /**
     * Takes the broadcast queues the peers fill for this worker, and the driver's broadcasts for it.
     */
    void connectBroadcasts(final Slice[] peers, final MessageQueue externalBroadcasts)
    {
        broadcasts.connect(peers, externalBroadcasts);
    }

    /**
     * Free-running mode: connects this worker's channel to {@code peer}, which the peer reads.
     */
    void connectChannel(final Slice peer, final Channel channel)
    {
        mailboxes.channelsOut[peer.id] = channel;
        peer.freeRunning.connectIn(id, channel);
    }

    void behaviours(final Behaviour[] behaviours)
    {
        visit.behaviours(behaviours);
        population.behaviours(behaviours);
        headerCheck.behaviourCount(behaviours.length);
    }

    /**
     * The checks of the organism's {@link Context}: the mailbox limit, and the ticks between header sweeps (0 for
     * none). Driver only, before the first tick.
     */
    void checks(final int mailboxLimit, final int verifyEvery)
    {
        mailboxes.mailboxLimit(mailboxLimit);
        this.verifyEvery = verifyEvery;
    }

    /**
     * The header check's reports since the last call, to {@code warnings}. Driver only, between ticks.
     */
    void drainHeaderReports(final Consumer<String> warnings)
    {
        headerCheck.drainReports(warnings);
    }

    /**
     * Damaged headers, free lists and live counts found since launch.
     */
    long headerFaults()
    {
        return headerCheck.faults;
    }

    void genotypes(final Genotype[] genotypes)
    {
        supervision.genotypes(genotypes);
    }

    /**
     * The organism's supervision homes by index, filled by the driver as they are created: where notices go.
     */
    void allHomes(final SupervisionHome[] allHomes)
    {
        supervision.allHomes(allHomes);
    }

    /**
     * Takes on a supervision home in one of this worker's families. Driver only.
     */
    void addHome(final SupervisionHome home)
    {
        supervision.addHome(home);
    }

    /**
     * Chunks of families this worker owns, ascending. Driver only, between ticks.
     */
    void addOwnedChunk(final int chunk)
    {
        population.addOwnedChunk(chunk);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Driver operations, between ticks.
    // ---------------------------------------------------------------------------------------------------------------

    long spawnAt(final int slot, final Genotype genotype)
    {
        return population.spawnAt(slot, genotype);
    }

    /**
     * Spawns a supervised cell from outside a tick into a slot of its home's families, and enters it as a child of a
     * supervisor row of this worker.
     */
    long spawnSupervised(final SupervisionHome home, final Genotype genotype, final int row, final RestartType type)
    {
        return supervision.spawnSupervised(home, genotype, row, type);
    }

    /**
     * The worker's population: its chunks, births, deaths, step bits and counts by behaviour. Driver only, between
     * ticks, or the worker itself in a job.
     */
    Population population()
    {
        return population;
    }

    boolean isLive(final long handle)
    {
        return population.isLive(handle);
    }

    boolean kill(final long handle, final int reason)
    {
        if (!isLive(handle))
        {
            return false;
        }
        release(Handle.slot(handle), reason, true);
        return true;
    }

    /**
     * The report of a top-level supervisor of this worker that gave up, or null.
     */
    String gaveUp()
    {
        return supervision.gaveUp();
    }

    int pendingRestarts()
    {
        return supervision.pendingRestarts();
    }

    int pendingMessages()
    {
        return mailboxes.pending() + broadcasts.pending();
    }

    long liveCells()
    {
        return population.liveCells();
    }

    int takeLowestFreedChunk()
    {
        return population.takeLowestFreedChunk();
    }

    long currentTick()
    {
        return tick;
    }

    /**
     * Frees the worker's queues and outgoing channels. Driver only, once the workers have stopped.
     */
    void close()
    {
        mailboxes.close();
        broadcasts.close();
        monitors.close();
        timers.close();
        deadLetterLog.close();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The tick, and the free-running duty cycle.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Runs tick {@code tick}: takes the previous tick's notices, restarts and messages, then visits this worker's
     * cells, then carries out what waits for the end of the tick.
     */
    void runTick(final long tick)
    {
        this.tick = tick;
        mailboxes.startTick(tick);
        broadcasts.startTick(tick);
        supervision.startTick(tick);
        inTick = true;
        try
        {
            population.adoptNewChunks();
            supervision.takeNotices(tick);
            supervision.restartSome();
            mailboxes.gather(tick);
            mailboxes.linkMail();
            groups.applyPending();
            broadcasts.deliverGathered(tick);
            // A member's broadcast visit and its mail-and-step visit are two visits, whatever other cells its worker
            // visits between them: the mailbox window must not depend on the number of workers.
            mailboxes.resetWindow();
            advanceChunks();
            supervision.terminatePending();
            calls.fireTimers(tick);
            population.adoptNewChunks();
            population.activateNewborn();
            if (verifyEvery > 0 && 0 == (tick + 1) % verifyEvery)
            {
                headerCheck.sweep();
            }
        }
        finally
        {
            inTick = false;
        }
        this.tick = tick + 1;
    }

    private void advanceChunks()
    {
        final IntArrayList chunks = population.chunks;
        final int chunkShift = arena.chunkShift();
        long updates = 0;
        for (int i = 0, size = chunks.size(); i < size; i++)
        {
            final int chunk = chunks.getInt(i);
            if (population.mayStep(chunk))
            {
                mailboxes.mailWords.visitedChunk(chunk);
                updates += visit.advanceChunk(
                    arena.chunk(chunk), (arena.highWater(chunk) + 63) >>> 6, chunk << chunkShift);
            }
            else
            {
                updates += mailboxes.mailWords.deliverChunk(visit, population, arena.chunk(chunk), chunk,
                    chunk << chunkShift);
            }
        }
        this.updates += updates;
    }

    /**
     * One duty cycle in free-running mode (see {@link FreeRunning}).
     *
     * @return work done.
     */
    int freeWork()
    {
        inTick = true;
        try
        {
            return freeRunning.work();
        }
        finally
        {
            inTick = false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Death.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Frees a cell that died: it leaves its groups, its watchers are told, its slot is freed, and its supervisor
     * (unless {@code notifySupervisor} is false, as for a sibling its supervisor terminated) decides what follows.
     */
    void release(final int slot, final int reason, final boolean notifySupervisor)
    {
        // The engine's own header is checked at every death: a damaged one makes it a corrupt death, reported.
        final CellFlyweight dead = arena.wrap(scratch, slot);
        final boolean sound = headerCheck.atDeath(dead);
        releaseAs(dead, slot, sound ? reason : ExitReasons.CORRUPT, notifySupervisor);
    }

    /**
     * Frees a cell whose header the sweep found damaged, with reason {@link ExitReasons#CORRUPT}.
     */
    void releaseDamaged(final int slot)
    {
        releaseAs(arena.wrap(scratch, slot), slot, ExitReasons.CORRUPT, true);
    }

    /**
     * @param dead wrapped over the cell at {@code slot}, once for the whole death.
     */
    private void releaseAs(final CellFlyweight dead, final int slot, final int reason, final boolean notifySupervisor)
    {
        final int row = dead.supervisorRow();
        final long handle = dead.handle();
        final short behaviourId = dead.behaviourId();
        groups.onRelease(slot);
        if (NULL_RECORD != monitors.head(slot))
        {
            signalling.tellWatchers(slot, handle, reason);
        }
        population.free(slot, behaviourId);
        deaths[reason]++;
        deathsTotal++;
        // A damaged row must not send a cell outside any supervision home to the supervisors: onExit finds its home
        // first.
        if (notifySupervisor && NO_SUPERVISOR != row)
        {
            supervision.onExit(slot, handle, reason);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Shared arithmetic.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Which worker owns a slot: the owner of its family.
     */
    static int owner(final int slot, final int chunkShift, final int workerCount)
    {
        return ((slot >>> (chunkShift + FAMILY_SHIFT)) & (Arena.FAMILY_CLASSES - 1)) % workerCount;
    }

    /**
     * SplitMix64's finaliser (Stafford's variant 13): a bijective 64-bit mix with good avalanche.
     */
    static long mix(final long value)
    {
        return CellRandom.mix(value);
    }
}
