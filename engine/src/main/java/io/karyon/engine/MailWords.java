package io.karyon.engine;

import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static io.karyon.engine.cell.CellDescriptor.NULL_LINK;

/**
 * Where a tick finds the mail of a chunk without tick steps, so that it is visited from that rather than by reading
 * the chunk's whole bitmaps (at 4M cells and 10,000 messages a tick, 125,000 words for 10,000 cells). Two ways:
 * <ul>
 * <li>by chunk, one bit per word of its mail bitmap that {@link Mailboxes#linkMail} set a bit in this tick;</li>
 * <li>when the inbox is in target order ({@link MessageQueue#inOrder}: a worker sending along its own slots, as W2's
 * ring does), by chunk, the range of inbox records for it: its cells are then visited by reading that range in turn,
 * with no mail bit, head or link written or read ({@link #inOrder}). A chunk visited word by word (one with tick
 * steps) has its range linked into its bitmaps first ({@link #visitedChunk}).</li>
 * </ul>
 * Either way a chunk's cells with mail are visited in slot order, each with its messages in inbox order: the same
 * visits.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class MailWords
{
    private final Arena arena;
    private final int mailOffset;
    private final int mailHeadOffset;
    private final int chunkMask;
    private final int length;
    private final int[] order;
    private long[][] words = new long[0][];

    /** The inbox of this tick if it is in target order, else null. */
    private MessageQueue inOrder;
    /** By chunk, its records of an inbox in order: [start, end), and its high-water mark when they were checked. */
    private int[] rangeStart = new int[0];
    private int[] rangeEnd = new int[0];
    private int[] rangeHigh = new int[0];
    private final IntArrayList ranged = new IntArrayList();
    /** Ticks whose inbox was in order; in-order chunks switched to the visit of every word (tests read both). */
    long inOrderTicks;
    long switches;

    /**
     * @param mailOffset     offset of the mail bitmap in a chunk.
     * @param mailHeadOffset offset of the int column of mail heads in a chunk.
     */
    MailWords(final Arena arena, final int mailOffset, final int mailHeadOffset)
    {
        this.arena = arena;
        this.mailOffset = mailOffset;
        this.mailHeadOffset = mailHeadOffset;
        this.chunkMask = arena.chunkSlots() - 1;
        this.length = Math.max(1, arena.chunkSlots() >>> 12);
        this.order = new int[length << 6];
    }

    /**
     * Starts a tick whose inbox is linked into the bitmaps by {@link Mailboxes#linkMail}.
     */
    void linked()
    {
        forgetRanges();
        inOrder = null;
    }

    /**
     * Starts a tick whose inbox is in target order: its records are not linked but found by chunk ({@link #range}).
     */
    void inOrder(final MessageQueue inbox)
    {
        forgetRanges();
        inOrder = inbox;
        inOrderTicks++;
    }

    /**
     * {@link Mailboxes#linkMail} for an inbox in any order: chains each target's messages through the queue's next
     * fields, in order, with the head in the target chunk's int column and a mail bit set, and notes the words set.
     */
    void linkAll(final Mailboxes mailboxes, final MessageQueue inbox)
    {
        linked();
        final Arena arena = this.arena;
        final int chunkShift = arena.chunkShift();
        final int chunkMask = this.chunkMask;
        UnsafeBuffer buffer = null;
        int highWater = 0;
        int lastChunk = -1;
        long[] words = null;
        for (int i = inbox.count() - 1; i >= 0; i--)
        {
            final int slot = Handle.slot(inbox.target(i));
            final int chunk = slot >>> chunkShift;
            if (chunk != lastChunk)
            {
                // Messages come in runs for one chunk: its buffer and high-water mark are read once a run.
                if (!arena.hasChunk(chunk))
                {
                    mailboxes.undeliverable(inbox, i, DeadLetters.STALE_HANDLE);
                    continue;
                }
                buffer = arena.chunk(chunk);
                highWater = arena.highWater(chunk);
                lastChunk = chunk;
                words = null;
            }
            final int index = slot & chunkMask;
            if (index >= highWater)
            {
                mailboxes.undeliverable(inbox, i, DeadLetters.STALE_HANDLE);
                continue;
            }
            if (0 == link(buffer, inbox, i, index))
            {
                // The word's first mail: noted, so a chunk without tick steps is visited by its noted words.
                if (null == words)
                {
                    words = of(chunk);
                }
                words[index >>> 12] |= 1L << (index >>> 6);
            }
        }
    }

    /**
     * {@link Mailboxes#linkMail} for an inbox in target order: the same dead letters as {@link #linkAll}, found in
     * the same order (last record first), but nothing linked; each chunk's records, contiguous, are noted as a range
     * that the tick reads in turn.
     * <p>
     * A chunk's first record is found by a search back from its last one ({@link #chunkStart}), not by reading every
     * record (W2 at 4M cells reads ~175 records a chunk in a tick, and the pass over all of them was ~6% of a hop); its
     * dead letters, records at or above its high-water mark, are its last ones, read back from its end.
     */
    void checkInOrder(final Mailboxes mailboxes, final MessageQueue inbox)
    {
        final Arena arena = this.arena;
        final int chunkShift = arena.chunkShift();
        final int chunkMask = this.chunkMask;
        inOrder(inbox);
        int end = inbox.count();
        while (end > 0)
        {
            final int chunk = Handle.slot(inbox.target(end - 1)) >>> chunkShift;
            final int start = chunkStart(inbox, end - 1, chunk << chunkShift);
            final int highWater = arena.hasChunk(chunk) ? arena.highWater(chunk) : -1;
            for (int i = end - 1; i >= start && (Handle.slot(inbox.target(i)) & chunkMask) >= highWater; i--)
            {
                mailboxes.undeliverable(inbox, i, DeadLetters.STALE_HANDLE);
            }
            if (highWater >= 0)
            {
                range(chunk, start, end, highWater);
            }
            end = start;
        }
    }

    /**
     * The first of records [0, last] of an inbox in target order whose slot is at least {@code firstSlot}, record
     * {@code last}'s being so: found by steps back that double until one lands before it, then halving, so a run of n
     * records costs about 2 log2(n) reads.
     */
    static int chunkStart(final MessageQueue inbox, final int last, final int firstSlot)
    {
        int at = last;
        int before = last - 1;
        int step = 1;
        while (before >= 0 && Handle.slot(inbox.target(before)) >= firstSlot)
        {
            at = before;
            step <<= 1;
            before = at - step;
        }
        before = Math.max(before, -1);
        while (at - before > 1)
        {
            final int middle = (before + at) >>> 1;
            if (Handle.slot(inbox.target(middle)) >= firstSlot)
            {
                at = middle;
            }
            else
            {
                before = middle;
            }
        }
        return at;
    }

    /**
     * Notes the records [start, end) of the in-order inbox, all for one chunk; those at or above {@code high} (its
     * high-water mark) were dead letters already and are skipped.
     */
    void range(final int chunk, final int start, final int end, final int high)
    {
        if (chunk >= rangeStart.length)
        {
            final int length = Math.max(chunk + 1, 2 * rangeStart.length);
            rangeStart = Arrays.copyOf(rangeStart, length);
            rangeEnd = Arrays.copyOf(rangeEnd, length);
            rangeHigh = Arrays.copyOf(rangeHigh, length);
        }
        rangeStart[chunk] = start;
        rangeEnd[chunk] = end;
        rangeHigh[chunk] = high;
        ranged.addInt(chunk);
    }

    private void forgetRanges()
    {
        final IntArrayList ranged = this.ranged;
        for (int i = 0, size = ranged.size(); i < size; i++)
        {
            final int chunk = ranged.getInt(i);
            rangeStart[chunk] = 0;
            rangeEnd[chunk] = 0;
        }
        ranged.clear();
    }

    /**
     * The summary words of a chunk, made on first use.
     */
    long[] of(final int chunk)
    {
        if (chunk >= words.length)
        {
            words = Arrays.copyOf(words, Math.max(chunk + 1, 2 * words.length));
        }
        long[] summary = words[chunk];
        if (null == summary)
        {
            summary = new long[length];
            words[chunk] = summary;
        }
        return summary;
    }

    /**
     * Visits, in slot order, the cells of a chunk without tick steps that have mail: the words of its mail bitmap
     * that {@link Mailboxes#linkMail} noted, the rest unread. The same visits, in the same order, as the visit of every
     * word.
     *
     * @return cells whose tick step ran: none unless a death restarted a ticking cell in the chunk during the visit.
     */
    long deliverChunk(final Visit visit, final Population population, final UnsafeBuffer buffer, final int chunk,
        final int base)
    {
        if (null != inOrder)
        {
            return deliverInOrder(visit, population, buffer, chunk, base);
        }
        if (chunk >= words.length || null == words[chunk])
        {
            return 0;
        }
        final long[] summary = words[chunk];
        final int[] order = this.order;
        int count = 0;
        for (int s = 0; s < summary.length; s++)
        {
            long bits = summary[s];
            summary[s] = 0;
            while (0 != bits)
            {
                order[count++] = (s << 6) | Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        final int mailOffset = this.mailOffset;
        for (int j = 0; j < count; j++)
        {
            final int w = order[j];
            long bits = buffer.getLong(mailOffset + (w << 3));
            while (0 != bits)
            {
                final int index = (w << 6) | Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                visit.visitMail(buffer, w, index, base | index);
            }
            if (population.mayStep(chunk))
            {
                // A death restarted a ticking cell here: from the next word on, steps count too, as they would in
                // the visit of every word.
                return visit.advanceChunk(buffer, w + 1, (arena.highWater(chunk) + 63) >>> 6, base);
            }
        }
        return 0;
    }

    /**
     * {@link #deliverChunk} for an inbox in target order: the chunk's range of records, each cell's run of them in
     * turn ({@link Visit#visitInOrder}). The visits and the switch to a visit of every word when a death restarts a
     * ticking cell here are those of the bitmap words: the records the switch leaves are linked into the bitmaps for
     * it.
     */
    private long deliverInOrder(final Visit visit, final Population population, final UnsafeBuffer buffer,
        final int chunk, final int base)
    {
        if (chunk >= rangeEnd.length || rangeStart[chunk] >= rangeEnd[chunk])
        {
            return 0;
        }
        final MessageQueue inbox = inOrder;
        final int to = rangeEnd[chunk];
        final int high = rangeHigh[chunk];
        final int word = visit.visitInOrder(buffer, base, inbox, rangeStart[chunk], to, high, chunkMask, population,
            chunk);
        if (word < 0)
        {
            return 0;
        }
        switches++;
        link(buffer, inbox, visit.stoppedAt(), to, high);
        return visit.advanceChunk(buffer, word, (arena.highWater(chunk) + 63) >>> 6, base);
    }

    /**
     * Links records [from, to) of an inbox in order, all for one chunk, into its mail bitmap and heads, as
     * {@link Mailboxes#linkMail} does; those at or above {@code high} are skipped (dead letters already).
     */
    private void link(final UnsafeBuffer buffer, final MessageQueue inbox, final int from, final int to,
        final int high)
    {
        for (int i = to - 1; i >= from; i--)
        {
            final int index = (int)inbox.target(i) & chunkMask;
            if (index < high)
            {
                link(buffer, inbox, i, index);
            }
        }
    }

    /**
     * Links record {@code i} of an inbox into the mail of the cell at {@code index} of a chunk: the cell's first
     * record sets its mail bit and ends its chain, a later one goes in front of the chain; the record is then the
     * head. Called for an inbox's records last to first, so each cell's chain runs in the order they were sent.
     *
     * @return the cell's mail word before: 0 when it is the word's first mail.
     */
    private long link(final UnsafeBuffer buffer, final MessageQueue inbox, final int i, final int index)
    {
        final int wordOffset = mailOffset + ((index >>> 6) << 3);
        final int headOffset = mailHeadOffset + (index << 2);
        final long word = buffer.getLong(wordOffset);
        final long bit = 1L << index;
        if (0 == (word & bit))
        {
            buffer.putLong(wordOffset, word | bit);
            inbox.next(i, NULL_LINK);
        }
        else
        {
            inbox.next(i, buffer.getInt(headOffset));
        }
        buffer.putInt(headOffset, i);
        return word;
    }

    /**
     * Readies a chunk to be visited word by word (one that has tick steps): links its records of an inbox in order
     * into its bitmaps, and forgets the words noted for it.
     */
    void visitedChunk(final int chunk)
    {
        if (null != inOrder && chunk < rangeEnd.length && rangeStart[chunk] < rangeEnd[chunk])
        {
            link(arena.chunk(chunk), inOrder, rangeStart[chunk], rangeEnd[chunk], rangeHigh[chunk]);
            rangeEnd[chunk] = rangeStart[chunk];
        }
        if (chunk < words.length && null != words[chunk])
        {
            Arrays.fill(words[chunk], 0);
        }
    }

    /**
     * Forgets every chunk's words and ranges (a checkpoint restore).
     */
    void clear()
    {
        linked();
        for (final long[] summary : words)
        {
            if (null != summary)
            {
                Arrays.fill(summary, 0);
            }
        }
    }
}
