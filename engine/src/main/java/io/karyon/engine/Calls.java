package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;

/**
 * Timers and calls of one worker's cells: messages sent after a delay, calls that wait for a reply or time out, and
 * the call the cell being visited is handling, which {@link CellContext#reply(int, long)} answers. The timers
 * themselves are kept in {@link Timers}; their messages leave as signals, outside the slot-order walk.
 * <p>
 * Delays and timeouts are ticks in tick mode and nanoseconds in free-running mode. Timer ids, call ids and monitor
 * references are made from the cell's slot, the tick and a count of the references the cell took in that tick, so they
 * are the same in every run with the same seed.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class Calls extends WorkerPadding
{
    static final int NO_CALL = -1;

    private final Slice slice;
    private final CellFlyweight cell;
    private final Timers timers;
    private final Mailboxes mailboxes;
    private final boolean freeRunning;
    private int callId = NO_CALL;
    private int callSlot = -1;
    private long callTick = -1;
    private long caller;
    private int refSlot = -1;
    private long refTick = -1;
    private int refSeq;

    /**
     * @param cell the flyweight over the cell being visited.
     */
    Calls(final Slice slice, final CellFlyweight cell, final Timers timers, final Mailboxes mailboxes,
        final boolean freeRunning)
    {
        this.slice = slice;
        this.cell = cell;
        this.timers = timers;
        this.mailboxes = mailboxes;
        this.freeRunning = freeRunning;
    }

    /**
     * A message that is not a call or a reply is being handled.
     */
    void noCall()
    {
        callId = NO_CALL;
    }

    /**
     * A TIMEOUT is being handled: {@link CellContext#callId()} names the call that got no reply.
     */
    void onTimeout(final long payload)
    {
        callId = (int)payload;
    }

    /**
     * Handles an engine message of the call or reply kind for a live cell.
     *
     * @return the type to hand to the behaviour, or {@link Signalling#CONSUMED}.
     */
    int onCallOrReply(final CellFlyweight cell, final long sender, final int type)
    {
        final int kind = type & Signals.KIND_MASK;
        final int id = Signals.callId(type);
        if (Signals.CALL_KIND == kind)
        {
            callId = id;
            callSlot = cell.slot();
            callTick = slice.tick;
            caller = sender;
            return type & Signals.MAX_CALL_TYPE;
        }
        if (Signals.REPLY_KIND == kind && timers.completeCall(cell.handle(), id))
        {
            callId = id;
            callSlot = cell.slot();
            callTick = slice.tick;
            return type & Signals.MAX_CALL_TYPE;
        }
        // A reply after the call timed out, or a type no engine message has.
        mailboxes.deadLetter(Signals.REPLY_KIND == kind ? DeadLetters.LATE_REPLY : DeadLetters.STALE_HANDLE,
            cell.handle(), sender, type, 0);
        return Signalling.CONSUMED;
    }

    /**
     * Sends the messages of the timers due by {@code now} (a tick, or nanoseconds when free-running).
     *
     * @return timers fired.
     */
    int fireTimers(final long now)
    {
        final int fired = timers.expire(now);
        if (fired > 0)
        {
            final MessageQueue queue = timers.fired();
            for (int i = 0; i < fired; i++)
            {
                mailboxes.signal(queue.target(i), queue.sender(i), queue.type(i), queue.payload(i));
            }
        }
        return fired;
    }

    /**
     * A reference unique per cell: the tick (plus one, so never 0) and a count of the references the cell took in this
     * tick, with the low 8 bits left free for a reason. The same in every run with the same seed.
     */
    long nextRef()
    {
        return ((slice.tick + 1) << 16) | ((long)(nextSeq() & 0xFF) << 8);
    }

    private int nextSeq()
    {
        final int slot = cell.slot();
        final long tick = slice.tick;
        if (refSlot != slot || refTick != tick)
        {
            refSlot = slot;
            refTick = tick;
            refSeq = 0;
        }
        return refSeq++;
    }

    long sendAfter(final long target, final long delay, final int type, final long payload)
    {
        Mailboxes.checkTarget("sendAfter", target);
        if (type < 0)
        {
            throw new IllegalArgumentException("sendAfter: message types < 0 are the engine's: type=" + type);
        }
        if (delay < (freeRunning ? 0 : 1))
        {
            throw new IllegalArgumentException("sendAfter: delay must be >= " + (freeRunning ? "0 ns" : "1 tick") +
                ": delay=" + delay);
        }
        final long tick = slice.tick;
        final long id = Timers.timerId(cell.slot(), tick, nextSeq());
        final long deadline = freeRunning ? System.nanoTime() + delay : tick + delay - 1;
        timers.schedule(id, deadline, target, cell.handle(), type, payload, TimerDescriptor.KIND_MESSAGE);
        return id;
    }

    boolean cancelTimer(final long timerId)
    {
        if (!timers.cancel(timerId))
        {
            return false;
        }
        mailboxes.deadLetter(DeadLetters.CANCELLED_TIMER, timers.cancelledTarget(), timers.cancelledSender(),
            timers.cancelledType(), timers.cancelledPayload());
        return true;
    }

    int call(final long target, final int type, final long payload, final long timeout)
    {
        Mailboxes.checkTarget("call", target);
        if (type < 0 || type > Signals.MAX_CALL_TYPE)
        {
            throw new IllegalArgumentException("call: type must be in 0.." + Signals.MAX_CALL_TYPE + ": type=" + type);
        }
        if (timeout < 1)
        {
            throw new IllegalArgumentException("call: timeout must be >= 1: timeout=" + timeout);
        }
        final long self = cell.handle();
        final long tick = slice.tick;
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
        timers.schedule(timerId, deadline, self, self, Signals.TIMEOUT, id, TimerDescriptor.KIND_CALL_TIMEOUT);
        timers.addCall(self, id, timerId);
        mailboxes.send(target, Signals.call(id, type), payload);
        return id;
    }

    int callId()
    {
        return callSlot == cell.slot() && callTick == slice.tick ? callId : NO_CALL;
    }

    void reply(final int type, final long payload)
    {
        final int id = callId();
        if (NO_CALL == id)
        {
            throw new IllegalStateException("reply: the message being handled is not a call");
        }
        reply(caller, id, type, payload);
    }

    void reply(final long caller, final int callId, final int type, final long payload)
    {
        Mailboxes.checkTarget("reply", caller);
        if (type < 0 || type > Signals.MAX_CALL_TYPE)
        {
            throw new IllegalArgumentException("reply: type must be in 0.." + Signals.MAX_CALL_TYPE + ": type=" + type);
        }
        if (callId < 0 || callId > Signals.CALL_ID_MASK)
        {
            throw new IllegalArgumentException("reply: not a call id: " + callId);
        }
        mailboxes.send(caller, Signals.reply(callId, type), payload);
    }
}
