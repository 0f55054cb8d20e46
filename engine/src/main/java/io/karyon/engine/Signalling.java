package io.karyon.engine;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;

import static io.karyon.engine.Monitors.NULL_RECORD;

/**
 * Monitors, links and the engine's messages (see {@link Signals}) for one worker's cells: the requests a cell sends to
 * watch or stop watching another, what such a request does when it arrives, and the DOWN and EXIT signals a dying cell
 * leaves its watchers. The records themselves are kept in {@link Monitors}, on the watched cell's worker.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class Signalling extends WorkerPadding
{
    /**
     * What {@link #onEngineMessage} returns for a message the engine consumed: the behaviour does not see it.
     */
    static final int CONSUMED = Integer.MIN_VALUE;

    /**
     * What {@link #onEngineMessage} returns for an exit signal that kills the cell: a linked cell died with a reason
     * other than normal, and this one does not trap exits. A value no message type has.
     */
    static final int KILLED = 0x8FFF_FFFF;

    private final Slice slice;
    private final CellFlyweight cell;
    private final Monitors monitors;
    private final Mailboxes mailboxes;
    private final Calls calls;

    /**
     * @param cell the flyweight over the cell being visited.
     */
    Signalling(final Slice slice, final CellFlyweight cell, final Monitors monitors, final Mailboxes mailboxes,
        final Calls calls)
    {
        this.slice = slice;
        this.cell = cell;
        this.monitors = monitors;
        this.mailboxes = mailboxes;
        this.calls = calls;
    }

    /**
     * Handles an engine message (type < 0) for a live cell that is not dying.
     *
     * @return the type to hand to the behaviour, {@link #CONSUMED}, or {@link #KILLED}.
     */
    int onEngineMessage(final CellFlyweight cell, final long sender, final int type, final long payload)
    {
        switch (type)
        {
            case Signals.DOWN:
            case Signals.RESTARTED:
                return type;
            case Signals.TIMEOUT:
                calls.onTimeout(payload);
                return type;
            case Signals.EXIT:
                if (!monitors.removeLink(cell.slot(), sender))
                {
                    // The link was undone before the partner died: its exit signal no longer applies.
                    return CONSUMED;
                }
                if (0 != (cell.flags() & CellDescriptor.FLAG_TRAP_EXITS))
                {
                    return type;
                }
                return ExitReasons.NORMAL != Signals.reason(payload) ? KILLED : CONSUMED;
            case Signals.MONITOR_REQUEST:
                monitors.add(cell.slot(), sender, payload, MonitorDescriptor.KIND_MONITOR);
                return CONSUMED;
            case Signals.LINK_REQUEST:
                if (!monitors.isLinked(cell.slot(), sender))
                {
                    monitors.add(cell.slot(), sender, 0, MonitorDescriptor.KIND_LINK);
                }
                return CONSUMED;
            case Signals.UNLINK_REQUEST:
                monitors.removeLink(cell.slot(), sender);
                return CONSUMED;
            case Signals.DEMONITOR_REQUEST:
                monitors.removeMonitor(cell.slot(), sender, payload);
                return CONSUMED;
            default:
                return calls.onCallOrReply(cell, sender, type);
        }
    }

    /**
     * A dying cell's watchers are told, in the order they asked: DOWN to monitors, EXIT to linked cells.
     */
    void tellWatchers(final int slot, final long handle, final int reason)
    {
        final Monitors monitors = this.monitors;
        boolean follow = false;
        for (int r = monitors.head(slot); NULL_RECORD != r; r = monitors.next(r))
        {
            if (MonitorDescriptor.KIND_MONITOR == monitors.kind(r))
            {
                slice.downsSent++;
                mailboxes.signal(monitors.watcher(r), handle, Signals.DOWN, monitors.ref(r) | reason);
                follow |= monitors.ref(r) < 0;
            }
            else
            {
                slice.exitsSent++;
                mailboxes.signal(monitors.watcher(r), handle, Signals.EXIT, reason);
            }
        }
        if (follow)
        {
            // Monitors that follow the cell wait beside its supervisor's entry for its restart (if it is a child).
            slice.supervision.parkFollowers(handle, monitors.detachFollowers(slot));
        }
        monitors.removeAll(slot);
    }

    long monitorChild(final long target)
    {
        Mailboxes.checkTarget("monitorChild", target);
        final long ref = calls.nextRef() | Signals.FOLLOW;
        mailboxes.send(target, Signals.MONITOR_REQUEST, ref);
        return ref;
    }

    long monitor(final long target)
    {
        Mailboxes.checkTarget("monitor", target);
        final long ref = calls.nextRef();
        mailboxes.send(target, Signals.MONITOR_REQUEST, ref);
        return ref;
    }

    void link(final long target)
    {
        Mailboxes.checkTarget("link", target);
        final long self = cell.handle();
        if (target == self)
        {
            return;
        }
        if (!monitors.isLinked(cell.slot(), target))
        {
            monitors.add(cell.slot(), target, 0, MonitorDescriptor.KIND_LINK);
        }
        mailboxes.send(target, Signals.LINK_REQUEST, 0);
    }

    void demonitor(final long target, final long ref)
    {
        Mailboxes.checkTarget("demonitor", target);
        mailboxes.send(target, Signals.DEMONITOR_REQUEST, ref);
    }

    void unlink(final long target)
    {
        Mailboxes.checkTarget("unlink", target);
        if (monitors.removeLink(cell.slot(), target))
        {
            mailboxes.send(target, Signals.UNLINK_REQUEST, 0);
        }
    }

    void trapExits(final boolean trap)
    {
        final byte flags = cell.flags();
        cell.flags((byte)(trap ? flags | CellDescriptor.FLAG_TRAP_EXITS : flags & ~CellDescriptor.FLAG_TRAP_EXITS));
    }
}
