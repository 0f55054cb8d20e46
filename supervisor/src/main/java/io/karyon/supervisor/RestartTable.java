package io.karyon.supervisor;

import java.nio.ByteBuffer;

import org.agrona.BufferUtil;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import static io.karyon.supervisor.RestartTableDescriptor.CHILD_COUNT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_FREE;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_REMOVED;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_ROW_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STARTING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STATUS_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STOPPED;
import static io.karyon.supervisor.RestartTableDescriptor.ENTRY_LENGTH;
import static io.karyon.supervisor.RestartTableDescriptor.FIRST_CHILD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.FLAGS_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.FLAG_DYNAMIC;
import static io.karyon.supervisor.RestartTableDescriptor.FLAG_SUPERVISOR;
import static io.karyon.supervisor.RestartTableDescriptor.GIVE_UP_COUNT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.HANDLE_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.INTENSITY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.LAST_CHILD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.LAST_EXIT_REASON_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.NEXT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ENTRY;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_HANDLE;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ROW;
import static io.karyon.supervisor.RestartTableDescriptor.OWNER_ROW_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.PARENT_ENTRY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.PARENT_ROW_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.PERIOD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.PREV_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.RESTART_COUNT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_LENGTH;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_STATUS_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_TERMINATED;
import static io.karyon.supervisor.RestartTableDescriptor.STRATEGY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.TYPE_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_CAPACITY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_HEAD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_INDEX_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_SIZE_OFFSET;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

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

    private UnsafeBuffer rows;
    private int rowCapacity;
    private int rowCount;

    private UnsafeBuffer entries;
    private int entryCapacity;
    private int entryHighWater;
    private int freeEntryHead = NULL_ENTRY;
    private int liveEntryCount;

    private UnsafeBuffer windows;
    private int windowCapacity;
    private int windowUsed;

    private UnsafeBuffer slotMap;
    private int slotCapacity;
    private final int slotBase;

    private final IntHashSet normalReasons = new IntHashSet();

    private long restarts;
    private long escalations;
    private long giveUps;
    private long ignoredExits;

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
        this.slotBase = slotBase;
        checkPositive("initialRows", initialRows);
        checkPositive("initialEntries", initialEntries);
        checkPositive("initialSlots", initialSlots);
        rowCapacity = initialRows;
        rows = allocate(rowCapacity * ROW_LENGTH);
        entryCapacity = initialEntries;
        entries = allocate(entryCapacity * ENTRY_LENGTH);
        windowCapacity = initialRows * 4;
        windows = allocate(windowCapacity * SIZE_OF_LONG);
        slotCapacity = initialSlots;
        slotMap = allocate(slotCapacity * SIZE_OF_INT);
        slotMap.setMemory(0, slotCapacity * SIZE_OF_INT, (byte)0xFF);
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
        checkRow(parentRow);
        checkNotNull("restartType", restartType);
        checkRunning(parentRow);
        final boolean dynamic = RestartStrategy.SIMPLE_ONE_FOR_ONE.code() == strategyCode(parentRow);
        final int row = createRow(strategy, intensity, period, parentRow, NULL_ENTRY);
        final int entry = appendEntry(parentRow, NULL_HANDLE, restartType, row, dynamic);
        rows.putInt(rowOffset(row) + PARENT_ENTRY_OFFSET, entry);
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
        checkRow(row);
        checkNotNull("restartType", restartType);
        if (RestartStrategy.SIMPLE_ONE_FOR_ONE.code() == strategyCode(row))
        {
            throw new IllegalArgumentException(
                "addChild adds static children; a SIMPLE_ONE_FOR_ONE supervisor takes only dynamic children " +
                "(use startChild): row=" + row);
        }
        checkHandle(handle);
        checkRunning(row);
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
        checkRow(row);
        checkNotNull("restartType", restartType);
        checkSimple(row, "startChild");
        checkHandle(handle);
        checkRunning(row);
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
        checkRow(row);
        checkSimple(row, "removeChild");
        checkEntry(row, entry);
        out.reset(row, entry, handle(entry), REASON_SHUTDOWN, false, 0);
        out.supervisor(strategyCode(row), intensity(row), period(row));
        terminateEntry(entry, out);
        out.outcome(RestartDecision.OUTCOME_REMOVED);
    }

    /**
     * Marks an exit reason code as normal, like {@code {shutdown, Term}}: a transient child exiting with it is not
     * restarted. {@link #REASON_NORMAL} and {@link #REASON_SHUTDOWN} are always normal.
     *
     * @param reasonCode to treat as a normal exit.
     */
    public void markNormalReason(final int reasonCode)
    {
        if (REASON_NORMAL != reasonCode && REASON_SHUTDOWN != reasonCode)
        {
            normalReasons.add(reasonCode);
        }
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
        return REASON_NORMAL == reasonCode || REASON_SHUTDOWN == reasonCode ||
            (!normalReasons.isEmpty() && normalReasons.contains(reasonCode));
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
        checkRow(row);
        out.reset(row, NULL_ENTRY, NULL_HANDLE, REASON_SHUTDOWN, false, 0);
        out.supervisor(strategyCode(row), intensity(row), period(row));
        if (ROW_RUNNING == rowStatus(row))
        {
            terminateChildren(row, NULL_ENTRY, out);
            rows.putInt(rowOffset(row) + ROW_STATUS_OFFSET, ROW_TERMINATED);
        }
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
            out.reset(NULL_ROW, NULL_ENTRY, handle, reasonCode, abnormal, now);
            ignoredExits++;
            return RestartDecision.NONE;
        }
        return onChildExit(ownerRow(entry), entry, reasonCode, abnormal, now, out);
    }

    /**
     * Decides what follows the exit of a child, by OTP rules (see the class description).
     * <p>
     * The exit counts as normal if {@code abnormal} is false or the reason code is normal
     * ({@link #isNormalReason(int)}). An exit of a child that is not running, or under a terminated supervisor, is
     * ignored ({@link RestartDecision#OUTCOME_IGNORED}). If the child is a supervisor that is still running (it was
     * killed rather than gave up), its subtree is listed for termination first. After a {@link RestartDecision#RESTART} the caller
     * terminates the listed entries in order, then starts the listed entries in order and gives each cell its new
     * handle with {@link #updateHandle(int, long)}. After an {@link RestartDecision#ESCALATE} the caller reports the
     * exit of {@link RestartDecision#escalateEntry()} to {@link RestartDecision#escalateRow()} with reason
     * {@link RestartDecision#escalationReason()}.
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
        checkRow(row);
        checkEntry(row, entry);
        final int rowOffset = rowOffset(row);
        final int entryOffset = entryOffset(entry);
        out.reset(row, entry, entries.getLong(entryOffset + HANDLE_OFFSET), reasonCode, abnormal, now);
        final int strategy = rows.getInt(rowOffset + STRATEGY_OFFSET);
        out.supervisor(strategy, rows.getInt(rowOffset + INTENSITY_OFFSET), rows.getLong(rowOffset + PERIOD_OFFSET));

        if (ROW_RUNNING != rows.getInt(rowOffset + ROW_STATUS_OFFSET) ||
            CHILD_RUNNING != entries.getByte(entryOffset + CHILD_STATUS_OFFSET))
        {
            ignoredExits++;
            return RestartDecision.NONE;
        }

        entries.putInt(entryOffset + LAST_EXIT_REASON_OFFSET, reasonCode);
        final int childRow = entries.getInt(entryOffset + CHILD_ROW_OFFSET);
        if (NULL_ROW != childRow && ROW_RUNNING == rows.getInt(rowOffset(childRow) + ROW_STATUS_OFFSET))
        {
            // A child supervisor that exits without giving up (killed): its children die with it, as linked
            // processes do in OTP, so its subtree is listed for termination first.
            terminateChildren(childRow, NULL_ENTRY, out);
            rows.putInt(rowOffset(childRow) + ROW_STATUS_OFFSET, ROW_TERMINATED);
        }
        final boolean isAbnormal = abnormal && !isNormalReason(reasonCode);
        out.abnormal(isAbnormal);
        final int type = entries.getByte(entryOffset + TYPE_OFFSET);
        if (RestartType.TEMPORARY.code() == type || (RestartType.TRANSIENT.code() == type && !isAbnormal))
        {
            out.outcome(deleteChild(entry));
            return RestartDecision.NONE;
        }

        if (!addRestart(rowOffset, now))
        {
            return giveUp(row, entry, out);
        }

        restarts++;
        rows.putInt(rowOffset + RESTART_COUNT_OFFSET, rows.getInt(rowOffset + RESTART_COUNT_OFFSET) + 1);
        out.outcome(RestartDecision.OUTCOME_RESTARTED);
        out.kind(RestartDecision.RESTART);
        if (RestartStrategy.ONE_FOR_ALL.code() == strategy)
        {
            restartGroup(row, rows.getInt(rowOffset + FIRST_CHILD_OFFSET), entry, out);
        }
        else if (RestartStrategy.REST_FOR_ONE.code() == strategy)
        {
            restartGroup(row, entry, entry, out);
        }
        else
        {
            unmapSlot(entry);
            startEntry(entry, out);
        }
        return RestartDecision.RESTART;
    }

    /**
     * Gives a started (or restarted) child cell its new handle and marks it running.
     *
     * @param entry  of the child cell.
     * @param handle of the new cell; its low 32 bits are its slot, >= 0.
     * @return true if taken; false if the entry is not waiting to start ({@link RestartTableDescriptor#CHILD_STARTING}):
     * it was already started, or its supervisor terminated it, gave up or freed it meanwhile (a restart carried over
     * by a {@link RestartBudget}), or it is a child supervisor, which has no handle; the caller must then not start
     * the cell.
     * @throws IllegalArgumentException if the entry is out of range or the slot is negative.
     */
    public boolean updateHandle(final int entry, final long handle)
    {
        if (entry < 0 || entry >= entryHighWater)
        {
            throw new IllegalArgumentException(
                "entry must be a child entry of this table in [0, " + entryHighWater + "): entry=" + entry);
        }
        final int entryOffset = entryOffset(entry);
        // Only a cell entry can be STARTING; anything else (a child supervisor, a free entry, or an entry freed and
        // reused while a restart was carried over by a RestartBudget) is refused with false, not an exception.
        if (CHILD_STARTING != entries.getByte(entryOffset + CHILD_STATUS_OFFSET))
        {
            return false;
        }
        checkHandle(handle);
        unmapSlot(entry);
        entries.putLong(entryOffset + HANDLE_OFFSET, handle);
        entries.putByte(entryOffset + CHILD_STATUS_OFFSET, CHILD_RUNNING);
        mapSlot(handle, entry);
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
        final int slot = RestartTableDescriptor.slot(handle) - slotBase;
        if (slot < 0 || slot >= slotCapacity)
        {
            return NULL_ENTRY;
        }
        final int entry = slotMap.getInt(slot * SIZE_OF_INT);
        if (NULL_ENTRY == entry || entries.getLong(entryOffset(entry) + HANDLE_OFFSET) != handle)
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
        return rowCount;
    }

    /**
     * Number of child entries in use.
     *
     * @return number of child entries in use.
     */
    public int entryCount()
    {
        return liveEntryCount;
    }

    /**
     * Strategy of a row.
     *
     * @param row of a supervisor.
     * @return its strategy.
     */
    public RestartStrategy strategy(final int row)
    {
        checkRow(row);
        return RestartStrategy.get(strategyCode(row));
    }

    /**
     * Status of a row: {@link RestartTableDescriptor#ROW_RUNNING} or {@link RestartTableDescriptor#ROW_TERMINATED}.
     *
     * @param row of a supervisor.
     * @return its status.
     */
    public int rowStatus(final int row)
    {
        checkRow(row);
        return rows.getInt(rowOffset(row) + ROW_STATUS_OFFSET);
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
        checkRow(row);
        return rows.getInt(rowOffset(row) + INTENSITY_OFFSET);
    }

    /**
     * Period of a row.
     *
     * @param row of a supervisor.
     * @return the length of its window, in the caller's unit.
     */
    public long period(final int row)
    {
        checkRow(row);
        return rows.getLong(rowOffset(row) + PERIOD_OFFSET);
    }

    /**
     * Parent of a row.
     *
     * @param row of a supervisor.
     * @return its parent row, or {@link RestartTableDescriptor#NULL_ROW} at top level.
     */
    public int parentRow(final int row)
    {
        checkRow(row);
        return rows.getInt(rowOffset(row) + PARENT_ROW_OFFSET);
    }

    /**
     * The entry that stands for a row among its parent's children.
     *
     * @param row of a supervisor.
     * @return its entry in the parent, or {@link RestartTableDescriptor#NULL_ENTRY} at top level or once freed.
     */
    public int parentEntry(final int row)
    {
        checkRow(row);
        return rows.getInt(rowOffset(row) + PARENT_ENTRY_OFFSET);
    }

    /**
     * Number of entries in a row's child list, stopped and removed static children included.
     *
     * @param row of a supervisor.
     * @return number of entries in its child list.
     */
    public int childCount(final int row)
    {
        checkRow(row);
        return rows.getInt(rowOffset(row) + CHILD_COUNT_OFFSET);
    }

    /**
     * First entry of a row's child list, in start order.
     *
     * @param row of a supervisor.
     * @return its first entry, or {@link RestartTableDescriptor#NULL_ENTRY}.
     */
    public int firstChild(final int row)
    {
        checkRow(row);
        return rows.getInt(rowOffset(row) + FIRST_CHILD_OFFSET);
    }

    /**
     * Next entry in start order.
     *
     * @param entry of a child.
     * @return the next entry, or {@link RestartTableDescriptor#NULL_ENTRY}.
     */
    public int nextChild(final int entry)
    {
        checkEntry(entry);
        return entries.getInt(entryOffset(entry) + NEXT_OFFSET);
    }

    /**
     * Number of restart times now in a row's window.
     *
     * @param row of a supervisor.
     * @return number of restart times in its window.
     */
    public int windowSize(final int row)
    {
        checkRow(row);
        return rows.getInt(rowOffset(row) + WINDOW_SIZE_OFFSET);
    }

    /**
     * Restarts a row has decided since it was created.
     *
     * @param row of a supervisor.
     * @return its restart count.
     */
    public int restartCount(final int row)
    {
        checkRow(row);
        return rows.getInt(rowOffset(row) + RESTART_COUNT_OFFSET);
    }

    /**
     * Current handle of a child.
     *
     * @param entry of a child.
     * @return its handle ({@link RestartTableDescriptor#NULL_HANDLE} for a child supervisor).
     */
    public long handle(final int entry)
    {
        checkEntry(entry);
        return entries.getLong(entryOffset(entry) + HANDLE_OFFSET);
    }

    /**
     * Row a child belongs to.
     *
     * @param entry of a child.
     * @return its supervisor's row.
     */
    public int ownerRow(final int entry)
    {
        checkEntry(entry);
        return entries.getInt(entryOffset(entry) + OWNER_ROW_OFFSET);
    }

    /**
     * Restart type of a child.
     *
     * @param entry of a child.
     * @return its restart type.
     */
    public RestartType restartType(final int entry)
    {
        checkEntry(entry);
        return RestartType.get(entries.getByte(entryOffset(entry) + TYPE_OFFSET));
    }

    /**
     * Status of a child: one of the {@code CHILD_*} constants of {@link RestartTableDescriptor}.
     *
     * @param entry of a child.
     * @return its status.
     */
    public byte childStatus(final int entry)
    {
        checkEntry(entry);
        return entries.getByte(entryOffset(entry) + CHILD_STATUS_OFFSET);
    }

    /**
     * Last exit reason of a child.
     *
     * @param entry of a child.
     * @return the reason code of its last exit, {@link #REASON_NORMAL} if it never exited.
     */
    public int lastExitReason(final int entry)
    {
        checkEntry(entry);
        return entries.getInt(entryOffset(entry) + LAST_EXIT_REASON_OFFSET);
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
        checkTopLevel(row);
        out.reset(row, NULL_ENTRY, NULL_HANDLE, REASON_SHUTDOWN, false, now);
        final int rowOffset = rowOffset(row);
        if (ROW_RUNNING == rows.getInt(rowOffset + ROW_STATUS_OFFSET))
        {
            return RestartDecision.NONE;
        }
        rows.putInt(rowOffset + ROW_STATUS_OFFSET, ROW_RUNNING);
        rows.putInt(rowOffset + WINDOW_SIZE_OFFSET, 0);
        int child = rows.getInt(rowOffset + FIRST_CHILD_OFFSET);
        while (NULL_ENTRY != child)
        {
            final int next = entries.getInt(entryOffset(child) + NEXT_OFFSET);
            if (0 != (entries.getByte(entryOffset(child) + FLAGS_OFFSET) & FLAG_DYNAMIC))
            {
                deleteChild(child);
            }
            else if (CHILD_STOPPED == entries.getByte(entryOffset(child) + CHILD_STATUS_OFFSET))
            {
                startEntry(child, out);
            }
            child = next;
        }
        out.outcome(RestartDecision.OUTCOME_RESTARTED);
        out.kind(RestartDecision.RESTART);
        return RestartDecision.RESTART;
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
        checkTopLevel(row);
        out.reset(row, NULL_ENTRY, NULL_HANDLE, REASON_SHUTDOWN, false, now);
        final int rowOffset = rowOffset(row);
        if (ROW_RUNNING == rows.getInt(rowOffset + ROW_STATUS_OFFSET))
        {
            terminateChildren(row, NULL_ENTRY, out);
            rows.putInt(rowOffset + ROW_STATUS_OFFSET, ROW_TERMINATED);
        }
        return RestartDecision.NONE;
    }

    private void checkTopLevel(final int row)
    {
        checkRow(row);
        if (NULL_ROW != rows.getInt(rowOffset(row) + PARENT_ROW_OFFSET))
        {
            throw new IllegalArgumentException("row must be a top-level supervisor: row=" + row + " has parent row " +
                rows.getInt(rowOffset(row) + PARENT_ROW_OFFSET));
        }
    }

    /**
     * Whether an entry is a child cell waiting to be started with a new handle ({@link #updateHandle(int, long)}).
     * A restart queued in a {@link RestartBudget} may find its entry removed, freed or reused by the time the budget
     * lets it run; this check, unlike the accessors, takes any entry number and never throws.
     *
     * @param entry any entry number.
     * @return true if it is a child cell (not a supervisor) in {@link RestartTableDescriptor#CHILD_STARTING}.
     */
    public boolean isWaitingToStart(final int entry)
    {
        if (entry < 0 || entry >= entryHighWater)
        {
            return false;
        }
        final int offset = entryOffset(entry);
        return CHILD_STARTING == entries.getByte(offset + CHILD_STATUS_OFFSET) &&
            0 == (entries.getByte(offset + FLAGS_OFFSET) & FLAG_SUPERVISOR);
    }

    /**
     * Whether a child is a supervisor.
     *
     * @param entry of a child.
     * @return true if it is a child supervisor.
     */
    public boolean isSupervisor(final int entry)
    {
        checkEntry(entry);
        return 0 != (entries.getByte(entryOffset(entry) + FLAGS_OFFSET) & FLAG_SUPERVISOR);
    }

    /**
     * Whether a child was added dynamically.
     *
     * @param entry of a child.
     * @return true if it is a dynamic child of a {@link RestartStrategy#SIMPLE_ONE_FOR_ONE} supervisor.
     */
    public boolean isDynamic(final int entry)
    {
        checkEntry(entry);
        return 0 != (entries.getByte(entryOffset(entry) + FLAGS_OFFSET) & FLAG_DYNAMIC);
    }

    /**
     * Row of a child supervisor.
     *
     * @param entry of a child.
     * @return the child supervisor's row, or {@link RestartTableDescriptor#NULL_ROW} for a cell.
     */
    public int childRow(final int entry)
    {
        checkEntry(entry);
        return entries.getInt(entryOffset(entry) + CHILD_ROW_OFFSET);
    }

    /**
     * Restarts decided by all rows.
     *
     * @return total restarts decided.
     */
    public long restarts()
    {
        return restarts;
    }

    /**
     * Escalations to a parent decided by all rows.
     *
     * @return total escalations.
     */
    public long escalations()
    {
        return escalations;
    }

    /**
     * Times a top-level supervisor gave up.
     *
     * @return total top-level give-ups.
     */
    public long giveUps()
    {
        return giveUps;
    }

    /**
     * Exits that were ignored: stale handles, children not running, terminated supervisors.
     *
     * @return total ignored exits.
     */
    public long ignoredExits()
    {
        return ignoredExits;
    }

    /**
     * Frees the off-heap areas; the table must not be used afterwards.
     */
    public void close()
    {
        BufferUtil.free(rows);
        BufferUtil.free(entries);
        BufferUtil.free(windows);
        BufferUtil.free(slotMap);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internals.
    // ---------------------------------------------------------------------------------------------------------------

    private int giveUp(final int row, final int entry, final RestartDecision out)
    {
        final int rowOffset = rowOffset(row);
        reportWindow(rowOffset, out);
        out.outcome(deleteChild(entry));
        terminateChildren(row, NULL_ENTRY, out);
        rows.putInt(rowOffset + ROW_STATUS_OFFSET, ROW_TERMINATED);
        rows.putInt(rowOffset + GIVE_UP_COUNT_OFFSET, rows.getInt(rowOffset + GIVE_UP_COUNT_OFFSET) + 1);
        final int parentRow = rows.getInt(rowOffset + PARENT_ROW_OFFSET);
        final int parentEntry = rows.getInt(rowOffset + PARENT_ENTRY_OFFSET);
        if (NULL_ROW == parentRow || NULL_ENTRY == parentEntry)
        {
            giveUps++;
            out.kind(RestartDecision.GIVE_UP);
            return RestartDecision.GIVE_UP;
        }
        escalations++;
        out.escalate(parentRow, parentEntry, REASON_SHUTDOWN);
        out.kind(RestartDecision.ESCALATE);
        return RestartDecision.ESCALATE;
    }

    /**
     * OTP add_restart/3: keep the newest restarts while they are >= now - period (takewhile, newest first), add now,
     * and allow it if no more than intensity remain.
     */
    private boolean addRestart(final int rowOffset, final long now)
    {
        final int capacity = rows.getInt(rowOffset + WINDOW_CAPACITY_OFFSET);
        final int base = rows.getInt(rowOffset + WINDOW_INDEX_OFFSET);
        final int head = rows.getInt(rowOffset + WINDOW_HEAD_OFFSET);
        final int size = rows.getInt(rowOffset + WINDOW_SIZE_OFFSET);
        final long threshold = now - rows.getLong(rowOffset + PERIOD_OFFSET);

        // Times only grow, so the restarts that left the window are the oldest ones: drop them from the old end,
        // which costs O(1) amortised instead of a walk over the whole window on every restart (a supervisor whose
        // thousand children die in one tick walked half a million entries).
        int kept = size;
        int oldest = head - size + 1 < 0 ? head - size + 1 + capacity : head - size + 1;
        while (kept > 0 && windows.getLong((base + oldest) * SIZE_OF_LONG) < threshold)
        {
            kept--;
            oldest = oldest + 1 == capacity ? 0 : oldest + 1;
        }

        final int newHead = head + 1 == capacity ? 0 : head + 1;
        windows.putLong((base + newHead) * SIZE_OF_LONG, now);
        rows.putInt(rowOffset + WINDOW_HEAD_OFFSET, newHead);
        rows.putInt(rowOffset + WINDOW_SIZE_OFFSET, kept + 1);

        return kept + 1 <= rows.getInt(rowOffset + INTENSITY_OFFSET);
    }

    private void reportWindow(final int rowOffset, final RestartDecision out)
    {
        final int capacity = rows.getInt(rowOffset + WINDOW_CAPACITY_OFFSET);
        final int base = rows.getInt(rowOffset + WINDOW_INDEX_OFFSET);
        final int head = rows.getInt(rowOffset + WINDOW_HEAD_OFFSET);
        final int size = rows.getInt(rowOffset + WINDOW_SIZE_OFFSET);
        int index = head - size + 1;
        if (index < 0)
        {
            index += capacity;
        }
        for (int i = 0; i < size; i++)
        {
            out.windowTime(i, windows.getLong((base + index) * SIZE_OF_LONG));
            index = index + 1 == capacity ? 0 : index + 1;
        }
        out.windowSize(size);
    }

    /**
     * Group restart for one_for_all (from = first child) and rest_for_one (from = the failed child): terminate the
     * group's live children in reverse start order (temporaries are dropped), then start every child of the group
     * that is not removed, in start order.
     */
    private void restartGroup(final int row, final int from, final int failed, final RestartDecision out)
    {
        unmapSlot(failed);
        int entry = rows.getInt(rowOffset(row) + LAST_CHILD_OFFSET);
        while (NULL_ENTRY != entry)
        {
            final int prev = entries.getInt(entryOffset(entry) + PREV_OFFSET);
            if (entry != failed)
            {
                terminateEntry(entry, out);
            }
            if (entry == from)
            {
                break;
            }
            entry = prev;
        }

        entry = from;
        while (NULL_ENTRY != entry)
        {
            final int next = entries.getInt(entryOffset(entry) + NEXT_OFFSET);
            final byte status = entries.getByte(entryOffset(entry) + CHILD_STATUS_OFFSET);
            if (entry == failed || CHILD_STOPPED == status)
            {
                startEntry(entry, out);
            }
            entry = next;
        }
    }

    /**
     * Terminates all live children of a row in reverse start order, except one.
     */
    private void terminateChildren(final int row, final int except, final RestartDecision out)
    {
        int entry = rows.getInt(rowOffset(row) + LAST_CHILD_OFFSET);
        while (NULL_ENTRY != entry)
        {
            final int prev = entries.getInt(entryOffset(entry) + PREV_OFFSET);
            if (entry != except)
            {
                terminateEntry(entry, out);
            }
            entry = prev;
        }
    }

    /**
     * Terminates one child if it is live (a child supervisor's subtree first), with reason {@link #REASON_SHUTDOWN},
     * then deletes it as OTP's del_child: a dynamic child is freed, a temporary one removed, any other stopped.
     */
    private void terminateEntry(final int entry, final RestartDecision out)
    {
        final int entryOffset = entryOffset(entry);
        final byte status = entries.getByte(entryOffset + CHILD_STATUS_OFFSET);
        if (CHILD_RUNNING != status && CHILD_STARTING != status)
        {
            return;
        }
        entries.putInt(entryOffset + LAST_EXIT_REASON_OFFSET, REASON_SHUTDOWN);
        final int childRow = entries.getInt(entryOffset + CHILD_ROW_OFFSET);
        if (NULL_ROW != childRow)
        {
            final int childRowOffset = rowOffset(childRow);
            if (ROW_RUNNING == rows.getInt(childRowOffset + ROW_STATUS_OFFSET))
            {
                terminateChildren(childRow, NULL_ENTRY, out);
                rows.putInt(childRowOffset + ROW_STATUS_OFFSET, ROW_TERMINATED);
            }
            out.addTerminate(entry, NULL_HANDLE, childRow);
        }
        else if (CHILD_RUNNING == status)
        {
            out.addTerminate(entry, entries.getLong(entryOffset + HANDLE_OFFSET), NULL_ROW);
        }
        deleteChild(entry);
    }

    /**
     * OTP del_child: a dynamic child is freed, a temporary child removed, any other child stopped.
     */
    private int deleteChild(final int entry)
    {
        final int entryOffset = entryOffset(entry);
        unmapSlot(entry);
        final byte flags = entries.getByte(entryOffset + FLAGS_OFFSET);
        if (0 != (flags & FLAG_DYNAMIC))
        {
            final int childRow = entries.getInt(entryOffset + CHILD_ROW_OFFSET);
            if (NULL_ROW != childRow)
            {
                rows.putInt(rowOffset(childRow) + PARENT_ENTRY_OFFSET, NULL_ENTRY);
            }
            unlinkAndFree(entry);
            return RestartDecision.OUTCOME_REMOVED;
        }
        if (RestartType.TEMPORARY.code() == entries.getByte(entryOffset + TYPE_OFFSET))
        {
            entries.putByte(entryOffset + CHILD_STATUS_OFFSET, CHILD_REMOVED);
            return RestartDecision.OUTCOME_REMOVED;
        }
        entries.putByte(entryOffset + CHILD_STATUS_OFFSET, CHILD_STOPPED);
        return RestartDecision.OUTCOME_STOPPED;
    }

    /**
     * Starts one entry: a cell waits for its new handle; a child supervisor is reset (fresh window, as a new OTP
     * supervisor process) and all its static children start after it, in start order.
     */
    private void startEntry(final int entry, final RestartDecision out)
    {
        final int entryOffset = entryOffset(entry);
        final int childRow = entries.getInt(entryOffset + CHILD_ROW_OFFSET);
        out.addRestart(entry);
        if (NULL_ROW == childRow)
        {
            unmapSlot(entry);
            entries.putByte(entryOffset + CHILD_STATUS_OFFSET, CHILD_STARTING);
            return;
        }

        entries.putByte(entryOffset + CHILD_STATUS_OFFSET, CHILD_RUNNING);
        final int childRowOffset = rowOffset(childRow);
        rows.putInt(childRowOffset + ROW_STATUS_OFFSET, ROW_RUNNING);
        rows.putInt(childRowOffset + WINDOW_SIZE_OFFSET, 0);
        int child = rows.getInt(childRowOffset + FIRST_CHILD_OFFSET);
        while (NULL_ENTRY != child)
        {
            final int next = entries.getInt(entryOffset(child) + NEXT_OFFSET);
            if (0 != (entries.getByte(entryOffset(child) + FLAGS_OFFSET) & FLAG_DYNAMIC))
            {
                deleteChild(child);
            }
            else
            {
                startEntry(child, out);
            }
            child = next;
        }
    }

    private int createRow(
        final RestartStrategy strategy,
        final int intensity,
        final long period,
        final int parentRow,
        final int parentEntry)
    {
        checkNotNull("strategy", strategy);
        final int capacity = RestartTableDescriptor.checkIntensity(intensity);
        RestartTableDescriptor.checkPeriod(period);
        if (rowCount == rowCapacity)
        {
            final int newCapacity = grownCapacity("rows", rowCapacity, ROW_LENGTH);
            rows = grow(rows, rowCapacity * ROW_LENGTH, newCapacity * ROW_LENGTH);
            rowCapacity = newCapacity;
        }
        if (windowUsed + capacity > windowCapacity)
        {
            int newCapacity = windowCapacity;
            while (windowUsed + capacity > newCapacity)
            {
                newCapacity = grownCapacity("windows", newCapacity, SIZE_OF_LONG);
            }
            windows = grow(windows, windowCapacity * SIZE_OF_LONG, newCapacity * SIZE_OF_LONG);
            windowCapacity = newCapacity;
        }

        final int row = rowCount++;
        final int offset = rowOffset(row);
        rows.putInt(offset + STRATEGY_OFFSET, strategy.code());
        rows.putInt(offset + ROW_STATUS_OFFSET, ROW_RUNNING);
        rows.putInt(offset + INTENSITY_OFFSET, intensity);
        rows.putInt(offset + WINDOW_CAPACITY_OFFSET, capacity);
        rows.putLong(offset + PERIOD_OFFSET, period);
        rows.putInt(offset + PARENT_ROW_OFFSET, parentRow);
        rows.putInt(offset + PARENT_ENTRY_OFFSET, parentEntry);
        rows.putInt(offset + FIRST_CHILD_OFFSET, NULL_ENTRY);
        rows.putInt(offset + LAST_CHILD_OFFSET, NULL_ENTRY);
        rows.putInt(offset + CHILD_COUNT_OFFSET, 0);
        rows.putInt(offset + WINDOW_INDEX_OFFSET, windowUsed);
        rows.putInt(offset + WINDOW_HEAD_OFFSET, 0);
        rows.putInt(offset + WINDOW_SIZE_OFFSET, 0);
        rows.putInt(offset + RESTART_COUNT_OFFSET, 0);
        rows.putInt(offset + GIVE_UP_COUNT_OFFSET, 0);
        windowUsed += capacity;
        return row;
    }

    private int appendEntry(
        final int row, final long handle, final RestartType type, final int childRow, final boolean dynamic)
    {
        final int entry;
        if (NULL_ENTRY != freeEntryHead)
        {
            entry = freeEntryHead;
            freeEntryHead = entries.getInt(entryOffset(entry) + NEXT_OFFSET);
        }
        else
        {
            if (entryHighWater == entryCapacity)
            {
                final int newCapacity = grownCapacity("entries", entryCapacity, ENTRY_LENGTH);
                entries = grow(entries, entryCapacity * ENTRY_LENGTH, newCapacity * ENTRY_LENGTH);
                entryCapacity = newCapacity;
            }
            entry = entryHighWater++;
        }
        liveEntryCount++;

        final int rowOffset = rowOffset(row);
        final int last = rows.getInt(rowOffset + LAST_CHILD_OFFSET);
        final int offset = entryOffset(entry);
        entries.putLong(offset + HANDLE_OFFSET, handle);
        entries.putInt(offset + OWNER_ROW_OFFSET, row);
        entries.putInt(offset + NEXT_OFFSET, NULL_ENTRY);
        entries.putInt(offset + PREV_OFFSET, last);
        entries.putByte(offset + TYPE_OFFSET, (byte)type.code());
        entries.putByte(offset + CHILD_STATUS_OFFSET, CHILD_RUNNING);
        entries.putByte(offset + FLAGS_OFFSET,
            (byte)((NULL_ROW != childRow ? FLAG_SUPERVISOR : 0) | (dynamic ? FLAG_DYNAMIC : 0)));
        entries.putInt(offset + LAST_EXIT_REASON_OFFSET, REASON_NORMAL);
        entries.putInt(offset + CHILD_ROW_OFFSET, childRow);
        if (NULL_ENTRY == last)
        {
            rows.putInt(rowOffset + FIRST_CHILD_OFFSET, entry);
        }
        else
        {
            entries.putInt(entryOffset(last) + NEXT_OFFSET, entry);
        }
        rows.putInt(rowOffset + LAST_CHILD_OFFSET, entry);
        rows.putInt(rowOffset + CHILD_COUNT_OFFSET, rows.getInt(rowOffset + CHILD_COUNT_OFFSET) + 1);
        if (NULL_ROW == childRow)
        {
            mapSlot(handle, entry);
        }
        return entry;
    }

    private void unlinkAndFree(final int entry)
    {
        final int offset = entryOffset(entry);
        final int row = entries.getInt(offset + OWNER_ROW_OFFSET);
        final int rowOffset = rowOffset(row);
        final int prev = entries.getInt(offset + PREV_OFFSET);
        final int next = entries.getInt(offset + NEXT_OFFSET);
        if (NULL_ENTRY == prev)
        {
            rows.putInt(rowOffset + FIRST_CHILD_OFFSET, next);
        }
        else
        {
            entries.putInt(entryOffset(prev) + NEXT_OFFSET, next);
        }
        if (NULL_ENTRY == next)
        {
            rows.putInt(rowOffset + LAST_CHILD_OFFSET, prev);
        }
        else
        {
            entries.putInt(entryOffset(next) + PREV_OFFSET, prev);
        }
        rows.putInt(rowOffset + CHILD_COUNT_OFFSET, rows.getInt(rowOffset + CHILD_COUNT_OFFSET) - 1);

        entries.putByte(offset + CHILD_STATUS_OFFSET, CHILD_FREE);
        entries.putInt(offset + OWNER_ROW_OFFSET, NULL_ROW);
        entries.putInt(offset + PREV_OFFSET, NULL_ENTRY);
        entries.putInt(offset + NEXT_OFFSET, freeEntryHead);
        freeEntryHead = entry;
        liveEntryCount--;
    }

    private void mapSlot(final long handle, final int entry)
    {
        final int slot = RestartTableDescriptor.slot(handle) - slotBase;
        if (slot >= slotCapacity)
        {
            int newCapacity = slotCapacity;
            while (slot >= newCapacity)
            {
                newCapacity = grownCapacity("slots", newCapacity, SIZE_OF_INT);
            }
            slotMap = grow(slotMap, slotCapacity * SIZE_OF_INT, newCapacity * SIZE_OF_INT);
            slotMap.setMemory(slotCapacity * SIZE_OF_INT, (newCapacity - slotCapacity) * SIZE_OF_INT, (byte)0xFF);
            slotCapacity = newCapacity;
        }
        slotMap.putInt(slot * SIZE_OF_INT, entry);
    }

    private void unmapSlot(final int entry)
    {
        final int offset = entryOffset(entry);
        if (NULL_ROW != entries.getInt(offset + CHILD_ROW_OFFSET))
        {
            return;
        }
        final int slot = RestartTableDescriptor.slot(entries.getLong(offset + HANDLE_OFFSET)) - slotBase;
        if (slot >= 0 && slot < slotCapacity && slotMap.getInt(slot * SIZE_OF_INT) == entry)
        {
            slotMap.putInt(slot * SIZE_OF_INT, NULL_ENTRY);
        }
    }

    private int strategyCode(final int row)
    {
        return rows.getInt(rowOffset(row) + STRATEGY_OFFSET);
    }

    private static int rowOffset(final int row)
    {
        return row * ROW_LENGTH;
    }

    private static int entryOffset(final int entry)
    {
        return entry * ENTRY_LENGTH;
    }

    private void checkRow(final int row)
    {
        if (row < 0 || row >= rowCount)
        {
            throw new IllegalArgumentException(
                "row must be a row of this table in [0, " + rowCount + "): row=" + row);
        }
    }

    private void checkEntry(final int entry)
    {
        if (entry < 0 || entry >= entryHighWater || CHILD_FREE == entries.getByte(entryOffset(entry) +
            CHILD_STATUS_OFFSET))
        {
            throw new IllegalArgumentException("entry must be a child entry in use: entry=" + entry);
        }
    }

    private void checkEntry(final int row, final int entry)
    {
        checkEntry(entry);
        final int owner = entries.getInt(entryOffset(entry) + OWNER_ROW_OFFSET);
        if (owner != row)
        {
            throw new IllegalArgumentException(
                "entry must be a child of the given row: entry=" + entry + " belongs to row=" + owner + ", not row=" +
                row);
        }
    }

    private void checkRunning(final int row)
    {
        if (ROW_RUNNING != rows.getInt(rowOffset(row) + ROW_STATUS_OFFSET))
        {
            throw new IllegalStateException("row must be running to take a new child: row=" + row + " is terminated");
        }
    }

    private void checkSimple(final int row, final String operation)
    {
        final int code = strategyCode(row);
        if (RestartStrategy.SIMPLE_ONE_FOR_ONE.code() != code)
        {
            throw new IllegalArgumentException(
                operation + " is only for dynamic children of a SIMPLE_ONE_FOR_ONE supervisor: row=" + row +
                ", strategy=" + RestartStrategy.get(code));
        }
    }

    private void checkHandle(final long handle)
    {
        if (RestartTableDescriptor.slot(handle) < slotBase)
        {
            throw new IllegalArgumentException(
                "handle's slot (low 32 bits) must be >= the table's slot base " + slotBase + ": handle=" + handle +
                ", slot=" + RestartTableDescriptor.slot(handle));
        }
    }

    private static void checkNotNull(final String name, final Object value)
    {
        if (null == value)
        {
            throw new IllegalArgumentException(name + " must not be null: " + name + "=null");
        }
    }

    private static void checkPositive(final String name, final int value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be > 0: " + name + "=" + value);
        }
    }

    private static int grownCapacity(final String area, final int capacity, final int length)
    {
        final long newCapacity = (long)capacity << 1;
        if (newCapacity * length > Integer.MAX_VALUE)
        {
            throw new IllegalStateException(
                area + " cannot grow past 2 GiB: capacity=" + capacity + ", length=" + length);
        }
        return (int)newCapacity;
    }

    private static UnsafeBuffer allocate(final int length)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(length));
    }

    private static UnsafeBuffer grow(final UnsafeBuffer old, final int oldLength, final int newLength)
    {
        final UnsafeBuffer grown = allocate(newLength);
        grown.putBytes(0, old, 0, oldLength);
        BufferUtil.free(old);
        return grown;
    }
}
