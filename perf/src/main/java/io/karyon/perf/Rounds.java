package io.karyon.perf;

import java.util.Arrays;

/**
 * Medians over measured rounds.
 */
public final class Rounds
{
    private Rounds()
    {
    }

    /**
     * The median of measured rounds.
     *
     * @param values one per round.
     * @return their median.
     */
    public static double median(final double[] values)
    {
        if (0 == values.length)
        {
            throw new IllegalArgumentException("median of no rounds");
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length >>> 1;
        return 0 == (sorted.length & 1) ? (sorted[mid - 1] + sorted[mid]) * 0.5 : sorted[mid];
    }
}
