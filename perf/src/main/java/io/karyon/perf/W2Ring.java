package io.karyon.perf;

import io.karyon.cli.Json;
import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Placement;
import io.karyon.engine.Stats;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;

import java.util.List;
import java.util.Locale;

/**
 * W2, ring: N cells in a ring, cell i sends to cell (i + 1) mod N; T tokens start at evenly spaced cells; a token is
 * a message carrying a 64-bit counter that each receiving cell decrements and forwards; a round runs until H hops in
 * total. Ring cells have no tick step: a tick's work is the tokens in flight, not the million cells. Headline
 * figures: hops per second and the share of hops that crossed workers.
 * <p>
 * Where the ring's cells live ({@code --placement}):
 * <ul>
 * <li>{@code pairs} (default): ring cells 2k and 2k+1 share a worker and the pairs are dealt to the workers in
 * turn, so every other hop crosses workers (half of them with two workers) while each worker's cells stay in ring
 * order, a regular stride in memory. The turn order is shifted by one every 65,536 ring cells: otherwise tokens
 * spaced a multiple of 2 x workers apart (10,000 tokens in 1,000,000 cells are 100 apart) would all sit on the same
 * worker in each tick, and the workers would take turns rather than work together.</li>
 * <li>{@code random}: each ring cell is on a worker drawn from the seed, so a hop crosses workers with probability
 * 1 - 1/workers and the tokens spread evenly over the workers. Each worker holds its ring cells in ring order, but
 * the gaps between the cells a tick visits are irregular, which defeats the hardware's stride prefetching: the
 * adversarial case for memory, about 3x slower per hop than {@code pairs}.</li>
 * <li>{@code round-robin}: ring cell i is on worker i mod workers: every hop crosses. With tokens spaced an even
 * number of cells apart and two workers, all tokens are on the same worker in each tick, and the workers take
 * turns.</li>
 * <li>{@code fill}: cells fill one family of slots after another: only hops between families cross.</li>
 * </ul>
 */
final class W2Ring
{
    static final String ID = "W2";
    static final List<String> PLACEMENTS = List.of("pairs", "random", "round-robin", "fill");
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("next")
        .longField("hops")
        .array("rest", long.class, 6)
        .build();
    private static final int NEXT = LAYOUT.offset("next");
    private static final int HOPS = LAYOUT.offset("hops");
    private static final int TOKEN = 1;
    private static final int PAIRS_PHASE_SHIFT = 16;

    /**
     * A ring cell: counts the hop and forwards the token with one hop fewer left, until none is left.
     */
    static final class RingCell implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(HOPS, cell.getLong(HOPS) + 1);
            if (payload > 1)
            {
                context.send(cell.getLong(NEXT), TOKEN, payload - 1);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    private W2Ring()
    {
    }

    /**
     * Spawns the ring's cells and returns their handles in ring order. With round-robin placement spawn k lands on
     * worker k mod workers; random and pairs then deal those handles out so that ring cell i sits on the worker they
     * choose for it, each worker's cells staying in ring order.
     */
    static long[] spawnRing(
        final Organism organism, final Genotype genotype, final int n, final String placement, final long seed)
    {
        final long[] spawned = new long[n];
        for (int k = 0; k < n; k++)
        {
            spawned[k] = organism.spawn(genotype);
        }
        if (!"pairs".equals(placement) && !"random".equals(placement))
        {
            return spawned;
        }
        final int workers = organism.workerCount();
        final int[] next = new int[workers];
        for (int w = 0; w < workers; w++)
        {
            next[w] = w;
        }
        final long[] ring = new long[n];
        for (int i = 0; i < n; i++)
        {
            int w = "pairs".equals(placement) ?
                ((i >>> 1) + (i >>> PAIRS_PHASE_SHIFT)) % workers :
                (int)((BenchParams.generate(seed, i) >>> 1) % workers);
            while (next[w] >= n)
            {
                w = (w + 1) % workers;
            }
            ring[i] = spawned[next[w]];
            next[w] += workers;
        }
        return ring;
    }

    /**
     * Points each ring cell at the next.
     *
     * @param organism of the ring.
     * @param ring     handles in ring order.
     */
    static void link(final Organism organism, final long[] ring)
    {
        for (int i = 0; i < ring.length; i++)
        {
            organism.cell(ring[i]).putLong(NEXT, ring[(i + 1) % ring.length]);
        }
    }

    /**
     * Starts a round: one token of {@code hopsPerToken} hops at each of {@code tokens} evenly spaced ring cells.
     *
     * @param organism     of the ring.
     * @param ring         handles in ring order.
     * @param tokens       to send.
     * @param hopsPerToken hops each token makes, the round's ticks.
     */
    static void sendTokens(final Organism organism, final long[] ring, final int tokens, final long hopsPerToken)
    {
        for (int t = 0; t < tokens; t++)
        {
            organism.send(ring[(int)((long)t * ring.length / tokens)], TOKEN, hopsPerToken);
        }
    }

    static String run(final BenchParams params)
    {
        final int n = params.cells();
        final int tokens = params.tokens();
        final long hopsPerToken = params.hops() / tokens;
        final long hops = hopsPerToken * tokens;
        final double[] hopsPerS = new double[params.rounds()];
        final double[] seconds = new double[params.rounds()];
        final double[] crossShare = new double[params.rounds()];
        final LatencyRounds ticks = new LatencyRounds(params.rounds(), LatencyRounds.HIGHEST_TICK_NS);
        final int workers;
        final double triad;
        final double bytesPerHop;
        final Placement placement = "fill".equals(params.ringPlacement()) ? Placement.FILL : Placement.ROUND_ROBIN;
        try (Organism organism = Organism.launch(params.context().placement(placement)))
        {
            workers = organism.workerCount();
            bytesPerHop = bytesPerUpdate(LAYOUT, organism.context().stateLength());
            organism.registerBehaviour("ring", new RingCell());
            final Genotype genotype = organism.genotype("ring", LAYOUT, "ring");
            final long[] ring = spawnRing(organism, genotype, n, params.ringPlacement(), params.seed());
            link(organism, ring);

            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                final Stats before = organism.stats();
                sendTokens(organism, ring, tokens, hopsPerToken);
                organism.resetTickLatencies();
                final long startNs = System.nanoTime();
                organism.run(hopsPerToken);
                final double roundSeconds = (System.nanoTime() - startNs) / 1e9;
                final Stats after = organism.stats();

                final long delivered = after.delivered() - before.delivered();
                final long cellSent = after.sent() - before.sent() - tokens;
                if (delivered != hops || after.pending() != 0 || after.deadLetters() != before.deadLetters())
                {
                    throw new WorkloadCheckException(ID, "delivered " + delivered + " hops, expected " + hops +
                        "; pending " + after.pending() + ", dead letters "
                            + (after.deadLetters() - before.deadLetters()));
                }
                final double rate = hops / roundSeconds;
                final double share = cellSent == 0 ? 0.0
                    : (double)(after.crossWorker() - before.crossWorker()) / cellSent;
                params.progress(String.format(Locale.ROOT,
                    "W2 %s round: %,d cells, %,d tokens, %,d hops on %d worker(s), %.1fM hops/s, %.0f%% across workers",
                    r < 0 ? "warm-up" : "measured", n, tokens, hops, workers, rate / 1e6, share * 100));
                if (r >= 0)
                {
                    hopsPerS[r] = rate;
                    seconds[r] = roundSeconds;
                    crossShare[r] = share;
                    ticks.record(r, organism.tickLatencies());
                }
            }
            checkCounted(organism, ring, hops * (params.warmup() + params.rounds()));
            // After the rounds, not before: the triad's large arrays left the rounds that followed them 5-14% slower
            triad = Stream.triad(organism, params, ID);
        }
        return json(params, workers, hops, seconds, hopsPerS, crossShare, ticks)
            .field("bytes_per_update", bytesPerHop)
            .field("triad_bytes_per_s", triad)
            .field("stream_fraction", Traffic.fraction(Rounds.median(hopsPerS), bytesPerHop, triad))
            .toString();
    }

    /**
     * The memory traffic of one W2 hop, {@code bytes_per_update}: the target's slot from its header to its hop
     * count, read and written back, and the message record (see {@link Traffic#messageBytes}).
     *
     * @param layout      of the ring's cells.
     * @param stateLength the organism's state length per slot.
     * @return bytes per hop.
     */
    static double bytesPerUpdate(final CellLayout layout, final int stateLength)
    {
        return Traffic.messageBytes(layout, stateLength, "hops", "hops");
    }

    /**
     * Every hop of every round, warm-up included, was counted by the cell it reached.
     */
    private static void checkCounted(final Organism organism, final long[] ring, final long expected)
    {
        long counted = 0;
        for (int i = 0; i < ring.length; i++)
        {
            counted += organism.cell(ring[i]).getLong(HOPS);
        }
        if (counted != expected)
        {
            throw new WorkloadCheckException(ID, "cells counted " + counted + " hops, expected " + expected);
        }
    }

    private static Json json(
        final BenchParams params,
        final int workers,
        final long hops,
        final double[] seconds,
        final double[] hopsPerS,
        final double[] crossShare,
        final LatencyRounds ticks)
    {
        return fields(params, workers, hops, seconds, hopsPerS, crossShare)
            .field("tick_p99_us", ticks.p99Us())
            .field("tick_max_us", ticks.maxUs())
            .field("hgrm", Histograms.write(params.out(), ID, ticks.all()).toString());
    }

    /**
     * W2's JSON fields up to {@code cross_worker_share}, in one process or sharded.
     *
     * @param params     of the bench.
     * @param workers    per process.
     * @param hops       per round.
     * @param seconds    of each measured round.
     * @param hopsPerS   of each measured round.
     * @param crossShare of each measured round: the share of the cells' sends that crossed workers.
     * @return the JSON so far.
     */
    static Json fields(final BenchParams params, final int workers, final long hops, final double[] seconds,
        final double[] hopsPerS, final double[] crossShare)
    {
        return new Json()
            .field("workload", ID)
            .field("engine", "karyon")
            .field("cells", params.cells())
            .field("workers", workers)
            .field("tokens", params.tokens())
            .field("hops", hops)
            .field("rounds", params.rounds())
            .field("placement", params.ringPlacement())
            .field("seconds", Rounds.median(seconds))
            .field("hops_per_s", Rounds.median(hopsPerS))
            .field("cross_worker_share", Rounds.median(crossShare));
    }
}
