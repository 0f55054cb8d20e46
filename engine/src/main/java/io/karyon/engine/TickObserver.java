package io.karyon.engine;

/**
 * Called by {@link Organism#runUntil(long, TickObserver)} on the driver after every tick, while the workers wait:
 * reads counters, takes observations, and says whether to stop.
 */
@FunctionalInterface
public interface TickObserver
{
    /**
     * After a tick.
     *
     * @param organism that ran it, readable as between any two ticks.
     * @param tick     the tick just completed, counting from 0.
     * @return true to stop here.
     */
    boolean afterTick(Organism organism, long tick);
}
