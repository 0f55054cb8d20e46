package io.karyon.model;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Observer}'s matrix totals, which run one per worker when there are several: each is the driver's sum in site
 * order (a loop of {@link Matrix#read}) to the bit, on 1, 2 and 3 workers, with more totals than workers and the same
 * substance twice; and a total the matrix refuses (closed) is refused as the driver's own pass refuses it.
 */
class ObserverTest
{
    private static final int SUBSTANCES = 3;
    private static final int TICKS = 3;

    private static Matrix matrix()
    {
        return Matrix.create(new MatrixConfiguration().grid(37, 23).substances(SUBSTANCES)
            .decayRate(0, 0.01).diffusionRate(0, 0.2)
            .decayRate(1, 0.3).diffusionRate(1, 0.1)
            .diffusionRate(2, 0.05));
    }

    private static Organism launch(final int workers, final Matrix matrix)
    {
        final Organism organism = Organism.launch(new Context().workerCount(workers).idleStrategy("backoff").pin(false)
            .tickPhase(matrix::applyTick));
        matrix.writers(workers);
        // Values of very different sizes, so that any other order of addition gives other bits.
        final SplittableRandom random = new SplittableRandom(7);
        for (long site = 0; site < matrix.sites(); site++)
        {
            for (int k = 0; k < SUBSTANCES; k++)
            {
                matrix.depositDirect(site, k, random.nextDouble() * Math.pow(10, random.nextInt(12)));
            }
        }
        return organism;
    }

    private static RunObservations totals(final Matrix matrix)
    {
        final RunObservations declared = new RunObservations();
        declared.matrixTotal("a", matrix, 0).matrixTotal("b", matrix, 1).matrixTotal("c", matrix, 2)
            .matrixTotal("a_again", matrix, 0);
        return declared;
    }

    private static double siteOrder(final Matrix matrix, final int substance)
    {
        double sum = 0.0;
        for (long site = 0; site < matrix.sites(); site++)
        {
            sum += matrix.read(site, substance);
        }
        return sum;
    }

    private static double[] observe(final int workers)
    {
        try (Matrix matrix = matrix(); Organism organism = launch(workers, matrix))
        {
            organism.run(TICKS);
            final Observer observer = new Observer(totals(matrix), organism);
            final double[] row = new double[observer.columns().length];
            observer.observe(TICKS, row);
            assertEquals("a", observer.columns()[1]);
            for (int k = 0; k < SUBSTANCES; k++)
            {
                assertEquals(Double.doubleToRawLongBits(siteOrder(matrix, k)), Double.doubleToRawLongBits(row[1 + k]),
                    "substance " + k + " on " + workers + " workers");
            }
            assertEquals(Double.doubleToRawLongBits(row[1]), Double.doubleToRawLongBits(row[4]), "a twice");
            return new double[]{ row[1], row[2], row[3], row[4] };
        }
    }

    @Test
    void shouldSumEachTotalInSiteOrderOnAnyNumberOfWorkers()
    {
        final double[] one = observe(1);
        assertArrayEquals(one, observe(2), "1 and 2 workers");
        assertArrayEquals(one, observe(3), "1 and 3 workers");
    }

    @Test
    void shouldRefuseATotalOfAClosedMatrixAsTheDriverDoes()
    {
        final Matrix matrix = matrix();
        try (Organism organism = launch(2, matrix))
        {
            organism.run(1);
            final Observer observer = new Observer(totals(matrix), organism);
            matrix.close();
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> observer.observe(1, new double[observer.columns().length]));
            assertTrue(ex.getMessage().endsWith(": closed"), ex.getMessage());
        }
    }
}
