package io.karyon.perf.peers;

import io.karyon.perf.WorkloadCheckException;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * The {@code jvm-objects} peer's runtime: a {@link ForkJoinPool} with one thread per worker that runs the cells with
 * messages waiting, and the first failure a cell threw that nobody handled.
 */
final class JvmObjects implements AutoCloseable
{
    final ForkJoinPool pool;
    private final String workload;
    private volatile Throwable failure;

    JvmObjects(final String workload, final int workers)
    {
        this.workload = workload;
        this.pool = new ForkJoinPool(workers);
    }

    void failed(final Throwable ex)
    {
        if (null == failure)
        {
            failure = ex;
        }
    }

    /**
     * Fails the workload if a cell threw something its code did not handle.
     */
    void check()
    {
        final Throwable ex = failure;
        if (null != ex)
        {
            throw new WorkloadCheckException(workload, Peers.JVM_OBJECTS + " cell failed: " + ex);
        }
    }

    public void close()
    {
        pool.shutdownNow();
        try
        {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
