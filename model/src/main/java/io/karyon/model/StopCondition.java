package io.karyon.model;

import io.karyon.engine.Organism;

/**
 * Whether a run should stop, asked on the driver after every tick, while the workers wait; it may also keep track of
 * what the summary reports (a peak, its tick). In a sharded run it is asked on shard 0 only, once the whole run's
 * counters are gathered there: {@link Organism#stats()} and {@link Organism#countOf(short)} read the whole run, a
 * survey or a cell read only shard 0's cells.
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
