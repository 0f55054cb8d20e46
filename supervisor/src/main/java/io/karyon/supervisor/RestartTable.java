package io.karyon.supervisor;

import static io.karyon.supervisor.RestartTableDescriptor.CHILD_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STARTING;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ENTRY;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_HANDLE;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ROW;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_RUNNING;

/**
 * The restart table: one off-heap row per supervisor and one off-heap entry per child, deciding what happens when
 * a child exits with the semantics of the Erlang/OTP {@code supervisor} module.
 * <p>
 * Semantics (OTP {@code supervisor}, {@code do_restart/3}, {@code restart/3} and {@code add_restart/3}):
 * <ul>
 *     <li>a {@link RestartType#PERMANENT} child is always restarted; a {@link RestartType#TRANSIENT} child only after
 *     an abnormal exit (not {@link #REASON_NORMAL}, {@link #REASON_SHUTDOWN} or a code given to
 *     {@link #markNormalReason(int)}, the analogue of {@code {shutdown, Term}}); a {@link RestartType#TEMPORARY}
 *     child never, and it is also dropped when a group restart terminates it;</li>
 *     <li>a static child that is not restarted keeps its place but stops (OTP {@code pid = undefined}); a later
 *     {@link RestartStrategy#ONE_FOR_ALL} or {@link RestartStrategy#REST_FOR_ONE} restart starts it again, as OTP's
 *     {@code start_children} does; a dynamic child is freed;</li>
 *     <li>each restart is added to the row's window; restarts older than {@code now - period} are forgotten, and if
 *     more than {@code intensity} remain the supervisor terminates all its children in reverse start order, then
 *     itself, with reason {@link #REASON_SHUTDOWN}: the decision says to escalate to the parent row, or that a
 *     top-level supervisor gave up;</li>
 *     <li>a parent handles the escalation as the exit of its child supervisor entry; restarting a child supervisor
 *     resets its window and starts all its static children again (its {@code init/1} runs again), and terminating
 *     one terminates its subtree first.</li>
 * </ul>
 * Children are known only as 64-bit handles whose low 32 bits are a slot; a slot map finds a running child's entry
 * from its handle in O(1), and a handle that is not the entry's current one is a stale exit, ignored and counted.
 * Create, add and remove are the cold edge and throw {@link IllegalArgumentException} naming the bad value; exits
 * and handle updates are the hot path and allocate nothing (a {@link RestartDecision} grows only past its largest
 * size so far).
 * <p>
 * The table is the facade: it checks its arguments and hands the decisions to a {@link RestartDecider}, which reads
 * and writes four off-heap stores laid out by {@link RestartTableDescriptor}: {@link SupervisorRows},
 * {@link ChildEntries}, {@link RestartWindows} and {@link ChildSlotMap}.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
public final class RestartTable implements AutoCloseable
{
    /**
     * Exit reason {@code normal}.
     */
    public static final int REASON_NORMAL = 0;

    /**
     * Exit reason {@code shutdown}: normal for a transient child, and the reason of a supervisor that gave up.
     */
    public static final int REASON_SHUTDOWN = 1;

    // Package-private for RestartTableImage, which writes and reads them for a checkpoint.
    final SupervisorRows rows;
    final ChildEntries entries;
    final RestartWindows windows;
    final ChildSlotMap slots;
    final RestartDecider decider;

    /**
     * A table with room for 16 rows, 256 entries and 1024 slots before it grows.
     */
    public RestartTable()
    {
        this(16, 256, 1024);
    }

    /**
     * A table sized up front; every area doubles when it is full.
     *
     * @param initialRows    supervisor rows before growing.
     * @param initialEntries child entries before growing.
     * @param initialSlots   cell slots in the slot map before growing.
     * @throws IllegalArgumentException if any size is not positive.
     */
    public RestartTable(final int initialRows, final int initialEntries, final int initialSlots)
    {
        this(initialRows, initialEntries, initialSlots, 0);
    }

    /**
     * A table whose children all live in slots from {@code slotBase} up, such as one family of an arena: the slot map
     * then covers only the slots from the base, not every slot below them.
     *
     * @param initialRows    supervisor rows before growing.
     * @param initialEntries child entries before growing.
     * @param initialSlots   cell slots in the slot map before growing.
     * @param slotBase       lowest slot a child may have, >= 0.
     * @throws IllegalArgumentException if any size is not positive or the base is negative.
     */
    public RestartTable(final int initialRows, final int initialEntries, final int initialSlots, final int slotBase)
    {
        if (slotBase < 0)
        {
            throw new IllegalArgumentException("slotBase must be >= 0: " + slotBase);
        }
        OffHeapAreas.checkPositive("initialRows", initialRows);
        OffHeapAreas.checkPositive("initialEntries", initialEntries);
        OffHeapAreas.checkPositive("initialSlots", initialSlots);
        rows = new SupervisorRows(initialRows);
        entries = new ChildEntries(rows, initialEntries);
        windows = new RestartWindows(initialRows * 4);
        slots = new ChildSlotMap(initialSlots, slotBase);
        decider = new RestartDecider(rows, entries, windows, slots);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Cold edge: building the tree.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Creates a top-level supervisor row.
     *
     * @param strategy  of the supervisor.
     * @param intensity most restarts allowed within one period (OTP MaxR), 0 to 63.
     * @param period    length of the window in the caller's time unit (OTP MaxT), > 0.
     * @return the new row id.
     * @throws IllegalArgumentException if strategy is null, intensity is out of range or period is not positive.
     */
    public int createSupervisor(final RestartStrategy strategy, final int intensity, final long period)
    {
        return createRow(strategy, intensity, period, NULL_ROW, NULL_ENTRY);
    }

    /**
     * Creates a supervisor row as a child of another: static child of a parent with a static strategy, dynamic child
     * of a {@link RestartStrategy#SIMPLE_ONE_FOR_ONE} parent.
     *
     * @param strategy    of the new supervisor.
     * @param intensity   most restarts allowed within one period, 0 to 63.
     * @param period      length of the window in the caller's time unit, > 0.
     * @param parentRow   row of the parent supervisor, or {@link RestartTableDescriptor#NULL_ROW} for top level.
     * @param restartType of the new supervisor as a child of its parent (ignored at top level).
     * @return the new row id; {@link #parentEntry(int)} gives its entry in the parent.
     * @throws IllegalArgumentException if an argument is invalid or the parent row is unknown.
     * @throws IllegalStateException    if the parent row has terminated.
     */
    public int createSupervisor(
        final RestartStrategy strategy,
        final int intensity,
        final long period,
        final int parentRow,
        final RestartType restartType)
    {
        if (NULL_ROW == parentRow)
        {
            return createSupervisor(strategy, intensity, period);
        }
        rows.checkRow(parentRow);
        checkNotNull("restartType", restartType);
        rows.checkRunning(parentRow);
        final boolean dynamic = RestartStrategy.SIMPLE_ONE_FOR_ONE.code() == rows.strategyCode(parentRow);
        final int row = createRow(strategy, intensity, period, parentRow, NULL_ENTRY);
        final int entry = appendEntry(parentRow, NULL_HANDLE, restartType, row, dynamic);
        rows.parentEntry(row, entry);
        return row;
    }

    /**
     * Adds a running static child cell to a supervisor with a static strategy; it is last in start order.
     *
     * @param row         of the supervisor.
     * @param handle      of the running cell; its low 32 bits are its slot, >= 0.
     * @param restartType of the child.
     * @return the child's entry.
     * @throws IllegalArgumentException if the row is unknown or {@link RestartStrategy#SIMPLE_ONE_FOR_ONE}, or the
     *                                  handle's slot is negative.
     * @throws IllegalStateException    if the row has terminated.
     */
    public int addChild(final int row, final long handle, final RestartType restartType)
    {
        rows.checkRow(row);
        checkNotNull("restartType", restartType);
        if (RestartStrategy.SIMPLE_ONE_FOR_ONE.code() == rows.strategyCode(row))
        {
            throw new IllegalArgumentException(
                "addChild adds static children; a SIMPLE_ONE_FOR_ONE supervisor takes only dynamic children " +
                "(use startChild): row=" + row);
        }
        slots.checkHandle(handle);
        rows.checkRunning(row);
        return appendEntry(row, handle, restartType, NULL_ROW, false);
    }

    /**
     * Adds a running dynamic child cell to a {@link RestartStrategy#SIMPLE_ONE_FOR_ONE} supervisor, like
     * {@code supervisor:start_child/2} or Elixir's {@code DynamicSupervisor.start_child/2}.
     *
     * @param row         of the supervisor.
     * @param handle      of the running cell; its low 32 bits are its slot, >= 0.
     * @param restartType of the child.
     * @return the child's entry.
     * @throws IllegalArgumentException if the row is unknown or not {@link RestartStrategy#SIMPLE_ONE_FOR_ONE}, or
     *                                  the handle's slot is negative.
     * @throws IllegalStateException    if the row has terminated.
     */
    public int startChild(final int row, final long handle, final RestartType restartType)
    {
        rows.checkRow(row);
        checkNotNull("restartType", restartType);
        rows.checkSimple(row, "startChild");
        slots.checkHandle(handle);
        rows.checkRunning(row);
        return appendEntry(row, handle, restartType, NULL_ROW, true);
    }

    /**
     * Removes a dynamic child from a {@link RestartStrategy#SIMPLE_ONE_FOR_ONE} supervisor, like
     * {@code supervisor:terminate_child/2} with a pid: the entry is freed and, if it was running, listed in the
     * decision to be terminated (a child supervisor's subtree first).
     *
     * @param row   of the supervisor.
     * @param entry of the dynamic child.
     * @param out   filled with the entries to terminate; its kind is {@link RestartDecision#NONE}.
     * @throws IllegalArgumentException if the row or entry is unknown, the entry is not the row's, or the row is not
     *                                  {@link RestartStrategy#SIMPLE_ONE_FOR_ONE}.
     */
    public void removeChild(final int row, final int entry, final RestartDecision out)
    {
        rows.checkRow(row);
        rows.checkSimple(row, "removeChild");
        entries.checkChildOf(row, entry);
        decider.removeChild(row, entry, out);
    }

    /**
     * Marks an exit reason code as normal, like {@code {shutdown, Term}}: a transient child exiting with it is not
     * restarted. {@link #REASON_NORMAL} and {@link #REASON_SHUTDOWN} are always normal.
     *
     * @param reasonCode to treat as a normal exit.
     */
    public void markNormalReason(final int reasonCode)
    {
        decider.markNormalReason(reasonCode);
    }

    /**
     * Whether an exit reason code counts as normal.
     *
     * @param reasonCode to classify.
     * @return true for {@link #REASON_NORMAL}, {@link #REASON_SHUTDOWN} and codes given to
     * {@link #markNormalReason(int)}.
     */
    public boolean isNormalReason(final int reasonCode)
    {
        return decider.isNormalReason(reasonCode);
    }

    /**
     * Terminates a supervisor, its children (reverse start order, subtrees first) and itself, as when it is asked to
     * shut down; the decision lists what to terminate and its kind is {@link RestartDecision#NONE}.
     *
     * @param row of the supervisor.
     * @param out filled with the entries to terminate.
     * @throws IllegalArgumentException if the row is unknown.
     */
    public void terminateSupervisor(final int row, final RestartDecision out)
    {
        rows.checkRow(row);
        out.reset(row, NULL_ENTRY, NULL_HANDLE, REASON_SHUTDOWN, false, 0);
        out.supervisor(rows.strategyCode(row), rows.intensity(row), rows.period(row));
        decider.terminateSupervisor(row, out);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Hot path: exits and restarts.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Decides what follows the exit of a child cell known by its handle; the row is the entry's owner.
     * A handle whose slot maps to no running child, or to a child with another handle, is a stale exit: ignored.
     *
     * @param handle     of the cell that exited.
     * @param reasonCode of the exit; see {@link #isNormalReason(int)}.
     * @param abnormal   false if the caller already knows the exit was normal.
     * @param now        the time of the exit, in the unit of the rows' periods.
     * @param out        filled with the decision.
     * @return the decision's kind.
     */
    public int onCellExit(
        final long handle, final int reasonCode, final boolean abnormal, final long now, final RestartDecision out)
    {
        final int entry = entryOf(handle);
        if (NULL_ENTRY == entry)
        {
            return decider.onUnknownExit(handle, reasonCode, abnormal, now, out);
        }
        // An entry found by its running cell's handle is in use and its owner row is a row: no checks again.
        return decider.onChildExit(entries.ownerRow(entry), entry, reasonCode, abnormal, now, out);
    }

    /**
     * Decides what follows the exit of a child, by OTP rules (see the class description). <p> The exit counts as normal
     * if {@code abnormal} is false or the reason code is normal ({@link #isNormalReason(int)}). An exit of a child that
     * is not running, or under a terminated supervisor, is ignored ({@link RestartDecision#OUTCOME_IGNORED}). If the
     * child is a supervisor that is still running (it was killed rather than gave up), its subtree is listed for
     * termination first. After a {@link RestartDecision#RESTART} the caller terminates the listed entries in order,
     * then starts the listed entries in order and gives each cell its new handle with {@link #updateHandle(int, long)}.
     * After an {@link RestartDecision#ESCALATE} the caller reports the exit of {@link RestartDecision#escalateEntry()}
     * to {@link RestartDecision#escalateRow()} with reason {@link RestartDecision#escalationReason()}.
     *
     * @param row        of the supervisor.
     * @param entry      of the child, in that row.
     * @param reasonCode of the exit.
     * @param abnormal   false if the caller already knows the exit was normal.
     * @param now        the time of the exit, in the unit of the row's period.
     * @param out        filled with the decision.
     * @return the decision's kind.
     * @throws IllegalArgumentException if the row or entry is unknown or the entry is not the row's child.
     */
    public int onChildExit(
        final int row,
        final int entry,
        final int reasonCode,
        final boolean abnormal,
        final long now,
        final RestartDecision out)
    {
        rows.checkRow(row);
        entries.checkChildOf(row, entry);
        return decider.onChildExit(row, entry, reasonCode, abnormal, now, out);
    }

    /**
     * Gives a started (or restarted) child cell its new handle and marks it running.
     *
     * @param entry  of the child cell.
     * @param handle of the new cell; its low 32 bits are its slot, >= 0.
     * @return true if taken; false if the entry is not waiting to start
     * ({@link RestartTableDescriptor#CHILD_STARTING}): it was already started, or its supervisor terminated it, gave
     * up or freed it meanwhile (a restart carried over by a {@link RestartBudget}), or it is a child supervisor, which
     * has no handle; the caller must then not start the cell.
     * @throws IllegalArgumentException if the entry is out of range or the slot is negative.
     */
    public boolean updateHandle(final int entry, final long handle)
    {
        if (entry < 0 || entry >= entries.highWater())
        {
            throw new IllegalArgumentException(
                "entry must be a child entry of this table in [0, " + entries.highWater() + "): entry=" + entry);
        }
        // Only a cell entry can be STARTING; anything else (a child supervisor, a free entry, or an entry freed and
        // reused while a restart was carried over by a RestartBudget) is refused with false, not an exception.
        if (CHILD_STARTING != entries.status(entry))
        {
            return false;
        }
        slots.checkHandle(handle);
        // The old slot was unmapped when the entry was set to start (RestartDecider.startEntry): only mapped anew.
        entries.handle(entry, handle);
        entries.status(entry, CHILD_RUNNING);
        slots.put(handle, entry);
        return true;
    }

    /**
     * The entry of the running child cell with this handle.
     *
     * @param handle of a cell.
     * @return its entry, or {@link RestartTableDescriptor#NULL_ENTRY} if no running child has this handle.
     */
    public int entryOf(final long handle)
    {
        final int entry = slots.get(handle);
        if (NULL_ENTRY == entry || entries.handle(entry) != handle)
        {
            return NULL_ENTRY;
        }
        return entry;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Readers.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Number of rows created.
     *
     * @return number of rows created; row ids are 0 to rowCount - 1.
     */
    public int rowCount()
    {
        return rows.count();
    }

    /**
     * Number of child entries in use.
     *
     * @return number of child entries in use.
     */
    public int entryCount()
    {
        return entries.liveCount();
    }

    /**
     * Strategy of a row.
     *
     * @param row of a supervisor.
     * @return its strategy.
     */
    public RestartStrategy strategy(final int row)
    {
        rows.checkRow(row);
        return RestartStrategy.get(rows.strategyCode(row));
    }

    /**
     * Status of a row: {@link RestartTableDescriptor#ROW_RUNNING} or {@link RestartTableDescriptor#ROW_TERMINATED}.
     *
     * @param row of a supervisor.
     * @return its status.
     */
    public int rowStatus(final int row)
    {
        rows.checkRow(row);
        return rows.status(row);
    }

    /**
     * Whether a row is running.
     *
     * @param row of a supervisor.
     * @return true if it is running.
     */
    public boolean isRunning(final int row)
    {
        return ROW_RUNNING == rowStatus(row);
    }

    /**
     * Intensity of a row.
     *
     * @param row of a supervisor.
     * @return the most restarts it allows within one period.
     */
    public int intensity(final int row)
    {
        rows.checkRow(row);
        return rows.intensity(row);
    }

    /**
     * Period of a row.
     *
     * @param row of a supervisor.
     * @return the length of its window, in the caller's unit.
     */
    public long period(final int row)
    {
        rows.checkRow(row);
        return rows.period(row);
    }

    /**
     * Parent of a row.
     *
     * @param row of a supervisor.
     * @return its parent row, or {@link RestartTableDescriptor#NULL_ROW} at top level.
     */
    public int parentRow(final int row)
    {
        rows.checkRow(row);
        return rows.parentRow(row);
    }

    /**
     * The entry that stands for a row among its parent's children.
     *
     * @param row of a supervisor.
     * @return its entry in the parent, or {@link RestartTableDescriptor#NULL_ENTRY} at top level or once freed.
     */
    public int parentEntry(final int row)
    {
        rows.checkRow(row);
        return rows.parentEntry(row);
    }

    /**
     * Number of entries in a row's child list, stopped and removed static children included.
     *
     * @param row of a supervisor.
     * @return number of entries in its child list.
     */
    public int childCount(final int row)
    {
        rows.checkRow(row);
        return rows.childCount(row);
    }

    /**
     * First entry of a row's child list, in start order.
     *
     * @param row of a supervisor.
     * @return its first entry, or {@link RestartTableDescriptor#NULL_ENTRY}.
     */
    public int firstChild(final int row)
    {
        rows.checkRow(row);
        return rows.firstChild(row);
    }

    /**
     * Next entry in start order.
     *
     * @param entry of a child.
     * @return the next entry, or {@link RestartTableDescriptor#NULL_ENTRY}.
     */
    public int nextChild(final int entry)
    {
        entries.checkInUse(entry);
        return entries.next(entry);
    }

    /**
     * Bytes of the restart windows' area: it follows the restarts the windows hold, not the intensities asked for.
     *
     * @return bytes.
     */
    public long windowBytes()
    {
        return windows.bytes();
    }

    /**
     * Number of restart times now in a row's window.
     *
     * @param row of a supervisor.
     * @return number of restart times in its window.
     */
    public int windowSize(final int row)
    {
        rows.checkRow(row);
        return rows.windowSize(row);
    }

    /**
     * Restarts a row has decided since it was created.
     *
     * @param row of a supervisor.
     * @return its restart count.
     */
    public int restartCount(final int row)
    {
        rows.checkRow(row);
        return rows.restartCount(row);
    }

    /**
     * Current handle of a child.
     *
     * @param entry of a child.
     * @return its handle ({@link RestartTableDescriptor#NULL_HANDLE} for a child supervisor).
     */
    public long handle(final int entry)
    {
        entries.checkInUse(entry);
        return entries.handle(entry);
    }

    /**
     * Row a child belongs to.
     *
     * @param entry of a child.
     * @return its supervisor's row.
     */
    public int ownerRow(final int entry)
    {
        entries.checkInUse(entry);
        return entries.ownerRow(entry);
    }

    /**
     * Restart type of a child.
     *
     * @param entry of a child.
     * @return its restart type.
     */
    public RestartType restartType(final int entry)
    {
        entries.checkInUse(entry);
        return RestartType.get(entries.typeCode(entry));
    }

    /**
     * Status of a child: one of the {@code CHILD_*} constants of {@link RestartTableDescriptor}.
     *
     * @param entry of a child.
     * @return its status.
     */
    public byte childStatus(final int entry)
    {
        entries.checkInUse(entry);
        return entries.status(entry);
    }

    /**
     * Last exit reason of a child.
     *
     * @param entry of a child.
     * @return the reason code of its last exit, {@link #REASON_NORMAL} if it never exited.
     */
    public int lastExitReason(final int entry)
    {
        entries.checkInUse(entry);
        return entries.lastExitReason(entry);
    }

    /**
     * Starts a top-level supervisor again after it gave up or was terminated, as its parent decided: for a tree whose
     * parent supervisor lives in another table (another worker), the parent's table restarts its entry for this
     * supervisor and this table carries it out. As for a child supervisor restarted within one table, its window is
     * cleared, its static children are started again (listed as restarts, child supervisors' subtrees included) and
     * its dynamic children are gone. A supervisor still running is left alone.
     *
     * @param row top-level supervisor row.
     * @param now current time, for the decision.
     * @param out filled with the restarts.
     * @return {@link RestartDecision#RESTART}, or {@link RestartDecision#NONE} if it was running.
     * @throws IllegalArgumentException if the row does not exist or has a parent in this table.
     */
    public int restartSupervisor(final int row, final long now, final RestartDecision out)
    {
        rows.checkTopLevel(row);
        return decider.restartSupervisor(row, now, out);
    }

    /**
     * Terminates a running top-level supervisor and its subtree, as its parent in another table decided (the parent
     * gave up, or restarts its siblings): its live children are listed for termination in reverse start order, with
     * reason {@link #REASON_SHUTDOWN}, and it stops until {@link #restartSupervisor(int, long, RestartDecision)}.
     *
     * @param row top-level supervisor row.
     * @param now current time, for the decision.
     * @param out filled with the terminations.
     * @return {@link RestartDecision#NONE}: nothing to restart.
     * @throws IllegalArgumentException if the row does not exist or has a parent in this table.
     */
    public int terminateSupervisor(final int row, final long now, final RestartDecision out)
    {
        rows.checkTopLevel(row);
        out.reset(row, NULL_ENTRY, NULL_HANDLE, REASON_SHUTDOWN, false, now);
        decider.terminateSupervisor(row, out);
        return RestartDecision.NONE;
    }

    /**
     * The owner row of a child cell waiting to be started with a new handle ({@link #updateHandle(int, long)}). A
     * restart queued in a {@link RestartBudget} may find its entry removed, freed or reused by the time the budget lets
     * it run; this check, unlike the accessors, takes any entry number and never throws.
     *
     * @param entry any entry number.
     * @return the row, if the entry is a child cell in {@link RestartTableDescriptor#CHILD_STARTING}; else NULL_ROW.
     */
    public int waitingRow(final int entry)
    {
        if (entry < 0 || entry >= entries.highWater() || CHILD_STARTING != entries.status(entry) ||
            entries.isSupervisor(entry))
        {
            return NULL_ROW;
        }
        return entries.ownerRow(entry);
    }

    /**
     * Status of any entry number, never throwing (for stable child ids, whose entries may have been freed).
     *
     * @param entry any entry number.
     * @return a {@code CHILD_*} constant of {@link RestartTableDescriptor}; {@code CHILD_FREE} if out of range or free.
     */
    public byte statusOf(final int entry)
    {
        return entry < 0 || entry >= entries.highWater() ? RestartTableDescriptor.CHILD_FREE : entries.status(entry);
    }

    /**
     * Whether a child is a supervisor.
     *
     * @param entry of a child.
     * @return true if it is a child supervisor.
     */
    public boolean isSupervisor(final int entry)
    {
        entries.checkInUse(entry);
        return entries.isSupervisor(entry);
    }

    /**
     * Whether a child was added dynamically.
     *
     * @param entry of a child.
     * @return true if it is a dynamic child of a {@link RestartStrategy#SIMPLE_ONE_FOR_ONE} supervisor.
     */
    public boolean isDynamic(final int entry)
    {
        entries.checkInUse(entry);
        return entries.isDynamic(entry);
    }

    /**
     * Row of a child supervisor.
     *
     * @param entry of a child.
     * @return the child supervisor's row, or {@link RestartTableDescriptor#NULL_ROW} for a cell.
     */
    public int childRow(final int entry)
    {
        entries.checkInUse(entry);
        return entries.childRow(entry);
    }

    /**
     * Restarts decided by all rows.
     *
     * @return total restarts decided.
     */
    public long restarts()
    {
        return decider.restarts();
    }

    /**
     * Escalations to a parent decided by all rows.
     *
     * @return total escalations.
     */
    public long escalations()
    {
        return decider.escalations();
    }

    /**
     * Times a top-level supervisor gave up.
     *
     * @return total top-level give-ups.
     */
    public long giveUps()
    {
        return decider.giveUps();
    }

    /**
     * Exits that were ignored: stale handles, children not running, terminated supervisors.
     *
     * @return total ignored exits.
     */
    public long ignoredExits()
    {
        return decider.ignoredExits();
    }

    /**
     * Frees the off-heap areas; the table must not be used afterwards.
     */
    public void close()
    {
        rows.close();
        entries.close();
        windows.close();
        slots.close();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internals: building rows and entries, checking arguments.
    // ---------------------------------------------------------------------------------------------------------------

    private int createRow(final RestartStrategy strategy, final int intensity, final long period, final int parentRow,
        final int parentEntry)
    {
        checkNotNull("strategy", strategy);
        final int capacity = Math.min(RestartTableDescriptor.checkIntensity(intensity),
            RestartTableDescriptor.FIRST_WINDOW_CAPACITY);
        RestartTableDescriptor.checkPeriod(period);
        rows.ensureRoomForOne();
        final int windowIndex = windows.take(capacity);
        return rows.add(strategy.code(), intensity, capacity, period, parentRow, parentEntry, windowIndex);
    }

    private int appendEntry(
        final int row, final long handle, final RestartType type, final int childRow, final boolean dynamic)
    {
        final int entry = entries.append(row, handle, type.code(), childRow, dynamic);
        if (NULL_ROW == childRow)
        {
            slots.put(handle, entry);
        }
        return entry;
    }

    private static void checkNotNull(final String name, final Object value)
    {
        if (null == value)
        {
            throw new IllegalArgumentException(name + " must not be null: " + name + "=null");
        }
    }
}
