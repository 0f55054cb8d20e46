package io.karyon.supervisor;

/**
 * Restart strategy of a supervisor row, as the Erlang/OTP {@code supervisor} module defines them.
 * <p>
 * The {@link #code()} is what is stored in the off-heap row ({@link RestartTableDescriptor#STRATEGY_OFFSET}).
 */
public enum RestartStrategy
{
    /**
     * If a child terminates and is to be restarted, only that child is affected.
     */
    ONE_FOR_ONE(0),

    /**
     * If a child terminates and is to be restarted, all other children are terminated (reverse start order) and
     * then all children are restarted (start order).
     */
    ONE_FOR_ALL(1),

    /**
     * If a child terminates and is to be restarted, the children after it in start order are terminated (reverse
     * start order), then it and the children after it are restarted (start order).
     */
    REST_FOR_ONE(2),

    /**
     * A simplified {@link #ONE_FOR_ONE} whose children are all added and removed dynamically.
     */
    SIMPLE_ONE_FOR_ONE(3);

    private static final RestartStrategy[] BY_CODE = values();

    private final int code;

    RestartStrategy(final int code)
    {
        this.code = code;
    }

    /**
     * The code stored off-heap for this strategy.
     *
     * @return the code stored off-heap for this strategy.
     */
    public int code()
    {
        return code;
    }

    /**
     * The strategy stored off-heap as the given code.
     *
     * @param code as stored off-heap.
     * @return the strategy for the code.
     * @throws IllegalArgumentException if the code is not a strategy code.
     */
    public static RestartStrategy get(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new IllegalArgumentException("code must be a RestartStrategy code in [0, 3]: code=" + code);
        }
        return BY_CODE[code];
    }
}
