package io.karyon.perf;

import io.karyon.cli.WorkerOptions;
import io.karyon.engine.Context;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Parameters shared by every workload, as given to {@code karyon bench}.
 *
 * @param cells    cells in the workload.
 * @param rounds   measured rounds (the figure is their median).
 * @param warmup   rounds run first and not measured (JIT warm-up).
 * @param seed     of the generators that fill the cells.
 * @param ticks    ticks per round, for tick workloads.
 * @param tokens   W2: tokens in flight.
 * @param hops     W2: hops per round, over all tokens.
 * @param ringPlacement W2: where the ring's cells go: pairs, round-robin or fill.
 * @param fraction W5: fraction of the cells that die at once.
 * @param pairs    W7: ping-pong pairs.
 * @param millis   W7: length of a round in milliseconds.
 * @param broadcasts W4: broadcasts per round (R).
 * @param churn    W4: churn steps per round (each 2N membership changes).
 * @param ops      W6: operations per writer per round.
 * @param workerOptions how many workers, how they idle, whether they are pinned.
 * @param out      folder for .hgrm and summary .json files.
 * @param peerMessages peers: most messages one round of a peer may take (W2 hops, W3 ticks x cells, W4 broadcasts x
 *                 members, W6 operations x 2 on pekko); a peer given more runs fewer hops, ticks, broadcasts or
 *                 operations and says so in its JSON line.
 * @param progress where progress lines go (stderr).
 * @param streamBytes stream, and the triad W2, W3 and W4 run after their rounds: bytes of arrays in all, 0 for
 *                 {@link Stream#defaultBytes()}.
 */
public record BenchParams(
    int cells, int rounds, int warmup, long seed, int ticks, int tokens, long hops,
    String ringPlacement, double fraction, int pairs, long millis, int broadcasts, int churn, long ops,
    WorkerOptions workerOptions, Path out, long peerMessages, PrintWriter progress, long streamBytes)
{
    /**
     * Parameters with the default size of stream's arrays.
     *
     * @param cells    cells in the workload.
     * @param rounds   measured rounds.
     * @param warmup   warm-up rounds.
     * @param seed     of the generators.
     * @param ticks    ticks per round.
     * @param tokens   W2: tokens in flight.
     * @param hops     W2: hops per round.
     * @param ringPlacement W2: where the ring's cells go.
     * @param fraction W5: fraction of the cells that die at once.
     * @param pairs    W7: ping-pong pairs.
     * @param millis   W7: length of a round in milliseconds.
     * @param broadcasts W4: broadcasts per round.
     * @param churn    W4: churn steps per round.
     * @param ops      W6: operations per writer per round.
     * @param workerOptions how many workers, how they idle, whether they are pinned.
     * @param out      folder for .hgrm and summary .json files.
     * @param peerMessages peers: most messages one round of a peer may take.
     * @param progress where progress lines go (stderr).
     */
    public BenchParams(
        final int cells, final int rounds, final int warmup, final long seed, final int ticks, final int tokens,
        final long hops, final String ringPlacement, final double fraction, final int pairs, final long millis,
        final int broadcasts, final int churn, final long ops, final WorkerOptions workerOptions, final Path out,
        final long peerMessages, final PrintWriter progress)
    {
        this(cells, rounds, warmup, seed, ticks, tokens, hops, ringPlacement, fraction, pairs, millis, broadcasts,
            churn, ops, workerOptions, out, peerMessages, progress, 0);
    }

    /**
     * W7: the cells left for the background logistic update once the pairs have theirs.
     *
     * @return cells - 2 x pairs.
     * @throws IllegalArgumentException if the pairs need more cells than there are.
     */
    public int backgroundCells()
    {
        final int background = cells - 2 * pairs;
        if (background < 0)
        {
            throw new IllegalArgumentException("W7 needs --cells >= 2 * --pairs: cells=" + cells + " pairs=" + pairs);
        }
        return background;
    }

    /**
     * These parameters with another number of warm-up rounds.
     *
     * @param rounds warm-up rounds.
     * @return the copy.
     */
    BenchParams withWarmup(final int rounds)
    {
        return new BenchParams(cells, this.rounds, rounds, seed, ticks, tokens, hops, ringPlacement, fraction, pairs,
            millis, broadcasts, churn, ops, workerOptions, out, peerMessages, progress, streamBytes);
    }

    /**
     * A context with the workers, idle strategy and pinning asked for.
     */
    Context context()
    {
        return workerOptions.applyTo(new Context().seed(seed));
    }

    /**
     * Value i of a seeded stream: SplitMix64 over (seed, i), so any element can be re-derived for checks.
     *
     * @param seed of the stream.
     * @param i    index in the stream.
     * @return the value.
     */
    public static long generate(final long seed, final long i)
    {
        long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A double in (0, 1) from {@link #generate(long, long)}.
     *
     * @param seed of the stream.
     * @param i    index in the stream.
     * @return the value.
     */
    public static double unitOpen(final long seed, final long i)
    {
        return ((generate(seed, i) >>> 11) + 0.5) * 0x1.0p-53;
    }

    /**
     * Prints a progress line on stderr.
     *
     * @param line to print.
     */
    public void progress(final String line)
    {
        progress.println(line);
        progress.flush();
    }
}
