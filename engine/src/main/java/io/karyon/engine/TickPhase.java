package io.karyon.engine;

/**
 * Work every worker does at the start of each tick, before any cell is advanced, for its own share: for example
 * applying the previous tick's deposits to a matrix ({@code context.tickPhase(matrix::applyTick)}). All workers finish
 * the phase and meet at a barrier before the tick's cells run, so what a phase writes is visible to every cell of the
 * tick. Tick mode only. A sharded run needs a {@link ShardedTickPhase}, which ships what the phase's parts hold
 * between the shards (the matrix's: {@code io.karyon.model.MatrixPhase.of(matrix)}); a plain one is refused there.
 * <p>
 * <b>Note:</b> called by every worker at once, each with its own index; shares must not overlap.
 */
@FunctionalInterface
public interface TickPhase
{
    /**
     * One worker's share of the phase.
     *
     * @param worker  index of the worker, 0 to workers - 1.
     * @param workers number of workers.
     * @param tick    the tick about to run.
     */
    void run(int worker, int workers, long tick);
}
