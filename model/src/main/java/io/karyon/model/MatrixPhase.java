package io.karyon.model;

import io.karyon.engine.ShardedTickPhase;
import io.karyon.matrix.Matrix;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A matrix's tick as the engine's tick phase ({@code context.tickPhase(MatrixPhase.of(matrix))}): in one process it
 * is {@link Matrix#applyTick(int, int, long)} and nothing more; in a sharded run it also ships, between the shards,
 * the deposits their writers buffered for each other's parts and each part as its phase left it (see
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
        return matrix.exportDeposits(writer, part, out, offset);
    }

    /**
     * {@inheritDoc}
     */
    public int takeDeposits(final int writer, final int part, final DirectBuffer in, final int offset)
    {
        return matrix.importDeposits(writer, part, in, offset);
    }

    /**
     * {@inheritDoc}
     */
    public int putPart(final int part, final MutableDirectBuffer out, final int offset)
    {
        return matrix.exportPart(part, out, offset);
    }

    /**
     * {@inheritDoc}
     */
    public int takePart(final int part, final DirectBuffer in, final int offset)
    {
        return matrix.importPart(part, in, offset);
    }

    /**
     * {@inheritDoc}
     */
    public void dropDeposits(final int part)
    {
        matrix.dropDeposits(part);
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
