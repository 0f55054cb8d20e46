package io.karyon.model;

/**
 * A request to end a run early and safely (a signal, a user): the run finishes the tick under way, writes a
 * checkpoint (with an output folder) and its outputs as of that tick, and returns; {@link ModelRun.Result#stopReason()}
 * then says why. Checked by the driver once per tick.
 * <p>
 * <b>Note:</b> threadsafe: any thread (a signal handler) may {@link #request(String)}; the first reason stays.
 */
public final class StopRequest
{
    private volatile String reason;
    private Runnable action;  // guarded by this

    /**
     * Asks the run to stop after the tick under way.
     *
     * @param why the reason to report, e.g. "SIGTERM".
     */
    public void request(final String why)
    {
        final Runnable first;
        synchronized (this)
        {
            if (null != reason)
            {
                return;
            }
            reason = null == why ? "stop requested" : why;
            first = action;
        }
        if (null != first)
        {
            first.run();
        }
    }

    /**
     * Has the first request also run {@code action}, on the requesting thread (a signal handler's), for a caller
     * that cannot check the request while it waits on code of its own (a sharded run's launcher while its model is set
     * up). A request made already does not run it: check {@link #isRequested()} after this.
     *
     * @param then to run at the first request, or null to run nothing (the default); replaces the one set before.
     */
    public void whenRequested(final Runnable then)
    {
        synchronized (this)
        {
            action = then;
        }
    }

    /**
     * Whether a stop was asked for.
     *
     * @return true once {@link #request(String)} was called.
     */
    public boolean isRequested()
    {
        return null != reason;  // volatile read: the request comes from another thread (a signal handler)
    }

    /**
     * Why the run was asked to stop.
     *
     * @return the first reason given, or null.
     */
    public String reason()
    {
        return reason;
    }
}
