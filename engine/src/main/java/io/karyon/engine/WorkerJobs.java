package io.karyon.engine;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Jobs the driver posts to every worker between ticks (see {@link Organism#onWorkers(WorkerJob)}): a job and its
 * epoch, published together beside the tick barrier's target, and per worker the last epoch it finished (padded, so
 * that workers finishing never share a line) and what its run of the job threw.
 * <p>
 * A resting worker polls {@link #poll(int, long)} with the last epoch it ran; the driver's {@link #post(WorkerJob)}
 * unparks the workers' threads so none waits out a park, and the last worker to finish unparks the driver.
 * <p>
 * <b>Note:</b> threadsafe: the job and epoch have one writer (the driver), each worker's sequence and failure one
 * writer (its worker), published with a volatile store the driver reads with a volatile load.
 */
final class WorkerJobs
{
    // Sixteen longs (two cache lines) from one worker's sequence to the next.
    private static final int STRIDE = 16;

    private final int workers;
    private final AtomicLongArray finished;
    private final AtomicReferenceArray<Thread> threads;
    private final Throwable[] failures;
    private volatile WorkerJob job;
    private volatile long epoch;
    private volatile Thread waiter;

    WorkerJobs(final int workers)
    {
        this.workers = workers;
        this.finished = new AtomicLongArray((workers + 1) * STRIDE);
        this.threads = new AtomicReferenceArray<>(workers);
        this.failures = new Throwable[workers];
    }

    /**
     * Names the thread that runs a worker, to be unparked when a job is posted.
     */
    void register(final int worker, final Thread thread)
    {
        threads.set(worker, thread);
    }

    /**
     * The epoch of the latest job posted; a worker that has run fewer has a job to run.
     */
    long epoch()
    {
        return epoch;
    }

    /**
     * Driver: posts a job to every worker and wakes them.
     *
     * @return the job's epoch, to wait for with {@link #isDone(long)}.
     */
    long post(final WorkerJob job)
    {
        for (int w = 0; w < workers; w++)
        {
            failures[w] = null;
        }
        this.job = job;
        waiter = Thread.currentThread();
        final long posted = epoch + 1;
        epoch = posted;
        final Thread self = Thread.currentThread();
        for (int w = 0; w < workers; w++)
        {
            final Thread thread = threads.get(w);
            if (null != thread && self != thread)
            {
                LockSupport.unpark(thread);
            }
        }
        return posted;
    }

    /**
     * Worker: runs the posted job if there is one this worker has not run.
     *
     * @param worker index.
     * @param ran    the epoch of the last job this worker ran.
     * @return the epoch of the job it has now run (or {@code ran} when there was none).
     */
    long poll(final int worker, final long ran)
    {
        final long posted = epoch;
        if (posted == ran)
        {
            return ran;
        }
        try
        {
            job.run(worker, workers);
        }
        catch (final Throwable t)
        {
            failures[worker] = t;
        }
        // A volatile store (a full fence, not just a release): then of two workers finishing together, at least one
        // sees the other's sequence, so the last one always wakes the driver.
        finished.set(worker * STRIDE, posted);
        if (isDone(posted))
        {
            final Thread thread = waiter;
            if (null != thread)
            {
                LockSupport.unpark(thread);
            }
        }
        return posted;
    }

    /**
     * Whether every worker has run the job of an epoch.
     */
    boolean isDone(final long posted)
    {
        for (int w = 0; w < workers; w++)
        {
            if (finished.get(w * STRIDE) < posted)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Driver, once the job is done: the first worker (in worker order) whose run threw, or -1.
     */
    int firstFailed()
    {
        for (int w = 0; w < workers; w++)
        {
            if (null != failures[w])
            {
                return w;
            }
        }
        return -1;
    }

    Throwable failure(final int worker)
    {
        return failures[worker];
    }

    /**
     * Driver, once the job is done: lets go of the job and of what the failures hold.
     */
    void clear()
    {
        job = null;
        waiter = null;
    }
}
