package io.karyon.engine;

import io.karyon.engine.internal.Arena;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * By chunk, one bit per word of its mail bitmap that {@link Mailboxes#linkMail} set a bit in this tick, so that a chunk
 * without tick steps is visited word by word from these rather than by reading its whole bitmaps (at 4M cells and
 * 10,000 messages a tick, 125,000 words for 10,000 cells).
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class MailWords
{
    private final Arena arena;
    private final int mailOffset;
    private final int length;
    private final int[] order;
    private long[][] words = new long[0][];

    /**
     * @param mailOffset offset of the mail bitmap in a chunk.
     */
    MailWords(final Arena arena, final int mailOffset)
    {
        this.arena = arena;
        this.mailOffset = mailOffset;
        this.length = Math.max(1, arena.chunkSlots() >>> 12);
        this.order = new int[length << 6];
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
     * Forgets the words noted for a chunk visited word by word (one that has tick steps).
     */
    void visitedChunk(final int chunk)
    {
        if (chunk < words.length && null != words[chunk])
        {
            Arrays.fill(words[chunk], 0);
        }
    }

    /**
     * Forgets every chunk's words (a checkpoint restore).
     */
    void clear()
    {
        for (final long[] summary : words)
        {
            if (null != summary)
            {
                Arrays.fill(summary, 0);
            }
        }
    }
}
