package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.internal.Arena;
import org.agrona.collections.IntArrayList;

import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;

/**
 * Groups and broadcasts of one worker's cells: joins and leaves (buffered in {@link Groups} until the next tick),
 * broadcasts sent to every worker, and their delivery to this worker's members.
 * <p>
 * In tick mode a broadcast goes to every worker through queues of its own, two parities like the message queues, and
 * the records every worker sent in a tick are merged by sender family at the start of the next, as messages are. In
 * free-running mode a broadcast travels as one record per worker, through the local queue and the rings, with the
 * group in the record's target (see {@link #target(int)}).
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class Broadcasts extends WorkerPadding
{
    private final int id;
    private final int workerCount;
    private final boolean freeRunning;
    private final int familyBitShift;
    private final int chunkShift;
    private final Arena arena;
    private final CellFlyweight cell;
    private final Groups groups;
    private final Mailboxes mailboxes;
    private final Visit visit;
    private final IntArrayList chunks;
    private final MessageQueue[][] outboxes;
    private final MessageQueue[][] inbound;
    private final MessageQueue[] sources;
    private final MessageQueue inbox = new MessageQueue(16);
    private final MessageQueue single = new MessageQueue(1);
    private MessageQueue[] sending;
    private MessageQueue external;
    private long[][] maps = new long[4][];

    /**
     * @param cell   the flyweight over the cell being visited: the sender of what is broadcast.
     * @param chunks the worker's chunks, ascending.
     */
    Broadcasts(final Slice slice, final Arena arena, final CellFlyweight cell, final Groups groups,
        final Mailboxes mailboxes, final Visit visit, final IntArrayList chunks, final boolean freeRunning)
    {
        this.id = slice.id;
        this.workerCount = slice.workerCount;
        this.freeRunning = freeRunning;
        this.chunkShift = arena.chunkShift();
        this.familyBitShift = chunkShift + FAMILY_SHIFT;
        this.arena = arena;
        this.cell = cell;
        this.groups = groups;
        this.mailboxes = mailboxes;
        this.visit = visit;
        this.chunks = chunks;
        this.outboxes = Mailboxes.queues(workerCount, 4);
        this.sending = outboxes[0];
        this.inbound = new MessageQueue[2][workerCount];
        this.sources = new MessageQueue[workerCount];
    }

    /**
     * The target field of a broadcast record in a free-running ring: generation 0 (never a live cell's) and a
     * negative slot holding the group's complement, which {@link CellContext#send(long, int, long)} never lets through.
     */
    static long target(final int group)
    {
        return (~group) & 0xFFFF_FFFFL;
    }

    /**
     * Takes the broadcast queues the peers fill for this worker, and the driver's broadcasts for it.
     */
    void connect(final Slice[] peers, final MessageQueue external)
    {
        for (int p = 0; p < 2; p++)
        {
            for (int s = 0; s < workerCount; s++)
            {
                inbound[p][s] = peers[s].broadcasts.outboxes[p][id];
            }
        }
        this.external = external;
    }

    /**
     * The broadcast queue this worker fills for {@code worker} in ticks of a parity: what a sharded run ships to, or
     * fills from, another shard at the barrier ({@link ShardExchange}).
     */
    MessageQueue outbox(final int parity, final int worker)
    {
        return outboxes[parity][worker];
    }

    /**
     * Empties and takes the queues tick {@code tick} fills.
     */
    void startTick(final long tick)
    {
        final MessageQueue[] sending = outboxes[(int)(tick & 1)];
        for (final MessageQueue queue : sending)
        {
            queue.clear();
        }
        this.sending = sending;
    }

    /**
     * Tick mode: merges the broadcast records every worker sent to this one in the previous tick by sender family, as
     * {@link Mailboxes#gather(long)} does for messages, then the driver's, and hands them to the members.
     */
    void deliverGathered(final long tick)
    {
        final MessageQueue inbox = this.inbox;
        mailboxes.mergeInbound(inbox, inbound[(int)((tick - 1) & 1)], sources);
        if (external.count() > 0)
        {
            inbox.appendAll(external);
            external.clear();
        }
        deliver(inbox);
    }

    /**
     * Free-running mode: hands the driver's broadcasts to the members.
     *
     * @return broadcasts handled.
     */
    int deliverExternal()
    {
        final MessageQueue external = this.external;
        final int count = external.count();
        if (count > 0)
        {
            deliver(external);
            external.clear();
        }
        return count;
    }

    /**
     * Free-running mode: hands one broadcast record from a ring or the local queue to the members.
     */
    void deliverOne(final int group, final long sender, final int type, final long payload)
    {
        final MessageQueue record = single;
        record.clear();
        record.append(group, sender, type, payload);
        deliver(record);
    }

    /**
     * Hands each broadcast record to every member of its group on this worker: members in slot order, and each
     * member gets all the records for its groups in record order before the next member is visited. Membership is
     * that at the start of the call (joins are buffered until the next tick; a member that dies while handling one
     * broadcast stays in the bitmaps until its remaining records are counted as dead letters).
     */
    private void deliver(final MessageQueue records)
    {
        final int count = records.count();
        if (0 == count)
        {
            return;
        }
        if (count > maps.length)
        {
            maps = new long[Math.max(count, maps.length * 2)][];
        }
        final long[][] maps = this.maps;
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
            visit.deliverToMembers(arena.chunk(chunk), (arena.highWater(chunk) + 63) >>> 6, chunk << chunkShift,
                records, maps, groups);
        }
        for (int r = 0; r < count; r++)
        {
            maps[r] = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What the cell being visited does.
    // ---------------------------------------------------------------------------------------------------------------

    void join(final int group)
    {
        groups.checkGroup("join", group);
        groups.buffer(cell.handle(), group, true);
    }

    void leave(final int group)
    {
        groups.checkGroup("leave", group);
        groups.buffer(cell.handle(), group, false);
    }

    void broadcast(final int group, final int type, final long payload)
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
            final MessageQueue[] sending = this.sending;
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
        final long target = target(group);
        for (int w = 0; w < workerCount; w++)
        {
            if (w == id)
            {
                mailboxes.appendLocal(target, sender, type, payload);
            }
            else
            {
                mailboxes.offer(w, target, sender, type, payload);
            }
        }
    }

    /**
     * Broadcasts sent in this tick and not yet gathered, each counted once.
     */
    int pending()
    {
        // Every worker gets a copy of each broadcast; the copies for worker 0 count each one once, whatever the worker
        // count (a restored broadcast is in its worker's own queue, and worker 0's own queue holds them all).
        return sending[0].count();
    }

    /**
     * The broadcasts in flight (every worker gets them all), merged as the next tick will gather them.
     */
    void inFlight(final MessageQueue into, final long tick)
    {
        mailboxes.mergeInbound(into, inbound[(int)((tick - 1) & 1)], new MessageQueue[workerCount]);
    }

    /**
     * Empties every queue of this worker, and takes those the tick after {@code tick - 1} would have left it with.
     */
    void clearForRestore(final long tick)
    {
        Mailboxes.clear(outboxes);
        inbox.clear();
        sending = outboxes[(int)((tick - 1) & 1)];
    }

    /**
     * Puts back a broadcast in flight, for this worker's members, in the queue this worker fills for itself.
     */
    void restore(final int group, final long sender, final int type, final long payload)
    {
        final MessageQueue queue = sending[id];
        if (0 == queue.runCount())
        {
            queue.startRun(0);
        }
        queue.append(group, sender, type, payload);
    }

    void close()
    {
        Mailboxes.close(outboxes);
        inbox.close();
        single.close();
    }
}
