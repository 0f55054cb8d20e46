package io.karyon.perf;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * W7's round-trip times, counted two ways.
 * <ul>
 *     <li><b>Per round trip:</b> one sample each, the classic latency histogram.</li>
 *     <li><b>By time:</b> each round trip weighted by its own length, so a percentile answers "at a random moment,
 *     how long is the round trip a pair is waiting on". A closed-loop game hides stalls in the first view: a pair
 *     that waits 40 ms adds one sample, while a pair ping-ponging unhindered on one thread adds 200,000 in the same
 *     time, and the p99 comes out at the fast pair's 0.2 µs. Weighting by length is the limit of HdrHistogram's
 *     coordinated-omission correction, and needs no guess at an expected interval. When every pair is served
 *     alike both views agree.</li>
 * </ul>
 * A pair's first round trip of a round counts from the round's start, not from when its pinger got to the start
 * message, so a pair that waited to begin is counted as waiting: the recorded round trips cover every pair's whole
 * round.
 * <p>
 * <b>Note:</b> made with {@code concurrent} false, for one recording thread at a time (Karyon keeps one per worker);
 * with {@code concurrent} true, any threads may record at once (the peers' pools).
 */
public final class RoundTrips
{
    /** The highest round trip tracked, in ns; longer ones are recorded as this. */
    public static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(10);

    private final Histogram perTrip;
    private final Histogram byTime;

    /**
     * @param concurrent true if threads may record at the same time.
     */
    public RoundTrips(final boolean concurrent)
    {
        perTrip = concurrent ? new ConcurrentHistogram(1, HIGHEST_NS, 3) : new Histogram(1, HIGHEST_NS, 3);
        byTime = concurrent ? new ConcurrentHistogram(1, HIGHEST_NS, 3) : new Histogram(1, HIGHEST_NS, 3);
    }

    /**
     * Records one round trip.
     *
     * @param ns its length in ns.
     */
    public void record(final long ns)
    {
        final long value = Math.max(1, Math.min(ns, HIGHEST_NS));
        perTrip.recordValue(value);
        byTime.recordValueWithCount(value, value);
    }

    /**
     * Adds another's round trips to these; neither may be recording.
     *
     * @param other round trips.
     */
    public void add(final RoundTrips other)
    {
        perTrip.add(other.perTrip);
        byTime.add(other.byTime);
    }

    /**
     * Forgets every round trip; nobody may be recording.
     */
    public void reset()
    {
        perTrip.reset();
        byTime.reset();
    }

    /**
     * @return one sample per round trip, in ns.
     */
    public Histogram perTrip()
    {
        return perTrip;
    }

    /**
     * @return each round trip counted once per ns of its length.
     */
    public Histogram byTime()
    {
        return byTime;
    }

    /**
     * @return round trips recorded.
     */
    public long count()
    {
        return perTrip.getTotalCount();
    }
}
