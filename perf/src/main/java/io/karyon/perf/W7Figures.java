package io.karyon.perf;

import io.karyon.cli.Json;

import java.nio.file.Path;
import java.util.Locale;

/**
 * W7's figures over its measured rounds, the same for Karyon and its peers: round-trip percentiles per round trip
 * and by time (see {@link RoundTrips}), the mean round trip, and the background's cell-updates per second; each the
 * median over rounds.
 * <p>
 * <b>Note:</b> not threadsafe; used by the thread that runs the rounds.
 */
public final class W7Figures
{
    private final LatencyRounds perTrip;
    private final LatencyRounds byTime;
    private final double[] seconds;
    private final double[] meanUs;
    private final double[] backgroundPerS;
    private long trips;

    /**
     * @param rounds measured rounds.
     */
    public W7Figures(final int rounds)
    {
        perTrip = new LatencyRounds(rounds, RoundTrips.HIGHEST_NS);
        byTime = new LatencyRounds(rounds, RoundTrips.HIGHEST_NS);
        seconds = new double[rounds];
        meanUs = new double[rounds];
        backgroundPerS = new double[rounds];
    }

    /**
     * A round's progress line.
     *
     * @param engine  "karyon" or a peer.
     * @param warmUp  true for a warm-up round.
     * @param pairs   pairs playing.
     * @param workers threads.
     * @param round   its round trips.
     * @param seconds its length.
     * @param updates background cell-updates in it.
     * @return the line.
     */
    public static String progress(
        final String engine, final boolean warmUp, final int pairs, final int workers, final RoundTrips round,
        final double seconds, final long updates)
    {
        return String.format(Locale.ROOT,
            "W7 %s %s round: %,d pairs on %d workers, %,d round trips in %.1f s, p99 %.1f us, time-weighted p99 " +
            "%.1f us, max %.0f us, background %.2fM cell-updates/s", engine, warmUp ? "warm-up" : "measured", pairs,
            workers, round.count(), seconds, round.perTrip().getValueAtPercentile(99) / 1e3,
            round.byTime().getValueAtPercentile(99) / 1e3, round.perTrip().getMaxValue() / 1e3,
            updates / seconds / 1e6);
    }

    /**
     * Takes one measured round.
     *
     * @param r       index of the measured round, from 0.
     * @param round   its round trips.
     * @param seconds its length.
     * @param updates background cell-updates in it.
     */
    public void record(final int r, final RoundTrips round, final double seconds, final long updates)
    {
        perTrip.record(r, round.perTrip());
        byTime.record(r, round.byTime());
        this.seconds[r] = seconds;
        meanUs[r] = round.perTrip().getMean() / 1e3;
        backgroundPerS[r] = updates / seconds;
        trips += round.count();
    }

    /**
     * Writes the histograms of every measured round, {@code NAME.hgrm} per round trip and {@code NAME-by-time.hgrm}
     * by time, and the JSON line.
     *
     * @param params  as given to {@code karyon bench}.
     * @param engine  "karyon" or a peer.
     * @param name    of the histogram files, e.g. "W7" or "W7-pekko".
     * @param workers threads.
     * @return the JSON line.
     */
    public String json(final BenchParams params, final String engine, final String name, final int workers)
    {
        final Path hgrm = Histograms.write(params.out(), name, perTrip.all());
        final Path byTimeHgrm = Histograms.write(params.out(), name + "-by-time", byTime.all());
        return new Json()
            .field("workload", "W7")
            .field("engine", engine)
            .field("cells", params.cells())
            .field("workers", workers)
            .field("pairs", params.pairs())
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("round_trips", trips)
            .field("p50_us", perTrip.p50Us())
            .field("p99_us", perTrip.p99Us())
            .field("p999_us", perTrip.p999Us())
            .field("max_us", perTrip.maxUs())
            .field("mean_us", Rounds.median(meanUs))
            .field("time_weighted_p50_us", byTime.p50Us())
            .field("time_weighted_p99_us", byTime.p99Us())
            .field("time_weighted_p999_us", byTime.p999Us())
            .field("background_updates_per_s", Rounds.median(backgroundPerS))
            .field("hgrm", hgrm.toString())
            .field("time_weighted_hgrm", byTimeHgrm.toString())
            .toString();
    }
}
