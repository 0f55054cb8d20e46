package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;

/**
 * The {@link CellContext} a worker's behaviours are called with: each operation is handed to the mechanism that owns
 * it (delivery, the visit, groups and broadcasts, signals, timers and calls, the population, the random stream). One
 * per worker, about whichever cell that worker is visiting.
 * <p>
 * The only implementation of {@link CellContext}, and every method a plain delegation, so that a behaviour's calls
 * stay monomorphic and inline down to the mechanism.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class SliceContext extends WorkerPadding implements CellContext
{
    private final Slice slice;
    private final CellFlyweight cell;
    private final Mailboxes mailboxes;
    private final Visit visit;
    private final Population population;
    private final Broadcasts broadcasts;
    private final Signalling signalling;
    private final Calls calls;
    private final CellRandom random;
    private final ExitReasons reasons;
    private final Edges edges;

    /**
     * @param cell the flyweight over the cell being visited.
     */
    SliceContext(final Slice slice, final CellFlyweight cell, final Mailboxes mailboxes, final Visit visit,
        final Population population, final Broadcasts broadcasts, final Signalling signalling, final Calls calls,
        final CellRandom random, final ExitReasons reasons, final Edges edges)
    {
        this.edges = edges;
        this.slice = slice;
        this.cell = cell;
        this.mailboxes = mailboxes;
        this.visit = visit;
        this.population = population;
        this.broadcasts = broadcasts;
        this.signalling = signalling;
        this.calls = calls;
        this.random = random;
        this.reasons = reasons;
    }

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
        return slice.tick;
    }

    /**
     * {@inheritDoc}
     */
    public int worker()
    {
        return slice.id;
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
        return mailboxes.send(target, type, payload);
    }

    /**
     * {@inheritDoc}
     */
    public long spawn(final Genotype genotype)
    {
        if (!slice.inTick)
        {
            throw new IllegalStateException("spawn through a CellContext only during a callback");
        }
        return population.spawnChild(cell.slot(), genotype);
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
        visit.die(reason);
    }

    /**
     * {@inheritDoc}
     */
    public void join(final int group)
    {
        broadcasts.join(group);
    }

    /**
     * {@inheritDoc}
     */
    public void leave(final int group)
    {
        broadcasts.leave(group);
    }

    /**
     * {@inheritDoc}
     */
    public void broadcast(final int group, final int type, final long payload)
    {
        broadcasts.broadcast(group, type, payload);
    }

    /**
     * {@inheritDoc}
     */
    public long monitor(final long target)
    {
        return signalling.monitor(target);
    }

    /**
     * {@inheritDoc}
     */
    public void link(final long target)
    {
        signalling.link(target);
    }

    /**
     * {@inheritDoc}
     */
    public long monitorChild(final long target)
    {
        return signalling.monitorChild(target);
    }

    /**
     * {@inheritDoc}
     */
    public long childId()
    {
        return slice.supervision.childId(cell.handle());
    }

    /**
     * {@inheritDoc}
     */
    public long child(final long childId)
    {
        return slice.supervision.child(childId);
    }

    /**
     * {@inheritDoc}
     */
    public void demonitor(final long target, final long ref)
    {
        signalling.demonitor(target, ref);
    }

    /**
     * {@inheritDoc}
     */
    public void unlink(final long target)
    {
        signalling.unlink(target);
    }

    /**
     * {@inheritDoc}
     */
    public void trapExits(final boolean trap)
    {
        signalling.trapExits(trap);
    }

    /**
     * {@inheritDoc}
     */
    public long sendAfter(final long target, final long delay, final int type, final long payload)
    {
        return calls.sendAfter(target, delay, type, payload);
    }

    /**
     * {@inheritDoc}
     */
    public boolean cancelTimer(final long timerId)
    {
        return calls.cancelTimer(timerId);
    }

    /**
     * {@inheritDoc}
     */
    public int call(final long target, final int type, final long payload, final long timeout)
    {
        return calls.call(target, type, payload, timeout);
    }

    /**
     * {@inheritDoc}
     */
    public int callId()
    {
        return calls.callId();
    }

    /**
     * {@inheritDoc}
     */
    public void reply(final int type, final long payload)
    {
        calls.reply(type, payload);
    }

    /**
     * {@inheritDoc}
     */
    public void reply(final long caller, final int callId, final int type, final long payload)
    {
        calls.reply(caller, callId, type, payload);
    }

    /**
     * {@inheritDoc}
     */
    public long nextLong()
    {
        return random.nextLong();
    }

    /**
     * {@inheritDoc}
     */
    public double nextDouble()
    {
        return random.nextDouble();
    }

    /**
     * {@inheritDoc}
     */
    public int edgeCount()
    {
        return edges.count(cell.slot());
    }

    /**
     * {@inheritDoc}
     */
    public long edge(final int i)
    {
        return edges.edge(cell.slot(), i);
    }

    /**
     * {@inheritDoc}
     */
    public void become(final short behaviourId)
    {
        population.become(cell, behaviourId);
        visit.became(behaviourId);
    }
}
