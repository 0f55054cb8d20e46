package io.karyon.engine;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.ShardLink;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The digest of a sharded run, the same as one process would take: every shard lists, chunk by chunk in ascending
 * order, the values the digest hashes for the live cells of the chunks its workers own; shard 0 gathers the lists,
 * hashes them in chunk order (each chunk is owned by one shard) and sends the digest back to every shard.
 * <pre>
 *   list := per owned chunk with cells: int chunk, int valueCount, valueCount * long
 * </pre>
 * <b>Note:</b> not threadsafe; the driver's, between runs, at the same point on every shard.
 */
final class ShardDigest
{
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
        final ExpandableDirectByteBuffer part = new ExpandableDirectByteBuffer(64 * 1024);
        final int length = list(link, arena, edges, workerCount, part);
        final int shards = link.shards();
        if (0 != link.shard())
        {
            link.send(0, part, 0, length);
            return await(link, 0).getLong(0);
        }
        final DirectBuffer[] lists = new DirectBuffer[shards];
        lists[0] = new UnsafeBuffer(part, 0, length);
        for (int s = 1; s < shards; s++)
        {
            final DirectBuffer in = await(link, s);
            final byte[] copy = new byte[in.capacity()];
            in.getBytes(0, copy);
            lists[s] = new UnsafeBuffer(copy);
        }
        final long hash = merge(lists, seedHash);
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[Long.BYTES]);
        reply.putLong(0, hash);
        for (int s = 1; s < shards; s++)
        {
            link.send(s, reply, 0, Long.BYTES);
        }
        return hash;
    }

    private static long merge(final DirectBuffer[] lists, final long seedHash)
    {
        final int[] at = new int[lists.length];
        long hash = seedHash;
        while (true)
        {
            int best = -1;
            int bestChunk = Integer.MAX_VALUE;
            for (int s = 0; s < lists.length; s++)
            {
                if (at[s] < lists[s].capacity() && lists[s].getInt(at[s]) < bestChunk)
                {
                    bestChunk = lists[s].getInt(at[s]);
                    best = s;
                }
            }
            if (best < 0)
            {
                return hash;
            }
            final DirectBuffer list = lists[best];
            final int values = list.getInt(at[best] + Integer.BYTES);
            int offset = at[best] + 2 * Integer.BYTES;
            for (int v = 0; v < values; v++)
            {
                hash = Slice.mix(hash + list.getLong(offset));
                offset += Long.BYTES;
            }
            at[best] = offset;
        }
    }

    private static DirectBuffer await(final ShardLink link, final int shard)
    {
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
            Thread.onSpinWait();
        }
    }

    /**
     * Lists the values the digest hashes for this shard's chunks, in the order {@link Census#digest()} hashes them.
     */
    private static int list(final ShardLink link, final Arena arena, final Edges edges, final int workerCount,
        final ExpandableDirectByteBuffer out)
    {
        final CellFlyweight cell = new CellFlyweight();
        final int chunkShift = arena.chunkShift();
        final int words = arena.stateLength() >>> 3;
        final int perShard = workerCount / link.shards();
        int at = 0;
        for (int c = 0, bound = arena.chunkBound(); c < bound; c++)
        {
            if (!arena.hasChunk(c) || Families.ownerOfChunk(c, workerCount) / perShard != link.shard())
            {
                continue;
            }
            final int header = at;
            at += 2 * Integer.BYTES;
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
            out.putInt(header, c);
            out.putInt(header + Integer.BYTES, values);
        }
        return at;
    }
}
