package io.karyon.perf.jmh;

import io.karyon.scheduler.Channel;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Channel} round trip on one thread, in ns per record: offer a record of {@link #RECORD_LENGTH} bytes (the
 * engine's message record) and drain it again, one at a time ({@code roundTrip}) and {@link #BATCH} at a time
 * ({@code batch}, as workers hand messages over). Without a second thread this is the ring's own cost, no cache-line
 * transfer; the ring never fills, so nothing spills. A drain that stops at the ring's wrap point is repeated, which
 * adds a read once every ring's worth of records.
 * Run:
 * <pre>
 *   scripts/jmh ChannelBenchmark
 *   java -cp perf/target/benchmarks.jar io.karyon.perf.jmh.ChannelBenchmark [JMH options]
 * </pre>
 * <b>Note:</b> one channel per benchmark thread, which is both producer and consumer.
 */
@Fork(value = 1, jvmArgsAppend = JmhFlags.BOUNDS_CHECKS_OFF)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ChannelBenchmark
{
    /** Bytes per record: target, sender, type and payload, as the engine's messages. */
    public static final int RECORD_LENGTH = 32;
    /** Records per {@code batch} invocation. */
    public static final int BATCH = 64;
    /** Bytes of the ring. */
    public static final int RING_CAPACITY = 64 * 1024;

    private final MessageHandler handler = this::onRecord;
    private ByteBuffer recordMemory;
    private UnsafeBuffer record;
    private Channel channel;
    private long sequence;
    private long sum;

    /**
     * Makes the channel and the record.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        channel = new Channel(RING_CAPACITY, RECORD_LENGTH);
        recordMemory = ByteBuffer.allocateDirect(RECORD_LENGTH);
        record = new UnsafeBuffer(recordMemory);
        sequence = 0;
        sum = 0;
    }

    /**
     * Checks that nothing spilled and nothing was left behind, and that the payloads drained add up to 1 + 2 + ... +
     * the last one offered: every record offered came out once, whole.
     *
     * @throws IllegalStateException naming what was wrong.
     */
    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        if (0 != channel.spilled() || 0 != channel.pending())
        {
            throw new IllegalStateException("benchmark self-check failed: spilled=" + channel.spilled() +
                ", pending=" + channel.pending());
        }
        // n(n + 1) / 2 with the halving done first, so the product wraps exactly as the running sum does.
        final long expected = 0 == (sequence & 1) ? (sequence >> 1) * (sequence + 1) : sequence * ((sequence + 1) >> 1);
        if (sum != expected)
        {
            throw new IllegalStateException("benchmark self-check failed: payloads drained sum to " + sum + " after " +
                sequence + " records offered, expected " + expected);
        }
    }

    /**
     * Frees the channel and the record.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        channel.close();
        BufferUtil.free(recordMemory);
    }

    /**
     * Offers one record and drains it.
     *
     * @return the sum of the payloads drained so far.
     */
    @Benchmark
    public long roundTrip()
    {
        record.putLong(24, ++sequence);
        channel.offer(record);
        drain(1);
        return sum;
    }

    /**
     * Offers {@link #BATCH} records, then drains them.
     *
     * @return the sum of the payloads drained so far.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            record.putLong(24, ++sequence);
            channel.offer(record);
        }
        drain(BATCH);
        return sum;
    }

    private void drain(final int records)
    {
        // At the ring's wrap point one read stops at the end of the buffer (after the padding record), so a drain can
        // hand over fewer records than are waiting: read until all have come.
        int drained = 0;
        while (drained < records)
        {
            drained += channel.drain(handler, records - drained);
        }
    }

    private void onRecord(final int msgTypeId, final DirectBuffer buffer, final int index, final int length)
    {
        sum += buffer.getLong(index + 24);
    }

    /**
     * Sum of the payloads drained so far.
     *
     * @return the sum.
     */
    public long sum()
    {
        return sum;
    }

    /**
     * Runs only this class.
     *
     * @param args further JMH options.
     * @throws Exception if JMH fails.
     */
    public static void main(final String[] args) throws Exception
    {
        JmhFlags.runClass(ChannelBenchmark.class, args);
    }
}
