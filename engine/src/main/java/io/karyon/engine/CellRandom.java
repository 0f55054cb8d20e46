package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;

/**
 * The random stream of the cell being visited: SplitMix64 keyed by (run seed, slot, generation, tick), so a cell draws
 * the same numbers in every run with the same seed, whatever the number of workers. The stream restarts whenever the
 * visited cell or the tick changes.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class CellRandom extends WorkerPadding
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final Slice slice;
    private final CellFlyweight cell;
    private final long seed;
    private int slot = -1;
    private long tick = -1;
    private long state;

    /**
     * @param cell the flyweight over the cell being visited.
     */
    CellRandom(final Slice slice, final CellFlyweight cell, final long seed)
    {
        this.slice = slice;
        this.cell = cell;
        this.seed = seed;
    }

    long nextLong()
    {
        final int slot = cell.slot();
        final long tick = slice.tick;
        if (this.slot != slot || this.tick != tick)
        {
            this.slot = slot;
            this.tick = tick;
            state = mix(mix(mix(seed ^ slot) + cell.generation()) + tick);
        }
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * SplitMix64's finaliser (Stafford's variant 13): a bijective 64-bit mix with good avalanche.
     */
    static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
