package io.karyon.model;

import io.karyon.engine.ShardedTickPhase;
import io.karyon.matrix.Matrix;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A matrix's tick as the engine's tick phase ({@code context.tickPhase(MatrixPhase.of(matrix))}): in one process it
 * is {@link Matrix#applyTick(int, int, long)} and nothing more; in a sharded run it also ships, between the shards,
 * the deposits their writers buffered for each other's parts and each part as its phase left it, or with a
 * {@link #reach(int)} only the halos each shard needs (see
 * {@link ShardedTickPhase} and {@code docs/spec/shards.md}, "The matrix").
 * <p>
 * <b>Note:</b> as {@link Matrix}'s tick phases: every worker runs its own part at once; the rest is called by one
 * thread while the workers wait.
 */
public final class MatrixPhase implements ShardedTickPhase
{
    private final Matrix matrix;

    private MatrixPhase(final Matrix matrix)
    {
        this.matrix = matrix;
    }

    /**
     * The tick phase of a matrix.
     *
     * @param matrix whose {@link Matrix#writers(int)} the model sets up for the organism's workers.
     * @return the phase.
     */
    public static MatrixPhase of(final Matrix matrix)
    {
        if (null == matrix)
        {
            throw new NullPointerException("matrix");
        }
        return new MatrixPhase(matrix);
    }

    /**
     * Declares how far the cells of each worker read and deposit around its part's range of sites, in rows (see
     * {@link Matrix#reach(int)}): a sharded run then ships and holds only those halos instead of every part's range.
     * Without it, every shard holds the whole matrix.
     *
     * @param rows 0 (1 if some substance diffuses) to the grid's rows - 1.
     * @return this.
     * @throws IllegalArgumentException naming the bad value (see {@link Matrix#reach(int)}).
     */
    public MatrixPhase reach(final int rows)
    {
        matrix.reach(rows);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public void run(final int worker, final int workers, final long tick)
    {
        matrix.applyTick(worker, workers, tick);
    }

    /**
     * {@inheritDoc}
     */
    public String unshardable()
    {
        return matrix.unshardable();
    }

    /**
     * {@inheritDoc}
     */
    public int putDeposits(final int writer, final int part, final MutableDirectBuffer out, final int offset)
    {
        return matrix.shards().exportDeposits(writer, part, out, offset);
    }

    /**
     * {@inheritDoc}
     */
    public int takeDeposits(final int writer, final int part, final DirectBuffer in, final int offset)
    {
        return matrix.shards().importDeposits(writer, part, in, offset);
    }

    /**
     * {@inheritDoc}
     */
    public void holdParts(final int firstPart, final int endPart)
    {
        matrix.shards().holdOnly(firstPart, endPart);
    }

    /**
     * {@inheritDoc}
     */
    public int putPart(final int part, final int toFirstPart, final int toEndPart, final MutableDirectBuffer out,
        final int offset)
    {
        return matrix.shards().exportPart(part, toFirstPart, toEndPart, out, offset);
    }

    /**
     * {@inheritDoc}
     */
    public int takePart(final int part, final DirectBuffer in, final int offset)
    {
        return matrix.shards().importPart(part, in, offset);
    }

    /**
     * {@inheritDoc}
     */
    public void dropDeposits(final int part)
    {
        matrix.shards().dropDeposits(part);
    }

    /**
     * The matrix.
     *
     * @return it.
     */
    public Matrix matrix()
    {
        return matrix;
    }
}
