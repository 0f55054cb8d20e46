package io.karyon.engine;

import io.karyon.engine.cell.Arena;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.Channel;
import org.agrona.MutableDirectBuffer;
import io.karyon.supervisor.RestartBudget;
import io.karyon.supervisor.RestartDecision;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartTableDescriptor;
import io.karyon.supervisor.RestartType;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;

import java.util.Arrays;

import static io.karyon.engine.cell.Arena.CHUNK_HEADER_LENGTH;
import static io.karyon.engine.cell.Arena.FAMILY_CHUNKS;
import static io.karyon.engine.cell.Arena.FAMILY_SHIFT;
import static io.karyon.engine.cell.CellDescriptor.*;
import static io.karyon.engine.Monitors.NULL_RECORD;

/**
 * The cells one worker owns, and everything it needs to advance them a tick: its chunks, its message queues, its
 * counters, and the {@link CellContext} behaviours call back into.
 * <p>
 * A worker owns whole families of chunks (family f belongs to worker f mod workers) for its whole life, so a cell's
 * state is only ever written by one thread. A tick first gathers the messages all workers sent to this one in the
 * previous tick, merged by sender slot (each worker's queue is already in sender-slot order, since every worker visits
 * its cells in slot order), then the driver's; links them into per-cell mailboxes (a mail bit per cell, the head in
 * the chunk's int column, the rest chained through the records) without touching the cells; then visits, in slot order, only the cells that have a tick step or mail: each gets its messages in order,
 * then its step. Messages arrive in the same order whatever the number of workers, and so does everything else.
 * Cells born during a tick start the next tick; cells that die are freed at once.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class Slice extends SliceRhsPadding implements CellContext
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final int STEP = 0;
    private static final int MAIL = 1;
    private static final int NOTICE_EXIT = 0;
    private static final int NOTICE_RESTART = 1;
    private static final int NOTICE_TERMINATE = 2;
    private static final int CONSUMED = Integer.MIN_VALUE;
    static final int NO_CALL = -1;

    final int id;
    final int workerCount;
    private final Arena arena;
    private final ExitReasons reasons;
    private final long seed;
    private final int chunkShift;
    private final int chunkMask;
    private final int familyBitShift;
    private final int slotLength;
    private final int stateLength;
    private final int stepOffset;
    private final int mailOffset;
    private final int mailHeadOffset;
    private final CellFlyweight cell = new CellFlyweight();
    private final CellFlyweight scratch = new CellFlyweight();
    private final IntArrayList chunks = new IntArrayList();
    private final IntArrayList newChunks = new IntArrayList();
    private final IntArrayList newborn = new IntArrayList();
    private final MessageQueue[][] outboxes;
    private final MessageQueue inbox = new MessageQueue(1024);
    private final MessageQueue[][] inbound;
    private final MessageQueue[] sources;
    private final int[] sourcePositions;
    private final DistinctErrorLog errorLog;
    private MessageQueue external;

    // Supervision: the homes of the supervision trees in this worker's families, by family and in family order.
    private SupervisionHome[] homeOfFamily = new SupervisionHome[0];
    private SupervisionHome[] homes = new SupervisionHome[0];
    private SupervisionHome restarting;
    private SupervisionHome[] allHomes = new SupervisionHome[0];
    private final LongArrayList[][] noticesOut;
    private final LongArrayList[][] noticesIn;
    // Groups and broadcasts (see Groups): membership of this worker's cells, broadcast records between workers.
    final Groups groups;
    private final MessageQueue[][] broadcastOutboxes;
    private final MessageQueue[][] broadcastInbound;
    private final MessageQueue[] broadcastSources;
    private final MessageQueue broadcastInbox = new MessageQueue(16);
    private final MessageQueue freeBroadcast = new MessageQueue(1);
    private MessageQueue[] broadcastSending;
    private MessageQueue externalBroadcasts;
    private long[][] broadcastMaps = new long[4][];

    // Monitors, links, timers and calls (see Monitors, Signals): signals a worker raises outside the slot-order walk
    // (deaths, timers) travel in their own queues, sorted by sender slot on arrival, so their order does not depend on
    // the number of workers.
    final Monitors monitors = new Monitors();
    private final MessageQueue[][] signalOutboxes;
    private final MessageQueue[][] signalInbound;
    private final MessageQueue signalStage = new MessageQueue(16);
    private MessageQueue[] signalSending;
    private long[] signalKeys = new long[16];
    private int refSlot = -1;
    private long refTick = -1;
    private int refSeq;
    private int callId = NO_CALL;
    private int callSlot = -1;
    private long callTick = -1;
    private long caller;
    final Timers timers;
    final DeadLetters deadLetterLog;
    long downsSent;
    long exitsSent;
    long linkKills;
    private final RestartDecision decision = new RestartDecision();
    private final RestartBudget.RestartHandler restartHandler = this::onRestart;
    private Genotype[] genotypes = new Genotype[0];
    private String gaveUp;
    private final LongArrayList pendingTerminations = new LongArrayList();

    // Free-running mode.
    private final boolean freeRunning;
    private final int stepBatch;
    private final Channel[] channelsOut;
    private final Channel[] channelsIn;
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[MessageQueue.RECORD_LENGTH]);
    private final MessageHandler ringHandler = this::onRingMessage;
    private MessageQueue local = new MessageQueue(256);
    private MessageQueue localDelivering = new MessageQueue(256);
    private int cursorChunk;
    private int cursorWord;
    private Behaviour[] behaviours = new Behaviour[0];
    private boolean[] hasTick = new boolean[0];
    private boolean[] checksIntegrity = new boolean[0];
    private boolean anyChecksIntegrity;
    private MessageQueue[] sending;
    private long tick;
    private boolean inTick;
    private int lowestFreedChunk = Integer.MAX_VALUE;
    private final long launchNs = System.nanoTime();

    // The cell being visited.
    private int dyingReason = -1;
    private int pendingMail = NULL_LINK;
    private int rngSlot = -1;
    private long rngTick = -1;
    private long rngState;

    final long[] deaths = new long[ExitReasons.MAX_REASONS];
    final long[] restartsByReason = new long[ExitReasons.MAX_REASONS];

    Slice(final int id, final int workerCount, final Arena arena, final ExitReasons reasons, final long seed,
        final DistinctErrorLog errorLog, final boolean freeRunning, final int stepBatch,
        final int deadLetterLogLength)
    {
        this.freeRunning = freeRunning;
        this.stepBatch = stepBatch;
        this.channelsOut = new Channel[workerCount];
        this.channelsIn = new Channel[workerCount];
        this.id = id;
        this.workerCount = workerCount;
        this.arena = arena;
        this.reasons = reasons;
        this.seed = seed;
        this.errorLog = errorLog;
        this.chunkShift = arena.chunkShift();
        this.chunkMask = arena.chunkSlots() - 1;
        this.familyBitShift = chunkShift + FAMILY_SHIFT;
        this.slotLength = arena.slotLength();
        this.stateLength = arena.stateLength();
        this.stepOffset = arena.bitmapOffset(STEP);
        this.mailOffset = arena.bitmapOffset(MAIL);
        this.mailHeadOffset = arena.columnOffset();
        this.outboxes = new MessageQueue[2][workerCount];
        for (int p = 0; p < 2; p++)
        {
            for (int w = 0; w < workerCount; w++)
            {
                outboxes[p][w] = new MessageQueue(256);
            }
        }
        this.sending = outboxes[0];
        this.noticesOut = new LongArrayList[2][workerCount];
        this.noticesIn = new LongArrayList[2][workerCount];
        for (int p = 0; p < 2; p++)
        {
            for (int w = 0; w < workerCount; w++)
            {
                noticesOut[p][w] = new LongArrayList();
            }
        }
        this.inbound = new MessageQueue[2][workerCount];
        this.sources = new MessageQueue[workerCount];
        this.sourcePositions = new int[workerCount];
        this.groups = new Groups(arena);
        this.timers = new Timers(freeRunning);
        this.deadLetterLog = new DeadLetters(deadLetterLogLength);
        this.broadcastOutboxes = new MessageQueue[2][workerCount];
        for (int p = 0; p < 2; p++)
        {
            for (int w = 0; w < workerCount; w++)
            {
                broadcastOutboxes[p][w] = new MessageQueue(4);
            }
        }
        this.broadcastSending = broadcastOutboxes[0];
        this.broadcastInbound = new MessageQueue[2][workerCount];
        this.broadcastSources = new MessageQueue[workerCount];
        this.signalOutboxes = new MessageQueue[2][workerCount];
        for (int p = 0; p < 2; p++)
        {
            for (int w = 0; w < workerCount; w++)
            {
                signalOutboxes[p][w] = new MessageQueue(4);
            }
        }
        // Tick 0 gathers parity 1: signals raised before it (a kill from the driver) must go there.
        this.signalSending = signalOutboxes[1];
        this.signalInbound = new MessageQueue[2][workerCount];
    }

    /**
     * Takes the signal queues the peers fill for this worker.
     */
    void connectSignals(final Slice[] peers)
    {
        for (int p = 0; p < 2; p++)
        {
            for (int s = 0; s < workerCount; s++)
            {
                signalInbound[p][s] = peers[s].signalOutboxes[p][id];
            }
        }
    }

    /**
     * Takes the broadcast queues the peers fill for this worker, and the driver's broadcasts for it.
     */
    void connectBroadcasts(final Slice[] peers, final MessageQueue externalBroadcasts)
    {
        for (int p = 0; p < 2; p++)
        {
            for (int s = 0; s < workerCount; s++)
            {
                broadcastInbound[p][s] = peers[s].broadcastOutboxes[p][id];
            }
        }
        this.externalBroadcasts = externalBroadcasts;
    }

    void connect(final Slice[] peers, final MessageQueue external)
    {
        // Taken once, so that gathering never reads another worker's Slice, whose fields it writes all tick long.
        for (int p = 0; p < 2; p++)
        {
            for (int s = 0; s < workerCount; s++)
            {
                inbound[p][s] = peers[s].outboxes[p][id];
                noticesIn[p][s] = peers[s].noticesOut[p][id];
            }
        }
        this.external = external;
    }

    /**
     * Free-running mode: connects this worker's channel to {@code peer}, which the peer reads.
     */
    void connectChannel(final Slice peer, final Channel channel)
    {
        channelsOut[peer.id] = channel;
        peer.channelsIn[id] = channel;
    }

    void genotypes(final Genotype[] genotypes)
    {
        this.genotypes = genotypes;
    }

    /**
     * The organism's supervision homes by index, filled by the driver as they are created: where notices go.
     */
    void allHomes(final SupervisionHome[] allHomes)
    {
        this.allHomes = allHomes;
    }

    /**
     * Takes on a supervision home in one of this worker's families. Driver only.
     */
    void addHome(final SupervisionHome home)
    {
        if (home.family >= homeOfFamily.length)
        {
            homeOfFamily = Arrays.copyOf(homeOfFamily, Math.max(homeOfFamily.length * 2, home.family + 1));
        }
        homeOfFamily[home.family] = home;
        final SupervisionHome[] homes = Arrays.copyOf(this.homes, this.homes.length + 1);
        homes[homes.length - 1] = home;
        Arrays.sort(homes, (a, b) -> Integer.compare(a.family, b.family));
        this.homes = homes;
    }

    /**
     * The report of a top-level supervisor of this worker that gave up, or null.
     */
    String gaveUp()
    {
        return gaveUp;
    }

    int pendingRestarts()
    {
        int pending = 0;
        for (final SupervisionHome home : homes)
        {
            pending += home.budget.pending();
        }
        return pending;
    }

    /**
     * Spawns a supervised cell from outside a tick into a slot allocated in {@code chunk}, and enters it as a child
     * of a supervisor row of this worker.
     */
    long spawnSupervised(final SupervisionHome home, final Genotype genotype, final int row, final RestartType type)
    {
        int slot = arena.allocate(home.rootChunk);
        if (slot < 0)
        {
            slot = allocateInFamily(home.rootChunk);
        }
        final long handle = spawnAt(slot, genotype);
        arena.wrap(scratch, slot).supervisorRow(row);
        final RestartTable table = home.table;
        final int entry = RestartStrategy.SIMPLE_ONE_FOR_ONE == table.strategy(row) ?
            table.startChild(row, handle, type) : table.addChild(row, handle, type);
        home.remember(entry, genotype.id(), slot >>> chunkShift);
        return handle;
    }

    void behaviours(final Behaviour[] behaviours)
    {
        final boolean[] hasTick = new boolean[behaviours.length];
        final boolean[] checksIntegrity = new boolean[behaviours.length];
        for (int i = 0; i < behaviours.length; i++)
        {
            hasTick[i] = behaviours[i].hasTick();
            checksIntegrity[i] = behaviours[i].checksIntegrity();
        }
        this.behaviours = behaviours;
        this.hasTick = hasTick;
        this.checksIntegrity = checksIntegrity;
        boolean any = false;
        for (final boolean checks : checksIntegrity)
        {
            any |= checks;
        }
        this.anyChecksIntegrity = any;
    }

    /**
     * Which worker owns a slot: the owner of its family.
     */
    static int owner(final int slot, final int chunkShift, final int workerCount)
    {
        return (slot >>> (chunkShift + FAMILY_SHIFT)) % workerCount;
    }

    long currentTick()
    {
        return tick;
    }

    int pendingMessages()
    {
        int pending = local.count();
        for (final MessageQueue queue : sending)
        {
            pending += queue.count();
        }
        for (final MessageQueue queue : broadcastSending)
        {
            pending += queue.count();
        }
        for (final MessageQueue queue : signalSending)
        {
            pending += queue.count();
        }
        for (int w = 0; w < workerCount; w++)
        {
            if (null != channelsOut[w])
            {
                pending += channelsOut[w].pending();
            }
        }
        return pending;
    }

    /**
     * Chunks of families this worker owns, ascending. Driver only, between ticks.
     */
    void addOwnedChunk(final int chunk)
    {
        insertSorted(chunks, chunk);
    }

    long liveCells()
    {
        long live = 0;
        for (int i = 0, size = chunks.size(); i < size; i++)
        {
            live += arena.live(chunks.getInt(i));
        }
        return live;
    }

    int takeLowestFreedChunk()
    {
        final int lowest = lowestFreedChunk;
        lowestFreedChunk = Integer.MAX_VALUE;
        return lowest;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Driver operations, between ticks.
    // ---------------------------------------------------------------------------------------------------------------

    long spawnAt(final int slot, final Genotype genotype)
    {
        final long handle = initialise(slot, genotype);
        if (hasTick[genotype.behaviourId()])
        {
            setBit(slot, stepOffset);
        }
        return handle;
    }

    /**
     * Restarts one child a supervisor decided to restart: a fresh slot beside its old one, its genotype's state, a
     * new handle for its supervisor. Entries no longer waiting to start (removed, terminated or freed meanwhile) and
     * child supervisors (which the table restarts itself) are skipped.
     */
    private void onRestart(final int row, final int entry)
    {
        final SupervisionHome home = restarting;
        final RestartTable table = home.table;
        if (!table.isWaitingToStart(entry))
        {
            return;
        }
        final int chunk = home.chunkOf(entry);
        int slot = arena.allocate(chunk);
        if (slot < 0)
        {
            slot = allocateInFamily(chunk);
        }
        final Genotype genotype = genotypes[home.genotypeOf(entry)];
        final long handle = initialise(slot, genotype);
        // The entry's own row: a queued restart's entry may have been freed and reused under another supervisor.
        arena.wrap(scratch, slot).supervisorRow(table.ownerRow(entry));
        final int reason = ExitReasons.fromRestartTable(table.lastExitReason(entry));
        table.updateHandle(entry, handle);
        if (hasTick[genotype.behaviourId()])
        {
            setBit(slot, stepOffset);
        }
        restarts++;
        restartsByReason[reason]++;
    }

    private void terminate(final long handle)
    {
        if (isLive(handle))
        {
            release(Handle.slot(handle), ExitReasons.SHUTDOWN, false);
        }
    }

    private void terminatePending()
    {
        final LongArrayList pending = pendingTerminations;
        for (int i = 0; i < pending.size(); i++)
        {
            terminate(pending.getLong(i));
        }
        pending.clear();
    }

    private void restartSome()
    {
        for (final SupervisionHome home : homes)
        {
            final RestartBudget budget = home.budget;
            if (budget.pending() > 0)
            {
                restarting = home;
                budget.startTick();
                budget.poll(restartHandler);
            }
        }
        restarting = null;
    }

    /**
     * Tells a supervised cell's supervisor that it exited, and carries out the decision: siblings terminated,
     * restarts queued in the budget, escalation to the parent supervisor, or a top-level supervisor giving up.
     */
    private void onSupervisedExit(final long handle, final int reason)
    {
        final SupervisionHome home = homeOfFamily[Handle.slot(handle) >>> familyBitShift];
        final long now = supervisionClock();
        final int kind = home.table.onCellExit(
            handle, ExitReasons.toRestartTable(reason), ExitReasons.NORMAL != reason, now, decision);
        carryOut(home, kind, now, handle, reason);
    }

    /**
     * Carries out a supervisor's decision: siblings terminated, restarts queued in the budget, escalation to the
     * parent supervisor, or a top-level supervisor giving up; what concerns a supervisor in another home goes there
     * as a notice.
     *
     * @param handle and reason of the exit that led to the decision, for a give-up report; a null handle for a notice.
     */
    private void carryOut(final SupervisionHome home, final int decided, final long now, final long handle,
        final int reason)
    {
        final RestartTable table = home.table;
        final RestartDecision decision = this.decision;
        int kind = decided;
        while (true)
        {
            for (int i = 0, count = decision.terminateCount(); i < count; i++)
            {
                final long terminated = decision.terminateHandle(i);
                if (RestartTableDescriptor.NULL_HANDLE != terminated)
                {
                    // In a tick the siblings go at its end, as exit signals would: a worker's bitmap walk never
                    // meets a slot freed (and maybe reused) behind its back.
                    if (inTick)
                    {
                        pendingTerminations.addLong(terminated);
                    }
                    else
                    {
                        terminate(terminated);
                    }
                }
                else
                {
                    notifyRemote(home, decision.terminateChildRow(i), NOTICE_TERMINATE, RestartTable.REASON_SHUTDOWN);
                }
            }
            if (RestartDecision.RESTART == kind)
            {
                for (int i = 0, count = decision.restartCount(); i < count; i++)
                {
                    final int entry = decision.restartEntry(i);
                    home.budget.offer(decision.row(), entry);
                    notifyRemote(home, table.childRow(entry), NOTICE_RESTART, RestartTable.REASON_SHUTDOWN);
                }
                return;
            }
            if (RestartDecision.ESCALATE == kind)
            {
                escalations++;
                kind = table.onChildExit(decision.escalateRow(), decision.escalateEntry(),
                    decision.escalationReason(), true, now, decision);
                continue;
            }
            if (RestartDecision.GIVE_UP == kind)
            {
                if (SupervisionHome.NO_REMOTE != home.remoteOf(decision.row()))
                {
                    escalations++;
                    notifyRemote(home, decision.row(), NOTICE_EXIT, RestartTable.REASON_SHUTDOWN);
                }
                else if (null == gaveUp)
                {
                    gaveUp = giveUpReport(home, handle, reason);
                }
            }
            return;
        }
    }

    /**
     * Sends a notice about a supervisor row linked to a row in another home (nothing for any other row), for the
     * worker owning that home to take at the start of the next tick.
     */
    private void notifyRemote(final SupervisionHome home, final int row, final int kind, final int reason)
    {
        if (RestartTableDescriptor.NULL_ROW == row)
        {
            return;
        }
        final long remote = home.remoteOf(row);
        if (SupervisionHome.NO_REMOTE == remote)
        {
            return;
        }
        final int targetHome = (int)(remote >>> 32);
        final int worker = allHomes[targetHome].family % workerCount;
        // Between ticks (the driver killing a cell) into the lists the next tick reads, in a tick into this tick's.
        final LongArrayList out = noticesOut[(int)((inTick ? tick : tick - 1) & 1)][worker];
        out.addLong((long)kind << 56 | (long)home.index << 48 | (long)targetHome << 40);
        out.addLong(remote << 32 | (reason & 0xFFFF_FFFFL));
    }

    /**
     * Takes the notices other homes sent this worker's homes in the previous tick: in order of the sending home, and
     * in the order each home sent them, which does not depend on the number of workers.
     */
    private void takeNotices(final long tick)
    {
        final LongArrayList[] in = noticesIn[(int)((tick + 1) & 1)];
        boolean any = false;
        for (final LongArrayList notices : in)
        {
            any |= !notices.isEmpty();
        }
        if (!any)
        {
            return;
        }
        final long now = supervisionClock();
        for (int source = 0; source < allHomes.length; source++)
        {
            for (final LongArrayList notices : in)
            {
                for (int i = 0, size = notices.size(); i < size; i += 2)
                {
                    final long header = notices.getLong(i);
                    if ((int)(header >>> 48 & 0xFF) == source)
                    {
                        takeNotice(header, notices.getLong(i + 1), now);
                    }
                }
            }
        }
    }

    private void takeNotice(final long header, final long body, final long now)
    {
        final SupervisionHome home = allHomes[(int)(header >>> 40 & 0xFF)];
        final RestartTable table = home.table;
        final int row = (int)(body >>> 32);
        final int reason = (int)body;
        switch ((int)(header >>> 56))
        {
            case NOTICE_EXIT:
                carryOut(home, table.onChildExit(table.parentRow(row), table.parentEntry(row), reason, true, now,
                    decision), now, Handle.NULL_HANDLE, ExitReasons.SHUTDOWN);
                break;
            case NOTICE_RESTART:
                carryOut(home, table.restartSupervisor(row, now, decision), now, Handle.NULL_HANDLE,
                    ExitReasons.SHUTDOWN);
                break;
            default:
                carryOut(home, table.terminateSupervisor(row, now, decision), now, Handle.NULL_HANDLE,
                    ExitReasons.SHUTDOWN);
                break;
        }
    }

    /**
     * The time supervisors' intensity windows are measured in: the tick in tick mode; in free-running mode, which has
     * no ticks, milliseconds since the organism was launched.
     */
    private long supervisionClock()
    {
        return freeRunning ? (System.nanoTime() - launchNs) / 1_000_000 : tick;
    }

    /**
     * What a top-level supervisor that gave up reports: which supervisor, its window, and the exit that tipped it.
     */
    private String giveUpReport(final SupervisionHome home, final long handle, final int reason)
    {
        final RestartDecision decision = this.decision;
        final String unit = freeRunning ? "millisecond" : "tick";
        final StringBuilder window = new StringBuilder();
        for (int i = 0; i < decision.windowSize(); i++)
        {
            window.append(0 == i ? "" : ", ").append(decision.windowTime(i));
        }
        return "supervisor " + Organism.supervisorId(home, decision.row()) + " (supervision home " + home.index +
            ", row " + decision.row() + ") gave up at " + unit + " " + decision.now() + ": more than " +
            decision.intensity() + " restarts within " + decision.period() + " " + unit + "s, restarts at " + unit +
            "s [" + window + "]; the exit that tipped it: " + (Handle.NULL_HANDLE == handle ?
            "a child supervisor in another home" : "cell " + Handle.toString(handle)) + " with reason " +
            reasons.name(reason) + (decision.exitedHandle() != handle ?
            ", escalated to it as " + reasons.name(ExitReasons.fromRestartTable(decision.exitReason())) : "");
    }

    boolean isLive(final long handle)
    {
        final int slot = Handle.slot(handle);
        if (!arena.exists(slot))
        {
            return false;
        }
        arena.wrap(scratch, slot);
        return STATUS_ALIVE == scratch.status() && scratch.generation() == Handle.generation(handle);
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
     * Frees the worker's queues and outgoing channels. Driver only, once the workers have stopped.
     */
    void close()
    {
        for (final MessageQueue[] parity : outboxes)
        {
            for (final MessageQueue queue : parity)
            {
                queue.close();
            }
        }
        for (final MessageQueue[] parity : broadcastOutboxes)
        {
            for (final MessageQueue queue : parity)
            {
                queue.close();
            }
        }
        broadcastInbox.close();
        freeBroadcast.close();
        for (final MessageQueue[] parity : signalOutboxes)
        {
            for (final MessageQueue queue : parity)
            {
                queue.close();
            }
        }
        signalStage.close();
        monitors.close();
        timers.close();
        deadLetterLog.close();
        inbox.close();
        local.close();
        localDelivering.close();
        for (final Channel channel : channelsOut)
        {
            if (null != channel)
            {
                channel.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The tick.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Runs tick {@code tick}: gathers the messages of the previous tick, then advances this worker's cells.
     */
    void runTick(final long tick)
    {
        this.tick = tick;
        final MessageQueue[] sending = outboxes[(int)(tick & 1)];
        for (final MessageQueue queue : sending)
        {
            queue.clear();
        }
        for (final LongArrayList notices : noticesOut[(int)(tick & 1)])
        {
            notices.clear();
        }
        this.sending = sending;
        final MessageQueue[] broadcastSending = broadcastOutboxes[(int)(tick & 1)];
        for (final MessageQueue queue : broadcastSending)
        {
            queue.clear();
        }
        this.broadcastSending = broadcastSending;
        final MessageQueue[] signalSending = signalOutboxes[(int)(tick & 1)];
        for (final MessageQueue queue : signalSending)
        {
            queue.clear();
        }
        this.signalSending = signalSending;
        inTick = true;
        try
        {
            adoptNewChunks();
            takeNotices(tick);
            restartSome();
            gather(tick);
            linkMail();
            groups.applyPending();
            gatherBroadcasts(tick);
            deliverBroadcasts(broadcastInbox);
            final IntArrayList chunks = this.chunks;
            for (int i = 0, size = chunks.size(); i < size; i++)
            {
                advanceChunk(chunks.getInt(i));
            }
            terminatePending();
            fireTimers(tick);
            adoptNewChunks();
            activateNewborn();
        }
        finally
        {
            inTick = false;
        }
        this.tick = tick + 1;
    }

    /**
     * Merges the queues every worker filled for this one in the previous tick, in sender-slot order, then the
     * driver's messages, into the inbox. Each queue is in sender-slot order already and is cut into runs by sender
     * family; a family belongs to one worker, so merging is ordering the runs by family and copying each whole.
     */
    private void gather(final long tick)
    {
        final MessageQueue inbox = this.inbox;
        final int parity = (int)((tick - 1) & 1);
        mergeInbound(inbox, inbound[parity], sources);
        gatherSignals(parity);
        if (external.count() > 0)
        {
            inbox.appendAll(external);
            external.clear();
        }
    }

    /**
     * Empties {@code inbox} and fills it with the queues every worker filled for this one, merged by sender family.
     */
    private void mergeInbound(final MessageQueue inbox, final MessageQueue[] inbound, final MessageQueue[] sources)
    {
        inbox.clear();
        final int[] positions = this.sourcePositions;
        int nonEmpty = 0;
        int last = -1;
        for (int s = 0; s < workerCount; s++)
        {
            sources[s] = inbound[s];
            positions[s] = 0;
            if (sources[s].count() > 0)
            {
                nonEmpty++;
                last = s;
            }
        }
        if (1 == nonEmpty)
        {
            inbox.appendAll(sources[last]);
        }
        else if (nonEmpty > 1)
        {
            merge(inbox, sources, positions);
        }
    }

    private void merge(final MessageQueue inbox, final MessageQueue[] sources, final int[] runs)
    {
        while (true)
        {
            int best = -1;
            int bestFamily = Integer.MAX_VALUE;
            for (int s = 0; s < sources.length; s++)
            {
                final MessageQueue source = sources[s];
                if (runs[s] < source.runCount() && source.runFamily(runs[s]) < bestFamily)
                {
                    bestFamily = source.runFamily(runs[s]);
                    best = s;
                }
            }
            if (best < 0)
            {
                return;
            }
            final MessageQueue source = sources[best];
            final int run = runs[best]++;
            inbox.appendRange(source, source.runStart(run), source.runEnd(run));
        }
    }

    /**
     * Chains each target's messages through the queue's next fields, in order, with the head in the target chunk's
     * int column and a mail bit set. The cells themselves are not touched here (a cache miss each, on a sparse tick):
     * their status and generation are checked when they are visited. Messages for slots that never held a cell are
     * dead letters at once.
     */
    private void linkMail()
    {
        final MessageQueue inbox = this.inbox;
        for (int i = inbox.count() - 1; i >= 0; i--)
        {
            final int slot = Handle.slot(inbox.target(i));
            if (!arena.exists(slot))
            {
                undeliverable(inbox, i);
                continue;
            }
            final UnsafeBuffer buffer = arena.chunk(slot >>> chunkShift);
            final int index = slot & chunkMask;
            final int wordOffset = mailOffset + ((index >>> 6) << 3);
            final int headOffset = mailHeadOffset + (index << 2);
            final long word = buffer.getLong(wordOffset);
            final long bit = 1L << index;
            if (0 == (word & bit))
            {
                buffer.putLong(wordOffset, word | bit);
                inbox.next(i, NULL_LINK);
            }
            else
            {
                inbox.next(i, buffer.getInt(headOffset));
            }
            buffer.putInt(headOffset, i);
        }
    }

    private void advanceChunk(final int chunk)
    {
        final UnsafeBuffer buffer = arena.chunk(chunk);
        final int words = (arena.highWater(chunk) + 63) >>> 6;
        final int base = chunk << chunkShift;
        final int stepOffset = this.stepOffset;
        final int mailOffset = this.mailOffset;
        long updates = 0;
        for (int w = 0; w < words; w++)
        {
            final long mailWord = buffer.getLong(mailOffset + (w << 3));
            long bits = buffer.getLong(stepOffset + (w << 3)) | mailWord;
            if (0 == mailWord)
            {
                updates += stepWord(buffer, base, w, bits);
            }
            else
            {
                while (0 != bits)
                {
                    final int index = (w << 6) | Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    updates += visit(buffer, w, index, base | index);
                }
            }
        }
        this.updates += updates;
    }

    /**
     * Runs the tick step of every cell whose bit is set in one bitmap word (no mail among them).
     *
     * @return cells stepped.
     */
    private int stepWord(final UnsafeBuffer buffer, final int base, final int word, final long stepBits)
    {
        final Behaviour[] behaviours = this.behaviours;
        final CellFlyweight cell = this.cell;
        final int slotLength = this.slotLength;
        // Locals, so that the calls in the loop do not make the JIT reload them for every cell.
        final boolean anyChecks = anyChecksIntegrity;
        final boolean[] checks = checksIntegrity;
        int stepped = 0;
        long bits = stepBits;
        while (0 != bits)
        {
            final int index = (word << 6) | Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            final int offset = CHUNK_HEADER_LENGTH + index * slotLength;
            cell.wrap(buffer, offset, base | index);
            stepped++;
            try
            {
                final short id = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
                if (anyChecks && checks[id] && !behaviours[id].isIntact(cell))
                {
                    dyingReason = ExitReasons.CORRUPT;
                }
                else
                {
                    behaviours[id].onTick(cell, this);
                }
            }
            catch (final Throwable t)
            {
                onFailure(t);
            }
            if (dyingReason >= 0)
            {
                finishDeath(base | index);
            }
        }
        return stepped;
    }

    private int visit(final UnsafeBuffer buffer, final int word, final int index, final int slot)
    {
        final long bit = 1L << index;
        final int offset = CHUNK_HEADER_LENGTH + index * slotLength;
        final int mailWordOffset = mailOffset + (word << 3);
        final MessageQueue inbox = this.inbox;
        final long mailWord = buffer.getLong(mailWordOffset);
        int m = NULL_LINK;
        if (0 != (mailWord & bit))
        {
            buffer.putLong(mailWordOffset, mailWord & ~bit);
            m = buffer.getInt(mailHeadOffset + (index << 2));
        }
        if (STATUS_ALIVE != buffer.getByte(offset + STATUS_OFFSET))
        {
            // Mail for a slot whose cell died in an earlier tick: all dead letters.
            for (; NULL_LINK != m; m = inbox.next(m))
            {
                undeliverable(inbox, m);
            }
            return 0;
        }
        final CellFlyweight cell = this.cell.wrap(buffer, offset, slot);
        final short id = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
        final Behaviour behaviour = behaviours[id];
        final int generation = buffer.getInt(offset + GENERATION_OFFSET);
        int updates = 0;
        try
        {
            if (checksIntegrity[id] && !behaviour.isIntact(cell))
            {
                dyingReason = ExitReasons.CORRUPT;
            }
            while (NULL_LINK != m && dyingReason < 0)
            {
                pendingMail = inbox.next(m);
                if (Handle.generation(inbox.target(m)) != generation)
                {
                    undeliverable(inbox, m);
                }
                else if (inbox.type(m) >= 0)
                {
                    delivered++;
                    callId = NO_CALL;
                    behaviour.onMessage(cell, this, inbox.sender(m), inbox.type(m), inbox.payload(m));
                }
                else
                {
                    final int type = onEngineMessage(cell, inbox.sender(m), inbox.type(m), inbox.payload(m));
                    if (CONSUMED != type)
                    {
                        delivered++;
                        behaviour.onMessage(cell, this, inbox.sender(m), type, inbox.payload(m));
                    }
                }
                m = pendingMail;
            }
            pendingMail = m;
            if (dyingReason < 0 && 0 != (buffer.getLong(stepOffset + (word << 3)) & bit))
            {
                updates = 1;
                behaviour.onTick(cell, this);
            }
        }
        catch (final Throwable t)
        {
            onFailure(t);
        }
        if (dyingReason >= 0)
        {
            for (int rest = pendingMail; NULL_LINK != rest; rest = inbox.next(rest))
            {
                undeliverable(inbox, rest, DeadLetters.LEFT_BY_DEATH);
            }
            finishDeath(slot);
        }
        pendingMail = NULL_LINK;
        return updates;
    }

    private void onFailure(final Throwable t)
    {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError))
        {
            throw (VirtualMachineError)t;
        }
        if (!errorLog.record(t))
        {
            errorsNotLogged++;
        }
        dyingReason = ExitReasons.EXCEPTION;
    }

    private void finishDeath(final int slot)
    {
        final int reason = dyingReason;
        dyingReason = -1;
        release(slot, reason, true);
    }

    private void release(final int slot, final int reason, final boolean notifySupervisor)
    {
        final int chunk = slot >>> chunkShift;
        final CellFlyweight dead = arena.wrap(scratch, slot);
        final int row = dead.supervisorRow();
        final long handle = dead.handle();
        clearBit(slot, stepOffset);
        groups.onRelease(slot);
        if (NULL_RECORD != monitors.head(slot))
        {
            tellWatchers(slot, handle, reason);
        }
        arena.free(slot);
        deaths[reason]++;
        deathsTotal++;
        if (chunk < lowestFreedChunk)
        {
            lowestFreedChunk = chunk;
        }
        if (notifySupervisor && NO_SUPERVISOR != row)
        {
            onSupervisedExit(handle, reason);
        }
    }

    /**
     * Takes into the chunk list the overflow chunks created since the last look, by spawns in a tick or by the
     * driver's supervised spawns between ticks.
     */
    private void adoptNewChunks()
    {
        final IntArrayList newChunks = this.newChunks;
        if (!newChunks.isEmpty())
        {
            for (int i = 0, size = newChunks.size(); i < size; i++)
            {
                insertSorted(chunks, newChunks.getInt(i));
            }
            newChunks.clear();
        }
    }

    private void activateNewborn()
    {
        final IntArrayList newborn = this.newborn;
        final CellFlyweight child = scratch;
        for (int i = 0, size = newborn.size(); i < size; i++)
        {
            final int slot = newborn.getInt(i);
            arena.wrap(child, slot);
            if (STATUS_ALIVE == child.status() && hasTick[child.behaviourId()])
            {
                setBit(slot, stepOffset);
            }
        }
        newborn.clear();
    }

    private long initialise(final int slot, final Genotype genotype)
    {
        final CellFlyweight child = arena.wrap(scratch, slot);
        final UnsafeBuffer buffer = child.buffer();
        final UnsafeBuffer initial = genotype.state();
        final int stateOffset = child.stateOffset();
        // A word loop: Unsafe.copyMemory from a heap array pays range checks that cost more than 64 bytes of copy.
        for (int i = 0; i < stateLength; i += 8)
        {
            buffer.putLong(stateOffset + i, initial.getLong(i));
        }
        child.status(STATUS_ALIVE)
            .flags((byte)0)
            .behaviourId(genotype.behaviourId())
            .supervisorRow(NO_SUPERVISOR)
            .link(NULL_LINK);
        spawned++;
        return Handle.of(slot, child.generation());
    }

    private void setBit(final int slot, final int bitmapOffset)
    {
        final UnsafeBuffer buffer = arena.chunk(slot >>> chunkShift);
        final int index = slot & chunkMask;
        final int offset = bitmapOffset + ((index >>> 6) << 3);
        buffer.putLong(offset, buffer.getLong(offset) | (1L << index));
    }

    private void clearBit(final int slot, final int bitmapOffset)
    {
        final UnsafeBuffer buffer = arena.chunk(slot >>> chunkShift);
        final int index = slot & chunkMask;
        final int offset = bitmapOffset + ((index >>> 6) << 3);
        buffer.putLong(offset, buffer.getLong(offset) & ~(1L << index));
    }

    private static void insertSorted(final IntArrayList list, final int value)
    {
        int i = list.size();
        while (i > 0 && list.getInt(i - 1) > value)
        {
            i--;
        }
        list.addInt(i, value);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Groups and broadcasts.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The target field of a broadcast record in a free-running ring: generation 0 (never a live cell's) and a
     * negative slot holding the group's complement, which {@link #send(long, int, long)} never lets through.
     */
    static long broadcastTarget(final int group)
    {
        return (~group) & 0xFFFF_FFFFL;
    }

    /**
     * Merges the broadcast records every worker sent to this one in the previous tick by sender family, as
     * {@link #gather(long)} does for messages, then the driver's; the record's target field holds the group id.
     */
    private void gatherBroadcasts(final long tick)
    {
        final MessageQueue inbox = broadcastInbox;
        mergeInbound(inbox, broadcastInbound[(int)((tick - 1) & 1)], broadcastSources);
        if (externalBroadcasts.count() > 0)
        {
            inbox.appendAll(externalBroadcasts);
            externalBroadcasts.clear();
        }
    }

    /**
     * Hands each broadcast record to every member of its group on this worker: members in slot order, and each
     * member gets all the records for its groups in record order before the next member is visited. Membership is
     * that at the start of the call (joins are buffered until the next tick; a member that dies while handling one
     * broadcast stays in the bitmaps until its remaining records are counted as dead letters).
     */
    private void deliverBroadcasts(final MessageQueue records)
    {
        final int count = records.count();
        if (0 == count)
        {
            return;
        }
        if (count > broadcastMaps.length)
        {
            broadcastMaps = new long[Math.max(count, broadcastMaps.length * 2)][];
        }
        final long[][] maps = broadcastMaps;
        final Groups groups = this.groups;
        final IntArrayList chunks = this.chunks;
        for (int i = 0, size = chunks.size(); i < size; i++)
        {
            final int chunk = chunks.getInt(i);
            boolean any = false;
            for (int r = 0; r < count; r++)
            {
                final int group = (int)records.target(r);
                final long[] map = 0 == groups.size(group, chunk) ? null : groups.bitmap(group, chunk);
                maps[r] = map;
                any |= null != map;
            }
            if (!any)
            {
                continue;
            }
            final UnsafeBuffer buffer = arena.chunk(chunk);
            final int words = (arena.highWater(chunk) + 63) >>> 6;
            final int base = chunk << chunkShift;
            for (int w = 0; w < words; w++)
            {
                long members = 0;
                for (int r = 0; r < count; r++)
                {
                    final long[] map = maps[r];
                    if (null != map)
                    {
                        members |= map[w];
                    }
                }
                while (0 != members)
                {
                    final int index = (w << 6) | Long.numberOfTrailingZeros(members);
                    members &= members - 1;
                    deliverToMember(buffer, index, base | index, records, maps, w);
                }
            }
        }
        for (int r = 0; r < count; r++)
        {
            maps[r] = null;
        }
    }

    private void deliverToMember(
        final UnsafeBuffer buffer, final int index, final int slot, final MessageQueue records, final long[][] maps,
        final int word)
    {
        final long bit = 1L << index;
        final int offset = CHUNK_HEADER_LENGTH + index * slotLength;
        final CellFlyweight cell = this.cell.wrap(buffer, offset, slot);
        final short id = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
        final Behaviour behaviour = behaviours[id];
        final Groups groups = this.groups;
        try
        {
            if (checksIntegrity[id] && !behaviour.isIntact(cell))
            {
                dyingReason = ExitReasons.CORRUPT;
            }
        }
        catch (final Throwable t)
        {
            onFailure(t);
        }
        for (int r = 0, count = records.count(); r < count; r++)
        {
            final long[] map = maps[r];
            if (null == map || 0 == (map[word] & bit))
            {
                continue;
            }
            if (dyingReason >= 0)
            {
                deadLetter(DeadLetters.DEAD_MEMBER, cell.handle(), records.sender(r), records.type(r),
                    records.payload(r));
                groups.memberDeadLetters++;
                continue;
            }
            delivered++;
            groups.memberDeliveries++;
            try
            {
                callId = NO_CALL;
                behaviour.onMessage(cell, this, records.sender(r), records.type(r), records.payload(r));
            }
            catch (final Throwable t)
            {
                onFailure(t);
            }
        }
        if (dyingReason >= 0)
        {
            finishDeath(slot);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Monitors, links and the engine's messages.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Appends the signals every worker raised for this one in the previous tick (deaths told to watchers, timers),
     * sorted by sender slot: all signals of one sender slot come from its owner, in that worker's order, so the result
     * does not depend on the number of workers. They follow the tick's ordinary messages.
     */
    private void gatherSignals(final int parity)
    {
        final MessageQueue stage = signalStage;
        stage.clear();
        for (int s = 0; s < workerCount; s++)
        {
            final MessageQueue source = signalInbound[parity][s];
            if (source.count() > 0)
            {
                stage.appendAll(source);
            }
        }
        final int count = stage.count();
        if (count <= 1)
        {
            if (1 == count)
            {
                inbox.appendAll(stage);
            }
            return;
        }
        if (count > signalKeys.length)
        {
            signalKeys = new long[Math.max(count, signalKeys.length * 2)];
        }
        final long[] keys = signalKeys;
        for (int i = 0; i < count; i++)
        {
            keys[i] = ((long)Handle.slot(stage.sender(i)) << 32) | i;
        }
        Arrays.sort(keys, 0, count);
        for (int i = 0; i < count; i++)
        {
            final int index = (int)keys[i];
            inbox.appendRange(stage, index, index + 1);
        }
    }

    /**
     * Raises a signal outside the slot-order walk: in tick mode through the signal queues, in free-running mode as
     * any message.
     */
    private void signal(final long target, final long sender, final int type, final long payload)
    {
        final int slot = Handle.slot(target);
        if (Handle.NULL_HANDLE == target || slot < 0)
        {
            deadLetter(DeadLetters.STALE_HANDLE, target, sender, type, payload);
            return;
        }
        final int owner = owner(slot, chunkShift, workerCount);
        if (!freeRunning)
        {
            signalSending[owner].append(target, sender, type, payload);
        }
        else if (owner == id)
        {
            local.append(target, sender, type, payload);
        }
        else
        {
            final UnsafeBuffer record = this.record;
            record.putLong(MessageQueue.TARGET_OFFSET, target);
            record.putLong(MessageQueue.SENDER_OFFSET, sender);
            record.putLong(MessageQueue.PAYLOAD_OFFSET, payload);
            record.putInt(MessageQueue.TYPE_OFFSET, type);
            if (Channel.SPILLED == channelsOut[owner].offer(record))
            {
                spilled++;
            }
        }
    }

    /**
     * A dying cell's watchers are told, in the order they asked: DOWN to monitors, EXIT to linked cells.
     */
    private void tellWatchers(final int slot, final long handle, final int reason)
    {
        final Monitors monitors = this.monitors;
        for (int r = monitors.head(slot); NULL_RECORD != r; r = monitors.next(r))
        {
            if (Monitors.KIND_MONITOR == monitors.kind(r))
            {
                downsSent++;
                signal(monitors.watcher(r), handle, Signals.DOWN, monitors.ref(r) | reason);
            }
            else
            {
                exitsSent++;
                signal(monitors.watcher(r), handle, Signals.EXIT, reason);
            }
        }
        monitors.removeAll(slot);
    }

    private void undeliverable(final MessageQueue queue, final int index)
    {
        undeliverable(queue, index, DeadLetters.STALE_HANDLE);
    }

    private void undeliverable(final MessageQueue queue, final int index, final int kind)
    {
        undeliverable(queue.target(index), queue.sender(index), queue.type(index), queue.payload(index), kind);
    }

    private void undeliverable(final long target, final long sender, final int type, final long payload)
    {
        undeliverable(target, sender, type, payload, DeadLetters.STALE_HANDLE);
    }

    /**
     * A message whose target is dead, stale or never existed: a dead letter, except requests to watch it, which are
     * answered at once with reason noproc.
     */
    private void undeliverable(
        final long target, final long sender, final int type, final long payload, final int kind)
    {
        if (Signals.MONITOR_REQUEST == type)
        {
            downsSent++;
            signal(sender, target, Signals.DOWN, payload | ExitReasons.NOPROC);
            return;
        }
        if (Signals.LINK_REQUEST == type)
        {
            exitsSent++;
            signal(sender, target, Signals.EXIT, ExitReasons.NOPROC);
            return;
        }
        deadLetter(kind, target, sender, type, payload);
    }

    /**
     * Counts a dead letter, and writes it to the worker's bounded log if that is on.
     */
    private void deadLetter(final int kind, final long target, final long sender, final int type, final long payload)
    {
        deadLetters++;
        deadLetterLog.record(kind, tick, target, sender, type, payload);
    }

    /**
     * Handles an engine message (type < 0) for a live cell.
     *
     * @return the type to hand to the behaviour, or {@link #CONSUMED}.
     */
    private int onEngineMessage(final CellFlyweight cell, final long sender, final int type, final long payload)
    {
        callId = NO_CALL;
        switch (type)
        {
            case Signals.DOWN:
                return type;
            case Signals.TIMEOUT:
                callId = (int)payload;
                return type;
            case Signals.EXIT:
                if (!monitors.removeLink(cell.slot(), sender))
                {
                    // The link was undone before the partner died: its exit signal no longer applies.
                    return CONSUMED;
                }
                if (0 != (cell.flags() & Monitors.FLAG_TRAP_EXITS))
                {
                    return type;
                }
                final int reason = Signals.reason(payload);
                if (ExitReasons.NORMAL != reason && dyingReason < 0)
                {
                    linkKills++;
                    dyingReason = reason;
                    cell.status(STATUS_DYING);
                }
                return CONSUMED;
            case Signals.MONITOR_REQUEST:
                monitors.add(cell.slot(), sender, payload, Monitors.KIND_MONITOR);
                return CONSUMED;
            case Signals.LINK_REQUEST:
                if (!monitors.isLinked(cell.slot(), sender))
                {
                    monitors.add(cell.slot(), sender, 0, Monitors.KIND_LINK);
                }
                return CONSUMED;
            case Signals.UNLINK_REQUEST:
                monitors.removeLink(cell.slot(), sender);
                return CONSUMED;
            case Signals.DEMONITOR_REQUEST:
                monitors.removeMonitor(cell.slot(), sender, payload);
                return CONSUMED;
            default:
                return onCallOrReply(cell, sender, type);
        }
    }

    private int onCallOrReply(final CellFlyweight cell, final long sender, final int type)
    {
        final int kind = type & Signals.KIND_MASK;
        final int id = Signals.callId(type);
        if (Signals.CALL_KIND == kind)
        {
            callId = id;
            callSlot = cell.slot();
            callTick = tick;
            caller = sender;
            return type & Signals.MAX_CALL_TYPE;
        }
        if (Signals.REPLY_KIND == kind && timers.completeCall(cell.handle(), id))
        {
            callId = id;
            callSlot = cell.slot();
            callTick = tick;
            return type & Signals.MAX_CALL_TYPE;
        }
        // A reply after the call timed out, or a type no engine message has.
        deadLetter(Signals.REPLY_KIND == kind ? DeadLetters.LATE_REPLY : DeadLetters.STALE_HANDLE, cell.handle(), sender,
            type, 0);
        return CONSUMED;
    }

    /**
     * Sends the messages of the timers due by {@code now} (a tick, or nanoseconds when free-running).
     */
    private int fireTimers(final long now)
    {
        final int fired = timers.expire(now);
        if (fired > 0)
        {
            final MessageQueue queue = timers.fired();
            for (int i = 0; i < fired; i++)
            {
                signal(queue.target(i), queue.sender(i), queue.type(i), queue.payload(i));
            }
        }
        return fired;
    }

    /**
     * A reference unique per cell: the tick (plus one, so never 0) and a count of the references the cell took in this
     * tick, with the low 8 bits left free for a reason. The same in every run with the same seed.
     */
    private long nextRef()
    {
        return ((tick + 1) << 16) | ((long)(nextSeq() & 0xFF) << 8);
    }

    private int nextSeq()
    {
        final int slot = cell.slot();
        if (refSlot != slot || refTick != tick)
        {
            refSlot = slot;
            refTick = tick;
            refSeq = 0;
        }
        return refSeq++;
    }

    private void checkTarget(final String operation, final long target)
    {
        if (Handle.NULL_HANDLE == target || Handle.slot(target) < 0)
        {
            throw new IllegalArgumentException(operation + ": not a cell's handle: " + Handle.toString(target));
        }
    }

    /**
     * {@inheritDoc}
     */
    public long monitor(final long target)
    {
        checkTarget("monitor", target);
        final long ref = nextRef();
        sendRecord(target, Signals.MONITOR_REQUEST, ref);
        return ref;
    }

    /**
     * {@inheritDoc}
     */
    public void link(final long target)
    {
        checkTarget("link", target);
        final long self = cell.handle();
        if (target == self)
        {
            return;
        }
        if (!monitors.isLinked(cell.slot(), target))
        {
            monitors.add(cell.slot(), target, 0, Monitors.KIND_LINK);
        }
        sendRecord(target, Signals.LINK_REQUEST, 0);
    }

    /**
     * {@inheritDoc}
     */
    public long sendAfter(final long target, final long delay, final int type, final long payload)
    {
        checkTarget("sendAfter", target);
        if (type < 0)
        {
            throw new IllegalArgumentException("sendAfter: message types < 0 are the engine's: type=" + type);
        }
        if (delay < (freeRunning ? 0 : 1))
        {
            throw new IllegalArgumentException("sendAfter: delay must be >= " + (freeRunning ? "0 ns" : "1 tick") +
                ": delay=" + delay);
        }
        final long id = Timers.timerId(cell.slot(), tick, nextSeq());
        final long deadline = freeRunning ? System.nanoTime() + delay : tick + delay - 1;
        timers.schedule(id, deadline, target, cell.handle(), type, payload, Timers.KIND_MESSAGE);
        return id;
    }

    /**
     * {@inheritDoc}
     */
    public boolean cancelTimer(final long timerId)
    {
        if (!timers.cancel(timerId))
        {
            return false;
        }
        deadLetter(DeadLetters.CANCELLED_TIMER, timers.cancelledTarget(), timers.cancelledSender(),
            timers.cancelledType(), timers.cancelledPayload());
        return true;
    }

    /**
     * {@inheritDoc}
     */
    public int call(final long target, final int type, final long payload, final long timeout)
    {
        checkTarget("call", target);
        if (type < 0 || type > Signals.MAX_CALL_TYPE)
        {
            throw new IllegalArgumentException("call: type must be in 0.." + Signals.MAX_CALL_TYPE + ": type=" + type);
        }
        if (timeout < 1)
        {
            throw new IllegalArgumentException("call: timeout must be >= 1: timeout=" + timeout);
        }
        final long self = cell.handle();
        int id = (int)((tick * 7 + nextSeq()) & Signals.CALL_ID_MASK);
        for (int probes = 0; timers.isCallPending(self, id); probes++)
        {
            if (probes > Signals.CALL_ID_MASK)
            {
                throw new IllegalStateException("call: " + (Signals.CALL_ID_MASK + 1) + " calls outstanding already");
            }
            id = (id + 1) & Signals.CALL_ID_MASK;
        }
        final long timerId = Timers.timerId(cell.slot(), tick, nextSeq());
        final long deadline = freeRunning ? System.nanoTime() + timeout : tick + timeout - 1;
        timers.schedule(timerId, deadline, self, self, Signals.TIMEOUT, id, Timers.KIND_CALL_TIMEOUT);
        timers.addCall(self, id, timerId);
        sendRecord(target, Signals.call(id, type), payload);
        return id;
    }

    /**
     * {@inheritDoc}
     */
    public int callId()
    {
        return callSlot == cell.slot() && callTick == tick ? callId : NO_CALL;
    }

    /**
     * {@inheritDoc}
     */
    public void reply(final int type, final long payload)
    {
        final int id = callId();
        if (NO_CALL == id)
        {
            throw new IllegalStateException("reply: the message being handled is not a call");
        }
        reply(caller, id, type, payload);
    }

    /**
     * {@inheritDoc}
     */
    public void reply(final long caller, final int callId, final int type, final long payload)
    {
        checkTarget("reply", caller);
        if (type < 0 || type > Signals.MAX_CALL_TYPE)
        {
            throw new IllegalArgumentException("reply: type must be in 0.." + Signals.MAX_CALL_TYPE + ": type=" + type);
        }
        if (callId < 0 || callId > Signals.CALL_ID_MASK)
        {
            throw new IllegalArgumentException("reply: not a call id: " + callId);
        }
        sendRecord(caller, Signals.reply(callId, type), payload);
    }

    /**
     * {@inheritDoc}
     */
    public void demonitor(final long target, final long ref)
    {
        checkTarget("demonitor", target);
        sendRecord(target, Signals.DEMONITOR_REQUEST, ref);
    }

    /**
     * {@inheritDoc}
     */
    public void unlink(final long target)
    {
        checkTarget("unlink", target);
        if (monitors.removeLink(cell.slot(), target))
        {
            sendRecord(target, Signals.UNLINK_REQUEST, 0);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void trapExits(final boolean trap)
    {
        final byte flags = cell.flags();
        cell.flags((byte)(trap ? flags | Monitors.FLAG_TRAP_EXITS : flags & ~Monitors.FLAG_TRAP_EXITS));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Free-running mode.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * One duty cycle in free-running mode: the driver's messages, spilled records into the rings, the rings and the
     * local queue drained (each message handled at once), then a batch of tick steps. Bounded, so that a worker comes
     * back to its rings every {@code stepBatch} cells.
     *
     * @return work done.
     */
    int freeWork()
    {
        inTick = true;
        try
        {
            int work = groups.pendingChanges() + fireTimers(System.nanoTime());
            groups.applyPending();
            final MessageQueue externalBroadcasts = this.externalBroadcasts;
            if (externalBroadcasts.count() > 0)
            {
                work += externalBroadcasts.count();
                deliverBroadcasts(externalBroadcasts);
                externalBroadcasts.clear();
            }
            final MessageQueue external = this.external;
            if (external.count() > 0)
            {
                for (int i = 0, count = external.count(); i < count; i++)
                {
                    deliverNow(external.target(i), external.sender(i), external.type(i), external.payload(i));
                }
                work += external.count();
                external.clear();
            }
            for (int w = 0; w < workerCount; w++)
            {
                final Channel out = channelsOut[w];
                if (null != out && out.spillSize() > 0)
                {
                    work += out.flush();
                }
            }
            for (int w = 0; w < workerCount; w++)
            {
                final Channel in = channelsIn[w];
                if (null != in)
                {
                    work += in.drain(ringHandler, stepBatch);
                }
            }
            if (local.count() > 0)
            {
                final MessageQueue delivering = local;
                local = localDelivering;
                localDelivering = delivering;
                for (int i = 0, count = delivering.count(); i < count; i++)
                {
                    deliverNow(delivering.target(i), delivering.sender(i), delivering.type(i), delivering.payload(i));
                }
                work += delivering.count();
                delivering.clear();
            }
            adoptNewChunks();
            restartSome();
            work += stepSome(stepBatch);
            terminatePending();
            activateNewborn();
            return work;
        }
        finally
        {
            inTick = false;
        }
    }

    private void onRingMessage(final int typeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        deliverNow(buffer.getLong(index + MessageQueue.TARGET_OFFSET), buffer.getLong(index + MessageQueue.SENDER_OFFSET),
            buffer.getInt(index + MessageQueue.TYPE_OFFSET), buffer.getLong(index + MessageQueue.PAYLOAD_OFFSET));
    }

    private void deliverNow(final long target, final long sender, final int type, final long payload)
    {
        final int slot = Handle.slot(target);
        if (slot < 0)
        {
            final MessageQueue record = freeBroadcast;
            record.clear();
            record.append(~slot, sender, type, payload);
            deliverBroadcasts(record);
            return;
        }
        if (!arena.exists(slot))
        {
            undeliverable(target, sender, type, payload);
            return;
        }
        final CellFlyweight cell = arena.wrap(this.cell, slot);
        if (STATUS_ALIVE != cell.status() || cell.generation() != Handle.generation(target))
        {
            undeliverable(target, sender, type, payload);
            return;
        }
        try
        {
            final short id = cell.behaviourId();
            if (checksIntegrity[id] && !behaviours[id].isIntact(cell))
            {
                dyingReason = ExitReasons.CORRUPT;
            }
            else if (type >= 0)
            {
                delivered++;
                callId = NO_CALL;
                behaviours[id].onMessage(cell, this, sender, type, payload);
            }
            else
            {
                final int delivering = onEngineMessage(cell, sender, type, payload);
                if (CONSUMED != delivering)
                {
                    delivered++;
                    behaviours[id].onMessage(cell, this, sender, delivering, payload);
                }
            }
        }
        catch (final Throwable t)
        {
            onFailure(t);
        }
        if (dyingReason >= 0)
        {
            finishDeath(slot);
        }
    }

    /**
     * Advances up to about {@code limit} cells with a tick step, continuing where the last batch stopped; a pass over
     * all of this worker's cells counts as one tick of this worker.
     */
    private int stepSome(final int limit)
    {
        final IntArrayList chunks = this.chunks;
        final int size = chunks.size();
        if (0 == size)
        {
            tick++;
            return 0;
        }
        int stepped = 0;
        while (stepped < limit)
        {
            if (cursorChunk >= size)
            {
                cursorChunk = 0;
                cursorWord = 0;
                tick++;
                if (0 == stepped)
                {
                    // A whole pass found nothing to step: leave the rest of the batch to the idle strategy.
                    break;
                }
            }
            final int chunk = chunks.getInt(cursorChunk);
            final UnsafeBuffer buffer = arena.chunk(chunk);
            final int words = (arena.highWater(chunk) + 63) >>> 6;
            final int base = chunk << chunkShift;
            while (cursorWord < words && stepped < limit)
            {
                final int w = cursorWord++;
                stepped += stepWord(buffer, base, w, buffer.getLong(stepOffset + (w << 3)));
            }
            if (cursorWord >= words)
            {
                cursorChunk++;
                cursorWord = 0;
            }
        }
        updates += stepped;
        return stepped;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // CellContext: called by behaviours during a visit.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     */
    public long self()
    {
        return cell.handle();
    }

    /**
     * {@inheritDoc}
     */
    public long tick()
    {
        return tick;
    }

    /**
     * {@inheritDoc}
     */
    public int worker()
    {
        return id;
    }

    /**
     * {@inheritDoc}
     */
    public int send(final long target, final int type, final long payload)
    {
        if (type < 0)
        {
            throw new IllegalArgumentException("send: message types < 0 are the engine's (see Signals): type=" + type);
        }
        return sendRecord(target, type, payload);
    }

    /**
     * Sends a record from the cell being visited, in slot order with its other messages: user messages and the
     * engine's requests (monitor, link, call, reply).
     */
    private int sendRecord(final long target, final int type, final long payload)
    {
        final int slot = Handle.slot(target);
        if (Handle.NULL_HANDLE == target || slot < 0)
        {
            deadLetter(DeadLetters.STALE_HANDLE, target, cell.handle(), type, payload);
            return DEAD_LETTER;
        }
        final int owner = owner(slot, chunkShift, workerCount);
        sent++;
        if (owner != id)
        {
            crossWorker++;
        }
        if (!freeRunning)
        {
            final MessageQueue queue = sending[owner];
            final int family = cell.slot() >>> familyBitShift;
            if (family != queue.lastFamily())
            {
                queue.startRun(family);
            }
            queue.append(target, cell.handle(), type, payload);
        }
        else if (owner == id)
        {
            local.append(target, cell.handle(), type, payload);
        }
        else
        {
            final UnsafeBuffer record = this.record;
            record.putLong(MessageQueue.TARGET_OFFSET, target);
            record.putLong(MessageQueue.SENDER_OFFSET, cell.handle());
            record.putLong(MessageQueue.PAYLOAD_OFFSET, payload);
            record.putInt(MessageQueue.TYPE_OFFSET, type);
            if (Channel.SPILLED == channelsOut[owner].offer(record))
            {
                spilled++;
            }
        }
        return SENT;
    }

    /**
     * {@inheritDoc}
     */
    public long spawn(final Genotype genotype)
    {
        if (!inTick)
        {
            throw new IllegalStateException("spawn through a CellContext only during a callback");
        }
        final int parentChunk = cell.slot() >>> chunkShift;
        int slot = arena.allocate(parentChunk);
        if (slot < 0)
        {
            slot = allocateInFamily(parentChunk);
        }
        newborn.addInt(slot);
        return initialise(slot, genotype);
    }

    /**
     * The parent's chunk is full: the first chunk of its family with room, creating the next one if all are full.
     */
    private int allocateInFamily(final int parentChunk)
    {
        final int root = parentChunk & -FAMILY_CHUNKS;
        for (int chunk = root; chunk < root + FAMILY_CHUNKS; chunk++)
        {
            if (!arena.hasChunk(chunk))
            {
                arena.addChunk(chunk);
                newChunks.addInt(chunk);
                // A new chunk has free slots the driver's spawns may use: it counts as freed for the fill hint.
                lowestFreedChunk = Math.min(lowestFreedChunk, chunk);
                return arena.allocate(chunk);
            }
            final int slot = arena.allocate(chunk);
            if (slot >= 0)
            {
                return slot;
            }
        }
        throw new KaryonException("family " + (root >>> FAMILY_SHIFT) + " is full: " + FAMILY_CHUNKS + " chunks of " +
            arena.chunkSlots() + " slots; spawn from another family or raise " + Configuration.CHUNK_SHIFT_PROP_NAME);
    }

    /**
     * {@inheritDoc}
     */
    public void die(final int reason)
    {
        if (!reasons.isValid(reason))
        {
            throw new IllegalArgumentException("die: unknown exit reason code " + reason);
        }
        if (dyingReason < 0)
        {
            dyingReason = reason;
            cell.status(STATUS_DYING);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void join(final int group)
    {
        groups.checkGroup("join", group);
        groups.buffer(cell.handle(), group, true);
    }

    /**
     * {@inheritDoc}
     */
    public void leave(final int group)
    {
        groups.checkGroup("leave", group);
        groups.buffer(cell.handle(), group, false);
    }

    /**
     * {@inheritDoc}
     */
    public void broadcast(final int group, final int type, final long payload)
    {
        groups.checkGroup("broadcast", group);
        if (type < 0)
        {
            throw new IllegalArgumentException("broadcast: message types < 0 are the engine's: type=" + type);
        }
        groups.broadcastsSent++;
        final long sender = cell.handle();
        if (!freeRunning)
        {
            final int family = cell.slot() >>> familyBitShift;
            final MessageQueue[] sending = broadcastSending;
            for (int w = 0; w < workerCount; w++)
            {
                final MessageQueue queue = sending[w];
                if (family != queue.lastFamily())
                {
                    queue.startRun(family);
                }
                queue.append(group, sender, type, payload);
            }
            return;
        }
        final long target = broadcastTarget(group);
        for (int w = 0; w < workerCount; w++)
        {
            if (w == id)
            {
                local.append(target, sender, type, payload);
                continue;
            }
            final UnsafeBuffer record = this.record;
            record.putLong(MessageQueue.TARGET_OFFSET, target);
            record.putLong(MessageQueue.SENDER_OFFSET, sender);
            record.putLong(MessageQueue.PAYLOAD_OFFSET, payload);
            record.putInt(MessageQueue.TYPE_OFFSET, type);
            if (Channel.SPILLED == channelsOut[w].offer(record))
            {
                spilled++;
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public long nextLong()
    {
        final int slot = cell.slot();
        if (rngSlot != slot || rngTick != tick)
        {
            rngSlot = slot;
            rngTick = tick;
            rngState = mix(mix(mix(seed ^ slot) + cell.generation()) + tick);
        }
        rngState += GOLDEN_GAMMA;
        return mix(rngState);
    }

    /**
     * {@inheritDoc}
     */
    public double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * SplitMix64's finaliser (Stafford's variant 13): a bijective 64-bit mix with good avalanche.
     */
    static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
