package io.karyon.engine;

import io.karyon.engine.cell.Handle;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.karyon.engine.TimerDescriptor.ID_OFFSET;
import static io.karyon.engine.TimerDescriptor.KIND_CALL_TIMEOUT;
import static io.karyon.engine.TimerDescriptor.KIND_MESSAGE;
import static io.karyon.engine.TimerDescriptor.KIND_OFFSET;
import static io.karyon.engine.TimerDescriptor.NEXT_OFFSET;
import static io.karyon.engine.TimerDescriptor.PAYLOAD_OFFSET;
import static io.karyon.engine.TimerDescriptor.RECORD_LENGTH;
import static io.karyon.engine.TimerDescriptor.SENDER_OFFSET;
import static io.karyon.engine.TimerDescriptor.TARGET_OFFSET;
import static io.karyon.engine.TimerDescriptor.TYPE_OFFSET;
import static io.karyon.engine.TimerDescriptor.WHEEL_ID_OFFSET;

/**
 * The timers of one worker's cells and their outstanding calls: an Agrona {@link DeadlineTimerWheel} (deadlines in
 * primitive arrays) beside an off-heap pool of the messages to send when a timer fires (records laid out by
 * {@link TimerDescriptor}), found through primitive maps; no Java object per timer.
 * <p>
 * In tick mode the wheel counts ticks (one wheel tick per engine tick); a timer set in tick t for k ticks fires at the
 * end of tick t+k-1, so that its message is handled in tick t+k. In free-running mode it counts nanoseconds from
 * {@link System#nanoTime()}, in wheel ticks of about a millisecond. Timers that fire together are sent in timer id
 * order, and a timer id starts with its setter's slot: the order does not depend on the number of workers.
 * <p>
 * A timer id is {@code slot << 32 | (tick + 1, 24 bits) << 8 | count of ids the cell took in the tick (8 bits)}:
 * unique while timers live less than 2^24 ticks and a cell takes at most 256 per tick.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class Timers extends WorkerPadding
{
    static final long NO_TIMER = -1;
    private static final int NULL_RECORD = RecordPool.NULL_RECORD;
    private static final int TICKS_PER_WHEEL = 1024;
    private static final int FREE_RUNNING_RESOLUTION_NS = 1 << 20;

    private final DeadlineTimerWheel wheel;
    private final DeadlineTimerWheel.TimerHandler onExpiry = this::onExpiry;
    private final Long2LongHashMap recordOfId = new Long2LongHashMap(NULL_RECORD);
    private final Long2LongHashMap idOfWheelId = new Long2LongHashMap(NO_TIMER);
    private final Long2LongHashMap pendingCalls = new Long2LongHashMap(NO_TIMER);
    private final RecordPool pool = new RecordPool("timer table", RECORD_LENGTH, NEXT_OFFSET);
    private final UnsafeBuffer records = pool.records();
    private final MessageQueue fired = new MessageQueue(16);
    private long[] expired = new long[16];
    private int expiredCount;

    private long cancelledTarget;
    private long cancelledSender;
    private long cancelledPayload;
    private int cancelledType;
    long timersSet;
    long timersFired;
    long timersCancelled;
    long calls;
    long callTimeouts;
    long lateReplies;

    Timers(final boolean freeRunning)
    {
        wheel = freeRunning ?
            new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), FREE_RUNNING_RESOLUTION_NS,
                TICKS_PER_WHEEL) :
            new DeadlineTimerWheel(TimeUnit.NANOSECONDS, 0, 1, TICKS_PER_WHEEL);
    }

    static long timerId(final int slot, final long tick, final int seq)
    {
        return ((long)slot << 32) | (((tick + 1) & 0xFF_FFFFL) << 8) | (seq & 0xFF);
    }

    int size()
    {
        return recordOfId.size();
    }

    /**
     * Schedules a message for a deadline (a tick, or nanoseconds in free-running mode).
     */
    void schedule(final long id, final long deadline, final long target, final long sender, final int type,
        final long payload, final int kind)
    {
        final int record = pool.allocate();
        final int offset = record * RECORD_LENGTH;
        final long wheelId = wheel.scheduleTimer(deadline);
        records.putLong(offset + TARGET_OFFSET, target);
        records.putLong(offset + SENDER_OFFSET, sender);
        records.putLong(offset + PAYLOAD_OFFSET, payload);
        records.putLong(offset + ID_OFFSET, id);
        records.putLong(offset + WHEEL_ID_OFFSET, wheelId);
        records.putInt(offset + TYPE_OFFSET, type);
        records.putInt(offset + KIND_OFFSET, kind);
        recordOfId.put(id, record);
        idOfWheelId.put(wheelId, id);
        if (KIND_MESSAGE == kind)
        {
            timersSet++;
        }
    }

    /**
     * Cancels a timer that has not fired.
     *
     * @return false if no such timer is waiting on this worker.
     */
    boolean cancel(final long id)
    {
        final long record = recordOfId.remove(id);
        if (NULL_RECORD == record)
        {
            return false;
        }
        final long wheelId = records.getLong((int)record * RECORD_LENGTH + WHEEL_ID_OFFSET);
        wheel.cancelTimer(wheelId);
        idOfWheelId.remove(wheelId);
        final int offset = (int)record * RECORD_LENGTH;
        cancelledTarget = records.getLong(offset + TARGET_OFFSET);
        cancelledSender = records.getLong(offset + SENDER_OFFSET);
        cancelledPayload = records.getLong(offset + PAYLOAD_OFFSET);
        cancelledType = records.getInt(offset + TYPE_OFFSET);
        if (KIND_MESSAGE == records.getInt(offset + KIND_OFFSET))
        {
            timersCancelled++;
        }
        pool.free((int)record);
        return true;
    }

    long cancelledTarget()
    {
        return cancelledTarget;
    }

    long cancelledSender()
    {
        return cancelledSender;
    }

    long cancelledPayload()
    {
        return cancelledPayload;
    }

    int cancelledType()
    {
        return cancelledType;
    }

    /**
     * Fires every timer due by {@code now}, in timer id order, into {@link #fired()}; a call's timeout also ends the
     * call, so that a reply arriving after it is a dead letter.
     *
     * @return the number fired.
     */
    int expire(final long now)
    {
        final MessageQueue fired = this.fired;
        fired.clear();
        if (0 == wheel.timerCount())
        {
            // Keep the wheel's clock moving so that new deadlines are placed from now.
            if (wheel.currentTickTime() <= now)
            {
                wheel.currentTickTime(now);
            }
            return 0;
        }
        expiredCount = 0;
        long before;
        do
        {
            before = wheel.currentTickTime();
            wheel.poll(now, onExpiry, Integer.MAX_VALUE);
        }
        while (wheel.currentTickTime() != before && wheel.currentTickTime() <= now + wheel.tickResolution());
        final long[] expired = this.expired;
        Arrays.sort(expired, 0, expiredCount);
        for (int i = 0; i < expiredCount; i++)
        {
            final long id = expired[i];
            final int record = (int)recordOfId.remove(id);
            final int offset = record * RECORD_LENGTH;
            final long target = records.getLong(offset + TARGET_OFFSET);
            final long payload = records.getLong(offset + PAYLOAD_OFFSET);
            if (KIND_CALL_TIMEOUT == records.getInt(offset + KIND_OFFSET))
            {
                pendingCalls.remove(callKey(target, (int)payload));
                callTimeouts++;
            }
            else
            {
                timersFired++;
            }
            fired.append(target, records.getLong(offset + SENDER_OFFSET), records.getInt(offset + TYPE_OFFSET),
                payload);
            pool.free(record);
        }
        return expiredCount;
    }

    /**
     * The messages of the timers the last {@link #expire(long)} fired.
     */
    MessageQueue fired()
    {
        return fired;
    }

    private boolean onExpiry(final TimeUnit timeUnit, final long now, final long wheelId)
    {
        final long id = idOfWheelId.remove(wheelId);
        if (expiredCount == expired.length)
        {
            expired = Arrays.copyOf(expired, expiredCount * 2);
        }
        expired[expiredCount++] = id;
        return true;
    }

    // Outstanding calls, keyed by caller (slot, 20 bits of generation) and call id.

    static long callKey(final long caller, final int callId)
    {
        return ((long)Handle.slot(caller) << 32) | ((Handle.generation(caller) & 0xF_FFFFL) << 12) | callId;
    }

    boolean isCallPending(final long caller, final int callId)
    {
        return pendingCalls.containsKey(callKey(caller, callId));
    }

    void addCall(final long caller, final int callId, final long timeoutTimerId)
    {
        pendingCalls.put(callKey(caller, callId), timeoutTimerId);
        calls++;
    }

    /**
     * Ends a call on its reply, cancelling its timeout.
     *
     * @return false if the call is not outstanding (it timed out): the reply is late.
     */
    boolean completeCall(final long caller, final int callId)
    {
        final long timer = pendingCalls.remove(callKey(caller, callId));
        if (NO_TIMER == timer)
        {
            lateReplies++;
            return false;
        }
        cancel(timer);
        return true;
    }

    // Checkpoints: the timers and calls read out in id order, and put back.

    /**
     * The ids of the waiting timers, ascending.
     */
    long[] timerIds()
    {
        final long[] ids = new long[recordOfId.size()];
        final Long2LongHashMap.KeyIterator it = recordOfId.keySet().iterator();
        for (int n = 0; it.hasNext(); n++)
        {
            ids[n] = it.nextValue();
        }
        Arrays.sort(ids);
        return ids;
    }

    /**
     * The record of a waiting timer, for {@link #field(int, int)} and {@link #deadline(int)}.
     */
    int recordOf(final long id)
    {
        return (int)recordOfId.get(id);
    }

    /**
     * A long field of a timer's record (see {@link TimerDescriptor}).
     */
    long field(final int record, final int offset)
    {
        return records.getLong(record * RECORD_LENGTH + offset);
    }

    /**
     * An int field of a timer's record (see {@link TimerDescriptor}).
     */
    int intField(final int record, final int offset)
    {
        return records.getInt(record * RECORD_LENGTH + offset);
    }

    long deadline(final int record)
    {
        return wheel.deadline(field(record, WHEEL_ID_OFFSET));
    }

    /**
     * The keys of the outstanding calls, ascending.
     */
    long[] callKeys()
    {
        final long[] keys = new long[pendingCalls.size()];
        final Long2LongHashMap.KeyIterator it = pendingCalls.keySet().iterator();
        for (int n = 0; it.hasNext(); n++)
        {
            keys[n] = it.nextValue();
        }
        Arrays.sort(keys);
        return keys;
    }

    long callTimer(final long key)
    {
        return pendingCalls.get(key);
    }

    /**
     * Forgets every timer and call, and moves the wheel to a tick (tick mode), before a checkpoint's are put back.
     */
    void clearForRestore(final long tick)
    {
        wheel.clear();
        wheel.currentTickTime(tick);
        recordOfId.clear();
        idOfWheelId.clear();
        pendingCalls.clear();
        pool.clear();
        expiredCount = 0;
    }

    void restoreCall(final long key, final long timerId)
    {
        pendingCalls.put(key, timerId);
    }

    void close()
    {
        fired.close();
        pool.close();
    }
}
