package io.karyon.model;

import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.matrix.Matrix;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A matrix as a checkpoint part: its values and the deposits not yet applied ({@link Matrix#writeState}).
 * <p>
 * <b>Note:</b> not threadsafe; between ticks, on the driver.
 */
final class MatrixPart implements CheckpointPart
{
    private final String name;
    private final Matrix matrix;

    /**
     * The part of the run's matrix at an index: "matrix" for the first, then "matrix-2", "matrix-3"...
     */
    MatrixPart(final int index, final Matrix matrix)
    {
        this.name = 0 == index ? Checkpointing.MATRIX : Checkpointing.MATRIX + "-" + (index + 1);
        this.matrix = matrix;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return name;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final DataOutput out) throws IOException
    {
        matrix.writeState(out);
    }

    /**
     * {@inheritDoc}
     */
    public void read(final DataInput in) throws IOException
    {
        matrix.readState(in);
    }
}
