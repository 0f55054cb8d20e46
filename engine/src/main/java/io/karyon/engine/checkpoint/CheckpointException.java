package io.karyon.engine.checkpoint;

import java.io.IOException;

/**
 * A refused checkpoint: the message is one line naming the file and the first bad thing, e.g.
 * {@code tick-400.kcp: section "restart tables" checksum mismatch}.
 */
public class CheckpointException extends IOException
{
    private static final long serialVersionUID = 1L;

    /**
     * A refusal.
     *
     * @param message one line naming the file and what was wrong.
     */
    public CheckpointException(final String message)
    {
        super(message);
    }

    /**
     * A refusal with the failure that caused it.
     *
     * @param message one line naming the file and what was wrong.
     * @param cause   what failed underneath.
     */
    public CheckpointException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
