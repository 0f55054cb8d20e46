package io.karyon.matrix;

/**
 * A matrix could not be created or opened, or was used against its layout: the message names the matrix (its file,
 * or "in-memory matrix") and what was wrong.
 */
public final class MatrixException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * An error without a cause.
     *
     * @param message naming the matrix and what was wrong.
     */
    public MatrixException(final String message)
    {
        super(message);
    }

    /**
     * An error caused by another.
     *
     * @param message naming the matrix and what was wrong.
     * @param cause   underlying failure.
     */
    public MatrixException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
