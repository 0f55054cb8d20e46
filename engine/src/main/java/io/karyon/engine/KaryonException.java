package io.karyon.engine;

/**
 * Base of the engine's exceptions, with a category saying how bad it is.
 */
public class KaryonException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * How bad an error is.
     */
    public enum Category
    {
        /** The organism cannot go on. */
        FATAL,
        /** The operation failed; the organism is intact. */
        ERROR,
        /** Something was off but the operation went ahead. */
        WARN
    }

    private final Category category;

    /**
     * An error of category {@link Category#ERROR}.
     *
     * @param message naming what was wrong and where.
     */
    public KaryonException(final String message)
    {
        this(Category.ERROR, message, null);
    }

    /**
     * An error with a category and a cause.
     *
     * @param category how bad it is.
     * @param message  naming what was wrong and where.
     * @param cause    or null.
     */
    public KaryonException(final Category category, final String message, final Throwable cause)
    {
        super(message, cause);
        this.category = category;
    }

    /**
     * How bad the error is.
     *
     * @return category.
     */
    public Category category()
    {
        return category;
    }
}
