package io.karyon.models;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.matrix.Matrix;
import io.karyon.model.Parameters;

import java.util.Map;

/**
 * A tissue run without the runner, so that a test can look at the organism and the matrix after every tick.
 */
final class TissueHarness implements AutoCloseable
{
    final TissueSettings settings;
    final Matrix matrix;
    final Organism organism;
    final TissueWorld world;

    TissueHarness(final Map<String, ?> overrides, final long cells, final long seed, final int workers)
    {
        settings = new TissueSettings(Parameters.of(new Tissue().parameters(), overrides), cells);
        matrix = TissueWorld.matrix(settings);
        final Context context = new Context().seed(seed).workerCount(workers).idleStrategy("backoff").pin(false);
        TissueWorld.configure(context, settings, matrix);
        organism = Organism.launch(context);
        world = TissueWorld.build(settings, matrix, organism);
    }

    double total(final int substance)
    {
        return TissueCensus.total(matrix, substance);
    }

    public void close()
    {
        organism.close();
        matrix.close();
    }
}
