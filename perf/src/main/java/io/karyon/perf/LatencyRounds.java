package io.karyon.perf;

import org.HdrHistogram.Histogram;

/**
 * A workload's latencies over its measured rounds: every round's histogram added into one (for the {@code .hgrm}
 * file), and each round's percentiles in microseconds, whose medians are the figures printed.
 * <p>
 * <b>Note:</b> not threadsafe; used by the thread that runs the rounds.
 */
public final class LatencyRounds
{
    /** The longest tick the workloads' tick histograms track, in ns. */
    public static final long HIGHEST_TICK_NS = 60_000_000_000L;

    private final Histogram all;
    private final double[] p50;
    private final double[] p99;
    private final double[] p999;
    private final double[] max;

    /**
     * @param rounds    measured rounds.
     * @param highestNs highest latency the histograms track, in ns.
     */
    public LatencyRounds(final int rounds, final long highestNs)
    {
        all = new Histogram(1, highestNs, 3);
        p50 = new double[rounds];
        p99 = new double[rounds];
        p999 = new double[rounds];
        max = new double[rounds];
    }

    /**
     * Takes one measured round's latencies, in ns.
     *
     * @param round     index of the measured round, from 0.
     * @param histogram its latencies.
     */
    public void record(final int round, final Histogram histogram)
    {
        all.add(histogram);
        p50[round] = histogram.getValueAtPercentile(50) / 1e3;
        p99[round] = histogram.getValueAtPercentile(99) / 1e3;
        p999[round] = histogram.getValueAtPercentile(99.9) / 1e3;
        max[round] = histogram.getMaxValue() / 1e3;
    }

    /**
     * Every measured round's latencies together.
     *
     * @return the histogram, in ns.
     */
    public Histogram all()
    {
        return all;
    }

    /**
     * @return the median over rounds of the p50, in µs.
     */
    public double p50Us()
    {
        return Rounds.median(p50);
    }

    /**
     * @return the median over rounds of the p99, in µs.
     */
    public double p99Us()
    {
        return Rounds.median(p99);
    }

    /**
     * @return the median over rounds of the p99.9, in µs.
     */
    public double p999Us()
    {
        return Rounds.median(p999);
    }

    /**
     * @return the median over rounds of the maximum, in µs.
     */
    public double maxUs()
    {
        return Rounds.median(max);
    }
}
