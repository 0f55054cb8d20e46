package io.karyon.supervisor;

import org.agrona.BitUtil;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A per-worker budget of restarts per tick: a FIFO of pending (row, entry) restarts of which at most
 * {@link #budgetPerTick()} are handed out each tick, the rest carried over, in order, to the next ticks.
 * <p>
 * A mass death therefore slows ticks down instead of stalling a worker. The FIFO is a ring of longs (row in the
 * high 32 bits, entry in the low 32 bits) that doubles when full, so nothing offered is ever lost; size it up front
 * to keep {@link #offer(int, int)} allocation-free. A restart handed out may have been overtaken meanwhile (its
 * supervisor terminated it or gave up): {@link RestartTable#updateHandle(int, long)} returns false for those, and the
 * caller should check {@link RestartTable#childStatus(int)} is {@link RestartTableDescriptor#CHILD_STARTING} before
 * it starts a cell.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
public final class RestartBudget
{
    /**
     * Handler of one restart handed out by {@link #poll(RestartHandler)}.
     */
    @FunctionalInterface
    public interface RestartHandler
    {
        /**
         * Called for one pending restart, in FIFO order.
         *
         * @param row   of the supervisor that decided the restart.
         * @param entry of the child to start.
         */
        void onRestart(int row, int entry);
    }

    private final int budgetPerTick;
    private long[] ring;
    private int mask;
    private long head;
    private long tail;
    private int remainingThisTick;
    private long offeredCount;
    private long polledCount;
    private long carriedOverCount;

    /**
     * A budget with room for 1024 pending restarts before it grows.
     *
     * @param budgetPerTick most restarts handed out per tick, > 0.
     * @throws IllegalArgumentException if budgetPerTick is not positive.
     */
    public RestartBudget(final int budgetPerTick)
    {
        this(budgetPerTick, 1024);
    }

    /**
     * A budget sized up front.
     *
     * @param budgetPerTick   most restarts handed out per tick, > 0.
     * @param initialCapacity pending restarts before the FIFO grows, rounded up to a power of 2.
     * @throws IllegalArgumentException if budgetPerTick or initialCapacity is not positive or too large.
     */
    public RestartBudget(final int budgetPerTick, final int initialCapacity)
    {
        if (budgetPerTick <= 0)
        {
            throw new IllegalArgumentException("budgetPerTick must be > 0: budgetPerTick=" + budgetPerTick);
        }
        if (initialCapacity <= 0 || initialCapacity > (1 << 30))
        {
            throw new IllegalArgumentException(
                "initialCapacity must be in [1, 2^30]: initialCapacity=" + initialCapacity);
        }
        this.budgetPerTick = budgetPerTick;
        this.ring = new long[BitUtil.findNextPositivePowerOfTwo(initialCapacity)];
        this.mask = ring.length - 1;
        this.remainingThisTick = budgetPerTick;
    }

    /**
     * Adds a pending restart at the tail of the FIFO.
     *
     * @param row   of the supervisor that decided the restart.
     * @param entry of the child to start.
     */
    public void offer(final int row, final int entry)
    {
        if (tail - head == ring.length)
        {
            growRing();
        }
        ring[(int)tail & mask] = ((long)row << 32) | (entry & 0xFFFF_FFFFL);
        tail++;
        offeredCount++;
    }

    /**
     * Starts a new tick: the budget is full again, and what is still pending counts as carried over.
     */
    public void startTick()
    {
        carriedOverCount += tail - head;
        remainingThisTick = budgetPerTick;
    }

    /**
     * Hands out pending restarts, oldest first, up to what is left of this tick's budget.
     *
     * @param handler called once per restart handed out.
     * @return the number of restarts handed out.
     */
    public int poll(final RestartHandler handler)
    {
        final long available = tail - head;
        final int count = (int)Math.min(remainingThisTick, available);
        for (int i = 0; i < count; i++)
        {
            final long value = ring[(int)head & mask];
            head++;
            handler.onRestart((int)(value >>> 32), (int)value);
        }
        remainingThisTick -= count;
        polledCount += count;
        return count;
    }

    /**
     * Most restarts handed out per tick.
     *
     * @return the per-tick budget.
     */
    public int budgetPerTick()
    {
        return budgetPerTick;
    }

    /**
     * Restarts pending in the FIFO.
     *
     * @return restarts pending.
     */
    public int pending()
    {
        return (int)(tail - head);
    }

    /**
     * Restarts offered since creation.
     *
     * @return restarts offered.
     */
    public long offeredCount()
    {
        return offeredCount;
    }

    /**
     * Restarts handed out since creation.
     *
     * @return restarts handed out.
     */
    public long polledCount()
    {
        return polledCount;
    }

    /**
     * Sum over ticks of the restarts pending when each tick started: how much work was carried over.
     *
     * @return restarts carried over, summed over ticks.
     */
    public long carriedOverCount()
    {
        return carriedOverCount;
    }

    /**
     * Capacity of the FIFO before it next grows.
     *
     * @return capacity of the FIFO.
     */
    public int capacity()
    {
        return ring.length;
    }

    /**
     * Writes the budget's state for a checkpoint: the queued restarts in order, what is left of this tick's budget,
     * and the counters.
     *
     * @param out to write to.
     * @throws IOException if writing fails.
     */
    public void writeTo(final DataOutput out) throws IOException
    {
        out.writeInt(ring.length);
        out.writeInt(pending());
        for (long i = head; i < tail; i++)
        {
            out.writeLong(ring[(int)i & mask]);
        }
        out.writeInt(remainingThisTick);
        out.writeLong(offeredCount);
        out.writeLong(polledCount);
        out.writeLong(carriedOverCount);
    }

    /**
     * Replaces the budget's state with what {@link #writeTo(DataOutput)} wrote (the budget per tick stays this one's).
     *
     * @param in to read from.
     * @throws IOException if reading fails or the bytes are not a budget's state.
     */
    public void readFrom(final DataInput in) throws IOException
    {
        final int capacity = in.readInt();
        final int pending = in.readInt();
        if (capacity <= 0 || capacity > (1 << 30) || Integer.bitCount(capacity) != 1 || pending < 0 ||
            pending > capacity)
        {
            throw new IOException("bad restart budget: capacity=" + capacity + ", pending=" + pending);
        }
        final long[] read = new long[capacity];
        for (int i = 0; i < pending; i++)
        {
            read[i] = in.readLong();
        }
        ring = read;
        mask = capacity - 1;
        head = 0;
        tail = pending;
        remainingThisTick = in.readInt();
        offeredCount = in.readLong();
        polledCount = in.readLong();
        carriedOverCount = in.readLong();
    }

    private void growRing()
    {
        final int length = ring.length;
        if (length >= (1 << 30))
        {
            throw new IllegalStateException("RestartBudget FIFO cannot grow past 2^30 restarts: pending=" + length);
        }
        final long[] grown = new long[length << 1];
        for (int i = 0; i < length; i++)
        {
            grown[i] = ring[(int)(head + i) & mask];
        }
        tail = length;
        head = 0;
        ring = grown;
        mask = grown.length - 1;
    }
}
