package io.karyon.perf;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundTripsTest
{
    private static final long MICRO = 1_000;
    private static final long MILLI = 1_000_000;

    @Test
    void oneStallAmongFastRoundTripsDominatesTheTimeButNotTheCount()
    {
        // A pair stalled 10 ms while another played 999 round trips of 1 us: 99.9% of the round trips are fast, but
        // 91% of the time was spent in the stall.
        final RoundTrips trips = new RoundTrips(false);
        for (int i = 0; i < 999; i++)
        {
            trips.record(MICRO);
        }
        trips.record(10 * MILLI);

        assertEquals(1_000, trips.count());
        assertEquals(MICRO, trips.perTrip().getValueAtPercentile(99), MICRO / 100.0);
        assertEquals(10 * MILLI, trips.byTime().getValueAtPercentile(50), MILLI / 100.0);
        assertEquals(999 * MICRO + 10 * MILLI, trips.byTime().getTotalCount());
    }

    @Test
    void evenRoundTripsLookTheSameBothWays()
    {
        final RoundTrips trips = new RoundTrips(false);
        for (int i = 1; i <= 1_000; i++)
        {
            trips.record(50 * MICRO + i);
        }

        for (final double percentile : new double[] { 50, 99, 99.9 })
        {
            assertEquals(trips.perTrip().getValueAtPercentile(percentile),
                trips.byTime().getValueAtPercentile(percentile), 100.0, "p" + percentile);
        }
    }

    @Test
    void lengthsOutsideTheTrackedRangeAreClampedNotLost()
    {
        final RoundTrips trips = new RoundTrips(false);
        trips.record(0);
        trips.record(-5);
        trips.record(RoundTrips.HIGHEST_NS * 3);

        assertEquals(3, trips.count());
        assertEquals(1, trips.perTrip().getMinValue());
        assertTrue(trips.perTrip().getMaxValue() >= RoundTrips.HIGHEST_NS, "clamped to the highest tracked");
    }

    @Test
    void threadsRecordingAtOnceLoseNoRoundTrip() throws InterruptedException
    {
        final RoundTrips trips = new RoundTrips(true);
        final int threads = 4;
        final int each = 200_000;
        final CountDownLatch go = new CountDownLatch(1);
        final Thread[] recorders = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final long length = (t + 1) * MICRO;
            recorders[t] = new Thread(() ->
            {
                try
                {
                    go.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++)
                {
                    trips.record(length);
                }
            });
            recorders[t].start();
        }
        go.countDown();
        for (final Thread recorder : recorders)
        {
            recorder.join();
        }

        assertEquals((long)threads * each, trips.count());
        assertEquals((long)each * (1 + 2 + 3 + 4) * MICRO, trips.byTime().getTotalCount());

        final RoundTrips total = new RoundTrips(false);
        total.add(trips);
        total.add(trips);
        assertEquals(2L * threads * each, total.count());
        trips.reset();
        assertEquals(0, trips.count());
        assertEquals(0, trips.byTime().getTotalCount());
    }
}
