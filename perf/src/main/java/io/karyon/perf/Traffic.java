package io.karyon.perf;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellLayout;

/**
 * The memory traffic one cell-update or one delivery needs, counted from the slot layout: {@code bytes_per_update}
 * of W2, W3 and W4, which {@code stream_fraction} turns into a share of the machine's bandwidth.
 * <p>
 * How it is counted: memory moves in whole 64-byte cache lines, so a visit costs every line it touches, read once,
 * and every line it writes, written back once (a line both read and written counts 64 + 64 bytes). The write-allocate
 * read of a line that is only written is not counted, as STREAM does not count it. Where cells are visited in a sweep
 * over consecutive slots (a tick, a broadcast to members spawned in order), neighbours share lines, so the count is
 * the lines a sweep touches over one period of the slot length against the line length, divided by the slots in it;
 * where each visit is to a cell far from the last (a ring's hop, tokens 100 cells apart), it is the mean over the
 * slot's positions in a line of the lines one slot's touched bytes span. Only the slots and message records are
 * counted: the per-chunk bitmaps (one bit per cell) and mailbox heads are left out.
 * <p>
 * The row layout (the default storage): a slot is {@link CellDescriptor#HEADER_LENGTH} bytes of header and the
 * organism's state length; a visit reads the behaviour id in the header (a delivery also the generation and status),
 * then the fields the behaviour uses. W3's logistic tick at 80-byte slots reads bytes 6..23 of each slot and writes
 * 16..23, and a sweep reads 5 lines and writes 4 for every 4 slots: 144 bytes per update (the "~160", less
 * the line only the behaviour id is read from).
 */
final class Traffic
{
    /** Bytes in a cache line, the unit memory moves in. */
    static final int LINE = 64;

    /**
     * Bytes of one message record as the engine queues it (MessageDescriptor.RECORD_LENGTH, package-private there):
     * written once by the sender, read once by the receiver.
     */
    static final int MESSAGE_RECORD_LENGTH = 32;

    private Traffic()
    {
    }

    /**
     * Bytes a tick's sweep moves per cell-update when the tick reads and writes one field of each cell: W3's
     * {@code bytes_per_update}, and what a columnar layout would change.
     *
     * @param layout      the genotype's layout.
     * @param stateLength the organism's state length per slot ({@code Context#stateLength()}).
     * @param field       the field the tick reads and writes.
     * @return bytes per update, > 0.
     */
    static double tickBytes(final CellLayout layout, final int stateLength, final String field)
    {
        final int slotLength = CellDescriptor.HEADER_LENGTH + stateLength;
        final int from = CellDescriptor.HEADER_LENGTH + layout.offset(field);
        final int to = from + layout.field(field).type().size() * Math.max(1, layout.field(field).length());
        return sweep(slotLength, CellDescriptor.BEHAVIOUR_ID_OFFSET, to, from, to);
    }

    /**
     * Bytes a tick's sweep moves per cell-update in columnar storage ({@code CellStorage.COLUMNAR}), when the tick
     * reads and writes one field of each cell: where several behaviours tick, the sweep reads each cell's behaviour id
     * from the first header column (8 bytes a cell); where one does, a step bit says which and no header is read (the
     * engine's {@code TickSweep}); the field's bytes are read and written in the column of each 8-byte word they lie
     * in, neighbours' elements sharing lines. For a {@code double}: 8 + 8 = 16 bytes with one ticking behaviour, 24
     * with several, whatever the state length.
     *
     * @param layout      the genotype's layout.
     * @param field       the field the tick reads and writes.
     * @param soleTicker  whether one behaviour ticks (none of the organism's others does).
     * @return bytes per update, > 0.
     */
    static double columnarTickBytes(final CellLayout layout, final String field, final boolean soleTicker)
    {
        final int word = 8;
        final int id = CellDescriptor.BEHAVIOUR_ID_OFFSET;
        double bytes = soleTicker ? 0 : sweep(word, id, id + 2, id, id);
        final int from = layout.offset(field);
        final int to = from + layout.field(field).type().size() * layout.field(field).length();
        for (int w = from & -word; w < to; w += word)
        {
            final int first = Math.max(from, w) - w;
            final int end = Math.min(to, w + word) - w;
            bytes += sweep(word, first, end, first, end);
        }
        return bytes;
    }

    /**
     * Bytes one delivery to a member of a group moves when members are visited in slot order and each reads and
     * writes one field: W4's {@code bytes_per_update}. The broadcast record is read once per broadcast, not per
     * member, and is not counted.
     *
     * @param layout      the member's layout.
     * @param stateLength the organism's state length per slot.
     * @param field       the field the member reads and writes.
     * @return bytes per delivery, > 0.
     */
    static double memberBytes(final CellLayout layout, final int stateLength, final String field)
    {
        return tickBytes(layout, stateLength, field);
    }

    /**
     * Bytes one message moves when each delivery is to a cell far from the last one's: the target slot's lines from
     * its generation to the last byte of the fields it reads and writes (read and written back), and the message
     * record (written by the sender, read by the receiver): W2's {@code bytes_per_update}.
     *
     * @param layout      the target's layout.
     * @param stateLength the organism's state length per slot.
     * @param firstField  the first field the delivery writes.
     * @param lastField   the last field it reads or writes.
     * @return bytes per delivery, > 0.
     */
    static double messageBytes(
        final CellLayout layout, final int stateLength, final String firstField, final String lastField)
    {
        final int slotLength = CellDescriptor.HEADER_LENGTH + stateLength;
        final int from = CellDescriptor.HEADER_LENGTH + layout.offset(firstField);
        final int to = CellDescriptor.HEADER_LENGTH + layout.offset(lastField) + layout.field(lastField).type().size();
        return scattered(slotLength, CellDescriptor.GENERATION_OFFSET, to, from, to) + 2.0 * MESSAGE_RECORD_LENGTH;
    }

    /**
     * Bytes per slot of a sweep over consecutive slots touching bytes [readFrom, readTo) of each and writing
     * [writeFrom, writeTo), in whole lines: (lines touched + lines written) x 64 over one period, per slot.
     *
     * @param slotLength bytes per slot, > 0.
     * @param readFrom   first byte read, in the slot.
     * @param readTo     end of the bytes read (exclusive), > readFrom.
     * @param writeFrom  first byte written, in the slot.
     * @param writeTo    end of the bytes written (exclusive), {@code writeFrom} for none.
     * @return bytes per slot.
     */
    static double sweep(
        final int slotLength, final int readFrom, final int readTo, final int writeFrom, final int writeTo)
    {
        checkRange(slotLength, readFrom, readTo, writeFrom, writeTo);
        final int slots = period(slotLength);
        final int lines = slots * slotLength / LINE + 2;
        final boolean[] touched = new boolean[lines];
        final boolean[] written = new boolean[lines];
        for (int s = 0; s < slots; s++)
        {
            final long base = (long)s * slotLength;
            mark(touched, base + readFrom, base + readTo);
            mark(touched, base + writeFrom, base + writeTo);
            mark(written, base + writeFrom, base + writeTo);
        }
        return (double)(count(touched) + count(written)) * LINE / slots;
    }

    /**
     * Bytes per slot when each visit is alone in its lines: the mean over one period of the lines one slot's read
     * and written bytes span, plus the lines written, x 64.
     *
     * @param slotLength bytes per slot, > 0.
     * @param readFrom   first byte read, in the slot.
     * @param readTo     end of the bytes read (exclusive), > readFrom.
     * @param writeFrom  first byte written, in the slot.
     * @param writeTo    end of the bytes written (exclusive), {@code writeFrom} for none.
     * @return bytes per visit.
     */
    static double scattered(
        final int slotLength, final int readFrom, final int readTo, final int writeFrom, final int writeTo)
    {
        checkRange(slotLength, readFrom, readTo, writeFrom, writeTo);
        final int slots = period(slotLength);
        long lines = 0;
        for (int s = 0; s < slots; s++)
        {
            final long base = (long)s * slotLength;
            final long first = Math.min(readFrom, writeTo > writeFrom ? writeFrom : readFrom);
            final long end = Math.max(readTo, writeTo);
            lines += span(base + first, base + end);
            lines += span(base + writeFrom, base + writeTo);
        }
        return (double)lines * LINE / slots;
    }

    /**
     * The share of the machine's bandwidth a workload's rate uses.
     *
     * @param rate           updates or deliveries per second.
     * @param bytesPerUpdate bytes each moves.
     * @param triadBytesPerS STREAM triad bandwidth measured in the same process.
     * @return rate x bytes per update / triad.
     */
    static double fraction(final double rate, final double bytesPerUpdate, final double triadBytesPerS)
    {
        return rate * bytesPerUpdate / triadBytesPerS;
    }

    /**
     * Slots in one period of the slot length against the line length: lcm(slot, line) / slot.
     */
    private static int period(final int slotLength)
    {
        int a = slotLength;
        int b = LINE;
        while (0 != b)
        {
            final int t = a % b;
            a = b;
            b = t;
        }
        return LINE / a;
    }

    private static long span(final long from, final long to)
    {
        return to <= from ? 0 : (to - 1) / LINE - from / LINE + 1;
    }

    private static void mark(final boolean[] lines, final long from, final long to)
    {
        for (long line = from / LINE; to > from && line <= (to - 1) / LINE; line++)
        {
            lines[(int)line] = true;
        }
    }

    private static int count(final boolean[] lines)
    {
        int count = 0;
        for (final boolean line : lines)
        {
            count += line ? 1 : 0;
        }
        return count;
    }

    private static void checkRange(
        final int slotLength, final int readFrom, final int readTo, final int writeFrom, final int writeTo)
    {
        if (slotLength <= 0 || readFrom < 0 || readTo <= readFrom || readTo > slotLength || writeFrom < 0 ||
            writeTo < writeFrom || writeTo > slotLength)
        {
            throw new IllegalArgumentException("byte ranges must lie in the slot: slotLength=" + slotLength +
                " read=[" + readFrom + "," + readTo + ") written=[" + writeFrom + "," + writeTo + ")");
        }
    }
}
