package io.karyon.perf.peers;

import io.karyon.perf.WorkloadCheckException;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a peer's cells, with a deadline so that a lost message fails the run instead of hanging it.
 */
final class Latches
{
    static final long DEADLINE_S = 600;

    private Latches()
    {
    }

    /**
     * Waits for the latch to reach zero.
     *
     * @throws WorkloadCheckException naming what was awaited if the deadline passes first.
     */
    static void await(final CountDownLatch latch, final String workload, final String what)
    {
        if (!awaitQuietly(latch, DEADLINE_S))
        {
            throw new WorkloadCheckException(workload, latch.getCount() + " " + what + " still missing after " +
                DEADLINE_S + " s");
        }
    }

    static boolean awaitQuietly(final CountDownLatch latch, final long seconds)
    {
        try
        {
            return latch.await(seconds, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a peer's cells", ex);
        }
    }
}
