package io.karyon.supervisor;

/**
 * Restart type of one child, as the Erlang/OTP {@code supervisor} child specification defines it.
 * <p>
 * The {@link #code()} is what is stored in the off-heap child entry ({@link RestartTableDescriptor#TYPE_OFFSET}).
 */
public enum RestartType
{
    /**
     * A child that is always restarted, whatever its exit reason (even {@code normal}).
     */
    PERMANENT(0),

    /**
     * A child that is restarted only when it exits abnormally: not with {@link RestartTable#REASON_NORMAL},
     * {@link RestartTable#REASON_SHUTDOWN} or a reason marked with {@link RestartTable#markNormalReason(int)}.
     */
    TRANSIENT(1),

    /**
     * A child that is never restarted, even when a sibling's exit makes the supervisor terminate it under
     * {@link RestartStrategy#ONE_FOR_ALL} or {@link RestartStrategy#REST_FOR_ONE}.
     */
    TEMPORARY(2);

    private static final RestartType[] BY_CODE = values();

    private final int code;

    RestartType(final int code)
    {
        this.code = code;
    }

    /**
     * The code stored off-heap for this restart type.
     *
     * @return the code stored off-heap for this restart type.
     */
    public int code()
    {
        return code;
    }

    /**
     * The restart type stored off-heap as the given code.
     *
     * @param code as stored off-heap.
     * @return the restart type for the code.
     * @throws IllegalArgumentException if the code is not a restart type code.
     */
    public static RestartType get(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new IllegalArgumentException("code must be a RestartType code in [0, 2]: code=" + code);
        }
        return BY_CODE[code];
    }
}
