package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.scheduler.Channel;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static io.karyon.engine.MessageDescriptor.MAX_QUEUE_LENGTH;
import static io.karyon.engine.MessageDescriptor.RECORD_LENGTH;
import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;

/**
 * Delivery of one worker's messages: the queues its cells fill for every worker in a tick, the merge of what all
 * workers sent it into one inbox, and the per-cell mailboxes linked through that inbox; in free-running mode the
 * local queue and the rings to the other workers instead. Messages that cannot be delivered end here as dead letters.
 * <p>
 * In tick mode the queues come in two parities: a tick fills one while the peers read what they filled for it in the
 * previous tick from the other. Each queue is in sender-slot order (a worker visits its cells in slot order) and cut
 * into runs by sender family, so merging them is ordering whole runs by family; signals raised outside the slot-order
 * walk (deaths told to watchers, timers) travel in queues of their own and are sorted by sender slot on arrival. The
 * inbox is therefore in the same order whatever the number of workers.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class Mailboxes extends WorkerPadding
{
    private final Slice slice;
    private final int id;
    private final int workerCount;
    private final boolean freeRunning;
    private final int chunkShift;
    private final int familyBitShift;
    /** By family class, the worker that owns it: {@link Slice#owner} without its division, once per send. */
    private final int[] owners = new int[Arena.FAMILY_CLASSES];
    private final CellFlyweight cell;
    private final DeadLetters deadLetterLog;

    private final MessageQueue[][] outboxes;
    private final MessageQueue[][] inbound;
    private final MessageQueue[] sources;
    private final int[] sourcePositions;
    private MessageQueue[] sending;
    /**
     * {@code sending[id]}, the queue for this worker's own cells: a send to one takes it from here, so that where the
     * record goes does not wait on the lookup of the target's owner (a branch, predicted, stands in for a load).
     */
    private MessageQueue sendingOwn;
    private MessageQueue external;
    /**
     * This tick's messages for this worker's cells, merged, each cell's chained through the records' next fields:
     * {@link #merged}, or, when one worker's queue holds all of them, that queue itself (see {@link #gather}).
     */
    MessageQueue inbox;
    /** The queue the inbox is merged into when more than one queue holds this tick's messages. */
    private final MessageQueue merged = new MessageQueue(1024);

    private final MessageQueue[][] signalOutboxes;
    private final MessageQueue[][] signalInbound;
    private final MessageQueue signalStage = new MessageQueue(16);
    private MessageQueue[] signalSending;
    private long[] signalKeys = new long[16];

    final Channel[] channelsOut;
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[MessageDescriptor.RECORD_LENGTH]);
    private MessageQueue local = new MessageQueue(256);
    private MessageQueue localDelivering = new MessageQueue(256);
    private long mailboxLimit = Configuration.MAILBOX_LIMIT_DEFAULT;
    private Visit visit;
    private int windowSlot = -1;
    private long windowEnd;
    /** The words of each chunk's mail bitmap that {@link #linkMail} set a bit in this tick. */
    final MailWords mailWords;
    /** Whether an inbox in target order is delivered in turn rather than linked (tests switch it off). */
    boolean inOrderDelivery = true;

    /**
     * @param cell the flyweight over the cell being visited: the sender of what is sent.
     */
    Mailboxes(final Slice slice, final Arena arena, final CellFlyweight cell, final DeadLetters deadLetterLog,
        final boolean freeRunning, final int mailOffset, final int mailHeadOffset)
    {
        this.slice = slice;
        this.id = slice.id;
        this.workerCount = slice.workerCount;
        this.freeRunning = freeRunning;
        this.chunkShift = arena.chunkShift();
        this.familyBitShift = chunkShift + FAMILY_SHIFT;
        for (int c = 0; c < owners.length; c++)
        {
            // Slice.owner of a slot of family class c.
            owners[c] = c % workerCount;
        }
        this.cell = cell;
        this.deadLetterLog = deadLetterLog;
        this.mailWords = new MailWords(arena, mailOffset, mailHeadOffset);
        this.inbox = merged;
        this.outboxes = queues(workerCount, 256);
        // The inbox merges every worker's queue for this one, the signals and the driver's mail: each worker's share
        // is 1/(workers + 1) of what one queue holds, so one worker's sends past it fail the sender, never the inbox.
        final int share = MAX_QUEUE_LENGTH / RECORD_LENGTH / (workerCount + 1);
        for (final MessageQueue[] parity : outboxes)
        {
            for (final MessageQueue queue : parity)
            {
                queue.offerLimit(share);
            }
        }
        this.sending = outboxes[0];
        this.sendingOwn = sending[id];
        this.inbound = new MessageQueue[2][workerCount];
        this.sources = new MessageQueue[workerCount];
        this.sourcePositions = new int[workerCount];
        this.signalOutboxes = queues(workerCount, 4);
        // Tick 0 gathers parity 1: signals raised before it (a kill from the driver) must go there.
        this.signalSending = signalOutboxes[1];
        this.signalInbound = new MessageQueue[2][workerCount];
        this.channelsOut = new Channel[workerCount];
    }

    /** One queue per parity and worker. */
    static MessageQueue[][] queues(final int workerCount, final int initialCapacity)
    {
        final MessageQueue[][] queues = new MessageQueue[2][workerCount];
        for (int p = 0; p < 2; p++)
        {
            for (int w = 0; w < workerCount; w++)
            {
                queues[p][w] = new MessageQueue(initialCapacity);
            }
        }
        return queues;
    }

    /**
     * Takes the message and signal queues the peers fill for this worker, and the driver's queue for it. Taken once,
     * so that gathering never reads another worker's objects, whose fields it writes all tick long.
     */
    void connect(final Slice[] peers, final MessageQueue external)
    {
        for (int p = 0; p < 2; p++)
        {
            for (int s = 0; s < workerCount; s++)
            {
                inbound[p][s] = peers[s].mailboxes.outboxes[p][id];
            }
        }
        this.external = external;
    }

    void connectSignals(final Slice[] peers)
    {
        for (int p = 0; p < 2; p++)
        {
            for (int s = 0; s < workerCount; s++)
            {
                signalInbound[p][s] = peers[s].mailboxes.signalOutboxes[p][id];
            }
        }
    }

    MessageQueue external()
    {
        return external;
    }

    /**
     * The queue this worker fills for {@code worker} in ticks of a parity: what a sharded run ships to, or fills
     * from, another shard at the barrier ({@link ShardExchange}).
     */
    MessageQueue outbox(final int parity, final int worker)
    {
        return outboxes[parity][worker];
    }

    /**
     * The signal queue this worker fills for {@code worker} in ticks of a parity (see {@link #outbox}).
     */
    MessageQueue signalOutbox(final int parity, final int worker)
    {
        return signalOutboxes[parity][worker];
    }

    /** Empties and takes the queues tick {@code tick} fills. */
    void startTick(final long tick)
    {
        windowSlot = -1;
        final MessageQueue[] sending = outboxes[(int)(tick & 1)];
        for (final MessageQueue queue : sending)
        {
            queue.clear();
        }
        this.sending = sending;
        this.sendingOwn = sending[id];
        final MessageQueue[] signalSending = signalOutboxes[(int)(tick & 1)];
        for (final MessageQueue queue : signalSending)
        {
            queue.clear();
        }
        this.signalSending = signalSending;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Gathering, in tick mode.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Merges the queues every worker filled for this one in the previous tick, in sender-slot order, then the
     * signals, then the driver's messages, into the inbox.
     * <p>
     * When one worker's queue holds every message (no other worker's, no signals, nothing from the driver), that queue
     * is the inbox, not copied: its records are the merge. It is this worker's to link and read for the tick: its
     * sender fills the other parity now and empties this one only at the start of the next tick, after the barrier.
     */
    void gather(final long tick)
    {
        final int parity = (int)((tick - 1) & 1);
        final MessageQueue sole = soleSource(inbound[parity], signalInbound[parity]);
        if (null != sole && 0 == external.count())
        {
            merged.clear();
            inbox = sole;
            return;
        }
        final MessageQueue inbox = merged;
        this.inbox = inbox;
        mergeInbound(inbox, inbound[parity], sources);
        gatherSignals(parity, inbox);
        if (external.count() > 0)
        {
            inbox.appendAll(external);
            external.clear();
        }
    }

    /** The one non-empty queue of {@code inbound} if there is one and every signal queue is empty, else null. */
    private static MessageQueue soleSource(final MessageQueue[] inbound, final MessageQueue[] signals)
    {
        MessageQueue sole = null;
        for (final MessageQueue queue : inbound)
        {
            if (queue.count() > 0)
            {
                if (null != sole)
                {
                    return null;
                }
                sole = queue;
            }
        }
        for (final MessageQueue queue : signals)
        {
            if (queue.count() > 0)
            {
                return null;
            }
        }
        return sole;
    }

    /**
     * Empties {@code inbox} and fills it with the queues every worker filled for this one, merged by sender family.
     */
    void mergeInbound(final MessageQueue inbox, final MessageQueue[] inbound, final MessageQueue[] sources)
    {
        inbox.clear();
        final int[] positions = this.sourcePositions;
        int nonEmpty = 0;
        int last = -1;
        for (int s = 0; s < workerCount; s++)
        {
            sources[s] = inbound[s];
            positions[s] = 0;
            if (sources[s].count() > 0)
            {
                nonEmpty++;
                last = s;
            }
        }
        if (1 == nonEmpty)
        {
            inbox.appendAll(sources[last]);
        }
        else if (nonEmpty > 1)
        {
            merge(inbox, sources, positions);
        }
    }

    /**
     * Copies whole runs, lowest sender family first: a family belongs to one worker, so its run is in one queue.
     */
    private static void merge(final MessageQueue inbox, final MessageQueue[] sources, final int[] runs)
    {
        while (true)
        {
            int best = -1;
            int bestFamily = Integer.MAX_VALUE;
            for (int s = 0; s < sources.length; s++)
            {
                final MessageQueue source = sources[s];
                if (runs[s] < source.runCount() && source.runFamily(runs[s]) < bestFamily)
                {
                    bestFamily = source.runFamily(runs[s]);
                    best = s;
                }
            }
            if (best < 0)
            {
                return;
            }
            final MessageQueue source = sources[best];
            final int run = runs[best]++;
            inbox.appendRange(source, source.runStart(run), source.runEnd(run));
        }
    }

    /**
     * Appends the signals every worker raised for this one in the previous tick (deaths told to watchers, timers),
     * sorted by sender slot: all signals of one sender slot come from its owner, in that worker's order, so the result
     * does not depend on the number of workers. They follow the tick's ordinary messages.
     */
    private void gatherSignals(final int parity, final MessageQueue inbox)
    {
        final MessageQueue stage = signalStage;
        stage.clear();
        for (int s = 0; s < workerCount; s++)
        {
            final MessageQueue source = signalInbound[parity][s];
            if (source.count() > 0)
            {
                stage.appendAll(source);
            }
        }
        final int count = stage.count();
        if (count <= 1)
        {
            if (1 == count)
            {
                inbox.appendAll(stage);
            }
            return;
        }
        if (count > signalKeys.length)
        {
            signalKeys = new long[Math.max(count, signalKeys.length * 2)];
        }
        final long[] keys = signalKeys;
        for (int i = 0; i < count; i++)
        {
            keys[i] = ((long)Handle.slot(stage.sender(i)) << 32) | i;
        }
        Arrays.sort(keys, 0, count);
        for (int i = 0; i < count; i++)
        {
            final int index = (int)keys[i];
            inbox.appendRange(stage, index, index + 1);
        }
    }

    /**
     * Chains each target's messages through the queue's next fields, in order, with the head in the target chunk's
     * int column and a mail bit set; or, for an inbox in target order, only notes each chunk's range of it (see
     * {@link MailWords}). The cells themselves are not touched here (a cache miss each, on a sparse tick): their
     * status and generation are checked when they are visited. Messages for slots that never held a cell are dead
     * letters at once.
     */
    void linkMail()
    {
        final MessageQueue inbox = this.inbox;
        if (inOrderDelivery && inbox.inOrder())
        {
            mailWords.checkInOrder(this, inbox);
        }
        else
        {
            mailWords.linkAll(this, inbox);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sending.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Sends a record from the cell being visited, in slot order with its other messages: user messages and the
     * engine's requests (monitor, link, call, reply).
     *
     * @return {@link CellContext#SENT} or {@link CellContext#DEAD_LETTER}.
     */
    int send(final long target, final int type, final long payload)
    {
        final int slot = Handle.slot(target);
        final long sender = cell.handle();
        if (Handle.NULL_HANDLE == target || slot < 0)
        {
            deadLetter(DeadLetters.STALE_HANDLE, target, sender, type, payload);
            return CellContext.DEAD_LETTER;
        }
        // The mailbox limit: a window of mailboxLimit sends opens at a sender's first send of its visit, and the check
        // is one compare of the sent counter, bumped here anyway, against the window's end.
        final int senderSlot = cell.slot();
        if (senderSlot != windowSlot)
        {
            windowSlot = senderSlot;
            windowEnd = slice.sent + mailboxLimit;
        }
        if (slice.sent >= windowEnd)
        {
            return overflow();
        }
        final int owner = owners[(slot >>> familyBitShift) & (Arena.FAMILY_CLASSES - 1)];
        if (!freeRunning)
        {
            final MessageQueue queue = owner == id ? sendingOwn : sending[owner];
            final int family = senderSlot >>> familyBitShift;
            if (family != queue.lastFamily())
            {
                queue.startRun(family);
            }
            if (!queue.offer(target, sender, type, payload))
            {
                return overflow();
            }
        }
        else if (owner == id)
        {
            if (!local.offer(target, sender, type, payload))
            {
                return overflow();
            }
        }
        else
        {
            offer(owner, target, sender, type, payload);
        }
        // Counted once queued: a send refused above is neither sent nor a dead letter, so the counters add up.
        slice.sent++;
        if (owner != id)
        {
            slice.crossWorker++;
        }
        return CellContext.SENT;
    }

    /**
     * The cell being visited went past its mailbox limit, or its worker's queue could not take the message: the
     * message is not sent, the window stays closed for the rest of the visit, and the sender dies at its end.
     */
    private int overflow()
    {
        windowEnd = Long.MIN_VALUE;
        visit.die(ExitReasons.MAILBOX_OVERFLOW);
        return CellContext.OVERFLOW;
    }

    /**
     * The visit whose cell sends: it is told when that cell overflows. Set once, as the visit is made after this.
     */
    void visit(final Visit visit)
    {
        this.visit = visit;
    }

    /**
     * Most messages a cell may send in one visit.
     */
    void mailboxLimit(final int mailboxLimit)
    {
        this.mailboxLimit = mailboxLimit;
    }

    /**
     * Opens a fresh mailbox window for the next sender: at the start of every tick (or free-running duty cycle), so
     * that a cell's sends in one tick never count against the next.
     */
    void resetWindow()
    {
        windowSlot = -1;
    }

    /**
     * Raises a signal outside the slot-order walk: in tick mode through the signal queues, in free-running mode as
     * any message.
     */
    void signal(final long target, final long sender, final int type, final long payload)
    {
        final int slot = Handle.slot(target);
        if (Handle.NULL_HANDLE == target || slot < 0)
        {
            deadLetter(DeadLetters.STALE_HANDLE, target, sender, type, payload);
            return;
        }
        final int owner = Slice.owner(slot, chunkShift, workerCount);
        if (!freeRunning)
        {
            signalSending[owner].append(target, sender, type, payload);
        }
        else if (owner == id)
        {
            local.append(target, sender, type, payload);
        }
        else
        {
            offer(owner, target, sender, type, payload);
        }
    }

    /**
     * Free-running mode: a record for this worker's own cells, handled in its next duty cycle.
     */
    void appendLocal(final long target, final long sender, final int type, final long payload)
    {
        local.append(target, sender, type, payload);
    }

    /**
     * Free-running mode: a record into the ring to another worker, spilled (and counted) when the ring is full.
     */
    void offer(final int worker, final long target, final long sender, final int type, final long payload)
    {
        final UnsafeBuffer record = this.record;
        record.putLong(MessageDescriptor.TARGET_OFFSET, target);
        record.putLong(MessageDescriptor.SENDER_OFFSET, sender);
        record.putLong(MessageDescriptor.PAYLOAD_OFFSET, payload);
        record.putInt(MessageDescriptor.TYPE_OFFSET, type);
        if (Channel.SPILLED == channelsOut[worker].offer(record))
        {
            slice.spilled++;
        }
    }

    /**
     * Free-running mode: the local records sent so far, to be handled now; records sent while they are handled go to
     * a fresh queue. The caller clears the returned queue when done.
     */
    MessageQueue takeLocal()
    {
        final MessageQueue delivering = local;
        local = localDelivering;
        localDelivering = delivering;
        return delivering;
    }

    /**
     * Free-running mode: writes spilled records into the rings that have room.
     *
     * @return records written.
     */
    int flushSpills()
    {
        int work = 0;
        for (int w = 0; w < workerCount; w++)
        {
            final Channel out = channelsOut[w];
            if (null != out && out.spillSize() > 0)
            {
                work += out.flush();
            }
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Dead letters.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A queued message whose target is dead, stale or never existed.
     */
    void undeliverable(final MessageQueue queue, final int index, final int kind)
    {
        undeliverable(queue.target(index), queue.sender(index), queue.type(index), queue.payload(index), kind);
    }

    /**
     * A message whose target is dead, stale or never existed: a dead letter, except requests to watch it, which are
     * answered at once with reason noproc.
     */
    void undeliverable(final long target, final long sender, final int type, final long payload, final int kind)
    {
        if (Signals.MONITOR_REQUEST == type)
        {
            slice.downsSent++;
            signal(sender, target, Signals.DOWN, payload | ExitReasons.NOPROC);
            return;
        }
        if (Signals.LINK_REQUEST == type)
        {
            slice.exitsSent++;
            signal(sender, target, Signals.EXIT, ExitReasons.NOPROC);
            return;
        }
        deadLetter(kind, target, sender, type, payload);
    }

    /**
     * Counts a dead letter, and writes it to the worker's bounded log if that is on.
     */
    void deadLetter(final int kind, final long target, final long sender, final int type, final long payload)
    {
        slice.deadLetters++;
        deadLetterLog.record(kind, slice.tick, target, sender, type, payload);
    }

    /**
     * Checks a handle a behaviour passed to an operation that needs a cell.
     *
     * @throws IllegalArgumentException naming the operation and the handle.
     */
    static void checkTarget(final String operation, final long target)
    {
        if (Handle.NULL_HANDLE == target || Handle.slot(target) < 0)
        {
            throw new IllegalArgumentException(operation + ": not a cell's handle: " + Handle.toString(target));
        }
    }

    /**
     * Messages sent and not yet gathered or handled.
     */
    int pending()
    {
        int pending = local.count();
        for (final MessageQueue queue : sending)
        {
            pending += queue.count();
        }
        for (final MessageQueue queue : signalSending)
        {
            pending += queue.count();
        }
        for (int w = 0; w < workerCount; w++)
        {
            if (null != channelsOut[w])
            {
                pending += channelsOut[w].pending();
            }
        }
        return pending;
    }

    /**
     * Bytes this worker's message queues hold now, used or not: what a flood leaves until the queues shrink back.
     */
    long queueBytes()
    {
        long bytes = merged.capacityBytes() + signalStage.capacityBytes() + local.capacityBytes() +
            localDelivering.capacityBytes();
        for (int p = 0; p < 2; p++)
        {
            for (int w = 0; w < workerCount; w++)
            {
                bytes += outboxes[p][w].capacityBytes() + signalOutboxes[p][w].capacityBytes();
            }
        }
        return bytes;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Checkpoints, between ticks.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The messages in flight to this worker's cells, merged as the next tick will gather them: the cells' messages
     * into one queue, the signals (sorted by sender slot) into another.
     */
    void inFlight(final MessageQueue messages, final MessageQueue signals)
    {
        final int parity = (int)((slice.tick - 1) & 1);
        mergeInbound(messages, inbound[parity], new MessageQueue[workerCount]);
        signals.clear();
        gatherSignals(parity, signals);
    }

    /**
     * Empties every queue of this worker, and takes those the tick after {@code tick - 1} would have left it with.
     */
    void clearForRestore(final long tick)
    {
        for (int p = 0; p < 2; p++)
        {
            for (int w = 0; w < workerCount; w++)
            {
                outboxes[p][w].clear();
                signalOutboxes[p][w].clear();
            }
        }
        merged.clear();
        inbox = merged;
        signalStage.clear();
        local.clear();
        localDelivering.clear();
        mailWords.clear();
        sending = outboxes[(int)((tick - 1) & 1)];
        sendingOwn = sending[id];
        signalSending = signalOutboxes[(int)((tick - 1) & 1)];
    }

    /**
     * Puts back a message in flight to one of this worker's cells, where the next tick gathers it: in the queue this
     * worker fills for itself, one run, in the order given.
     */
    void restoreMessage(final long target, final long sender, final int type, final long payload)
    {
        final MessageQueue queue = sending[id];
        if (0 == queue.runCount())
        {
            queue.startRun(0);
        }
        queue.append(target, sender, type, payload);
    }

    /**
     * Puts back a signal in flight to one of this worker's cells.
     */
    void restoreSignal(final long target, final long sender, final int type, final long payload)
    {
        signalSending[id].append(target, sender, type, payload);
    }

    void close()
    {
        close(outboxes);
        close(signalOutboxes);
        signalStage.close();
        merged.close();
        inbox = merged;
        local.close();
        localDelivering.close();
        for (final Channel channel : channelsOut)
        {
            if (null != channel)
            {
                channel.close();
            }
        }
    }

    static void clear(final MessageQueue[][] queues)
    {
        for (final MessageQueue[] parity : queues)
        {
            for (final MessageQueue queue : parity)
            {
                queue.clear();
            }
        }
    }

    static void close(final MessageQueue[][] queues)
    {
        for (final MessageQueue[] parity : queues)
        {
            for (final MessageQueue queue : parity)
            {
                queue.close();
            }
        }
    }
}
