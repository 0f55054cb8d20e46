package io.karyon.scheduler;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelTest
{
    private static final int RECORD_LENGTH = 32;

    private final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(RECORD_LENGTH));

    private int offer(final Channel channel, final long value)
    {
        record.putLong(0, value);
        return channel.offer(record);
    }

    @Test
    void shouldSpillWhenTheRingIsFullAndKeepOrderThroughTheSpill()
    {
        final Channel channel = new Channel(1024, RECORD_LENGTH);
        int spilledAt = -1;
        for (int i = 0; i < 100; i++)
        {
            if (Channel.SPILLED == offer(channel, i) && spilledAt < 0)
            {
                spilledAt = i;
            }
        }
        assertTrue(spilledAt > 0 && spilledAt < 100, "a 1 KiB ring holds fewer than 100 records: " + spilledAt);
        assertEquals(100, channel.pending());
        assertEquals(100 - spilledAt, channel.spilled());

        final long[] next = { 0 };
        int drained = 0;
        while (drained < 100)
        {
            channel.flush();
            drained += channel.drain((type, buffer, index, length) ->
            {
                assertEquals(next[0]++, buffer.getLong(index), "records come out in the order they went in");
                assertEquals(RECORD_LENGTH, length);
            }, 7);
        }
        assertEquals(100, next[0]);
        assertEquals(0, channel.pending());
        assertEquals(0, channel.spillSize());
    }

    @Test
    void shouldSpillEveryRecordAfterTheFirstSpilledOneUntilFlushed()
    {
        final Channel channel = new Channel(1024, RECORD_LENGTH);
        int i = 0;
        while (Channel.OFFERED == offer(channel, i))
        {
            i++;
        }
        assertEquals(1, channel.spillSize());
        final long[] next = { 0 };
        assertEquals(i, channel.drain((type, buffer, index, length) -> assertEquals(next[0]++, buffer.getLong(index)),
            Integer.MAX_VALUE));
        assertEquals(Channel.SPILLED, offer(channel, i + 1), "the ring has room, but a record is waiting in the spill");
        assertEquals(2, channel.spillSize());
        assertEquals(2, channel.flush());
        assertEquals(0, channel.spillSize());
        // A read stops at the end of the ring's buffer; the records that wrapped come with the next one.
        for (int reads = 0; reads < 3; reads++)
        {
            channel.drain((type, buffer, index, length) -> assertEquals(next[0]++, buffer.getLong(index)), 10);
        }
        assertEquals(i + 2, next[0], "the spilled records follow the ring's, in order");
    }

    @Test
    void shouldRejectRecordsLongerThanTheRingTakes()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new Channel(1024, 200));
        assertTrue(ex.getMessage().startsWith("recordLength 200 exceeds the ring's maximum message length"),
            ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldDeliverEveryRecordOnceInOrderBetweenTwoThreads() throws InterruptedException
    {
        final Channel channel = new Channel(1024, RECORD_LENGTH);
        final long total = 2_000_000;
        final AtomicLong received = new AtomicLong();
        final AtomicReference<String> error = new AtomicReference<>();
        final Thread consumer = new Thread(() ->
        {
            final long[] expected = { 0 };
            while (expected[0] < total && null == error.get())
            {
                if (0 == channel.drain((type, buffer, index, length) ->
                {
                    final long value = buffer.getLong(index);
                    if (value != expected[0] && null == error.get())
                    {
                        error.set("got " + value + ", expected " + expected[0]);
                    }
                    expected[0]++;
                }, 256))
                {
                    Thread.onSpinWait();
                }
            }
            received.set(expected[0]);
        });
        consumer.start();
        final UnsafeBuffer producerRecord = new UnsafeBuffer(ByteBuffer.allocateDirect(RECORD_LENGTH));
        for (long i = 0; i < total; i++)
        {
            producerRecord.putLong(0, i);
            channel.offer(producerRecord);
            if (0 == (i & 255))
            {
                channel.flush();
            }
        }
        while (channel.spillSize() > 0 && consumer.isAlive())
        {
            channel.flush();
            Thread.onSpinWait();
        }
        consumer.join();
        assertNull(error.get());
        assertEquals(total, received.get());
    }
}
