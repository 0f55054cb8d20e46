package io.karyon.cli;

import io.karyon.model.StopRequest;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM during a run: the first asks the run to stop after the tick under way (it then writes a
 * checkpoint and its outputs, and the command exits 130 or 143); a second one ends the process at once with that code.
 * Installed for one run and put back as it was afterwards.
 * <p>
 * <b>Note:</b> the handlers run on the JVM's signal thread; {@link StopRequest} is threadsafe.
 */
final class StopSignals implements AutoCloseable
{
    /** Exit code after SIGINT: 128 + 2, as a shell reports a process the signal ended. */
    static final int EXIT_SIGINT = 130;
    /** Exit code after SIGTERM: 128 + 15. */
    static final int EXIT_SIGTERM = 143;

    private static final String[] SIGNALS = { "INT", "TERM" };

    private final StopRequest request = new StopRequest();
    private final SignalHandler[] previous = new SignalHandler[SIGNALS.length];

    private StopSignals()
    {
    }

    /**
     * Installs the handlers.
     *
     * @return the installation, to close after the run.
     */
    static StopSignals install()
    {
        final StopSignals signals = new StopSignals();
        final SignalHandler handler = signals::onSignal;
        for (int i = 0; i < SIGNALS.length; i++)
        {
            try
            {
                signals.previous[i] = Signal.handle(new Signal(SIGNALS[i]), handler);
            }
            catch (final IllegalArgumentException ex)
            {
                signals.previous[i] = null;  // the JVM keeps this signal (e.g. -Xrs): it ends the process as before
            }
        }
        return signals;
    }

    private void onSignal(final Signal signal)
    {
        final String name = "SIG" + signal.getName();
        if (request.isRequested())
        {
            Runtime.getRuntime().halt(exitCode(name));  // asked twice: no more waiting for the tick
        }
        request.request(name);
    }

    /**
     * The request the handlers make.
     *
     * @return the run's stop request.
     */
    StopRequest request()
    {
        return request;
    }

    /**
     * The exit code after a signal stopped a run.
     *
     * @param reason the stop request's reason, e.g. "SIGTERM".
     * @return 130 for SIGINT, 143 for SIGTERM, else 1.
     */
    static int exitCode(final String reason)
    {
        return "SIGINT".equals(reason) ? EXIT_SIGINT : "SIGTERM".equals(reason) ? EXIT_SIGTERM : Cli.EXIT_FAILURE;
    }

    /**
     * Puts the previous handlers back.
     */
    public void close()
    {
        for (int i = 0; i < SIGNALS.length; i++)
        {
            if (null != previous[i])
            {
                Signal.handle(new Signal(SIGNALS[i]), previous[i]);
            }
        }
    }
}
