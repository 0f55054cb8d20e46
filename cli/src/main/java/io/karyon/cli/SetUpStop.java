package io.karyon.cli;

import io.karyon.model.StopRequest;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A stop request (a SIGINT or SIGTERM) that comes while a one-process {@code karyon run} or {@code karyon resume}
 * still sets the model up (seconds for millions of cells) and restores its checkpoint: it ends the process at once,
 * rather than after the set-up and the first tick, with one line and the signal's exit code, as a {@code --shards}
 * run's does ({@link io.karyon.shard.ShardStart}). The run's thread is in the model's code, so the request's own
 * thread ({@link StopRequest#whenRequested}) says so and halts; nothing is written yet, for the run's hook
 * ({@link io.karyon.model.ModelRun.Builder#setUpDone}) comes before any output is opened, and it hands the request to
 * the ticks from then on. Also where a run on this host with {@code --shards} halts ({@link #halt}).
 * <p>
 * <b>Note:</b> threadsafe: the run's thread and the request's (a signal handler's) claim the set-up's end by one
 * compare-and-set.
 */
final class SetUpStop
{
    private static final int SETTING_UP = 0;
    private static final int DONE = 1;
    private static final int HALTING = 2;

    private final StopRequest request;
    private final PrintWriter err;
    private final AtomicInteger phase = new AtomicInteger(SETTING_UP);

    /**
     * From now on until {@link #settle()} a stop request ends the process on its own thread.
     *
     * @param request the run's stop request, the one its ticks check.
     * @param err     where the line goes.
     */
    SetUpStop(final StopRequest request, final PrintWriter err)
    {
        this.request = request;
        this.err = err;
        request.whenRequested(this::onRequest);
    }

    /**
     * A stop requested before this was made, which its own thread did not act on: the line, and the exit code.
     *
     * @return the signal's exit code, or -1 if no stop was requested (the run goes on).
     */
    int stoppedAlready()
    {
        if (request.isRequested() && phase.compareAndSet(SETTING_UP, DONE))
        {
            request.whenRequested(null);
            err.println("karyon: " + line(request.reason()));
            err.flush();
            return StopSignals.exitCode(request.reason());
        }
        return -1;
    }

    /**
     * The model is set up (the run's {@link io.karyon.model.ModelRun.Builder#setUpDone} hook), or the run leaves
     * (done, or failed before its set-up was done): on the run's thread, waits for the end of the process if a stop
     * request is ending it, else leaves the request to the ticks, or to nobody.
     */
    void settle()
    {
        if (!phase.compareAndSet(SETTING_UP, DONE) && HALTING == phase.get())
        {
            awaitHalt();
        }
        request.whenRequested(null);
    }

    /**
     * Says {@code line} on {@code err} and ends the process with the exit code of a run that {@code reason}, a
     * signal, stopped: a run on this host stopped while it still started.
     *
     * @param err    where the line goes.
     * @param line   without the {@code "karyon: "} before it.
     * @param reason the stop request's, e.g. "SIGINT".
     */
    static void halt(final PrintWriter err, final String line, final String reason)
    {
        err.println("karyon: " + line);
        err.flush();
        Runtime.getRuntime().halt(StopSignals.exitCode(reason));
    }

    private void onRequest()
    {
        if (phase.compareAndSet(SETTING_UP, HALTING))
        {
            halt(err, line(request.reason()), request.reason());
        }
    }

    private static String line(final String reason)
    {
        return "stopped by " + reason + " during start-up, while the model was set up: nothing ran";
    }

    /**
     * The run's thread, once a stop request's thread is ending the process: it does nothing more.
     */
    private static void awaitHalt()
    {
        while (true)
        {
            LockSupport.park();
        }
    }
}
