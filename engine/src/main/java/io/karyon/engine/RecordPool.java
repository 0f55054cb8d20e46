package io.karyon.engine;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Fixed-length records in one direct buffer that doubles when full, with a free list threaded through an int field
 * of each free record: the off-heap store of a worker's monitors and of its timers. A record's number stays valid as
 * the pool grows; {@link #records()} is rewrapped in place, so a reference to it stays valid too.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class RecordPool implements AutoCloseable
{
    static final int NULL_RECORD = -1;
    private static final int INITIAL_RECORDS = 64;
    private static final int MAX_BYTES = 1 << 30;

    private final String name;
    private final int recordLength;
    private final int nextOffset;
    private final UnsafeBuffer records = new UnsafeBuffer(0, 0);
    private ByteBuffer memory;
    private int highWater;
    private int freeHead = NULL_RECORD;

    /**
     * @param name         what the records are, for the error when the pool would pass 1 GiB.
     * @param recordLength bytes per record.
     * @param nextOffset   offset of the int field a free record links the free list through.
     */
    RecordPool(final String name, final int recordLength, final int nextOffset)
    {
        this.name = name;
        this.recordLength = recordLength;
        this.nextOffset = nextOffset;
        memory = ByteBuffer.allocateDirect(INITIAL_RECORDS * recordLength);
        records.wrap(memory);
    }

    UnsafeBuffer records()
    {
        return records;
    }

    int allocate()
    {
        if (NULL_RECORD != freeHead)
        {
            final int record = freeHead;
            freeHead = records.getInt(record * recordLength + nextOffset);
            return record;
        }
        final int record = highWater++;
        if ((long)highWater * recordLength > records.capacity())
        {
            if (2L * records.capacity() > MAX_BYTES)
            {
                throw new KaryonException(KaryonException.Category.FATAL,
                    "a worker's " + name + " would pass " + MAX_BYTES + " bytes", null);
            }
            final ByteBuffer grown = ByteBuffer.allocateDirect(records.capacity() * 2);
            records.getBytes(0, grown, 0, records.capacity());
            BufferUtil.free(memory);
            memory = grown;
            records.wrap(grown);
        }
        return record;
    }

    void free(final int record)
    {
        records.putInt(record * recordLength + nextOffset, freeHead);
        freeHead = record;
    }

    /**
     * Frees every record at once (a checkpoint restore); the memory is kept.
     */
    void clear()
    {
        highWater = 0;
        freeHead = NULL_RECORD;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        BufferUtil.free(memory);
        records.wrap(0, 0);
    }
}
