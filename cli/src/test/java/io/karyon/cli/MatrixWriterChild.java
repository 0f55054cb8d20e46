package io.karyon.cli;

import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.matrix.MatrixWriter;

import java.io.File;

/**
 * The writer process of {@link MatrixCommandTest}: ticks a persisted matrix until killed, printing "tick N".
 */
public final class MatrixWriterChild
{
    private MatrixWriterChild()
    {
    }

    /**
     * Entry point.
     *
     * @param args the matrix file.
     */
    public static void main(final String[] args)
    {
        final Matrix matrix = Matrix.createPersistedTo(
            new File(args[0]), new MatrixConfiguration().grid(40, 30).substances(2).diffusionRate(0, 0.1));
        final MatrixWriter writer = matrix.writers(1)[0];
        for (long tick = 0; ; tick++)
        {
            writer.deposit(tick % 1200, 0, 1.0, 0);
            matrix.applyTick(0, 1, tick);
            System.out.println("tick " + tick);
            System.out.flush();
        }
    }
}
