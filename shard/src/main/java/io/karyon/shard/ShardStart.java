package io.karyon.shard;

import io.karyon.model.ModelException;
import io.karyon.model.StopRequest;
import org.agrona.IoUtil;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A stop request (a SIGINT or SIGTERM) that comes while {@link ShardLauncher} is still starting a run on this host:
 * launching the shards' processes, waiting for them to join, setting the model up (seconds for millions of cells).
 * It stops the run at once rather than after the first tick, leaving nothing behind: no shard process, no run
 * directory (the media driver's). While the shards start and join, the launcher checks the request itself (the join
 * as a host across hosts does: {@link AeronShardLink#awaitConnected(java.util.function.BooleanSupplier)}), tells the
 * shards connected that shard 0 leaves ({@link AeronShardLink#leave}), ends the others and throws {@link Stopped};
 * while the model is set up its thread is in the model's code, so the request's own thread ends the shards, deletes
 * the directory and hands over to {@code halt}, which says so and ends the process, as a second signal does. Once
 * the model is set up ({@link io.karyon.model.ModelRun.Builder#setUpDone}) the ticks take the request as before.
 * <p>
 * <b>Note:</b> threadsafe: the launcher's thread and the request's (a signal handler's) claim the stop by one
 * compare-and-set.
 */
public final class ShardStart
{
    /** What the launcher is doing, for the line. */
    static final String LAUNCHING = "while the shards' processes were launched";
    /** What the launcher is doing, for the line. */
    static final String JOINING = "while the shards joined";
    /** What the launcher is doing, for the line. */
    static final String SETTING_UP = "while the model was set up";

    private static final int STARTING = 0;
    private static final int SET_UP = 1;
    private static final int TICKING = 2;
    private static final int STOPPING = 3;

    private final StopRequest request;
    private final Consumer<Stopped> halt;
    private final AtomicInteger phase = new AtomicInteger(STARTING);
    private List<Process> children;
    private Path dir;

    /**
     * @param request the run's stop request, the one its ticks check.
     * @param halt    given a stop while the model is set up, once the shards are ended and the directory deleted:
     *                says so and ends the process with the signal's exit code (it must not return); null to leave
     *                such a stop to the ticks.
     */
    public ShardStart(final StopRequest request, final Consumer<Stopped> halt)
    {
        this.request = request;
        this.halt = halt;
    }

    /**
     * No stop request: the run starts as it would without one.
     *
     * @return a start never stopped.
     */
    static ShardStart none()
    {
        return new ShardStart(new StopRequest(), null);
    }

    /**
     * The launcher's check while it launches the shards.
     *
     * @param during what it is doing, for the line.
     * @throws Stopped if a stop was requested.
     */
    void check(final String during)
    {
        if (request.isRequested())
        {
            throw new Stopped(request.reason(), during);
        }
    }

    /**
     * Waits for every shard to join; a stop request ends the wait: the shards connected are told that shard 0 leaves
     * (each exits 1, without a line of its own), the others are ended by the launcher.
     *
     * @param link shard 0's.
     * @throws Stopped after such a request.
     */
    void join(final AeronShardLink link)
    {
        if (link.awaitConnected(request::isRequested))
        {
            return;
        }
        link.leave(ModelException.EXIT_FAILURE, "stopped by " + request.reason() + " during start-up");
        throw new Stopped(request.reason(), JOINING);
    }

    /**
     * From now on until {@link #settle()} a stop request is acted on by its own thread.
     *
     * @param launched the shards' processes.
     * @param runDir   the run's directory, the media driver's within it.
     * @throws Stopped if a stop was requested already.
     */
    void settingUp(final List<Process> launched, final Path runDir)
    {
        children = launched;
        dir = runDir;
        phase.set(SET_UP);
        if (null != halt)
        {
            request.whenRequested(this::onRequest);
        }
        if (request.isRequested() && phase.compareAndSet(SET_UP, STARTING))
        {
            throw new Stopped(request.reason(), SETTING_UP);
        }
    }

    /**
     * The model is set up (the run's {@link io.karyon.model.ModelRun.Builder#setUpDone} hook), or the launcher leaves
     * the run (done, or failed): on the launcher's thread, waits for the end of the process if a stop request is
     * ending it, else leaves the request to the ticks, or to nobody.
     */
    void settle()
    {
        if (!phase.compareAndSet(SET_UP, TICKING) && STOPPING == phase.get())
        {
            awaitHalt();
        }
        request.whenRequested(null);
    }

    private void onRequest()
    {
        if (!phase.compareAndSet(SET_UP, STOPPING))
        {
            return;
        }
        ShardLauncher.stop(children);
        IoUtil.delete(dir.toFile(), true);
        halt.accept(new Stopped(request.reason(), SETTING_UP));
    }

    /**
     * The launcher's thread, once a stop request's thread is ending the process: it does nothing more (its failure,
     * the shards being ended under it, would be a second line).
     */
    private static void awaitHalt()
    {
        while (true)
        {
            LockSupport.park();
        }
    }

    /**
     * A run on this host stopped by a signal while it started: nothing ran, every shard's process has ended.
     */
    public static final class Stopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        private final String reason;

        Stopped(final String reason, final String during)
        {
            super("stopped by " + reason + " during start-up, " + during + ": nothing ran, and no shard is left " +
                "running", null, false, false);
            this.reason = reason;
        }

        /**
         * The stop request's reason.
         *
         * @return e.g. "SIGINT".
         */
        public String reason()
        {
            return reason;
        }
    }
}
