package io.karyon.engine;

import io.karyon.engine.cell.Handle;
import io.karyon.supervisor.RestartBudget;
import io.karyon.supervisor.RestartDecision;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartTableDescriptor;
import io.karyon.supervisor.RestartType;
import org.agrona.collections.LongArrayList;

import java.util.Arrays;

import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;

/**
 * Supervision of the cells in one worker's families: the supervision homes it owns, what their supervisors decide when
 * a child exits (restarts paced by each home's budget, siblings terminated, escalation, giving up), and the notices
 * that carry a decision to a home of another worker, taken at the start of the next tick.
 * <p>
 * Supervisors' intensity windows are measured in ticks in tick mode and in milliseconds since launch when
 * free-running.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class Supervision extends WorkerPadding
{
    private static final int NOTICE_EXIT = 0;
    private static final int NOTICE_RESTART = 1;
    private static final int NOTICE_TERMINATE = 2;

    private final Slice slice;
    private final Population population;
    private final ExitReasons reasons;
    private final int workerCount;
    private final int familyBitShift;
    private final int chunkShift;
    private final boolean freeRunning;
    private final long launchNs = System.nanoTime();
    // The homes of the supervision trees in this worker's families, by family and in family order.
    private SupervisionHome[] homeOfFamily = new SupervisionHome[0];
    private SupervisionHome[] homes = new SupervisionHome[0];
    private SupervisionHome[] allHomes = new SupervisionHome[0];
    private SupervisionHome restarting;
    private final LongArrayList[][] noticesOut;
    private final LongArrayList[][] noticesIn;
    private final RestartDecision decision = new RestartDecision();
    private final RestartBudget.RestartHandler restartHandler = this::onRestart;
    private Genotype[] genotypes = new Genotype[0];
    private String gaveUp;
    private final LongArrayList pendingTerminations = new LongArrayList();

    Supervision(final Slice slice, final Population population, final ExitReasons reasons, final int chunkShift,
        final boolean freeRunning)
    {
        this.slice = slice;
        this.population = population;
        this.reasons = reasons;
        this.workerCount = slice.workerCount;
        this.chunkShift = chunkShift;
        this.familyBitShift = chunkShift + FAMILY_SHIFT;
        this.freeRunning = freeRunning;
        this.noticesOut = new LongArrayList[2][workerCount];
        this.noticesIn = new LongArrayList[2][workerCount];
        for (int p = 0; p < 2; p++)
        {
            for (int w = 0; w < workerCount; w++)
            {
                noticesOut[p][w] = new LongArrayList();
            }
        }
    }

    /**
     * Takes the notice lists the peers fill for this worker.
     */
    void connect(final Slice[] peers)
    {
        for (int p = 0; p < 2; p++)
        {
            for (int s = 0; s < workerCount; s++)
            {
                noticesIn[p][s] = peers[s].supervision.noticesOut[p][slice.id];
            }
        }
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
        home.monitors = slice.monitors;
        final SupervisionHome[] homes = Arrays.copyOf(this.homes, this.homes.length + 1);
        homes[homes.length - 1] = home;
        Arrays.sort(homes, (a, b) -> Integer.compare(a.family, b.family));
        this.homes = homes;
    }

    /**
     * The homes this worker owns, in family order: a sharded run ships their published children to the other
     * shards ({@link ShardExchange}).
     */
    SupervisionHome[] homes()
    {
        return homes;
    }

    // Checkpoints, between ticks.

    /**
     * Forgets the homes and the notices waiting (a checkpoint restore), before the checkpoint's are put back.
     */
    void clearForRestore()
    {
        homeOfFamily = new SupervisionHome[0];
        homes = new SupervisionHome[0];
        for (final LongArrayList[] parity : noticesOut)
        {
            for (final LongArrayList notices : parity)
            {
                notices.clear();
            }
        }
        pendingTerminations.clear();
    }

    /**
     * The home in one of this worker's families, or null.
     */
    SupervisionHome homeOfFamily(final int family)
    {
        return family < homeOfFamily.length ? homeOfFamily[family] : null;
    }

    /**
     * Appends the notices a home of this worker sent that wait for the next tick, header then body, in send order.
     */
    void noticesOf(final int home, final LongArrayList into)
    {
        for (final LongArrayList notices : noticesOut[(int)((slice.tick - 1) & 1)])
        {
            for (int i = 0, size = notices.size(); i < size; i += 2)
            {
                final long header = notices.getLong(i);
                if ((int)(header >>> 48 & 0xFF) == home)
                {
                    into.addLong(header);
                    into.addLong(notices.getLong(i + 1));
                }
            }
        }
    }

    /**
     * Puts back a notice waiting for the next tick, for the worker that now owns its target home.
     */
    void restoreNotice(final long header, final long body)
    {
        final int worker = allHomes[(int)(header >>> 40 & 0xFF)].family % workerCount;
        final LongArrayList out = noticesOut[(int)((slice.tick - 1) & 1)][worker];
        out.addLong(header);
        out.addLong(body);
    }

    /**
     * The child id of a cell of this worker, or {@link CellContext#NO_CHILD} if it is no supervisor's child.
     */
    long childId(final long handle)
    {
        final SupervisionHome home = homeOfFamily(Handle.slot(handle) >>> familyBitShift);
        if (null == home)
        {
            return CellContext.NO_CHILD;
        }
        final int entry = home.table.entryOf(handle);
        return RestartTableDescriptor.NULL_ENTRY == entry ? CellContext.NO_CHILD : home.directory.idOf(entry);
    }

    /**
     * Keeps the monitors that follow a dying cell beside its entry until its restart, if it is a supervisor's child;
     * frees them otherwise.
     */
    void parkFollowers(final long handle, final int followers)
    {
        if (Monitors.NULL_RECORD == followers)
        {
            return;
        }
        final SupervisionHome home = homeOfFamily(Handle.slot(handle) >>> familyBitShift);
        final int entry = null == home ? RestartTableDescriptor.NULL_ENTRY : home.table.entryOf(handle);
        if (RestartTableDescriptor.NULL_ENTRY == entry)
        {
            slice.monitors.freeChain(followers);
            return;
        }
        home.park(entry, followers);
    }

    /**
     * What a child id names as of the start of the current tick (see {@link ChildDirectory}).
     *
     * @throws IllegalArgumentException if it never named a child.
     */
    long child(final long childId)
    {
        // Free-running mode has no ticks to wait for: the newest record, which may lag (see ChildDirectory).
        return child(allHomes, childId, freeRunning ? ChildDirectory.NEWEST : slice.tick);
    }

    /**
     * What a child id names for the readers of a tick, among an organism's homes.
     *
     * @throws IllegalArgumentException if it never named a child.
     */
    static long child(final SupervisionHome[] homes, final long childId, final long tick)
    {
        final int index = ChildDirectory.homeOfId(childId);
        if (childId < 0 || index >= homes.length || null == homes[index])
        {
            throw new IllegalArgumentException(ChildDirectory.badId(childId, childId < 0 ? "it is negative" :
                "the organism has no supervision home " + index));
        }
        return homes[index].directory.lookup(tick, childId);
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
     * Spawns a supervised cell from outside a tick into a slot of its home's families, and enters it as a child of a
     * supervisor row of this worker.
     */
    long spawnSupervised(final SupervisionHome home, final Genotype genotype, final int row, final RestartType type)
    {
        final int slot = population.allocateInHome(home.rootChunk);
        final long handle = population.spawnAt(slot, genotype);
        population.supervisorRow(slot, row);
        final RestartTable table = home.table;
        final int entry = RestartStrategy.SIMPLE_ONE_FOR_ONE == table.strategy(row) ?
            table.startChild(row, handle, type) : table.addChild(row, handle, type);
        home.remember(entry, genotype.id(), slot >>> chunkShift);
        home.directory.publishBetweenTicks(slice.tick, table);
        return handle;
    }

    /**
     * Enters a cell just spawned outside a tick (a supervised cohort's) as a child of a supervisor row of a home of
     * this worker.
     */
    void enterChild(final SupervisionHome home, final Genotype genotype, final int slot, final long handle,
        final int row, final RestartType type)
    {
        population.supervisorRow(slot, row);
        final RestartTable table = home.table;
        final int entry = RestartStrategy.SIMPLE_ONE_FOR_ONE == table.strategy(row) ?
            table.startChild(row, handle, type) : table.addChild(row, handle, type);
        home.remember(entry, genotype.id(), slot >>> chunkShift);
        home.directory.publishBetweenTicks(slice.tick, table);
    }

    /**
     * The notices this worker's homes send {@code worker}'s in ticks of a parity, header then body: what a sharded
     * run ships to, or fills from, another shard at the barrier ({@link ShardExchange}).
     */
    LongArrayList noticesOut(final int parity, final int worker)
    {
        return noticesOut[parity][worker];
    }

    /**
     * Empties the notice lists tick {@code tick} fills.
     */
    void startTick(final long tick)
    {
        for (final LongArrayList notices : noticesOut[(int)(tick & 1)])
        {
            notices.clear();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Restarts and terminations, at the start and the end of a tick.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Restarts as many of the queued children as each home's budget allows this tick.
     */
    void restartSome()
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
     * Restarts one child a supervisor decided to restart: a fresh slot beside its old one, its genotype's state, a
     * new handle for its supervisor. Entries no longer waiting to start (removed, terminated or freed meanwhile) and
     * child supervisors (which the table restarts itself) are skipped.
     */
    private void onRestart(final int row, final int entry)
    {
        final SupervisionHome home = restarting;
        final RestartTable table = home.table;
        // The entry's own row: a queued restart's entry may have been freed and reused under another supervisor.
        final int owner = table.waitingRow(entry);
        if (RestartTableDescriptor.NULL_ROW == owner)
        {
            return;
        }
        final int slot = population.allocateInHome(home.chunkOf(entry));
        final Genotype genotype = genotypes[home.genotypeOf(entry)];
        final long handle = population.initialise(slot, genotype, owner);
        final int reason = ExitReasons.fromRestartTable(table.lastExitReason(entry));
        table.updateHandle(entry, handle);
        home.directory.touched(entry);
        if (home.hasFollowers())
        {
            final int followers = home.unpark(entry);
            if (Monitors.NULL_RECORD != followers)
            {
                followRestart(followers, slot, handle);
            }
        }
        if (population.hasTick(genotype.behaviourId()))
        {
            population.setStep(slot);
        }
        slice.restarts++;
        slice.restartsByReason[reason]++;
    }

    /**
     * The monitors that followed a restarted child's predecessor are told its new handle, and watch it from now on.
     */
    private void followRestart(final int chain, final int slot, final long handle)
    {
        final Monitors monitors = slice.monitors;
        for (int r = chain; Monitors.NULL_RECORD != r; r = monitors.next(r))
        {
            slice.mailboxes.signal(monitors.watcher(r), handle, Signals.RESTARTED, monitors.ref(r));
        }
        monitors.attach(slot, chain);
    }

    /**
     * Terminates the siblings a decision in this tick terminated, at its end, as exit signals would go.
     */
    void terminatePending()
    {
        final LongArrayList pending = pendingTerminations;
        for (int i = 0; i < pending.size(); i++)
        {
            terminate(pending.getLong(i));
        }
        pending.clear();
        // What the tick did to the homes' children, for the next tick's lookups (see ChildDirectory).
        for (final SupervisionHome home : homes)
        {
            home.directory.publish(slice.tick, home.table);
        }
    }

    private void terminate(final long handle)
    {
        if (population.isLive(handle))
        {
            slice.release(Handle.slot(handle), ExitReasons.SHUTDOWN, false);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Decisions.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Tells the supervisor of a cell that exited, if the cell lies in a supervision home's family (only there can it
     * have one), and carries out the decision.
     *
     * @param slot the cell's slot, {@code handle}'s.
     */
    void onExit(final int slot, final long handle, final int reason)
    {
        final SupervisionHome[] homeOfFamily = this.homeOfFamily;
        final int family = slot >>> familyBitShift;
        if (family < homeOfFamily.length)
        {
            final SupervisionHome home = homeOfFamily[family];
            if (null != home)
            {
                onSupervisedExit(home, handle, reason);
            }
        }
    }

    private void onSupervisedExit(final SupervisionHome home, final long handle, final int reason)
    {
        final long now = clock();
        final RestartDecision decision = this.decision;
        final int kind = home.table.onCellExit(
            handle, ExitReasons.toRestartTable(reason), ExitReasons.NORMAL != reason, now, decision);
        // The decision names the exited entry (none for an unknown handle): no second lookup by handle.
        final int exited = decision.exitedEntry();
        home.directory.touched(exited);
        if (RestartDecision.RESTART == kind && 0 == decision.terminateCount() && 1 == decision.restartCount() &&
            exited == decision.restartEntry(0) && !home.hasRemotes())
        {
            // The common case, a child restarted alone in a home with no links to others: queued for its restart,
            // its entry already touched (carryOut's work, in a few instructions).
            home.budget.offer(decision.row(), exited);
        }
        else
        {
            carryOut(home, kind, now, handle, reason);
        }
        if (!slice.inTick)
        {
            home.directory.publishBetweenTicks(slice.tick, home.table);
        }
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
            terminateSiblings(home, decision);
            if (RestartDecision.RESTART == kind)
            {
                // Only a home linked to others has child supervisors whose restart another home must hear of.
                final boolean linked = home.hasRemotes();
                for (int i = 0, count = decision.restartCount(); i < count; i++)
                {
                    final int entry = decision.restartEntry(i);
                    home.directory.touched(entry);
                    home.budget.offer(decision.row(), entry);
                    if (linked)
                    {
                        notifyRemote(home, table.childRow(entry), NOTICE_RESTART, RestartTable.REASON_SHUTDOWN);
                    }
                }
                return;
            }
            if (RestartDecision.ESCALATE == kind)
            {
                slice.escalations++;
                kind = table.onChildExit(decision.escalateRow(), decision.escalateEntry(),
                    decision.escalationReason(), true, now, decision);
                continue;
            }
            if (RestartDecision.GIVE_UP == kind)
            {
                if (SupervisionHome.NO_REMOTE != home.remoteOf(decision.row()))
                {
                    slice.escalations++;
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
     * The siblings a decision terminates: cells here (in a tick at its end, so that a worker's bitmap walk never
     * meets a slot freed, and maybe reused, behind its back), child supervisors in other homes by notice.
     */
    private void terminateSiblings(final SupervisionHome home, final RestartDecision decision)
    {
        for (int i = 0, count = decision.terminateCount(); i < count; i++)
        {
            home.directory.touched(decision.terminateEntry(i));
            final long terminated = decision.terminateHandle(i);
            if (RestartTableDescriptor.NULL_HANDLE != terminated)
            {
                if (slice.inTick)
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
        final int worker = Families.ownerOfFamily(allHomes[targetHome].family, workerCount);
        // Between ticks (the driver killing a cell) into the lists the next tick reads, in a tick into this tick's.
        final long tick = slice.tick;
        final LongArrayList out = noticesOut[(int)((slice.inTick ? tick : tick - 1) & 1)][worker];
        out.addLong((long)kind << 56 | (long)home.index << 48 | (long)targetHome << 40);
        out.addLong(remote << 32 | (reason & 0xFFFF_FFFFL));
    }

    /**
     * Takes the notices other homes sent this worker's homes in the previous tick: in order of the sending home, and
     * in the order each home sent them, which does not depend on the number of workers.
     */
    void takeNotices(final long tick)
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
        final long now = clock();
        // Taken by source home, lowest first: only the homes that sent any are walked (there are up to 127).
        long sourcesLow = 0;
        long sourcesHigh = 0;
        for (final LongArrayList notices : in)
        {
            for (int i = 0, size = notices.size(); i < size; i += 2)
            {
                final int source = (int)(notices.getLong(i) >>> 48 & 0xFF);
                if (source < 64)
                {
                    sourcesLow |= 1L << source;
                }
                else
                {
                    sourcesHigh |= 1L << source;
                }
            }
        }
        while (0 != (sourcesLow | sourcesHigh))
        {
            final int source;
            if (0 != sourcesLow)
            {
                source = Long.numberOfTrailingZeros(sourcesLow);
                sourcesLow &= sourcesLow - 1;
            }
            else
            {
                source = 64 + Long.numberOfTrailingZeros(sourcesHigh);
                sourcesHigh &= sourcesHigh - 1;
            }
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
        final int kind;
        switch ((int)(header >>> 56))
        {
            case NOTICE_EXIT:
                kind = table.onChildExit(table.parentRow(row), table.parentEntry(row), reason, true, now, decision);
                break;
            case NOTICE_RESTART:
                kind = table.restartSupervisor(row, now, decision);
                break;
            default:
                kind = table.terminateSupervisor(row, now, decision);
                break;
        }
        carryOut(home, kind, now, Handle.NULL_HANDLE, ExitReasons.SHUTDOWN);
    }

    /**
     * The time supervisors' intensity windows are measured in: the tick in tick mode; in free-running mode, which has
     * no ticks, milliseconds since the organism was launched.
     */
    private long clock()
    {
        return freeRunning ? (System.nanoTime() - launchNs) / 1_000_000 : slice.tick;
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
        return "supervisor " + Supervisor.id(home.index, decision.row()) + " (supervision home " + home.index +
            ", row " + decision.row() + ") gave up at " + unit + " " + decision.now() + ": more than " +
            decision.intensity() + " restarts within " + decision.period() + " " + unit + "s, restarts at " + unit +
            "s [" + window + "]; the exit that tipped it: " + (Handle.NULL_HANDLE == handle ?
            "a child supervisor in another home" : "cell " + Handle.toString(handle)) + " with reason " +
            reasons.name(reason) + (decision.exitedHandle() != handle ?
            ", escalated to it as " + reasons.name(ExitReasons.fromRestartTable(decision.exitReason())) : "");
    }
}
