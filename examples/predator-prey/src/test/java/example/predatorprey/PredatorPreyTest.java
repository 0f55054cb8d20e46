package example.predatorprey;

import io.karyon.engine.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PredatorPreyTest
{
    private static final PredatorPrey.Parameters DEFAULTS = PredatorPrey.Parameters.defaults();

    private static Context context(final int workers)
    {
        return new Context().seed(11).workerCount(workers).idleStrategy("backoff").pin(false);
    }

    @Test
    void shouldRunTheSameOnOneWorkerAsOnTwo()
    {
        final long[][] oneWorker = run(1);
        final long[][] twoWorkers = run(2);

        assertArrayEquals(oneWorker[0], twoWorkers[0], "prey, predators, digest");
        assertArrayEquals(oneWorker[1], twoWorkers[1], "prey per patch");
        assertArrayEquals(oneWorker[2], twoWorkers[2], "predators per patch");
    }

    private static long[][] run(final int workers)
    {
        try (PredatorPrey model = new PredatorPrey(context(workers), DEFAULTS))
        {
            assertEquals(workers, model.workerCount());
            model.run(300);
            final long[] prey = new long[DEFAULTS.patches()];
            final long[] predators = new long[DEFAULTS.patches()];
            for (int i = 0; i < prey.length; i++)
            {
                prey[i] = model.prey(i);
                predators[i] = model.predators(i);
            }
            return new long[][] { { model.prey(), model.predators(), model.digest() }, prey, predators };
        }
    }

    @Test
    void shouldKeepBothKindsAliveWithPreyNearTheLotkaVolterraEquilibrium()
    {
        // Predators neither grow nor shrink where a predator's catches feed as many births as it has deaths:
        // prey x* = predatorDeath / (conversion * predation) per patch (33 with the defaults).
        final double equilibrium = DEFAULTS.predatorDeath() / (DEFAULTS.conversion() * DEFAULTS.predation());
        try (PredatorPrey model = new PredatorPrey(context(2), DEFAULTS))
        {
            double preySum = 0;
            int samples = 0;
            for (int tick = 1; tick <= 600; tick++)
            {
                model.run(1);
                assertTrue(model.prey() > 0 && model.predators() > 0, "both kinds alive at tick " + tick);
                for (int i = 0; i < DEFAULTS.patches(); i++)
                {
                    assertTrue(model.prey(i) <= 2 * DEFAULTS.capacity(), "patch " + i + " tick " + tick);
                }
                if (tick > 200)
                {
                    preySum += (double)model.prey() / DEFAULTS.patches();
                    samples++;
                }
            }
            final double meanPrey = preySum / samples;
            assertTrue(meanPrey > 0.75 * equilibrium && meanPrey < 1.5 * equilibrium,
                "mean prey per patch " + meanPrey + " against x* = " + equilibrium);
            assertTrue(model.stats().delivered() > 0, "migrants travel as messages");
        }
    }

    @Test
    void shouldNeitherLoseNorMakeAnimalsThatOnlyMigrate()
    {
        final PredatorPrey.Parameters walkers = new PredatorPrey.Parameters(
            32, 200, 0.0, 0.0, 0.0, 0.0, 0.5, 0.25, 0, 0);
        try (PredatorPrey model = new PredatorPrey(context(2), walkers))
        {
            model.populate(0, 1000, 100);
            for (int tick = 1; tick <= 100; tick++)
            {
                model.run(1);
                assertEquals(1000, model.prey(), "prey at tick " + tick);
                assertEquals(100, model.predators(), "predators at tick " + tick);
            }
            int occupied = 0;
            for (int i = 0; i < walkers.patches(); i++)
            {
                occupied += model.prey(i) > 0 ? 1 : 0;
            }
            assertTrue(model.prey(0) < 500 && occupied >= 10, "spread: " + occupied + " patches, " + model.prey(0));
            assertEquals(0, model.stats().deadLetters());
        }
    }
}
