package io.karyon.models;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.matrix.Matrix;
import io.karyon.model.CellReduction;
import io.karyon.model.Model;
import io.karyon.model.Observations;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;
import io.karyon.model.StopCondition;
import io.karyon.model.SurveyValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * A {@link Setup} without the runner, so a test can set a model up and then look at its organism (edges, behaviours)
 * between ticks: it records the stop condition and summary values, and ignores observations.
 */
final class DirectSetup implements Setup, Observations, AutoCloseable
{
    private final Parameters parameters;
    private final long cells;
    private final Context context;
    private Organism organism;
    StopCondition stop;
    final Map<String, DoubleSupplier> summary = new LinkedHashMap<>();
    final Map<String, SurveyValue> surveys = new LinkedHashMap<>();
    final List<String> columns = new ArrayList<>();
    final Map<String, CheckpointPart> parts = new LinkedHashMap<>();

    DirectSetup(final Model model, final Map<String, ?> overrides, final long cells, final long seed, final int workers)
    {
        this.parameters = Parameters.of(model.parameters(), overrides);
        this.cells = cells;
        this.context = new Context().seed(seed).workerCount(workers).idleStrategy("backoff").pin(false);
    }

    /**
     * Runs until the stop condition holds or {@code maxTicks} have run.
     *
     * @return the ticks run.
     */
    long run(final long maxTicks)
    {
        return organism.runUntil(maxTicks, (o, tick) -> null != stop && stop.shouldStop(o, tick));
    }

    public Parameters parameters()
    {
        return parameters;
    }

    public long cells()
    {
        return cells;
    }

    public long seed()
    {
        return context.seed();
    }

    public int workers()
    {
        return context.workerCount();
    }

    public Context context()
    {
        if (null != organism)
        {
            throw new IllegalStateException("launched");
        }
        return context;
    }

    public Organism organism()
    {
        if (null == organism)
        {
            organism = Organism.launch(context);
        }
        return organism;
    }

    public Observations observe()
    {
        return this;
    }

    public void stopWhen(final StopCondition condition)
    {
        stop = condition;
    }

    public void summary(final String name, final DoubleSupplier value)
    {
        summary.put(name, value);
    }

    public void summary(final String name, final SurveyValue value)
    {
        surveys.put(name, value);
    }

    public <T extends AutoCloseable> T closeAtEnd(final T resource)
    {
        return resource;
    }

    public void checkpointed(final CheckpointPart part)
    {
        parts.put(part.name(), part);
    }

    public Observations count(final String column, final String behaviour)
    {
        columns.add(column);
        return this;
    }

    public Observations field(
        final String prefix, final CellLayout layout, final String field, final String... behaviours)
    {
        columns.add(prefix);
        return this;
    }

    public Observations histogram(final String prefix, final CellLayout layout, final String field, final double lo,
        final double hi, final int bins, final String... behaviours)
    {
        return this;
    }

    public Observations groupSize(final String column, final int group)
    {
        return this;
    }

    public Observations matrixTotal(final String column, final Matrix matrix, final int substance)
    {
        return this;
    }

    public Observations value(final String column, final DoubleSupplier value)
    {
        return this;
    }

    public Observations value(final String column, final SurveyValue value)
    {
        return this;
    }

    public Observations reduce(final CellReduction reduction)
    {
        return this;
    }

    public Observations snapshotFields(final CellLayout layout, final String... fields)
    {
        return this;
    }

    public Observations snapshotMatrix(final String name, final Matrix matrix, final int substance)
    {
        return this;
    }

    public void close()
    {
        if (null != organism)
        {
            organism.close();
        }
    }
}
