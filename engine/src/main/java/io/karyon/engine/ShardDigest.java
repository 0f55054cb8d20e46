package io.karyon.engine;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.ShardLink;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The digest of a sharded run, the same as one process would take: every shard lists, chunk by chunk in ascending
 * order, the values the digest hashes for the live cells of the chunks its workers own, and sends the list to shard 0
 * in blocks of about {@value #BLOCK_BYTES} bytes; shard 0 lists its own chunks the same way, a block at a time, and
 * hashes the blocks as they come, always the lowest chunk next (each chunk is owned by one shard), then sends the
 * digest back to every shard. No shard holds more than one block of each shard's list at once: the digest adds a few
 * megabytes to a run, not a copy of every cell.
 * <pre>
 *   block := int last (1 on a shard's last block, else 0), then per owned chunk with cells:
 *            int chunk, int valueCount, valueCount * long
 * </pre>
 * <b>Note:</b> not threadsafe; the driver's, between runs, at the same point on every shard.
 */
final class ShardDigest
{
    /**
     * A block is sent once its chunks' values pass this many bytes (a block ends at a chunk's end).
     */
    static final int BLOCK_BYTES = 1 << 20;

    private ShardDigest()
    {
    }

    /**
     * The digest of the whole run; every shard must call it at the same point.
     *
     * @throws IllegalStateException naming a shard that sent nothing within the link's timeout.
     */
    static long digest(final ShardLink link, final Arena arena, final Edges edges, final int workerCount,
        final long seedHash)
    {
        final Lister own = new Lister(link, arena, edges, workerCount);
        final int shards = link.shards();
        if (0 != link.shard())
        {
            do
            {
                final int length = own.next();
                link.send(0, own.block, 0, length);
            }
            while (!own.done());
            return await(link, 0).getLong(0);
        }
        final long hash = merge(link, own, seedHash);
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[Long.BYTES]);
        reply.putLong(0, hash);
        for (int s = 1; s < shards; s++)
        {
            link.send(s, reply, 0, Long.BYTES);
        }
        return hash;
    }

    /**
     * Hashes every shard's list in chunk order, taking the next block of a shard's list once its last is hashed.
     */
    private static long merge(final ShardLink link, final Lister own, final long seedHash)
    {
        final int shards = link.shards();
        final DirectBuffer[] blocks = new DirectBuffer[shards];
        final int[] at = new int[shards];
        final boolean[] last = new boolean[shards];
        final UnsafeBuffer ownView = new UnsafeBuffer(0, 0);
        long hash = seedHash;
        while (true)
        {
            int best = -1;
            int bestChunk = Integer.MAX_VALUE;
            for (int s = 0; s < shards; s++)
            {
                while ((null == blocks[s] || at[s] == blocks[s].capacity()) && !last[s])
                {
                    if (0 == s)
                    {
                        ownView.wrap(own.block, 0, own.next());
                        blocks[s] = ownView;
                        last[s] = own.done();
                    }
                    else
                    {
                        blocks[s] = await(link, s);
                        last[s] = 0 != blocks[s].getInt(0);
                    }
                    at[s] = Integer.BYTES;
                }
                if (at[s] < blocks[s].capacity() && blocks[s].getInt(at[s]) < bestChunk)
                {
                    bestChunk = blocks[s].getInt(at[s]);
                    best = s;
                }
            }
            if (best < 0)
            {
                return hash;
            }
            final DirectBuffer block = blocks[best];
            final int values = block.getInt(at[best] + Integer.BYTES);
            int offset = at[best] + 2 * Integer.BYTES;
            for (int v = 0; v < values; v++)
            {
                hash = Slice.mix(hash + block.getLong(offset));
                offset += Long.BYTES;
            }
            at[best] = offset;
        }
    }

    private static DirectBuffer await(final ShardLink link, final int shard)
    {
        final IdleStrategy waiting = link.waitStrategy();
        final long startNs = System.nanoTime();
        while (true)
        {
            final DirectBuffer in = link.poll(shard);
            if (null != in)
            {
                return in;
            }
            if (System.nanoTime() - startNs > link.timeoutNs())
            {
                throw new IllegalStateException("shard " + shard + " of " + link.shards() + " sent no digest within " +
                    link.timeoutNs() / 1_000_000 + " ms: it stopped or cannot be reached");
            }
            waiting.idle();
        }
    }

    /**
     * Lists the values the digest hashes for this shard's chunks, in the order {@link Census#digest()} hashes them,
     * a block at a time.
     */
    private static final class Lister
    {
        private final ExpandableDirectByteBuffer block = new ExpandableDirectByteBuffer(64 * 1024);
        private final CellFlyweight cell = new CellFlyweight();
        private final int shard;
        private final Arena arena;
        private final Edges edges;
        private final int workerCount;
        private final int perShard;
        private final int chunkShift;
        private final int words;
        private final int bound;
        private int chunk;

        Lister(final ShardLink link, final Arena arena, final Edges edges, final int workerCount)
        {
            this.shard = link.shard();
            this.arena = arena;
            this.edges = edges;
            this.workerCount = workerCount;
            this.perShard = workerCount / link.shards();
            this.chunkShift = arena.chunkShift();
            this.words = arena.stateLength() >>> 3;
            this.bound = arena.chunkBound();
        }

        /**
         * True once the last block is listed.
         */
        boolean done()
        {
            return chunk >= bound;
        }

        /**
         * Lists the next block into {@link #block}, its first int saying whether it is the last.
         *
         * @return the block's length in bytes.
         */
        int next()
        {
            int at = Integer.BYTES;
            while (chunk < bound && at < BLOCK_BYTES)
            {
                final int c = chunk++;
                if (arena.hasChunk(c) && Families.ownerOfChunk(c, workerCount) / perShard == shard)
                {
                    at = listChunk(c, at);
                }
            }
            block.putInt(0, done() ? 1 : 0);
            return at;
        }

        private int listChunk(final int c, final int start)
        {
            final ExpandableDirectByteBuffer out = block;
            int at = start + 2 * Integer.BYTES;
            int values = 0;
            for (int i = 0, highWater = arena.highWater(c); i < highWater; i++)
            {
                final int slot = (c << chunkShift) | i;
                arena.wrap(cell, slot);
                if (CellDescriptor.STATUS_ALIVE != cell.status())
                {
                    continue;
                }
                out.putLong(at, cell.handle());
                out.putLong(at + Long.BYTES, cell.behaviourId());
                at += 2 * Long.BYTES;
                for (int w = 0; w < words; w++)
                {
                    out.putLong(at, cell.getLong(w << 3));
                    at += Long.BYTES;
                }
                values += 2 + words;
                final int edgeCount = edges.count(slot);
                if (0 != edgeCount)
                {
                    out.putLong(at, edgeCount);
                    at += Long.BYTES;
                    for (int e = 0; e < edgeCount; e++)
                    {
                        out.putLong(at, edges.edge(slot, e));
                        at += Long.BYTES;
                    }
                    values += 1 + edgeCount;
                }
            }
            out.putInt(start, c);
            out.putInt(start + Integer.BYTES, values);
            return at;
        }
    }
}
