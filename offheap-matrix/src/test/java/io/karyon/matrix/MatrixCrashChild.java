package io.karyon.matrix;

import java.io.File;
import java.util.SplittableRandom;

/**
 * The writer process of {@link MatrixCrashTest}: ticks a persisted matrix forever, every deposit made to all four
 * substances of a site alike, so every whole record has four equal values. Prints "tick N" as it goes.
 */
public final class MatrixCrashChild
{
    static final int SUBSTANCES = 4;

    private MatrixCrashChild()
    {
    }

    static MatrixConfiguration configuration()
    {
        final MatrixConfiguration configuration = new MatrixConfiguration().grid(300, 200).substances(SUBSTANCES);
        for (int k = 0; k < SUBSTANCES; k++)
        {
            configuration.decayRate(k, 0.001).diffusionRate(k, 0.2);
        }
        return configuration;
    }

    /**
     * Entry point.
     *
     * @param args the matrix file.
     */
    public static void main(final String[] args)
    {
        final Matrix matrix = Matrix.createPersistedTo(new File(args[0]), configuration());
        final MatrixWriter writer = matrix.writers(1)[0];
        final SplittableRandom random = new SplittableRandom(3);
        for (long tick = 0; ; tick++)
        {
            for (int i = 0; i < 1000; i++)
            {
                final long site = random.nextLong(matrix.sites());
                final double amount = random.nextDouble();
                for (int k = 0; k < SUBSTANCES; k++)
                {
                    writer.deposit(site, k, amount, i);
                }
            }
            matrix.applyTick(0, 1, tick);
            System.out.println("tick " + tick);
            System.out.flush();
        }
    }
}
