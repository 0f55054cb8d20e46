package io.karyon.supervisor;

import java.util.Arrays;

import static io.karyon.supervisor.RestartTableDescriptor.MAX_WINDOW_CAPACITY;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ENTRY;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_HANDLE;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ROW;

/**
 * What a {@link RestartTable} decided about one child exit: a reusable, caller-owned result filled by
 * {@link RestartTable#onChildExit(int, int, int, boolean, long, RestartDecision)}.
 * <p>
 * It lists the child entries to terminate, in the order to terminate them (reverse start order, a child
 * supervisor's own children before it), and the entries to start, in start order (a child supervisor before its
 * children). Entries that were freed by the decision stay readable here by their handle. Its arrays grow only when a
 * decision needs more room than any before, so a decision sized up front never allocates.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
public final class RestartDecision
{
    /**
     * Kind: nothing to start or terminate (the exit was ignored, or the child was just removed or stopped).
     */
    public static final int NONE = 0;

    /**
     * Kind: terminate {@link #terminateCount()} entries, then start {@link #restartCount()} entries.
     */
    public static final int RESTART = 1;

    /**
     * Kind: the intensity was exceeded; the supervisor terminated its children and itself, and its parent
     * {@link #escalateRow()} must now handle the exit of entry {@link #escalateEntry()} with reason
     * {@link #escalationReason()}.
     */
    public static final int ESCALATE = 2;

    /**
     * Kind: the intensity of a top-level supervisor was exceeded; it terminated its children and itself.
     */
    public static final int GIVE_UP = 3;

    /**
     * Outcome: the exit was ignored (child not running, stale handle or terminated supervisor).
     */
    public static final int OUTCOME_IGNORED = 0;

    /**
     * Outcome: the child is to be restarted.
     */
    public static final int OUTCOME_RESTARTED = 1;

    /**
     * Outcome: the child's specification is kept but it is not restarted (OTP {@code pid = undefined}).
     */
    public static final int OUTCOME_STOPPED = 2;

    /**
     * Outcome: the child was removed (a temporary child, or a dynamic child whose entry was freed).
     */
    public static final int OUTCOME_REMOVED = 3;

    private int kind;
    private int outcome;
    private int row;
    private int strategyCode;
    private int exitedEntry;
    private long exitedHandle;
    private int exitReason;
    private boolean abnormal;
    private long now;
    private int intensity;
    private long period;
    private int escalateRow;
    private int escalateEntry;
    private int escalationReason;

    private int terminateCount;
    private int[] terminateEntries;
    private long[] terminateHandles;
    private int[] terminateChildRows;
    private int restartCount;
    private int[] restartEntries;

    private long[] windowTimes = new long[64];
    private int windowSize;

    /**
     * A decision with room for 16 entries in each list.
     */
    public RestartDecision()
    {
        this(16);
    }

    /**
     * A decision with room for the given number of entries in each list.
     *
     * @param capacity of each list before it has to grow.
     * @throws IllegalArgumentException if capacity is not positive.
     */
    public RestartDecision(final int capacity)
    {
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("capacity must be > 0: capacity=" + capacity);
        }
        terminateEntries = new int[capacity];
        terminateHandles = new long[capacity];
        terminateChildRows = new int[capacity];
        restartEntries = new int[capacity];
        reset(NULL_ROW, NULL_ENTRY, NULL_HANDLE, 0, false, 0);
    }

    void reset(
        final int row,
        final int exitedEntry,
        final long exitedHandle,
        final int exitReason,
        final boolean abnormal,
        final long now)
    {
        this.kind = NONE;
        this.outcome = OUTCOME_IGNORED;
        this.row = row;
        this.strategyCode = -1;
        this.exitedEntry = exitedEntry;
        this.exitedHandle = exitedHandle;
        this.exitReason = exitReason;
        this.abnormal = abnormal;
        this.now = now;
        this.intensity = 0;
        this.period = 0;
        this.escalateRow = NULL_ROW;
        this.escalateEntry = NULL_ENTRY;
        this.escalationReason = RestartTable.REASON_NORMAL;
        this.terminateCount = 0;
        this.restartCount = 0;
        this.windowSize = 0;
    }

    void kind(final int kind)
    {
        this.kind = kind;
    }

    void outcome(final int outcome)
    {
        this.outcome = outcome;
    }

    void abnormal(final boolean abnormal)
    {
        this.abnormal = abnormal;
    }

    void supervisor(final int strategyCode, final int intensity, final long period)
    {
        this.strategyCode = strategyCode;
        this.intensity = intensity;
        this.period = period;
    }

    void escalate(final int escalateRow, final int escalateEntry, final int escalationReason)
    {
        this.escalateRow = escalateRow;
        this.escalateEntry = escalateEntry;
        this.escalationReason = escalationReason;
    }

    void windowTime(final int index, final long time)
    {
        if (index >= windowTimes.length)
        {
            // Only when a supervisor gives up: the report then holds its whole window.
            windowTimes = Arrays.copyOf(windowTimes, Math.min(MAX_WINDOW_CAPACITY, Math.max(index + 1,
                windowTimes.length * 2)));
        }
        windowTimes[index] = time;
    }

    void windowSize(final int windowSize)
    {
        this.windowSize = windowSize;
    }

    void addTerminate(final int entry, final long handle, final int childRow)
    {
        if (terminateCount == terminateEntries.length)
        {
            final int newLength = terminateCount << 1;
            terminateEntries = Arrays.copyOf(terminateEntries, newLength);
            terminateHandles = Arrays.copyOf(terminateHandles, newLength);
            terminateChildRows = Arrays.copyOf(terminateChildRows, newLength);
        }
        terminateEntries[terminateCount] = entry;
        terminateHandles[terminateCount] = handle;
        terminateChildRows[terminateCount] = childRow;
        terminateCount++;
    }

    void addRestart(final int entry)
    {
        if (restartCount == restartEntries.length)
        {
            restartEntries = Arrays.copyOf(restartEntries, restartCount << 1);
        }
        restartEntries[restartCount++] = entry;
    }

    /**
     * The kind of decision: {@link #NONE}, {@link #RESTART}, {@link #ESCALATE} or {@link #GIVE_UP}.
     *
     * @return the kind of decision.
     */
    public int kind()
    {
        return kind;
    }

    /**
     * What became of the exited child: {@link #OUTCOME_IGNORED}, {@link #OUTCOME_RESTARTED},
     * {@link #OUTCOME_STOPPED} or {@link #OUTCOME_REMOVED}.
     *
     * @return what became of the exited child.
     */
    public int outcome()
    {
        return outcome;
    }

    /**
     * The supervisor row that decided.
     *
     * @return the supervisor row that decided, {@link RestartTableDescriptor#NULL_ROW} if the handle was unknown.
     */
    public int row()
    {
        return row;
    }

    /**
     * The strategy code of the deciding supervisor, -1 when the exit was ignored before the row was read.
     *
     * @return the strategy code of the deciding supervisor.
     */
    public int strategyCode()
    {
        return strategyCode;
    }

    /**
     * The entry of the child whose exit was decided.
     *
     * @return the entry, or {@link RestartTableDescriptor#NULL_ENTRY} for an exit of a handle that names no child.
     */
    public int exitedEntry()
    {
        return exitedEntry;
    }

    /**
     * The handle of the child whose exit was reported.
     *
     * @return the handle of the exited child.
     */
    public long exitedHandle()
    {
        return exitedHandle;
    }

    /**
     * The exit reason code reported.
     *
     * @return the exit reason code reported.
     */
    public int exitReason()
    {
        return exitReason;
    }

    /**
     * Whether the exit counted as abnormal once the reason was classified.
     *
     * @return true if the exit counted as abnormal.
     */
    public boolean isAbnormal()
    {
        return abnormal;
    }

    /**
     * The time of the exit, in the caller's unit.
     *
     * @return the time of the exit.
     */
    public long now()
    {
        return now;
    }

    /**
     * The deciding supervisor's intensity (most restarts within one period).
     *
     * @return the deciding supervisor's intensity.
     */
    public int intensity()
    {
        return intensity;
    }

    /**
     * The deciding supervisor's period, in the caller's unit.
     *
     * @return the deciding supervisor's period.
     */
    public long period()
    {
        return period;
    }

    /**
     * The parent row to escalate to when {@link #kind()} is {@link #ESCALATE}.
     *
     * @return the parent row, or {@link RestartTableDescriptor#NULL_ROW}.
     */
    public int escalateRow()
    {
        return escalateRow;
    }

    /**
     * The entry, in {@link #escalateRow()}, that stands for the supervisor that gave up.
     *
     * @return the entry to report to the parent, or {@link RestartTableDescriptor#NULL_ENTRY}.
     */
    public int escalateEntry()
    {
        return escalateEntry;
    }

    /**
     * The exit reason of the supervisor that gave up: {@link RestartTable#REASON_SHUTDOWN}, as in OTP.
     *
     * @return the exit reason to report to the parent.
     */
    public int escalationReason()
    {
        return escalationReason;
    }

    /**
     * Number of entries to terminate.
     *
     * @return number of entries to terminate.
     */
    public int terminateCount()
    {
        return terminateCount;
    }

    /**
     * The i-th entry to terminate, in termination order.
     *
     * @param index in [0, {@link #terminateCount()}).
     * @return the entry; it may already be free (a dynamic child), so use {@link #terminateHandle(int)}.
     */
    public int terminateEntry(final int index)
    {
        return terminateEntries[index];
    }

    /**
     * The handle of the i-th entry to terminate.
     *
     * @param index in [0, {@link #terminateCount()}).
     * @return the handle, {@link RestartTableDescriptor#NULL_HANDLE} for a child supervisor.
     */
    public long terminateHandle(final int index)
    {
        return terminateHandles[index];
    }

    /**
     * The supervisor row of the i-th entry to terminate, if it is a child supervisor.
     *
     * @param index in [0, {@link #terminateCount()}).
     * @return the child supervisor's row, or {@link RestartTableDescriptor#NULL_ROW} for a cell.
     */
    public int terminateChildRow(final int index)
    {
        return terminateChildRows[index];
    }

    /**
     * Number of entries to start.
     *
     * @return number of entries to start.
     */
    public int restartCount()
    {
        return restartCount;
    }

    /**
     * The i-th entry to start, in start order; give it its new handle with
     * {@link RestartTable#updateHandle(int, long)} (a child supervisor needs none).
     *
     * @param index in [0, {@link #restartCount()}).
     * @return the entry to start.
     */
    public int restartEntry(final int index)
    {
        return restartEntries[index];
    }

    /**
     * Number of restart times in the window reported with an {@link #ESCALATE} or {@link #GIVE_UP}.
     *
     * @return number of restart times in the reported window.
     */
    public int windowSize()
    {
        return windowSize;
    }

    /**
     * The i-th restart time in the reported window, oldest first; the newest is the restart that was refused.
     *
     * @param index in [0, {@link #windowSize()}).
     * @return the restart time.
     */
    public long windowTime(final int index)
    {
        return windowTimes[index];
    }

    /**
     * The name of a kind.
     *
     * @param kind of decision.
     * @return its name.
     */
    public static String kindName(final int kind)
    {
        switch (kind)
        {
            case NONE:
                return "NONE";
            case RESTART:
                return "RESTART";
            case ESCALATE:
                return "ESCALATE";
            case GIVE_UP:
                return "GIVE_UP";
            default:
                return "UNKNOWN(" + kind + ")";
        }
    }

    /**
     * A report of the decision for people to read (allocates: not for the hot path).
     *
     * @return a report of the decision.
     */
    private static final int LISTED = 8;

    /**
     * The first few items and how many more: a report of a supervisor of thousands of children stays one line.
     */
    private static void appendList(final StringBuilder sb, final int[] items, final int count)
    {
        sb.append('[');
        for (int i = 0; i < Math.min(count, LISTED); i++)
        {
            sb.append(i == 0 ? "" : ", ").append(items[i]);
        }
        sb.append(count > LISTED ? ", ... " + (count - LISTED) + " more]" : "]");
    }

    private static void appendList(final StringBuilder sb, final long[] items, final int count)
    {
        sb.append('[');
        for (int i = 0; i < Math.min(count, LISTED); i++)
        {
            sb.append(i == 0 ? "" : ", ").append(items[i]);
        }
        sb.append(count > LISTED ? ", ... " + (count - LISTED) + " more]" : "]");
    }

    public String toString()
    {
        final StringBuilder sb = new StringBuilder(128);
        sb.append("RestartDecision{kind=").append(kindName(kind))
            .append(", row=").append(row)
            .append(", strategy=").append(strategyCode < 0 ? "?" : RestartStrategy.get(strategyCode).name())
            .append(", exitedEntry=").append(exitedEntry)
            .append(", exitedHandle=").append(exitedHandle)
            .append(", reason=").append(exitReason)
            .append(", abnormal=").append(abnormal)
            .append(", outcome=").append(outcome)
            .append(", now=").append(now)
            .append(", terminate=");
        appendList(sb, terminateEntries, terminateCount);
        sb.append(", restart=");
        appendList(sb, restartEntries, restartCount);
        if (ESCALATE == kind || GIVE_UP == kind)
        {
            sb.append(", intensity=").append(intensity).append(", period=").append(period)
                .append(", window (oldest first)=");
            appendList(sb, windowTimes, windowSize);
            sb.append(", escalateRow=").append(escalateRow)
                .append(", escalateEntry=").append(escalateEntry)
                .append(", escalationReason=").append(escalationReason);
        }
        return sb.append('}').toString();
    }
}
