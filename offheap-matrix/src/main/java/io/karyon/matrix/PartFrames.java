package io.karyon.matrix;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The frames in which a matrix split between processes (a sharded run: see {@link Matrix#exportDeposits}) ships a
 * writer's deposits for a part and a part's values as a tick phase left them. Little-endian, as Agrona writes:
 * <pre>
 *   deposits     := int count, count * (int key, long orderKey, double amount)     key = site * substances + k
 *   dynamic part := int part, int firstValue, int valueCount, valueCount * double
 *                   the part's range of sites (or, with a reach, the share of it the receiver holds), site-major
 *   static part  := int part, int count, count * (int key, double amount)    the deposits the part applied, in order
 * </pre>
 * A key fits an int: a matrix that can be split has flat copies, of at most 2^31 bytes.
 * A dynamic part ships its range (what its diffusion wrote); a static part ships what it added, in the order it added
 * it, so the receiver's additions give the same bits.
 * <p>
 * <b>Note:</b> stateless; called by one thread while the workers wait.
 */
final class PartFrames
{
    static final int DEPOSIT_BYTES = SIZE_OF_INT + SIZE_OF_LONG + SIZE_OF_DOUBLE;
    static final int ADDITION_BYTES = SIZE_OF_INT + SIZE_OF_DOUBLE;

    private PartFrames()
    {
    }

    static int putDeposits(final MatrixWriter writer, final int part, final MutableDirectBuffer out, final int offset)
    {
        final int count = writer.count(part);
        final long[] keys = writer.keys[part];
        final long[] orderKeys = writer.orderKeys[part];
        final double[] amounts = writer.amounts[part];
        out.putInt(offset, count);
        int at = offset + SIZE_OF_INT;
        // One growth of the block up front rather than a check per put.
        out.checkLimit(at + count * DEPOSIT_BYTES);
        for (int i = 0; i < count; i++)
        {
            out.putInt(at, (int)keys[i]);
            out.putLong(at + SIZE_OF_INT, orderKeys[i]);
            out.putDouble(at + SIZE_OF_INT + SIZE_OF_LONG, amounts[i]);
            at += DEPOSIT_BYTES;
        }
        return at;
    }

    /**
     * Replaces a writer's bucket for a part with a frame, checking that every key is one of the part's values.
     *
     * @param owns whether a key is the part's.
     */
    static int takeDeposits(
        final Matrix matrix,
        final MatrixWriter writer,
        final int part,
        final DirectBuffer in,
        final int offset,
        final KeyOwner owns)
    {
        if (offset < 0 || in.capacity() - offset < SIZE_OF_INT)
        {
            throw new IllegalStateException(matrix.name() + ": writer " + writer.index() + "'s deposits for part " +
                part + " expected at byte " + offset + " of a block of " + in.capacity());
        }
        final int count = in.getInt(offset);
        int at = offset + SIZE_OF_INT;
        if (count < 0 || count > (in.capacity() - at) / DEPOSIT_BYTES)
        {
            throw new IllegalStateException(matrix.name() + ": writer " + writer.index() + "'s deposits for part " +
                part + " claim " + count + " deposits at byte " + offset + "; the block has room for " +
                Math.max(0, (in.capacity() - at) / DEPOSIT_BYTES));
        }
        writer.ensureCapacity(part, count);
        final long[] keys = writer.keys[part];
        final long[] orderKeys = writer.orderKeys[part];
        final double[] amounts = writer.amounts[part];
        for (int i = 0; i < count; i++)
        {
            final long key = in.getInt(at);
            if (!owns.owns(key, part))
            {
                throw new IllegalStateException(matrix.name() + ": writer " + writer.index() + "'s deposit " + i +
                    " for part " + part + " names value " + key + ", which is not that part's");
            }
            keys[i] = key;
            orderKeys[i] = in.getLong(at + SIZE_OF_INT);
            amounts[i] = in.getDouble(at + SIZE_OF_INT + SIZE_OF_LONG);
            at += DEPOSIT_BYTES;
        }
        writer.count(part, count);
        return at;
    }

    static int putRange(
        final int part, final UnsafeBuffer values, final int firstValue, final int valueCount,
        final MutableDirectBuffer out, final int offset)
    {
        out.putInt(offset, part);
        out.putInt(offset + SIZE_OF_INT, firstValue);
        out.putInt(offset + 2 * SIZE_OF_INT, valueCount);
        final int at = offset + 3 * SIZE_OF_INT;
        out.putBytes(at, values, firstValue * SIZE_OF_DOUBLE, valueCount * SIZE_OF_DOUBLE);
        return at + valueCount * SIZE_OF_DOUBLE;
    }

    static int takeRange(
        final Matrix matrix, final int part, final UnsafeBuffer values, final int firstValue, final int valueCount,
        final DirectBuffer in, final int offset)
    {
        checkPart(matrix, part, in, offset);
        if (in.capacity() - offset < 3 * SIZE_OF_INT)
        {
            throw new IllegalStateException(matrix.name() + ": part " + part + " expected at byte " + offset +
                " of a block of " + in.capacity());
        }
        final int first = in.getInt(offset + SIZE_OF_INT);
        final int count = in.getInt(offset + 2 * SIZE_OF_INT);
        final int at = offset + 3 * SIZE_OF_INT;
        if (first != firstValue || count != valueCount || (long)count * SIZE_OF_DOUBLE > in.capacity() - at)
        {
            throw new IllegalStateException(matrix.name() + ": part " + part + " came with values [" + first + ", " +
                ((long)first + count) + ") at byte " + offset + "; this shard takes [" + firstValue + ", " +
                (firstValue + valueCount) + ") of it (do the shards declare the same reach?) and the block has room " +
                "for " + Math.max(0, (in.capacity() - at) / SIZE_OF_DOUBLE));
        }
        values.putBytes(firstValue * SIZE_OF_DOUBLE, in, at, count * SIZE_OF_DOUBLE);
        return at + count * SIZE_OF_DOUBLE;
    }

    /**
     * With a reach declared: checks that every deposit a writer of another process made for a part here lies within
     * the reach of the writer's own part.
     *
     * @throws IllegalStateException naming the site, the writer's part and the deposit, for the first that does not.
     */
    static void checkReach(final MatrixWriter writer, final int part, final int substances, final ShardWindow window,
        final int parts)
    {
        final long[] keys = writer.keys[part];
        for (int i = 0, count = writer.count(part); i < count; i++)
        {
            final String reason = window.outsideReach(keys[i] / substances, writer.index(), parts);
            if (null != reason)
            {
                writer.count(part, 0);
                throw new IllegalStateException(reason + " (its deposit " + i + " for part " + part + ")");
            }
        }
    }

    static int putAdditions(final int part, final DepositMerger applied, final MutableDirectBuffer out,
        final int offset)
    {
        final int count = applied.count;
        final long[] keys = applied.keys;
        final double[] amounts = applied.amounts;
        out.putInt(offset, part);
        out.putInt(offset + SIZE_OF_INT, count);
        int at = offset + 2 * SIZE_OF_INT;
        out.checkLimit(at + count * ADDITION_BYTES);
        for (int i = 0; i < count; i++)
        {
            out.putInt(at, (int)keys[i]);
            out.putDouble(at + SIZE_OF_INT, amounts[i]);
            at += ADDITION_BYTES;
        }
        return at;
    }

    static int takeAdditions(final Matrix matrix, final int part, final UnsafeBuffer values, final DirectBuffer in,
        final int offset, final KeyOwner owns)
    {
        checkPart(matrix, part, in, offset);
        final int count = in.getInt(offset + SIZE_OF_INT);
        int at = offset + 2 * SIZE_OF_INT;
        if (count < 0 || count > (in.capacity() - at) / ADDITION_BYTES)
        {
            throw new IllegalStateException(matrix.name() + ": part " + part + " came with " + count +
                " additions at byte " + offset + "; the block has room for " +
                Math.max(0, (in.capacity() - at) / ADDITION_BYTES));
        }
        for (int i = 0; i < count; i++)
        {
            final long key = in.getInt(at);
            if (!owns.owns(key, part))
            {
                throw new IllegalStateException(matrix.name() + ": part " + part + "'s addition " + i +
                    " names value " + key + ", which is not that part's");
            }
            final int index = (int)key * SIZE_OF_DOUBLE;
            values.putDouble(index, values.getDouble(index) + in.getDouble(at + SIZE_OF_INT));
            at += ADDITION_BYTES;
        }
        return at;
    }

    private static void checkPart(final Matrix matrix, final int part, final DirectBuffer in, final int offset)
    {
        if (offset < 0 || in.capacity() - offset < 2 * SIZE_OF_INT)
        {
            throw new IllegalStateException(matrix.name() + ": part " + part + " expected at byte " + offset +
                " of a block of " + in.capacity());
        }
        final int sent = in.getInt(offset);
        if (sent != part)
        {
            throw new IllegalStateException(matrix.name() + ": part " + sent + " came at byte " + offset +
                " where part " + part + " was expected");
        }
    }

    /**
     * Whether a value (site * substances + substance) belongs to a part.
     */
    @FunctionalInterface
    interface KeyOwner
    {
        boolean owns(long key, int part);
    }
}
