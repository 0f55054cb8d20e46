package io.karyon.scheduler;

/**
 * How workers get threads.
 */
public enum ThreadingMode
{
    /** One thread per worker, each an {@link org.agrona.concurrent.AgentRunner}; the default. */
    DEDICATED,
    /** All workers in one {@link org.agrona.concurrent.CompositeAgent} on one thread. */
    SHARED,
    /** No threads: the caller drives every worker through {@link Workers#invoke()}; for deterministic tests. */
    INVOKER
}
