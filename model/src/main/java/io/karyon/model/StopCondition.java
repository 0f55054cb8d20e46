package io.karyon.model;

import io.karyon.engine.Organism;

/**
 * Whether a run should stop, asked on the driver after every tick, while the workers wait; it may also keep track of
 * what the summary reports (a peak, its tick).
 */
@FunctionalInterface
public interface StopCondition
{
    /**
     * After a tick.
     *
     * @param organism of the run, readable as between any two ticks.
     * @param tick     the tick just completed, counting from 0.
     * @return true to end the run after this tick.
     */
    boolean shouldStop(Organism organism, long tick);
}
