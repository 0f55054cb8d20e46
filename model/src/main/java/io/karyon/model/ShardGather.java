package io.karyon.model;

import io.karyon.engine.ExitReasons;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.internal.ShardCensus;
import io.karyon.engine.internal.ShardLink;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The observations of a sharded run, gathered by shard 0 between ticks: at a tick the run observes (or after every
 * tick, when the model has a stop condition), every other shard sends shard 0 one block with its own part, shard 0
 * adds them to its own and installs the whole run's counters in its organism ({@link ShardCensus#install}), so that
 * the stop condition, the model's values and the row read what one process would; then it sends every shard one
 * reply, stop or go on, so that all stop after the same tick.
 * <pre>
 *   part  := long tick, int survey, 14 * long counters (Stats, in its order, without the maps),
 *            int n, n * (int reason, long deaths), int m, m * (int reason, long restarts),
 *            int b, b * long live cells by behaviour, int g, g * long group members,
 *            if survey and the columns have survey values: their part ({@link SurveyPass}),
 *            if survey and the columns have cell reductions: int families, int k,
 *                                             k * (int family, familyWidth * double accumulators)
 *   reply := long tick, int flags (1: stop, 2: a stop request)
 * </pre>
 * A shard's walk covers only its own families, and shard 0 puts the others' accumulators in place before merging
 * them in family order ({@link CellPass#merge}): the same bits as one process. A matrix total needs no gathering:
 * every shard holds the whole matrix as of the tick's start ({@link MatrixPhase}), so shard 0 reads its own.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's, between ticks, at the same ticks on every shard.
 */
final class ShardGather
{
    /** Reply flag: the stop condition ended the run. */
    static final int STOP = 1;
    /** Reply flag: a stop request (a signal to shard 0) ended the run. */
    static final int INTERRUPT = 2;
    /** A block's kind (after its tick): the summary's survey values, when the ticks are done. */
    private static final int SUMMARY = 2;

    private static final int COUNTERS = 14;

    private final Organism organism;
    private final ShardLink link;
    private final IdleStrategy waiting;
    private final ShardCensus census;
    private final CellPass pass;
    private final SurveyPass values;
    private final ObservationWalk cells;
    private final int[] groups;
    private final long[] groupSizes;
    private final ExpandableDirectByteBuffer block = new ExpandableDirectByteBuffer(4096);
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[Long.BYTES + Integer.BYTES]);
    private final long[] counters = new long[COUNTERS];
    private final long[] deaths = new long[ExitReasons.MAX_REASONS];
    private final long[] restarts = new long[ExitReasons.MAX_REASONS];
    private long[] counts = new long[0];
    private int families;
    private long alive;
    private long bytesSent;
    private long blocksSent;

    /**
     * @param pass   the run's walk over the cells.
     * @param values the survey values of the run's columns.
     * @param groups the group of each group-size column, in column order.
     */
    ShardGather(final Organism organism, final CellPass pass, final SurveyPass values, final int[] groups)
    {
        this.values = values;
        this.organism = organism;
        this.link = organism.context().shardLink();
        this.waiting = link.waitStrategy();
        this.census = organism.workers().shard();
        this.pass = pass;
        this.cells = new ObservationWalk(pass, values);
        this.groups = groups;
        this.groupSizes = new long[groups.length];
    }

    /**
     * Whether this is shard 0, which gathers, decides and writes the outputs.
     */
    boolean isFirst()
    {
        return 0 == link.shard();
    }

    /**
     * Families whose accumulators the latest gathering with a walk holds (shard 0).
     */
    int families()
    {
        return families;
    }

    /**
     * Live cells of the whole run at the latest gathering (shard 0).
     */
    long alive()
    {
        return alive;
    }

    /**
     * Members of a group-size column's group, in the whole run at the latest gathering (shard 0).
     *
     * @param column index among the group-size columns.
     */
    long groupSize(final int column)
    {
        return groupSizes[column];
    }

    /**
     * Bytes of this gathering's blocks this shard has sent.
     */
    long bytesSent()
    {
        return bytesSent;
    }

    /**
     * Blocks of this gathering this shard has sent.
     */
    long blocksSent()
    {
        return blocksSent;
    }

    /**
     * Gathers after a tick: every shard walks its families once (if {@code survey}) and reads its counters; shard 0
     * adds the others' to its own and installs them, the others send theirs and wait for shard 0's reply.
     *
     * @param tick   ticks completed.
     * @param survey whether to walk the cells (a row is due).
     * @return on shard 0, 0 (it decides, then must {@link #reply}); on another shard, the flags shard 0 replied.
     * @throws IllegalStateException naming a shard that sent nothing within the link's timeout, or out of step.
     */
    int gather(final long tick, final boolean survey)
    {
        census.clear();  // this shard's own counters, even when gathering again after the same tick
        final boolean walk = survey && !cells.isEmpty();
        if (walk)
        {
            census.permitSurveys(true);  // the framework's walks, gathered below: the only surveys a shard allows
            try
            {
                // One walk for both passes, as one process's Observer does: the same partials per family.
                families = cells.walk(organism);
            }
            finally
            {
                census.permitSurveys(false);
            }
        }
        final int length = part(tick, walk);
        if (!isFirst())
        {
            send(0, block, length);
            final DirectBuffer in = await(0, tick);
            return in.getInt(Long.BYTES);
        }
        for (int s = 1; s < link.shards(); s++)
        {
            add(await(s, tick), walk);
        }
        install(tick);
        return 0;
    }

    /**
     * Gathers the summary's survey values when the ticks are done, on every shard at the same point: every shard walks
     * its families, the others send shard 0 their parts ({@code long tick, int 2, part}, see {@link SurveyPass}), and
     * shard 0 merges them with its own and finishes them. No reply: what follows (the digest) keeps the shards in step.
     *
     * @param tick      ticks completed.
     * @param summaries the summary's survey values.
     * @throws IllegalStateException naming a shard that sent nothing within the link's timeout, or out of step.
     */
    void gatherSummary(final long tick, final SurveyPass summaries)
    {
        census.permitSurveys(true);
        try
        {
            summaries.walk(organism);
        }
        finally
        {
            census.permitSurveys(false);
        }
        block.putLong(0, tick);
        block.putInt(Long.BYTES, SUMMARY);
        final int length = summaries.pack(census, block, Long.BYTES + Integer.BYTES);
        if (!isFirst())
        {
            send(0, block, length);
            return;
        }
        for (int s = 1; s < link.shards(); s++)
        {
            final DirectBuffer in = await(s, tick);
            if (SUMMARY != in.getInt(Long.BYTES))
            {
                throw new IllegalStateException("shard " + s + "'s summary is out of step with shard 0's");
            }
            summaries.unpack(in, Long.BYTES + Integer.BYTES);
        }
        summaries.finish();
    }

    /**
     * Shard 0: sends every other shard the decision after a tick.
     *
     * @param tick  ticks completed.
     * @param flags {@link #STOP}, {@link #INTERRUPT}, or 0 to go on.
     */
    void reply(final long tick, final int flags)
    {
        reply.putLong(0, tick);
        reply.putInt(Long.BYTES, flags);
        for (int s = 1; s < link.shards(); s++)
        {
            send(s, reply, reply.capacity());
        }
    }

    /**
     * This shard's part, in {@link #block}, and the same values (counters, counts) kept for shard 0's sums.
     */
    private int part(final long tick, final boolean survey)
    {
        final Stats stats = organism.stats();
        counters[0] = stats.alive();
        counters[1] = stats.spawned();
        counters[2] = stats.updates();
        counters[3] = stats.sent();
        counters[4] = stats.delivered();
        counters[5] = stats.deadLetters();
        counters[6] = stats.pending();
        counters[7] = stats.deaths();
        counters[8] = stats.crossWorker();
        counters[9] = stats.spilled();
        counters[10] = stats.restarts();
        counters[11] = stats.escalations();
        counters[12] = stats.pendingRestarts();
        counters[13] = stats.errorsNotLogged();
        final int behaviours = organism.behaviourNames().length;
        if (counts.length != behaviours)
        {
            counts = new long[behaviours];
        }
        for (int b = 0; b < behaviours; b++)
        {
            counts[b] = organism.countOf((short)b);
        }
        for (int g = 0; g < groups.length; g++)
        {
            long size = 0;
            for (int w = 0; w < organism.workerCount(); w++)
            {
                size += census.ownsWorker(w) ? organism.groups().size(groups[g], w) : 0;
            }
            groupSizes[g] = size;
        }
        Arrays.fill(deaths, 0);
        Arrays.fill(restarts, 0);
        int at = 0;
        block.putLong(at, tick);
        block.putInt(at + Long.BYTES, survey ? 1 : 0);
        at += Long.BYTES + Integer.BYTES;
        for (final long counter : counters)
        {
            block.putLong(at, counter);
            at += Long.BYTES;
        }
        at = reasons(stats.deathsByReason(), deaths, at);
        at = reasons(stats.restartsByReason(), restarts, at);
        at = longs(counts, behaviours, at);
        at = longs(groupSizes, groupSizes.length, at);
        if (survey && !values.isEmpty())
        {
            at = values.pack(census, block, at);
        }
        if (survey && !pass.isEmpty())
        {
            block.putInt(at, families);
            final int countAt = at + Integer.BYTES;
            at = countAt + Integer.BYTES;
            int shipped = 0;
            for (int f = 0; f < families; f++)
            {
                if (census.ownsFamily(f))
                {
                    block.putInt(at, f);
                    at = pass.pack(f, block, at + Integer.BYTES);
                    shipped++;
                }
            }
            block.putInt(countAt, shipped);
        }
        return at;
    }

    private int reasons(final Map<String, Long> byReason, final long[] byCode, final int offset)
    {
        int at = offset;
        block.putInt(at, byReason.size());
        at += Integer.BYTES;
        for (final Map.Entry<String, Long> e : byReason.entrySet())
        {
            final int code = organism.exitReason(e.getKey());
            byCode[code] += e.getValue();
            block.putInt(at, code);
            block.putLong(at + Integer.BYTES, e.getValue());
            at += Integer.BYTES + Long.BYTES;
        }
        return at;
    }

    private int longs(final long[] values, final int count, final int offset)
    {
        int at = offset;
        block.putInt(at, count);
        at += Integer.BYTES;
        for (int i = 0; i < count; i++)
        {
            block.putLong(at, values[i]);
            at += Long.BYTES;
        }
        return at;
    }

    /**
     * Shard 0: adds another shard's part to its own.
     */
    private void add(final DirectBuffer in, final boolean survey)
    {
        int at = Long.BYTES;
        if ((0 != in.getInt(at)) != survey)
        {
            throw new IllegalStateException("a shard's observations are out of step with shard 0's");
        }
        at += Integer.BYTES;
        for (int i = 0; i < COUNTERS; i++)
        {
            counters[i] += in.getLong(at);
            at += Long.BYTES;
        }
        at = addReasons(in, deaths, at);
        at = addReasons(in, restarts, at);
        final int behaviours = in.getInt(at);
        at += Integer.BYTES;
        for (int b = 0; b < behaviours && b < counts.length; b++)
        {
            counts[b] += in.getLong(at + b * Long.BYTES);
        }
        at += behaviours * Long.BYTES;
        final int groupCount = in.getInt(at);
        at += Integer.BYTES;
        for (int g = 0; g < groupCount && g < groupSizes.length; g++)
        {
            groupSizes[g] += in.getLong(at + g * Long.BYTES);
        }
        at += groupCount * Long.BYTES;
        if (survey && !values.isEmpty())
        {
            at = values.unpack(in, at);
        }
        if (survey && !pass.isEmpty())
        {
            final int theirs = in.getInt(at);
            final int shipped = in.getInt(at + Integer.BYTES);
            at += 2 * Integer.BYTES;
            if (theirs > families)
            {
                pass.ensure(theirs);
                for (int f = families; f < theirs; f++)
                {
                    pass.clear(f);  // a family this shard has not: only its owner's accumulators count
                }
                families = theirs;
            }
            for (int k = 0; k < shipped; k++)
            {
                at = pass.unpack(in.getInt(at), in, at + Integer.BYTES);
            }
        }
    }

    private static int addReasons(final DirectBuffer in, final long[] byCode, final int offset)
    {
        int at = offset;
        final int n = in.getInt(at);
        at += Integer.BYTES;
        for (int i = 0; i < n; i++)
        {
            byCode[in.getInt(at)] += in.getLong(at + Integer.BYTES);
            at += Integer.BYTES + Long.BYTES;
        }
        return at;
    }

    /**
     * Shard 0: installs the sums as the whole run's counters for this tick.
     */
    private void install(final long tick)
    {
        final Stats stats = new Stats(tick, counters[0], counters[1], counters[2], counters[3], counters[4],
            counters[5], counters[6], counters[7], byReason(deaths), counters[8], counters[9], counters[10],
            byReason(restarts), counters[11], counters[12], counters[13]);
        alive = stats.alive();
        census.install(tick, stats, counts);
    }

    private Map<String, Long> byReason(final long[] byCode)
    {
        final ExitReasons reasons = organism.exitReasons();
        final Map<String, Long> byReason = new LinkedHashMap<>();
        for (int code = 0; code < byCode.length; code++)
        {
            if (0 != byCode[code])
            {
                byReason.put(reasons.name(code), byCode[code]);
            }
        }
        return Collections.unmodifiableMap(byReason);
    }

    private void send(final int shard, final DirectBuffer buffer, final int length)
    {
        link.send(shard, buffer, 0, length);
        bytesSent += length;
        blocksSent++;
    }

    private DirectBuffer await(final int shard, final long tick)
    {
        final long startNs = System.nanoTime();
        waiting.reset();
        while (true)
        {
            final DirectBuffer in = link.poll(shard);
            if (null != in)
            {
                if (in.getLong(0) != tick)
                {
                    throw new IllegalStateException("shard " + shard + " of " + link.shards() + " sent the " +
                        "observations of tick " + in.getLong(0) + " when shard " + link.shard() + " gathered tick " +
                        tick);
                }
                return in;
            }
            if (System.nanoTime() - startNs > link.timeoutNs())
            {
                throw new IllegalStateException("shard " + shard + " of " + link.shards() + " sent nothing for the " +
                    "observations of tick " + tick + " within " + link.timeoutNs() / 1_000_000 + " ms: it stopped " +
                    "or cannot be reached");
            }
            // The link's wait, as the exchange's: spinning here took a core from the other shards' threads.
            waiting.idle();
        }
    }
}
