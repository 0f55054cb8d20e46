package io.karyon.supervisor;

import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import static io.karyon.supervisor.RestartTable.REASON_NORMAL;
import static io.karyon.supervisor.RestartTable.REASON_SHUTDOWN;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_REMOVED;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_ROW_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STARTING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STATUS_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STOPPED;
import static io.karyon.supervisor.RestartTableDescriptor.HANDLE_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.INTENSITY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.LAST_EXIT_REASON_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ENTRY;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_HANDLE;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ROW;
import static io.karyon.supervisor.RestartTableDescriptor.PERIOD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.RESTART_COUNT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_STATUS_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_TERMINATED;
import static io.karyon.supervisor.RestartTableDescriptor.STRATEGY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.TYPE_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_CAPACITY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_HEAD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_INDEX_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_SIZE_OFFSET;

/**
 * The OTP decisions of a {@link RestartTable}, apart from the stores they read and write: whether an exit restarts
 * its child (restart type and reason), what a strategy restarts with it (one_for_one, one_for_all, rest_for_one),
 * whether the intensity window allows it ({@code add_restart/3}), and what a supervisor that gives up does (terminate
 * its subtree, then escalate to its parent or give up at top level). The table checks its callers' rows and entries
 * before calling in; nothing here throws, and nothing allocates (a {@link RestartDecision} grows only past its largest
 * size so far).
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class RestartDecider
{
    private final SupervisorRows rows;
    private final ChildEntries entries;
    private final RestartWindows windows;
    private final ChildSlotMap slots;
    private final IntHashSet normalReasons = new IntHashSet();

    private long restarts;
    private long escalations;
    private long giveUps;
    private long ignoredExits;

    RestartDecider(
        final SupervisorRows rows, final ChildEntries entries, final RestartWindows windows, final ChildSlotMap slots)
    {
        this.rows = rows;
        this.entries = entries;
        this.windows = windows;
        this.slots = slots;
    }

    long restarts()
    {
        return restarts;
    }

    long escalations()
    {
        return escalations;
    }

    long giveUps()
    {
        return giveUps;
    }

    long ignoredExits()
    {
        return ignoredExits;
    }

    /**
     * Writes the reasons counted as normal and the counters, for a checkpoint.
     */
    void write(final DataOutput out) throws IOException
    {
        final int[] reasons = new int[normalReasons.size()];
        int n = 0;
        for (final IntHashSet.IntIterator it = normalReasons.iterator(); it.hasNext(); )
        {
            reasons[n++] = it.nextValue();
        }
        Arrays.sort(reasons);
        out.writeInt(n);
        for (final int reason : reasons)
        {
            out.writeInt(reason);
        }
        out.writeLong(restarts);
        out.writeLong(escalations);
        out.writeLong(giveUps);
        out.writeLong(ignoredExits);
    }

    /**
     * Replaces the reasons counted as normal and the counters with what {@link #write(DataOutput)} wrote.
     */
    void read(final DataInput in) throws IOException
    {
        final int n = in.readInt();
        if (n < 0)
        {
            throw new IOException("bad count of normal reasons: " + n);
        }
        normalReasons.clear();
        for (int i = 0; i < n; i++)
        {
            normalReasons.add(in.readInt());
        }
        restarts = in.readLong();
        escalations = in.readLong();
        giveUps = in.readLong();
        ignoredExits = in.readLong();
    }

    void markNormalReason(final int reasonCode)
    {
        if (REASON_NORMAL != reasonCode && REASON_SHUTDOWN != reasonCode)
        {
            normalReasons.add(reasonCode);
        }
    }

    boolean isNormalReason(final int reasonCode)
    {
        return REASON_NORMAL == reasonCode || REASON_SHUTDOWN == reasonCode ||
            (!normalReasons.isEmpty() && normalReasons.contains(reasonCode));
    }

    /**
     * The exit of a handle that names no running child: ignored and counted.
     */
    int onUnknownExit(
        final long handle, final int reasonCode, final boolean abnormal, final long now, final RestartDecision out)
    {
        out.reset(NULL_ROW, NULL_ENTRY, handle, reasonCode, abnormal, now);
        ignoredExits++;
        return RestartDecision.NONE;
    }

    /**
     * {@link RestartTable#onChildExit(int, int, int, boolean, long, RestartDecision)} for a checked row and entry.
     */
    int onChildExit(
        final int row,
        final int entry,
        final int reasonCode,
        final boolean abnormal,
        final long now,
        final RestartDecision out)
    {
        // The row's and the entry's fields are read through local buffers: each accessor call would load the buffer
        // field again after every off-heap write, which the JIT cannot tell apart from the fields.
        final UnsafeBuffer rowBuffer = rows.buffer();
        final UnsafeBuffer entryBuffer = entries.buffer();
        final int rowAt = SupervisorRows.offset(row);
        final int entryAt = ChildEntries.offset(entry);
        final long handle = entryBuffer.getLong(entryAt + HANDLE_OFFSET);
        out.reset(row, entry, handle, reasonCode, abnormal, now);
        final int strategy = rowBuffer.getInt(rowAt + STRATEGY_OFFSET);
        final int intensity = rowBuffer.getInt(rowAt + INTENSITY_OFFSET);
        final long period = rowBuffer.getLong(rowAt + PERIOD_OFFSET);
        out.supervisor(strategy, intensity, period);

        if (ROW_RUNNING != rowBuffer.getInt(rowAt + ROW_STATUS_OFFSET) ||
            CHILD_RUNNING != entryBuffer.getByte(entryAt + CHILD_STATUS_OFFSET))
        {
            return ignoreExit();
        }

        entryBuffer.putInt(entryAt + LAST_EXIT_REASON_OFFSET, reasonCode);
        final int childRow = entryBuffer.getInt(entryAt + CHILD_ROW_OFFSET);
        final boolean isAbnormal = abnormal && !isNormalReason(reasonCode);
        out.abnormal(isAbnormal);
        final int type = entryBuffer.getByte(entryAt + TYPE_OFFSET);
        if (NULL_ROW != childRow || RestartType.PERMANENT.code() != type ||
            RestartStrategy.ONE_FOR_ALL.code() == strategy || RestartStrategy.REST_FOR_ONE.code() == strategy)
        {
            return onOtherExit(row, entry, childRow, type, isAbnormal, strategy, now, out);
        }
        if (!addRestart(rowBuffer, row, rowAt, now, period, intensity))
        {
            return giveUp(row, entry, out);
        }
        restartAlone(rowBuffer, rowAt, entryBuffer, entryAt, entry, handle, out);
        return RestartDecision.RESTART;
    }

    /**
     * The common restart, a permanent cell's alone (startEntry's first case): it waits for its new handle, its slot
     * unmapped ({@code handle} is the entry's: nothing wrote it since the exit). Apart from {@link #onChildExit} so
     * that both stay small enough for the JIT to inline where a cell dies.
     */
    private void restartAlone(final UnsafeBuffer rowBuffer, final int rowAt, final UnsafeBuffer entryBuffer,
        final int entryAt, final int entry, final long handle, final RestartDecision out)
    {
        restarts++;
        rowBuffer.putInt(rowAt + RESTART_COUNT_OFFSET, rowBuffer.getInt(rowAt + RESTART_COUNT_OFFSET) + 1);
        out.outcome(RestartDecision.OUTCOME_RESTARTED);
        out.kind(RestartDecision.RESTART);
        out.addRestart(entry);
        slots.remove(handle, entry);
        entryBuffer.putByte(entryAt + CHILD_STATUS_OFFSET, CHILD_STARTING);
    }

    private int ignoreExit()
    {
        ignoredExits++;
        return RestartDecision.NONE;
    }

    /**
     * The rest of {@link #onChildExit} for any exit but a permanent cell's under one_for_one (or
     * simple_one_for_one): a killed child supervisor's subtree, a temporary or transient child that is not restarted,
     * a group restart. Apart from it so that the common exit stays small enough for the JIT to inline where a cell
     * dies.
     */
    private int onOtherExit(final int row, final int entry, final int childRow, final int type,
        final boolean isAbnormal, final int strategy, final long now, final RestartDecision out)
    {
        if (NULL_ROW != childRow)
        {
            terminateKilledSupervisor(childRow, out);
        }
        if (RestartType.TEMPORARY.code() == type || (RestartType.TRANSIENT.code() == type && !isAbnormal))
        {
            out.outcome(deleteChild(entry));
            return RestartDecision.NONE;
        }
        if (!addRestart(rows.buffer(), row, SupervisorRows.offset(row), now, rows.period(row), rows.intensity(row)))
        {
            return giveUp(row, entry, out);
        }
        restarts++;
        rows.countRestart(row);
        out.outcome(RestartDecision.OUTCOME_RESTARTED);
        out.kind(RestartDecision.RESTART);
        restart(row, entry, strategy, out);
        return RestartDecision.RESTART;
    }

    /**
     * The restart of a child whose exit the window allows, other than a cell alone: by its supervisor's strategy,
     * itself (one_for_one, a child supervisor), all its siblings (one_for_all) or those started after it
     * (rest_for_one). Apart from {@link #onChildExit} so that it stays small enough for the JIT to inline where a cell
     * dies.
     */
    private void restart(final int row, final int entry, final int strategy, final RestartDecision out)
    {
        final boolean oneForAll = RestartStrategy.ONE_FOR_ALL.code() == strategy;
        if (oneForAll || RestartStrategy.REST_FOR_ONE.code() == strategy)
        {
            restartGroup(row, oneForAll ? rows.firstChild(row) : entry, entry, out);
        }
        else
        {
            // startEntry unmaps the child's slot.
            startEntry(entry, out);
        }
    }

    /**
     * A child supervisor that exits without giving up (killed), if it still runs: its children die with it, as linked
     * processes do in OTP, so its subtree is listed for termination first. Apart from {@link #onChildExit} so that the
     * JIT can inline that one where a cell dies.
     */
    private void terminateKilledSupervisor(final int childRow, final RestartDecision out)
    {
        if (rows.isRunning(childRow))
        {
            terminateChildren(childRow, NULL_ENTRY, out);
            rows.status(childRow, ROW_TERMINATED);
        }
    }

    /**
     * {@link RestartTable#restartSupervisor(int, long, RestartDecision)} for a checked top-level row.
     */
    int restartSupervisor(final int row, final long now, final RestartDecision out)
    {
        out.reset(row, NULL_ENTRY, NULL_HANDLE, REASON_SHUTDOWN, false, now);
        if (rows.isRunning(row))
        {
            return RestartDecision.NONE;
        }
        rows.status(row, ROW_RUNNING);
        rows.windowSize(row, 0);
        int child = rows.firstChild(row);
        while (NULL_ENTRY != child)
        {
            final int next = entries.next(child);
            if (entries.isDynamic(child))
            {
                deleteChild(child);
            }
            else if (CHILD_STOPPED == entries.status(child))
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
     * Terminates a checked row's children (reverse start order, subtrees first) and then the row, if it runs.
     */
    void terminateSupervisor(final int row, final RestartDecision out)
    {
        if (rows.isRunning(row))
        {
            terminateChildren(row, NULL_ENTRY, out);
            rows.status(row, ROW_TERMINATED);
        }
    }

    /**
     * {@link RestartTable#removeChild(int, int, RestartDecision)} for a checked dynamic entry.
     */
    void removeChild(final int row, final int entry, final RestartDecision out)
    {
        out.reset(row, entry, entries.handle(entry), REASON_SHUTDOWN, false, 0);
        out.supervisor(rows.strategyCode(row), rows.intensity(row), rows.period(row));
        terminateEntry(entry, out);
        out.outcome(RestartDecision.OUTCOME_REMOVED);
    }

    /**
     * Unmaps a child cell's slot, if the slot still names it; a child supervisor has no slot.
     */
    void unmapSlot(final int entry)
    {
        if (NULL_ROW != entries.childRow(entry))
        {
            return;
        }
        slots.remove(entries.handle(entry), entry);
    }

    private int giveUp(final int row, final int entry, final RestartDecision out)
    {
        reportWindow(row, out);
        out.outcome(deleteChild(entry));
        terminateChildren(row, NULL_ENTRY, out);
        rows.status(row, ROW_TERMINATED);
        rows.countGiveUp(row);
        final int parentRow = rows.parentRow(row);
        final int parentEntry = rows.parentEntry(row);
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
    private boolean addRestart(final UnsafeBuffer rowBuffer, final int row, final int at, final long now,
        final long period, final int intensity)
    {
        // The row's fields and the times are read through local buffers (the row's passed in, with the fields the
        // caller read already): each accessor call would load the buffer field again after every off-heap write,
        // which the JIT cannot tell apart from the fields.
        final int capacity = rowBuffer.getInt(at + WINDOW_CAPACITY_OFFSET);
        int base = rowBuffer.getInt(at + WINDOW_INDEX_OFFSET);
        final int head = rowBuffer.getInt(at + WINDOW_HEAD_OFFSET);
        final int size = rowBuffer.getInt(at + WINDOW_SIZE_OFFSET);
        final long threshold = now - period;
        final UnsafeBuffer times = windows.buffer();

        // Times only grow, so the restarts that left the window are the oldest ones: drop them from the old end,
        // which costs O(1) amortised instead of a walk over the whole window on every restart (a supervisor whose
        // thousand children die in one tick walked half a million entries).
        int kept = size;
        int oldest = head - size + 1 < 0 ? head - size + 1 + capacity : head - size + 1;
        while (kept > 0 && times.getLong((base + oldest) << 3) < threshold)
        {
            kept--;
            oldest = oldest + 1 == capacity ? 0 : oldest + 1;
        }

        int newHead = head + 1 == capacity ? 0 : head + 1;
        if (kept == capacity && capacity <= intensity)
        {
            // Full of restarts inside the period: the kept times move to the start of a longer part.
            base = growWindow(row, base, capacity, oldest, kept);
            newHead = kept;
        }
        windows.time(base + newHead, now);
        rowBuffer.putInt(at + WINDOW_HEAD_OFFSET, newHead);
        rowBuffer.putInt(at + WINDOW_SIZE_OFFSET, kept + 1);

        return kept + 1 <= intensity;
    }

    /**
     * Moves a window full of restarts inside the period to a part twice as long (at most intensity + 1), the times in
     * order from its start. Apart from {@link #addRestart} so that it stays small enough for the JIT to inline where
     * it is hot (a child's exit), which this rare step made it too big for.
     *
     * @return the new part's index.
     */
    private int growWindow(final int row, final int base, final int capacity, final int oldest, final int kept)
    {
        final int newCapacity = (int)Math.min(rows.intensity(row) + 1L, 2L * capacity);
        final int newBase = windows.take(newCapacity);
        for (int i = 0, from = oldest; i < kept; i++)
        {
            windows.time(newBase + i, windows.time(base + from));
            from = from + 1 == capacity ? 0 : from + 1;
        }
        windows.give(base, capacity);
        rows.windowIndex(row, newBase);
        rows.windowCapacity(row, newCapacity);
        return newBase;
    }

    private void reportWindow(final int row, final RestartDecision out)
    {
        final int capacity = rows.windowCapacity(row);
        final int base = rows.windowIndex(row);
        final int head = rows.windowHead(row);
        final int size = rows.windowSize(row);
        int index = head - size + 1;
        if (index < 0)
        {
            index += capacity;
        }
        for (int i = 0; i < size; i++)
        {
            out.windowTime(i, windows.time(base + index));
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
        int entry = rows.lastChild(row);
        while (NULL_ENTRY != entry)
        {
            final int prev = entries.prev(entry);
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
            final int next = entries.next(entry);
            if (entry == failed || CHILD_STOPPED == entries.status(entry))
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
        int entry = rows.lastChild(row);
        while (NULL_ENTRY != entry)
        {
            final int prev = entries.prev(entry);
            if (entry != except)
            {
                terminateEntry(entry, out);
            }
            entry = prev;
        }
    }

    /**
     * Terminates one child if it is live (a child supervisor's subtree first), with reason {@link
     * RestartTable#REASON_SHUTDOWN}, then deletes it as OTP's del_child: a dynamic child is freed, a temporary one
     * removed, any other stopped.
     */
    private void terminateEntry(final int entry, final RestartDecision out)
    {
        final byte status = entries.status(entry);
        if (CHILD_RUNNING != status && CHILD_STARTING != status)
        {
            return;
        }
        entries.lastExitReason(entry, REASON_SHUTDOWN);
        final int childRow = entries.childRow(entry);
        if (NULL_ROW != childRow)
        {
            if (rows.isRunning(childRow))
            {
                terminateChildren(childRow, NULL_ENTRY, out);
                rows.status(childRow, ROW_TERMINATED);
            }
            out.addTerminate(entry, NULL_HANDLE, childRow);
        }
        else if (CHILD_RUNNING == status)
        {
            out.addTerminate(entry, entries.handle(entry), NULL_ROW);
        }
        deleteChild(entry);
    }

    /**
     * OTP del_child: a dynamic child is freed, a temporary child removed, any other child stopped.
     */
    private int deleteChild(final int entry)
    {
        unmapSlot(entry);
        if (entries.isDynamic(entry))
        {
            final int childRow = entries.childRow(entry);
            if (NULL_ROW != childRow)
            {
                rows.parentEntry(childRow, NULL_ENTRY);
            }
            entries.unlinkAndFree(entry);
            return RestartDecision.OUTCOME_REMOVED;
        }
        if (RestartType.TEMPORARY.code() == entries.typeCode(entry))
        {
            entries.status(entry, CHILD_REMOVED);
            return RestartDecision.OUTCOME_REMOVED;
        }
        entries.status(entry, CHILD_STOPPED);
        return RestartDecision.OUTCOME_STOPPED;
    }

    /**
     * Starts one entry: a cell waits for its new handle; a child supervisor is reset (fresh window, as a new OTP
     * supervisor process) and all its static children start after it, in start order.
     */
    private void startEntry(final int entry, final RestartDecision out)
    {
        final int childRow = entries.childRow(entry);
        out.addRestart(entry);
        if (NULL_ROW == childRow)
        {
            unmapSlot(entry);
            entries.status(entry, CHILD_STARTING);
            return;
        }

        entries.status(entry, CHILD_RUNNING);
        rows.status(childRow, ROW_RUNNING);
        rows.windowSize(childRow, 0);
        int child = rows.firstChild(childRow);
        while (NULL_ENTRY != child)
        {
            final int next = entries.next(child);
            if (entries.isDynamic(child))
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
}
