package io.karyon.engine;

import io.karyon.engine.cell.Handle;

/**
 * The mail the driver sends to cells from outside a tick: one queue of messages and one of broadcasts per worker,
 * which that worker drains at the start of its next tick after what cells sent in the previous one, and the counts of
 * what the driver sent.
 * <p>
 * <b>Note:</b> not threadsafe; the driver appends only while no tick runs, and each worker reads only its own queues.
 */
final class DriverMail implements AutoCloseable
{
    private final MessageQueue[] messages;
    private final MessageQueue[] broadcasts;
    private final int chunkShift;
    private long sent;
    private long deadLetters;

    DriverMail(final int workerCount, final int chunkShift)
    {
        this.chunkShift = chunkShift;
        this.messages = new MessageQueue[workerCount];
        this.broadcasts = new MessageQueue[workerCount];
        for (int w = 0; w < workerCount; w++)
        {
            messages[w] = new MessageQueue(64);
            broadcasts[w] = new MessageQueue(4);
        }
    }

    /**
     * The queue of messages from outside that a worker drains.
     */
    MessageQueue messagesTo(final int worker)
    {
        return messages[worker];
    }

    /**
     * The queue of broadcasts from outside that a worker drains.
     */
    MessageQueue broadcastsTo(final int worker)
    {
        return broadcasts[worker];
    }

    /**
     * Queues a message for the worker that owns the target's slot, or counts a dead letter when the handle cannot
     * name a cell.
     *
     * @return {@link CellContext#SENT} or {@link CellContext#DEAD_LETTER}.
     */
    int send(final long target, final int type, final long payload)
    {
        final int slot = Handle.slot(target);
        if (Handle.NULL_HANDLE == target || slot < 0)
        {
            deadLetters++;
            return CellContext.DEAD_LETTER;
        }
        messages[Slice.owner(slot, chunkShift, messages.length)].append(target, Handle.NULL_HANDLE, type, payload);
        sent++;
        return CellContext.SENT;
    }

    /**
     * Queues a broadcast for every worker: each delivers it to the members it owns.
     */
    void broadcast(final int group, final int type, final long payload)
    {
        for (final MessageQueue queue : broadcasts)
        {
            queue.append(group, Handle.NULL_HANDLE, type, payload);
        }
    }

    /**
     * Messages from outside still waiting for a worker, and (for worker 0 only, since every worker gets a copy) the
     * broadcasts from outside, so that a sum over the workers counts each broadcast once.
     */
    long pending(final int worker)
    {
        return messages[worker].count() + (0 == worker ? broadcasts[0].count() : 0);
    }

    /**
     * Empties the queues and puts back the counters (a checkpoint restore).
     */
    void clearForRestore(final long sent, final long deadLetters)
    {
        for (int w = 0; w < messages.length; w++)
        {
            messages[w].clear();
            broadcasts[w].clear();
        }
        this.sent = sent;
        this.deadLetters = deadLetters;
    }

    long sent()
    {
        return sent;
    }

    long deadLetters()
    {
        return deadLetters;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        for (int w = 0; w < messages.length; w++)
        {
            messages[w].close();
            broadcasts[w].close();
        }
    }
}
