package io.karyon.engine;

/**
 * The random stream of one cell during bulk set-up ({@link CellInitializer}, {@link EdgeGenerator}): SplitMix64 keyed
 * by (run seed, cohort, index, and whether it is the set-up or the connect stream), so a cell draws the same numbers
 * in every run with the same seed, whatever the number of workers and whichever worker sets it up.
 * <p>
 * A cell's stream is keyed lazily: re-keying costs an add, and the mix that starts the stream is paid by the first
 * draw, so an initializer that draws nothing costs nothing for it (spawning a cohort re-keys for every cell).
 * <p>
 * <b>Note:</b> not threadsafe; each worker has its own, re-keyed for every cell.
 */
public final class SetupRandom
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private long state;
    /** The last stream keyed, -1 before any (streams are >= 0), and its mixed key, which a cell's index is added to. */
    private long stream = -1;
    private long streamKey;
    /** Whether {@link #state} still holds the unmixed key of the cell, to be mixed by the first draw. */
    private boolean unmixed;

    SetupRandom(final long seed)
    {
        this.seed = seed;
    }

    /**
     * Starts the stream of one cell.
     *
     * @param stream which stream: the cohort's number times two, plus one for connecting.
     * @param index  of the cell in its cohort.
     */
    void key(final long stream, final long index)
    {
        if (stream != this.stream)
        {
            streamKey = CellRandom.mix(CellRandom.mix(seed ^ 0x5E7A_5E7A_0000_0001L) + stream);
            this.stream = stream;
        }
        state = streamKey + index;
        unmixed = true;
    }

    /**
     * Next 64 random bits.
     *
     * @return 64 random bits.
     */
    public long nextLong()
    {
        if (unmixed)
        {
            state = CellRandom.mix(state);
            unmixed = false;
        }
        state += GOLDEN_GAMMA;
        return CellRandom.mix(state);
    }

    /**
     * Next value as a double in [0, 1).
     *
     * @return a uniform double in [0, 1).
     */
    public double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Next value as an int in [0, bound), without modulo bias (Lemire's multiply-and-reject).
     *
     * @param bound exclusive upper bound, > 0.
     * @return a uniform int in [0, bound).
     * @throws IllegalArgumentException if bound <= 0.
     */
    public int nextInt(final int bound)
    {
        if (bound <= 0)
        {
            throw new IllegalArgumentException("bound must be > 0: bound=" + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFF_FFFFL;
        if (low < bound)
        {
            final long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold)
            {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFF_FFFFL;
            }
        }
        return (int)(m >>> 32);
    }
}
