package io.karyon.engine.internal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;

/**
 * The transport between the shards of one sharded run: each shard is a process that runs the workers
 * {@code [shard * W, (shard + 1) * W)} of one organism of {@code shards * W} workers, and hands the other shards, in
 * bulk at each tick's barrier, what its workers queued for theirs. The engine only frames and merges blocks; a
 * transport (Aeron, in the {@code shard} module) carries them whole and in order between each pair of shards.
 * <p>
 * <b>Note:</b> not threadsafe; one thread at a time (the engine's exchange agent during ticks, the driver between
 * them).
 */
public interface ShardLink
{
    /**
     * Index of this shard.
     *
     * @return in {@code 0..shards() - 1}.
     */
    int shard();

    /**
     * Number of shards in the run.
     *
     * @return > 0.
     */
    int shards();

    /**
     * How long to wait for a block from another shard before the run is stopped as lost.
     *
     * @return nanoseconds, > 0.
     */
    long timeoutNs();

    /**
     * Sends one block to a shard, whole: returns once the transport has taken all of it.
     *
     * @param shard  to send to, not this one.
     * @param buffer holding the block.
     * @param offset of the block in the buffer.
     * @param length of the block in bytes.
     * @throws IllegalStateException naming the shard, if it cannot be reached within {@link #timeoutNs()}.
     */
    void send(int shard, DirectBuffer buffer, int offset, int length);

    /**
     * The next whole block from a shard, if it has fully arrived: valid until the next poll or send.
     *
     * @param shard to receive from, not this one.
     * @return the block (its capacity is its length), or null if none is complete yet.
     * @throws IllegalStateException naming the shard, if it is known to be gone.
     */
    DirectBuffer poll(int shard);

    /**
     * Bytes of blocks this shard has sent so far.
     *
     * @return bytes.
     */
    long bytesSent();

    /**
     * Blocks this shard has sent so far.
     *
     * @return blocks.
     */
    long blocksSent();

    /**
     * How the exchange waits within a tick, when it has a thread of its own, for this shard's workers and for the
     * other shards' blocks: the transport's mix of spinning, yielding and short parks, so that the wait is short
     * without the exchange taking a core from the workers for the whole of a long tick. The exchange idles with it
     * instead of with the workers' strategy.
     *
     * @return a new strategy; {@link NoOpIdleStrategy} (the default) leaves the waiting to the workers' strategy.
     */
    default IdleStrategy waitStrategy()
    {
        return NoOpIdleStrategy.INSTANCE;
    }
}
