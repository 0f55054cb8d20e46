package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.scheduler.Channel;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;

import static io.karyon.engine.cell.CellDescriptor.STATUS_ALIVE;

/**
 * The duty cycle of a worker in free-running mode: messages handled as they arrive (from the driver, the rings from
 * the other workers and the worker's own local queue), then the tick steps of a bounded batch of cells, continuing
 * where the last batch stopped. A pass over all of the worker's cells counts as one tick of the worker.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while the worker rests.
 */
final class FreeRunning extends WorkerPadding
{
    private final Slice slice;
    private final Arena arena;
    private final int chunkShift;
    private final int stepOffset;
    private final int stepBatch;
    private final CellFlyweight cell;
    private final Population population;
    private final Mailboxes mailboxes;
    private final Visit visit;
    private final TickSweep sweep;
    private final Broadcasts broadcasts;
    private final Calls calls;
    private final Supervision supervision;
    private final Groups groups;
    private final Channel[] channelsIn;
    private final MessageHandler ringHandler = this::onRingMessage;
    private int cursorChunk;
    private int cursorWord;

    /**
     * @param cell the flyweight over the cell being visited.
     */
    FreeRunning(final Slice slice, final Arena arena, final CellFlyweight cell, final int stepOffset,
        final int stepBatch, final Population population, final Mailboxes mailboxes, final Visit visit,
        final Broadcasts broadcasts, final Calls calls, final Supervision supervision, final Groups groups)
    {
        this.slice = slice;
        this.arena = arena;
        this.chunkShift = arena.chunkShift();
        this.cell = cell;
        this.stepOffset = stepOffset;
        this.stepBatch = stepBatch;
        this.population = population;
        this.mailboxes = mailboxes;
        this.visit = visit;
        this.sweep = visit.sweep();
        this.broadcasts = broadcasts;
        this.calls = calls;
        this.supervision = supervision;
        this.groups = groups;
        this.channelsIn = new Channel[slice.workerCount];
    }

    /**
     * Takes the ring {@code worker} fills for this one.
     */
    void connectIn(final int worker, final Channel channel)
    {
        channelsIn[worker] = channel;
    }

    /**
     * One duty cycle: the driver's messages, spilled records into the rings, the rings and the local queue drained
     * (each message handled at once), then a batch of tick steps. Bounded, so that a worker comes back to its rings
     * every {@code stepBatch} cells.
     *
     * @return work done.
     */
    int work()
    {
        mailboxes.resetWindow();
        int work = groups.pendingChanges() + calls.fireTimers(System.nanoTime());
        groups.applyPending();
        work += broadcasts.deliverExternal();
        work += deliverAll(mailboxes.external());
        work += mailboxes.flushSpills();
        final Channel[] channelsIn = this.channelsIn;
        for (int w = 0; w < channelsIn.length; w++)
        {
            final Channel in = channelsIn[w];
            if (null != in)
            {
                work += in.drain(ringHandler, stepBatch);
            }
        }
        work += deliverAll(mailboxes.takeLocal());
        population.adoptNewChunks();
        supervision.restartSome();
        work += stepSome(stepBatch);
        supervision.terminatePending();
        population.activateNewborn();
        return work;
    }

    /**
     * Handles every record of a queue, then empties it.
     *
     * @return records handled.
     */
    private int deliverAll(final MessageQueue queue)
    {
        final int count = queue.count();
        if (count > 0)
        {
            for (int i = 0; i < count; i++)
            {
                deliver(queue.target(i), queue.sender(i), queue.type(i), queue.payload(i));
            }
            queue.clear();
        }
        return count;
    }

    private void onRingMessage(final int typeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        deliver(
            buffer.getLong(index + MessageDescriptor.TARGET_OFFSET),
            buffer.getLong(index + MessageDescriptor.SENDER_OFFSET),
            buffer.getInt(index + MessageDescriptor.TYPE_OFFSET),
            buffer.getLong(index + MessageDescriptor.PAYLOAD_OFFSET));
    }

    /**
     * Handles one record at once: a broadcast (a negative slot, see {@link Broadcasts#target(int)}), or a message to
     * a live cell of the right generation; anything else is undeliverable.
     */
    private void deliver(final long target, final long sender, final int type, final long payload)
    {
        final int slot = Handle.slot(target);
        if (slot < 0)
        {
            broadcasts.deliverOne(~slot, sender, type, payload);
            return;
        }
        if (!arena.exists(slot))
        {
            mailboxes.undeliverable(target, sender, type, payload, DeadLetters.STALE_HANDLE);
            return;
        }
        final CellFlyweight cell = arena.wrap(this.cell, slot);
        if (STATUS_ALIVE != cell.status() || cell.generation() != Handle.generation(target))
        {
            mailboxes.undeliverable(target, sender, type, payload, DeadLetters.STALE_HANDLE);
            return;
        }
        visit.deliverOne(cell, slot, sender, type, payload);
    }

    /**
     * Advances up to about {@code limit} cells with a tick step, continuing where the last batch stopped; a pass over
     * all of this worker's cells counts as one tick of this worker.
     */
    private int stepSome(final int limit)
    {
        final IntArrayList chunks = population.chunks;
        final int size = chunks.size();
        if (0 == size)
        {
            slice.tick++;
            return 0;
        }
        int stepped = 0;
        while (stepped < limit)
        {
            if (cursorChunk >= size)
            {
                cursorChunk = 0;
                cursorWord = 0;
                slice.tick++;
                if (0 == stepped)
                {
                    // A whole pass found nothing to step: leave the rest of the batch to the idle strategy.
                    break;
                }
            }
            final int chunk = chunks.getInt(cursorChunk);
            final UnsafeBuffer buffer = arena.chunk(chunk);
            final int words = (arena.highWater(chunk) + 63) >>> 6;
            final int base = chunk << chunkShift;
            while (cursorWord < words && stepped < limit)
            {
                final int w = cursorWord++;
                stepped += sweep.stepWord(buffer, base, w, buffer.getLong(stepOffset + (w << 3)));
            }
            if (cursorWord >= words)
            {
                cursorChunk++;
                cursorWord = 0;
            }
        }
        slice.updates += stepped;
        return stepped;
    }
}
