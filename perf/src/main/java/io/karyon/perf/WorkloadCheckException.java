package io.karyon.perf;

import io.karyon.engine.KaryonException;

/**
 * A workload's self-check failed: the engine gave a wrong answer, however fast.
 */
final class WorkloadCheckException extends KaryonException
{
    private static final long serialVersionUID = 1L;

    WorkloadCheckException(final String workload, final String message)
    {
        super(workload + " self-check failed: " + message);
    }
}
