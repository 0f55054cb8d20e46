package io.karyon.perf;

import io.karyon.engine.KaryonException;

/**
 * A workload's self-check failed: the engine gave a wrong answer, however fast.
 */
public final class WorkloadCheckException extends KaryonException
{
    private static final long serialVersionUID = 1L;

    /**
     * A failed self-check.
     *
     * @param workload id, e.g. "W2".
     * @param message  what was wrong.
     */
    public WorkloadCheckException(final String workload, final String message)
    {
        super(workload + " self-check failed: " + message);
    }
}
