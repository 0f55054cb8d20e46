package io.karyon.engine;

import io.karyon.engine.internal.ShardLink;
import io.karyon.scheduler.TickBarrier;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;

import java.util.Arrays;

/**
 * A sharded run's barrier between processes: once this shard's workers have all finished a tick, it ships to each
 * other shard, in one block, everything they queued for that shard's workers (messages, signals, broadcasts,
 * supervision notices), fills the queues the other shards' workers keep here (their stand-in slices, which no agent
 * runs) from the blocks they ship back, and only then arrives at the barrier for them: the workers here start the
 * next tick with exactly the queues they would have read from those workers in one process, merged in the same order.
 * <p>
 * With a tick phase (the matrix's, a {@link ShardedTickPhase}) a tick has two barriers: at the phase's, once this
 * shard's workers have run their parts of the phase, it ships each of those parts as the phase left it to every other
 * shard, takes in theirs, drops what the writers here hold for the other shards' parts, and arrives at the phase's
 * barrier for the remote workers; at the tick's, the block carries, per pair of workers, the deposits the sender's
 * writer buffered for the receiver's part.
 * <p>
 * Between runs it runs the driver's set-up jobs for the stand-in workers (before the first tick only: after it, their
 * cells live in other processes, see {@link Workforce#onWorkers}).
 * <p>
 * A block, per ordered pair of shards and per tick:
 * <pre>
 *   long tick
 *   for each sending worker (its shard's, ascending), for each receiving worker (ascending):
 *     queue messages, queue signals, queue broadcasts, notices
 *   then for each sending worker, for each supervision home it owns (family order):
 *     children
 *   queue   := int count, int runCount, runCount * (int family, int start), count * (long target, long sender,
 *              long payload, int type)
 *   notices := int count, count * long
 *   children := int count, count * (long entry << 32 | tag, long handle): what the home published at the tick's
 *              end (see ChildDirectory), so that every shard's cells look children up alike
 *   with a tick phase, after the notices of each pair: the deposits frame ({@link ShardedTickPhase#putDeposits})
 *
 *   phase block, per ordered pair of shards and per tick, before the tick's cells run:
 *   long (tick + 1) | PHASE_BLOCK
 *   for each part of the sending shard (ascending): the part's frame ({@link ShardedTickPhase#putPart}), as much
 *   of the part as the receiving shard holds (with the matrix's reach, the rows in its halos)
 * </pre>
 * <b>Note:</b> not threadsafe; run by one thread.
 */
final class ShardExchange implements Agent
{
    private static final int RECORD_BYTES = 3 * Long.BYTES + Integer.BYTES;
    /** Marks the header of a phase block, so that a block of the wrong barrier is named as such. */
    private static final long PHASE_BLOCK = 1L << 62;

    private final ShardLink link;
    private final Slice[] slices;
    private final TickBarrier barrier;
    private final TickBarrier phaseBarrier;
    private final ShardedTickPhase phase;
    private final WorkerJobs jobs;
    private final int shard;
    private final int shards;
    private final int perShard;
    private final boolean[] received;
    private final IdleStrategy waiting;
    private final boolean waitsItself;
    private final ExpandableDirectByteBuffer block = new ExpandableDirectByteBuffer(64 * 1024);
    private long jobsRan;
    private long exchanged;
    private boolean sent;
    private boolean phaseDone;
    private long waitStartNs;
    private long bytesSent;

    /**
     * @param phaseBarrier the tick phase's barrier, or null without a phase.
     * @param phase        the tick phase, or null for none.
     * @param ownThread    true when the exchange runs on a thread of its own (dedicated threading): it then waits
     *                     within a tick with the link's {@link ShardLink#waitStrategy()}; sharing a thread with the
     *                     workers, it leaves the waiting to their strategy.
     */
    ShardExchange(
        final ShardLink link,
        final Slice[] slices,
        final TickBarrier barrier,
        final TickBarrier phaseBarrier,
        final ShardedTickPhase phase,
        final WorkerJobs jobs,
        final boolean ownThread)
    {
        this.link = link;
        this.slices = slices;
        this.barrier = barrier;
        this.phaseBarrier = phaseBarrier;
        this.phase = phase;
        this.jobs = jobs;
        this.shard = link.shard();
        this.shards = link.shards();
        this.perShard = slices.length / shards;
        this.received = new boolean[shards];
        this.waiting = ownThread ? link.waitStrategy() : NoOpIdleStrategy.INSTANCE;
        this.waitsItself = !(waiting instanceof NoOpIdleStrategy);
    }

    /**
     * Names this thread to the barrier and the jobs for every worker of the other shards.
     */
    public void onStart()
    {
        for (int w = 0; w < slices.length; w++)
        {
            if (!isLocal(w))
            {
                barrier.register(w, Thread.currentThread());
                jobs.register(w, Thread.currentThread());
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        if (exchanged < barrier.target())
        {
            return exchange(null != phase && !phaseDone);
        }
        final long epoch = jobs.epoch();
        if (epoch == jobsRan)
        {
            return 0;
        }
        long restored = -1;
        for (int w = 0; w < slices.length; w++)
        {
            if (!isLocal(w))
            {
                jobs.poll(w, jobsRan);
                restored = Math.max(restored, slices[w].restoredTick);
                slices[w].restoredTick = -1;
            }
        }
        jobsRan = epoch;
        if (restored >= 0)
        {
            // The job restored a checkpoint (this shard's part): go on from its tick, as TickAgent does, before the
            // driver's Workforce.restoreTicks sets the barrier's target to it.
            exchanged = restored;
            for (int w = 0; w < slices.length; w++)
            {
                if (!isLocal(w))
                {
                    barrier.arrive(w, restored);
                }
            }
        }
        return 1;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "karyon-shard-exchange";
    }

    /**
     * Bytes of blocks sent to the other shards so far.
     */
    long bytesSent()
    {
        return bytesSent;
    }

    /**
     * Ticks exchanged so far.
     */
    long exchanged()
    {
        return exchanged;
    }

    private boolean isLocal(final int worker)
    {
        return worker / perShard == shard;
    }

    /**
     * One barrier of the tick being run: the phase's (before the cells run) or the tick's.
     */
    private int exchange(final boolean phaseBlock)
    {
        final long next = exchanged + 1;
        final TickBarrier meeting = phaseBlock ? phaseBarrier : barrier;
        if (!sent)
        {
            for (int w = shard * perShard, end = w + perShard; w < end; w++)
            {
                if (meeting.finished(w) < next)
                {
                    return await();
                }
            }
            send(phaseBlock, next);
        }
        int work = 0;
        int missing = -1;
        for (int from = 0; from < shards; from++)
        {
            if (from != shard && !received[from])
            {
                final DirectBuffer in = link.poll(from);
                if (null == in)
                {
                    missing = from;
                    continue;
                }
                if (phaseBlock)
                {
                    decodePhase(from, in, next);
                }
                else
                {
                    decode(from, in, (int)((next - 1) & 1), next);
                }
                received[from] = true;
                work++;
            }
        }
        if (missing >= 0)
        {
            if (System.nanoTime() - waitStartNs > link.timeoutNs())
            {
                throw new IllegalStateException("shard " + missing + " of " + shards + " sent nothing for tick " +
                    (next - 1) + (phaseBlock ? " (its tick phase)" : "") + " within " +
                    link.timeoutNs() / 1_000_000 + " ms: it stopped or cannot be reached");
            }
            if (work > 0)
            {
                waiting.reset();
                return work;
            }
            return await();
        }
        for (int w = 0; w < slices.length; w++)
        {
            if (!isLocal(w))
            {
                meeting.arrive(w, next);
            }
        }
        Arrays.fill(received, false);
        sent = false;
        if (phaseBlock)
        {
            phaseDone = true;
        }
        else
        {
            phaseDone = false;
            exchanged = next;
        }
        waiting.reset();
        return work + 1;
    }

    /**
     * Waits a little within a tick with the link's strategy, if it has one: then it counts as work, so that the
     * runner's own strategy, the workers', never adds to it.
     */
    private int await()
    {
        if (!waitsItself)
        {
            return 0;
        }
        waiting.idle();
        return 1;
    }

    private void send(final boolean phaseBlock, final long next)
    {
        final int parity = (int)((next - 1) & 1);
        for (int to = 0; to < shards; to++)
        {
            if (to != shard)
            {
                final int length = phaseBlock ? encodePhase(to, next) : encode(to, parity, next);
                link.send(to, block, 0, length);
                bytesSent += length;
            }
        }
        if (phaseBlock)
        {
            dropRemoteDeposits();
        }
        sent = true;
        waitStartNs = System.nanoTime();
        waiting.reset();
    }

    /**
     * The phase block for one other shard: this shard's parts as the phase left them, as much of each as that shard
     * holds (every part's whole state, or with the matrix's reach only the halos it needs). The phase learns first
     * which parts run here (the same each tick; told while this shard's workers wait at the phase's barrier).
     */
    private int encodePhase(final int to, final long tick)
    {
        phase.holdParts(shard * perShard, (shard + 1) * perShard);
        block.putLong(0, tick | PHASE_BLOCK);
        int at = Long.BYTES;
        for (int p = shard * perShard, end = p + perShard; p < end; p++)
        {
            at = phase.putPart(p, to * perShard, (to + 1) * perShard, block, at);
        }
        return at;
    }

    /**
     * Once the phase blocks are sent: what the writers here hold for the other shards' parts is dropped, for their
     * shards have applied it.
     */
    private void dropRemoteDeposits()
    {
        for (int p = 0; p < slices.length; p++)
        {
            if (!isLocal(p))
            {
                phase.dropDeposits(p);
            }
        }
    }

    private void decodePhase(final int from, final DirectBuffer in, final long tick)
    {
        checkHeader(from, in, tick | PHASE_BLOCK);
        int at = Long.BYTES;
        for (int p = from * perShard, end = p + perShard; p < end; p++)
        {
            at = phase.takePart(p, in, at);
        }
        if (at != in.capacity())
        {
            throw new IllegalStateException("shard " + from + " sent a phase block of " + in.capacity() +
                " bytes for tick " + (tick - 1) + "; its parts account for " + at);
        }
    }

    private void checkHeader(final int from, final DirectBuffer in, final long expected)
    {
        final long header = in.capacity() < Long.BYTES ? -1 : in.getLong(0);
        if (header != expected)
        {
            throw new IllegalStateException("shard " + from + " sent " + describe(header) + " where this shard (" +
                shard + ") expected " + describe(expected));
        }
    }

    private static String describe(final long header)
    {
        if (header <= 0)
        {
            return "a block without a header";
        }
        return ((header & PHASE_BLOCK) != 0 ? "the phase block of tick " : "the block of tick ") +
            ((header & ~PHASE_BLOCK) - 1);
    }

    private int encode(final int to, final int parity, final long tick)
    {
        final ExpandableDirectByteBuffer out = block;
        int at = 0;
        out.putLong(at, tick);
        at += Long.BYTES;
        for (int w = shard * perShard, end = w + perShard; w < end; w++)
        {
            final Slice slice = slices[w];
            for (int r = to * perShard, last = r + perShard; r < last; r++)
            {
                at = putQueue(out, at, slice.mailboxes.outbox(parity, r));
                at = putQueue(out, at, slice.mailboxes.signalOutbox(parity, r));
                at = putQueue(out, at, slice.broadcasts.outbox(parity, r));
                final LongArrayList notices = slice.supervision.noticesOut(parity, r);
                final int size = notices.size();
                out.putInt(at, size);
                at += Integer.BYTES;
                for (int i = 0; i < size; i++)
                {
                    out.putLong(at, notices.getLong(i));
                    at += Long.BYTES;
                }
                if (null != phase)
                {
                    at = phase.putDeposits(w, r, out, at);
                }
            }
        }
        // The children each home of this shard published at the tick's end, for the other shards' lookups.
        for (int w = shard * perShard, end = w + perShard; w < end; w++)
        {
            for (final SupervisionHome home : slices[w].supervision.homes())
            {
                at = home.directory.putPublished(tick - 1, out, at);
            }
        }
        return at;
    }

    private static int putQueue(final ExpandableDirectByteBuffer out, final int start, final MessageQueue queue)
    {
        int at = start;
        final int count = queue.count();
        final int runs = queue.runCount();
        out.putInt(at, count);
        out.putInt(at + Integer.BYTES, runs);
        at += 2 * Integer.BYTES;
        for (int r = 0; r < runs; r++)
        {
            out.putInt(at, queue.runFamily(r));
            out.putInt(at + Integer.BYTES, queue.runStart(r));
            at += 2 * Integer.BYTES;
        }
        out.checkLimit(at + count * RECORD_BYTES);
        for (int i = 0; i < count; i++)
        {
            out.putLong(at, queue.target(i));
            out.putLong(at + Long.BYTES, queue.sender(i));
            out.putLong(at + 2 * Long.BYTES, queue.payload(i));
            out.putInt(at + 3 * Long.BYTES, queue.type(i));
            at += RECORD_BYTES;
        }
        return at;
    }

    private void decode(final int from, final DirectBuffer in, final int parity, final long tick)
    {
        checkHeader(from, in, tick);
        int at = Long.BYTES;
        for (int w = from * perShard, end = w + perShard; w < end; w++)
        {
            final Slice slice = slices[w];
            for (int r = shard * perShard, last = r + perShard; r < last; r++)
            {
                at = getQueue(in, at, slice.mailboxes.outbox(parity, r));
                at = getQueue(in, at, slice.mailboxes.signalOutbox(parity, r));
                at = getQueue(in, at, slice.broadcasts.outbox(parity, r));
                final LongArrayList notices = slice.supervision.noticesOut(parity, r);
                notices.clear();
                final int size = in.getInt(at);
                at += Integer.BYTES;
                for (int i = 0; i < size; i++)
                {
                    notices.addLong(in.getLong(at));
                    at += Long.BYTES;
                }
                if (null != phase)
                {
                    at = phase.takeDeposits(w, r, in, at);
                }
            }
        }
        for (int w = from * perShard, end = w + perShard; w < end; w++)
        {
            for (final SupervisionHome home : slices[w].supervision.homes())
            {
                at = home.directory.publishFrom(tick - 1, in, at);
            }
        }
        if (at != in.capacity())
        {
            throw new IllegalStateException("shard " + from + " sent a block of " + in.capacity() +
                " bytes for tick " + (tick - 1) + "; its queues account for " + at);
        }
    }

    private static int getQueue(final DirectBuffer in, final int start, final MessageQueue queue)
    {
        queue.clear();
        int at = start;
        final int count = in.getInt(at);
        final int runs = in.getInt(at + Integer.BYTES);
        at += 2 * Integer.BYTES;
        final int runsAt = at;
        at += runs * 2 * Integer.BYTES;
        int run = 0;
        for (int i = 0; i < count; i++)
        {
            while (run < runs && in.getInt(runsAt + run * 2 * Integer.BYTES + Integer.BYTES) == i)
            {
                queue.startRun(in.getInt(runsAt + run * 2 * Integer.BYTES));
                run++;
            }
            queue.append(in.getLong(at), in.getLong(at + Long.BYTES), in.getInt(at + 3 * Long.BYTES),
                in.getLong(at + 2 * Long.BYTES));
            at += RECORD_BYTES;
        }
        while (run < runs)
        {
            queue.startRun(in.getInt(runsAt + run * 2 * Integer.BYTES));
            run++;
        }
        return at;
    }
}
