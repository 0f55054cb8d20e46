package io.karyon.engine;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static io.karyon.engine.DeadLetterDescriptor.KIND_OFFSET;
import static io.karyon.engine.DeadLetterDescriptor.PAYLOAD_OFFSET;
import static io.karyon.engine.DeadLetterDescriptor.RECORD_LENGTH;
import static io.karyon.engine.DeadLetterDescriptor.SENDER_OFFSET;
import static io.karyon.engine.DeadLetterDescriptor.TARGET_OFFSET;
import static io.karyon.engine.DeadLetterDescriptor.TICK_OFFSET;
import static io.karyon.engine.DeadLetterDescriptor.TYPE_OFFSET;
import static io.karyon.engine.DeadLetterDescriptor.logLength;

/**
 * One worker's log of its latest dead letters: a bounded off-heap ring of fixed records that keeps the last
 * {@code length} and overwrites older ones, so that a storm of dead letters costs no memory and no allocation. Every
 * dead letter is counted in {@link Stats#deadLetters()} whether or not the log is on. Its records are laid out by
 * {@link DeadLetterDescriptor}.
 * <p>
 * <b>Note:</b> not threadsafe; written by its worker, read by the driver between runs.
 */
public final class DeadLetters
{
    /** A message for a handle that is dead, stale, null, or names no cell (timers and replies included). */
    public static final int STALE_HANDLE = 0;
    /** A broadcast a member did not handle because it died earlier in the same tick. */
    public static final int DEAD_MEMBER = 1;
    /** The message of a timer cancelled before it fired. */
    public static final int CANCELLED_TIMER = 2;
    /** A reply that came after its call's timeout. */
    public static final int LATE_REPLY = 3;
    /** Messages left to a cell that died while handling an earlier one in the same tick. */
    public static final int LEFT_BY_DEATH = 4;

    private static final String[] KIND_NAMES = { "stale-handle", "dead-member", "cancelled-timer", "late-reply",
        "left-by-death" };

    /**
     * Receives the dead letters read from a log.
     */
    @FunctionalInterface
    public interface Consumer
    {
        /**
         * One dead letter.
         *
         * @param worker  whose log it is in.
         * @param kind    {@link #STALE_HANDLE}, {@link #DEAD_MEMBER}, {@link #CANCELLED_TIMER}, {@link #LATE_REPLY} or
         *                {@link #LEFT_BY_DEATH}.
         * @param tick    in which it became a dead letter.
         * @param target  handle it was for.
         * @param sender  handle that sent it.
         * @param type    of the message (engine types are negative, see {@link Signals}).
         * @param payload of the message.
         */
        void onDeadLetter(int worker, int kind, long tick, long target, long sender, int type, long payload);
    }

    private final int length;
    private final ByteBuffer memory;
    private final UnsafeBuffer records;
    private long written;

    DeadLetters(final int length)
    {
        final int logLength = logLength(length);
        this.length = length;
        this.memory = length > 0 ? ByteBuffer.allocateDirect(logLength) : null;
        this.records = length > 0 ? new UnsafeBuffer(memory) : new UnsafeBuffer(0, 0);
    }

    /**
     * Name of a kind, for reports.
     *
     * @param kind code.
     * @return its name.
     */
    public static String kindName(final int kind)
    {
        return kind >= 0 && kind < KIND_NAMES.length ? KIND_NAMES[kind] : "kind-" + kind;
    }

    void record(final int kind, final long tick, final long target, final long sender, final int type,
        final long payload)
    {
        if (0 == length)
        {
            return;
        }
        final int offset = (int)(written % length) * RECORD_LENGTH;
        records.putLong(offset + TICK_OFFSET, tick);
        records.putLong(offset + TARGET_OFFSET, target);
        records.putLong(offset + SENDER_OFFSET, sender);
        records.putLong(offset + PAYLOAD_OFFSET, payload);
        records.putInt(offset + TYPE_OFFSET, type);
        records.putInt(offset + KIND_OFFSET, kind);
        written++;
    }

    /**
     * Hands the logged dead letters to a consumer, oldest first.
     *
     * @return how many.
     */
    int read(final int worker, final Consumer consumer)
    {
        final long first = Math.max(0, written - length);
        for (long i = first; i < written; i++)
        {
            final int offset = (int)(i % length) * RECORD_LENGTH;
            consumer.onDeadLetter(worker, records.getInt(offset + KIND_OFFSET), records.getLong(offset + TICK_OFFSET),
                records.getLong(offset + TARGET_OFFSET), records.getLong(offset + SENDER_OFFSET),
                records.getInt(offset + TYPE_OFFSET), records.getLong(offset + PAYLOAD_OFFSET));
        }
        return (int)(written - first);
    }

    void close()
    {
        if (null != memory)
        {
            BufferUtil.free(memory);
        }
    }
}
