package io.karyon.numa;

/**
 * A memory-binding system call failed, or the binding library is not there: the message names the call, its
 * arguments and the errno.
 */
public final class NumaException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * A failure with an errno.
     *
     * @param message naming the call and its arguments.
     * @param errno   the system call's error number, or 0.
     */
    public NumaException(final String message, final int errno)
    {
        super(message);
        this.errno = errno;
    }

    /**
     * The errno of the failed call, or 0 when no call was made.
     *
     * @return errno.
     */
    public int errno()
    {
        return errno;
    }
}
