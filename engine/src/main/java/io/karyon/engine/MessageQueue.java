package io.karyon.engine;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.karyon.engine.MessageDescriptor.MAX_QUEUE_LENGTH;
import static io.karyon.engine.MessageDescriptor.NEXT_OFFSET;
import static io.karyon.engine.MessageDescriptor.PAYLOAD_OFFSET;
import static io.karyon.engine.MessageDescriptor.RECORD_LENGTH;
import static io.karyon.engine.MessageDescriptor.RECORD_SHIFT;
import static io.karyon.engine.MessageDescriptor.SENDER_OFFSET;
import static io.karyon.engine.MessageDescriptor.TARGET_OFFSET;
import static io.karyon.engine.MessageDescriptor.TYPE_OFFSET;
import static io.karyon.engine.MessageDescriptor.checkQueueLength;

/**
 * A growable off-heap array of fixed-size message records (laid out by {@link MessageDescriptor}): the messages a
 * worker sends in one tick, in send order.
 * <p>
 * The buffer grows by doubling, so a run allocates only until it reaches its busiest tick; after a flood it shrinks
 * back: every {@link #SHRINK_PERIOD} clears, a buffer more than four times larger than the most records it held
 * since the last look is cut to twice that (not below its initial size), so the memory a flood took is given back a
 * few ticks later while a steady load never reallocates. Each append checks the capacity once, then writes through an
 * {@link UnsafeBuffer}: Agrona's {@code ExpandableDirectByteBuffer} checks it on every field, which profiles showed as
 * the top cost of sending.
 * <p>
 * <b>Note:</b> not threadsafe; written by one worker in a tick and read by another in the next (the tick barrier
 * orders the two). Its fields are padded: the writer bumps {@code count} per message while other workers read the
 * queue it filled in the previous tick, which must not share a cache line with it.
 */
final class MessageQueue extends MessageQueueRhsPadding
{
    /**
     * Clears between two looks at whether the buffer may shrink.
     */
    static final int SHRINK_PERIOD = 16;

    MessageQueue(final int initialCapacity)
    {
        initialLength = Math.max(1, initialCapacity) * RECORD_LENGTH;
        memory = ByteBuffer.allocateDirect(initialLength);
        wrap(memory);
    }

    void append(final long target, final long sender, final int type, final long payload)
    {
        final int offset = count << RECORD_SHIFT;
        if (offset + RECORD_LENGTH > buffer.capacity())
        {
            grow(offset + RECORD_LENGTH);
        }
        buffer.putLong(offset + TARGET_OFFSET, target);
        buffer.putLong(offset + SENDER_OFFSET, sender);
        buffer.putLong(offset + PAYLOAD_OFFSET, payload);
        buffer.putInt(offset + TYPE_OFFSET, type);
        count++;
        inOrder = false;
    }

    /**
     * Appends a record if the queue has room or can grow: a cell's send, which must not stop the worker when the
     * queue is at its {@link #offerLimit(int) limit} or direct memory is exhausted.
     *
     * @return false, with nothing appended, if the queue could not grow.
     */
    boolean offer(final long target, final long sender, final int type, final long payload)
    {
        final int offset = count << RECORD_SHIFT;
        if (offset + RECORD_LENGTH > capacity && !tryGrow(offset + RECORD_LENGTH))
        {
            return false;
        }
        // Raw stores (the capacity is checked above): a store through the buffer object may write any field for all
        // the JIT knows, so every field the send path reads after it was read again (see address).
        final long at = address + offset;
        UnsafeApi.putLong(at + TARGET_OFFSET, target);
        UnsafeApi.putLong(at + SENDER_OFFSET, sender);
        UnsafeApi.putLong(at + PAYLOAD_OFFSET, payload);
        UnsafeApi.putInt(at + TYPE_OFFSET, type);
        count++;
        final int slot = (int)target;
        inOrder &= slot >= lastSlot;
        lastSlot = slot;
        return true;
    }

    /**
     * Whether every record was {@link #offer offered}, none appended, and their target slots never decrease: the
     * queue is then in the order a tick visits the cells it is for (see {@link Mailboxes#linkMail}).
     */
    boolean inOrder()
    {
        return inOrder;
    }

    /**
     * Bytes the queue's buffer holds now, used or not.
     */
    int capacityBytes()
    {
        return buffer.capacity();
    }

    /**
     * Appends a copy of every record of another queue.
     */
    void appendAll(final MessageQueue source)
    {
        appendRange(source, 0, source.count);
    }

    /**
     * Appends a copy of records [from, to) of another queue.
     */
    void appendRange(final MessageQueue source, final int from, final int to)
    {
        final int length = (to - from) << RECORD_SHIFT;
        final int offset = count << RECORD_SHIFT;
        if (offset + length > buffer.capacity())
        {
            grow(offset + length);
        }
        buffer.putBytes(offset, source.buffer, from << RECORD_SHIFT, length);
        // A range of a queue in order, into an empty queue, is in order too.
        inOrder = 0 == count && source.inOrder;
        if (to > from)
        {
            lastSlot = (int)source.target(to - 1);
        }
        count += to - from;
    }

    /**
     * Bounds what {@link #offer} takes: a queue of cells' sends to one worker holds at most {@code records} in a tick,
     * so that the queues every worker fills for one worker, merged into its inbox, stay within
     * {@link MessageDescriptor#MAX_QUEUE_LENGTH} whatever the number of workers.
     */
    void offerLimit(final int records)
    {
        offerLimit = records * RECORD_LENGTH;
    }

    int count()
    {
        return count;
    }

    /**
     * Notes that the records appended from now on come from senders of another family: the queue keeps the runs
     * of records per sender family, in order, so that a receiver can merge queues by family without reading every
     * record.
     */
    void startRun(final int family)
    {
        final int at = runCount << 1;
        if (at == runs.length)
        {
            growRuns();
        }
        runs[at] = family;
        runs[at + 1] = count;
        runCount++;
        lastFamily = family;
    }

    /**
     * Out of {@link #startRun}, which the send path inlines: an {@code IntArrayList} there inlined its growth twice,
     * which made the send's own compiled code too big for the JIT to inline it into the visits that call it.
     */
    private void growRuns()
    {
        runs = Arrays.copyOf(runs, runs.length << 1);
    }

    int lastFamily()
    {
        return lastFamily;
    }

    int runCount()
    {
        return runCount;
    }

    int runFamily(final int run)
    {
        return runs[run << 1];
    }

    int runStart(final int run)
    {
        return runs[(run << 1) + 1];
    }

    int runEnd(final int run)
    {
        return run + 1 < runCount ? runs[((run + 1) << 1) + 1] : count;
    }

    void clear()
    {
        runCount = 0;
        lastFamily = -1;
        if (count > peakCount)
        {
            peakCount = count;
        }
        count = 0;
        inOrder = true;
        lastSlot = Integer.MIN_VALUE;
        if (++clears >= SHRINK_PERIOD)
        {
            shrinkIfIdle();
        }
    }

    /**
     * Cuts a buffer left large by a flood down to twice the most records held since the last look; the queue is
     * empty here, so nothing is copied.
     */
    private void shrinkIfIdle()
    {
        final long peakBytes = (long)peakCount << RECORD_SHIFT;
        clears = 0;
        peakCount = 0;
        if (capacity > initialLength && capacity > 4 * peakBytes)
        {
            int length = initialLength;
            while (length < 2 * peakBytes)
            {
                length *= 2;
            }
            if (length < capacity)
            {
                BufferUtil.free(memory);
                memory = ByteBuffer.allocateDirect(length);
                wrap(memory);
            }
        }
    }

    long target(final int index)
    {
        return UnsafeApi.getLong(address + ((long)index << RECORD_SHIFT) + TARGET_OFFSET);
    }

    long sender(final int index)
    {
        return UnsafeApi.getLong(address + ((long)index << RECORD_SHIFT) + SENDER_OFFSET);
    }

    long payload(final int index)
    {
        return UnsafeApi.getLong(address + ((long)index << RECORD_SHIFT) + PAYLOAD_OFFSET);
    }

    int type(final int index)
    {
        return UnsafeApi.getInt(address + ((long)index << RECORD_SHIFT) + TYPE_OFFSET);
    }

    int next(final int index)
    {
        return UnsafeApi.getInt(address + ((long)index << RECORD_SHIFT) + NEXT_OFFSET);
    }

    void next(final int index, final int next)
    {
        UnsafeApi.putInt(address + ((long)index << RECORD_SHIFT) + NEXT_OFFSET, next);
    }

    /**
     * Grows for {@link #offer}: false, with the queue unchanged, when it is at its limit or direct memory is out.
     */
    private boolean tryGrow(final int required)
    {
        if (required < 0 || required > offerLimit)
        {
            return false;
        }
        try
        {
            grow(required, offerLimit);
            return true;
        }
        catch (final OutOfMemoryError ex)
        {
            return false;
        }
    }

    private void grow(final int required)
    {
        grow(required, MAX_QUEUE_LENGTH);
    }

    private void grow(final int required, final int most)
    {
        checkQueueLength(required);
        int length = capacity;
        while (length < required)
        {
            length = length > most / 2 ? most : length * 2;
        }
        // Allocated before the old buffer is freed: if this throws, the queue is unchanged.
        final ByteBuffer grown = ByteBuffer.allocateDirect(length);
        final UnsafeBuffer old = new UnsafeBuffer(memory);
        old.getBytes(0, grown, 0, count << RECORD_SHIFT);
        BufferUtil.free(memory);
        memory = grown;
        wrap(grown);
    }

    /**
     * Takes fresh direct memory: the buffer over it, and its address and capacity for the raw accesses.
     */
    private void wrap(final ByteBuffer memory)
    {
        buffer.wrap(memory);
        address = buffer.addressOffset();
        capacity = buffer.capacity();
    }

    /**
     * Frees the queue's memory now rather than when the collector finds it.
     */
    void close()
    {
        BufferUtil.free(memory);
        buffer.wrap(0, 0);
        address = 0;
        capacity = 0;
        count = 0;
        inOrder = true;
        lastSlot = Integer.MIN_VALUE;
    }
}

/**
 * Padding in front of a {@link MessageQueue}'s fields.
 */
@SuppressWarnings("unused")
abstract class MessageQueueLhsPadding
{
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
}

/**
 * A {@link MessageQueue}'s fields.
 */
abstract class MessageQueueFields extends MessageQueueLhsPadding
{
    final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    /** Per run of records from one sender family: the family, then the run's first record. */
    int[] runs = new int[16];
    int runCount;
    ByteBuffer memory;
    int count;
    int lastFamily = -1;
    int initialLength;
    int offerLimit = MAX_QUEUE_LENGTH;
    int peakCount;
    int clears;
    boolean inOrder = true;
    int lastSlot = Integer.MIN_VALUE;
    /**
     * The direct memory's address and length, for the accesses of the send and delivery paths, which are raw: the
     * JIT knows a raw access touches no Java field, so the fields around it stay in registers.
     */
    long address;
    int capacity;
}

/**
 * Padding behind a {@link MessageQueue}'s fields.
 */
@SuppressWarnings("unused")
abstract class MessageQueueRhsPadding extends MessageQueueFields
{
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
}
