package io.karyon.model;

/**
 * A run of a model that could not be done: bad input (an unknown parameter, a value out of range, an unwritable
 * output folder: {@link #EXIT_USAGE}) or a model that failed while being set up or run ({@link #EXIT_FAILURE}).
 * The message is one line, naming the model and the cause, fit to print as it is.
 */
public final class ModelException extends RuntimeException
{
    /** Exit status of a run refused for bad input: nothing ran. */
    public static final int EXIT_USAGE = 2;
    /** Exit status of a run whose model failed during set-up or while running. */
    public static final int EXIT_FAILURE = 1;

    private static final long serialVersionUID = 1L;

    private final int exitCode;
    private transient ModelRun.Result result;

    /**
     * A failed run.
     *
     * @param message  one line naming the model and what went wrong.
     * @param exitCode {@link #EXIT_USAGE} or {@link #EXIT_FAILURE}.
     * @param cause    what was thrown, or null.
     */
    public ModelException(final String message, final int exitCode, final Throwable cause)
    {
        super(message, cause);
        if (EXIT_USAGE != exitCode && EXIT_FAILURE != exitCode)
        {
            throw new IllegalArgumentException("exitCode must be 1 or 2: exitCode=" + exitCode);
        }
        this.exitCode = exitCode;
    }

    /**
     * The results of a run that completed but whose files could not all be written, or null: a command line prints
     * them before it fails.
     *
     * @return the results, or null.
     */
    public ModelRun.Result result()
    {
        return result;
    }

    ModelException result(final ModelRun.Result result)
    {
        this.result = result;
        return this;
    }

    /**
     * The status a command line should exit with.
     *
     * @return {@link #EXIT_USAGE} (2) for bad input, {@link #EXIT_FAILURE} (1) for a model failure.
     */
    public int exitCode()
    {
        return exitCode;
    }
}
