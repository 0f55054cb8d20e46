package io.karyon.scheduler;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * A single-producer, single-consumer channel of fixed-length records between two threads: an Agrona
 * {@link OneToOneRingBuffer}, and behind it, on the producer's side, a spill buffer that takes what the full ring
 * cannot. Nothing is ever dropped and the producer never waits: two workers sending to each other through full
 * channels both go on working. Records keep their order: once one has spilled, every later one spills too until the
 * spill has been flushed into the ring ({@link #flush()}).
 * <p>
 * <b>Note:</b> {@link #offer}, {@link #flush} and the spill counters belong to the producer thread; {@link #drain} to
 * the consumer thread.
 */
public final class Channel
{
    /** Result of {@link #offer}: the record is in the ring. */
    public static final int OFFERED = 0;
    /** Result of {@link #offer}: the ring was full (or records were waiting in the spill): the record spilled. */
    public static final int SPILLED = 1;

    private static final int MSG_TYPE_ID = 1;

    private final ByteBuffer ringMemory;
    private final OneToOneRingBuffer ring;
    private final int recordLength;
    private final int alignedRecordLength;
    private ByteBuffer spillMemory;
    private final UnsafeBuffer spill = new UnsafeBuffer(0, 0);
    private int spillHead;
    private int spillTail;
    private long spilled;

    /**
     * A channel for records of a fixed length.
     *
     * @param ringCapacity bytes of the ring, a power of two.
     * @param recordLength bytes of each record.
     */
    public Channel(final int ringCapacity, final int recordLength)
    {
        if (recordLength <= 0)
        {
            throw new IllegalArgumentException("recordLength must be > 0: recordLength=" + recordLength);
        }
        this.ringMemory = ByteBuffer.allocateDirect(ringCapacity + RingBufferDescriptor.TRAILER_LENGTH);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(ringMemory));
        if (recordLength > ring.maxMsgLength())
        {
            throw new IllegalArgumentException("recordLength " + recordLength + " exceeds the ring's maximum message " +
                "length " + ring.maxMsgLength() + ": ringCapacity=" + ringCapacity);
        }
        this.recordLength = recordLength;
        this.alignedRecordLength = BitUtil.align(recordLength + RecordDescriptor.HEADER_LENGTH,
            RecordDescriptor.ALIGNMENT);
        this.spillMemory = ByteBuffer.allocateDirect(recordLength * 64);
        spill.wrap(spillMemory);
    }

    /**
     * Sends a record: into the ring if it has room and nothing is waiting in the spill, else into the spill.
     *
     * @param record buffer holding the record at offset 0.
     * @return {@link #OFFERED} or {@link #SPILLED}.
     */
    public int offer(final DirectBuffer record)
    {
        if (spillHead == spillTail && ring.write(MSG_TYPE_ID, record, 0, recordLength))
        {
            return OFFERED;
        }
        final int offset = spillTail * recordLength;
        if (offset + recordLength > spill.capacity())
        {
            growSpill();
        }
        spill.putBytes(spillTail * recordLength, record, 0, recordLength);
        spillTail++;
        spilled++;
        return SPILLED;
    }

    /**
     * Moves spilled records into the ring, oldest first, as far as it has room.
     *
     * @return records moved.
     */
    public int flush()
    {
        int moved = 0;
        while (spillHead < spillTail && ring.write(MSG_TYPE_ID, spill, spillHead * recordLength, recordLength))
        {
            spillHead++;
            moved++;
        }
        if (spillHead == spillTail)
        {
            spillHead = 0;
            spillTail = 0;
        }
        return moved;
    }

    /**
     * Hands records from the ring to a handler, oldest first. A read stops at the end of the ring's buffer, so 0 does
     * not mean empty: records that wrapped come with the next call.
     *
     * @param handler called with (type, buffer, offset, length) for each record.
     * @param limit   most records to hand over.
     * @return records handed over.
     */
    public int drain(final MessageHandler handler, final int limit)
    {
        return ring.read(handler, limit);
    }

    /**
     * Records waiting in the spill (producer's view).
     *
     * @return records not yet in the ring.
     */
    public int spillSize()
    {
        return spillTail - spillHead;
    }

    /**
     * Records that spilled since the channel was made (producer's view).
     *
     * @return spilled records.
     */
    public long spilled()
    {
        return spilled;
    }

    /**
     * Records sent and not yet drained: in the ring or in the spill. Exact only while neither side runs.
     *
     * @return records pending.
     */
    public int pending()
    {
        return ring.size() / alignedRecordLength + spillSize();
    }

    /**
     * Frees the ring and the spill; neither side may use the channel afterwards.
     */
    public void close()
    {
        spill.wrap(0, 0);
        BufferUtil.free(spillMemory);
        BufferUtil.free(ringMemory);
    }

    private void growSpill()
    {
        final int used = (spillTail - spillHead) * recordLength;
        final int capacity = Math.max(spill.capacity() * 2, used + recordLength * 64);
        final ByteBuffer grown = ByteBuffer.allocateDirect(capacity);
        final UnsafeBuffer target = new UnsafeBuffer(grown);
        target.putBytes(0, spill, spillHead * recordLength, used);
        BufferUtil.free(spillMemory);
        spillMemory = grown;
        spill.wrap(grown);
        spillTail -= spillHead;
        spillHead = 0;
    }
}
