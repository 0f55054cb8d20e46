package io.karyon.engine;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.ShardLink;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the driver reads off the workers between runs: their counters summed into {@link Stats} and
 * {@link SignalStats}, their dead-letter logs, and the digest of every live cell. Sums are taken worker by worker in
 * worker order, the digest in slot order, so neither depends on which worker owns what.
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it, while the workers wait. It allocates (a snapshot, a map of
 * reasons) and is never on a worker's path, but for {@link #survey(CellSurvey, int, int)}, which each worker runs over
 * its own families.
 */
final class Census
{
    private static final long DIGEST_SEED = 0x4B415259_4F4E0001L;

    private final Slice[] slices;
    private final DriverMail mail;
    private final ExitReasons reasons;
    private final Arena arena;
    private final Edges edges;
    private final ShardLink shardLink;
    /** A sharded run's counters (this shard's, or the whole run's once installed); null in one process. */
    private final ShardCounters shard;

    Census(final Slice[] slices, final DriverMail mail, final ExitReasons reasons, final Arena arena,
        final Edges edges, final ShardLink shardLink)
    {
        this.shardLink = shardLink;
        this.shard = null == shardLink ? null : new ShardCounters(shardLink, slices.length);
        this.edges = edges;
        this.slices = slices;
        this.mail = mail;
        this.reasons = reasons;
        this.arena = arena;
    }

    /**
     * A sharded run's counters, or null in one process.
     */
    ShardCounters shard()
    {
        return shard;
    }

    /**
     * The organism's counters: every worker's and the driver's mail; in a sharded run, the whole run's if installed
     * for this tick, else this shard's workers' (and the driver's mail on shard 0 only: every shard's driver sends the
     * same).
     */
    Stats stats(final long ticks)
    {
        if (null == shard)
        {
            return stats(ticks, 0, slices.length, true);
        }
        final Stats installed = shard.installed(ticks);
        return null != installed ? installed :
            stats(ticks, shard.firstWorker(), shard.firstWorker() + shard.localWorkers(), shard.isFirstShard());
    }

    /**
     * Live cells with a behaviour, summed in worker order; in a sharded run, the whole run's if installed for this
     * tick, else this shard's workers'.
     */
    long countOf(final long ticks, final short behaviourId)
    {
        final long installed = null == shard ? -1 : shard.installedCount(ticks, behaviourId);
        if (installed >= 0)
        {
            return installed;
        }
        long count = 0;
        for (int w = 0; w < slices.length; w++)
        {
            if (null == shard || shard.ownsWorker(w))
            {
                count += slices[w].population().liveWith(behaviourId);
            }
        }
        return count;
    }

    /**
     * Sums the counters of workers {@code from} to {@code to - 1}, and the driver's own mail if asked.
     */
    Stats stats(final long ticks, final int from, final int to, final boolean withDriver)
    {
        long alive = 0;
        long updates = 0;
        long sent = withDriver ? mail.sent() : 0;
        long delivered = 0;
        long deadLetters = withDriver ? mail.deadLetters() : 0;
        long spawned = 0;
        long deaths = 0;
        long crossWorker = 0;
        long spilled = 0;
        long restarts = 0;
        long escalations = 0;
        long pendingRestarts = 0;
        long errorsNotLogged = 0;
        long pending = 0;
        final long[] byCode = new long[ExitReasons.MAX_REASONS];
        final long[] restartsByCode = new long[ExitReasons.MAX_REASONS];
        for (int w = from; w < to; w++)
        {
            final Slice slice = slices[w];
            alive += slice.liveCells();
            updates += slice.updates;
            sent += slice.sent;
            delivered += slice.delivered;
            deadLetters += slice.deadLetters;
            spawned += slice.spawned;
            deaths += slice.deathsTotal;
            crossWorker += slice.crossWorker;
            spilled += slice.spilled;
            restarts += slice.restarts;
            escalations += slice.escalations;
            pendingRestarts += slice.pendingRestarts();
            errorsNotLogged += slice.errorsNotLogged;
            pending += slice.pendingMessages() + mail.pending(w);
            for (int i = 0; i < byCode.length; i++)
            {
                byCode[i] += slice.deaths[i];
                restartsByCode[i] += slice.restartsByReason[i];
            }
        }
        return new Stats(ticks, alive, spawned, updates, sent, delivered, deadLetters, pending, deaths,
            byReason(byCode), crossWorker, spilled, restarts, byReason(restartsByCode), escalations, pendingRestarts,
            errorsNotLogged);
    }

    private Map<String, Long> byReason(final long[] byCode)
    {
        final Map<String, Long> byReason = new LinkedHashMap<>();
        for (int i = 0; i < byCode.length; i++)
        {
            if (0 != byCode[i])
            {
                byReason.put(reasons.name(i), byCode[i]);
            }
        }
        return Collections.unmodifiableMap(byReason);
    }

    /**
     * Sums the counters of groups, broadcasts, monitors, links, timers and calls over the workers.
     */
    SignalStats signalStats()
    {
        final long[] c = new long[15];
        for (final Slice slice : slices)
        {
            final Groups groups = slice.groups;
            final Timers timers = slice.timers;
            c[0] += groups.membershipChanges;
            c[1] += groups.broadcastsSent;
            c[2] += groups.memberDeliveries;
            c[3] += groups.memberDeadLetters;
            c[4] += slice.monitors.size();
            c[5] += slice.downsSent;
            c[6] += slice.exitsSent;
            c[7] += slice.linkKills;
            c[8] += timers.timersSet;
            c[9] += timers.timersFired;
            c[10] += timers.timersCancelled;
            c[11] += timers.calls;
            c[12] += timers.callTimeouts;
            c[13] += timers.lateReplies;
            c[14] += timers.size();
        }
        return new SignalStats(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13],
            c[14]);
    }

    /**
     * Reads each worker's dead-letter log, worker by worker, oldest first.
     *
     * @return how many were read.
     */
    int readDeadLetters(final DeadLetters.Consumer consumer)
    {
        int read = 0;
        for (final Slice slice : slices)
        {
            read += slice.deadLetterLog.read(slice.id, consumer);
        }
        return read;
    }

    /**
     * A 64-bit hash over every live cell's handle, behaviour and state, in slot order.
     */
    long digest()
    {
        if (null != shardLink)
        {
            return ShardDigest.digest(shardLink, arena, edges, slices.length, DIGEST_SEED);
        }
        final CellFlyweight cell = new CellFlyweight();
        final int chunkShift = arena.chunkShift();
        final int words = arena.stateLength() >>> 3;
        long hash = DIGEST_SEED;
        for (int c = 0, bound = arena.chunkBound(); c < bound; c++)
        {
            if (!arena.hasChunk(c))
            {
                continue;
            }
            final int highWater = arena.highWater(c);
            for (int i = 0; i < highWater; i++)
            {
                arena.wrap(cell, (c << chunkShift) | i);
                if (CellDescriptor.STATUS_ALIVE != cell.status())
                {
                    continue;
                }
                hash = Slice.mix(hash + cell.handle());
                hash = Slice.mix(hash + cell.behaviourId());
                for (int w = 0; w < words; w++)
                {
                    hash = Slice.mix(hash + cell.getLong(w << 3));
                }
                final int slot = (c << chunkShift) | i;
                final int edgeCount = edges.count(slot);
                if (0 != edgeCount)
                {
                    // Only cells with edges hash them, so a run without edges keeps the digest it always had.
                    hash = Slice.mix(hash + edgeCount);
                    for (int e = 0; e < edgeCount; e++)
                    {
                        hash = Slice.mix(hash + edges.edge(slot, e));
                    }
                }
            }
        }
        return hash;
    }

    /**
     * In a sharded run, refuses a survey the framework does not gather (see {@link ShardCounters#checkSurvey}).
     */
    void checkSurvey()
    {
        if (null != shard)
        {
            shard.checkSurvey();
        }
    }

    /**
     * Visits every live cell of every family, family by family in ascending order, each family's cells in slot order.
     */
    void survey(final CellSurvey survey)
    {
        survey(survey, 0, 1);
    }

    /**
     * Visits every live cell of the families a worker owns ({@link Families#ownerOfFamily}), family by
     * family in ascending order, each family's cells in slot order, then {@link CellSurvey#walked}; with one "worker",
     * every family. In a sharded run, nothing for another shard's worker: its cells here are the set-up's stale copies.
     */
    void survey(final CellSurvey survey, final int worker, final int workers)
    {
        if (null != shard && workers == slices.length && !shard.ownsWorker(worker))
        {
            return;
        }
        final CellFlyweight cell = new CellFlyweight();
        final int chunkShift = arena.chunkShift();
        for (int family = 0, families = arena.familyCount(); family < families; family++)
        {
            if (Families.ownerOfFamily(family, workers) != worker)
            {
                continue;
            }
            for (int c = family << Arena.FAMILY_SHIFT, last = c + Arena.FAMILY_CHUNKS; c < last; c++)
            {
                if (!arena.hasChunk(c))
                {
                    continue;
                }
                final int highWater = arena.highWater(c);
                for (int i = 0; i < highWater; i++)
                {
                    arena.wrap(cell, (c << chunkShift) | i);
                    if (CellDescriptor.STATUS_ALIVE == cell.status())
                    {
                        survey.visit(family, cell);
                    }
                }
            }
        }
        survey.walked(worker, workers);
    }
}
