package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.matrix.Matrix;
import io.karyon.model.CellReduction;
import io.karyon.model.ModelException;
import io.karyon.model.Observations;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;
import io.karyon.model.StopCondition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * What a model sets itself up through on one shard of a sharded run: every shard runs the same set-up with the same
 * settings, so the driver's spawns give the same handles everywhere, and each shard's workers go on with their own
 * families. What this first version of sharding cannot do yet is refused with one line (exit 2) rather than run
 * wrongly: a stop condition, checkpoint parts. The matrix is split between the shards by its tick phase
 * ({@code MatrixPhase}). Observations are taken note of, not gathered: a sharded run reports its digest.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
final class ShardSetup implements Setup, Observations
{
    private final String model;
    private final Parameters parameters;
    private final long cells;
    private final long seed;
    private final Context context;
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
    private final List<String> observed = new ArrayList<>();
    private Organism organism;

    ShardSetup(final String model, final Parameters parameters, final long cells, final long seed,
        final Context context)
    {
        this.model = model;
        this.parameters = parameters;
        this.cells = cells;
        this.seed = seed;
        this.context = context;
    }

    /**
     * {@inheritDoc}
     */
    public Parameters parameters()
    {
        return parameters;
    }

    /**
     * {@inheritDoc}
     */
    public long cells()
    {
        return cells;
    }

    /**
     * {@inheritDoc}
     */
    public long seed()
    {
        return seed;
    }

    /**
     * {@inheritDoc}
     */
    public int workers()
    {
        return context.workerCount();
    }

    /**
     * {@inheritDoc}
     */
    public Context context()
    {
        if (null != organism)
        {
            throw new IllegalStateException("the organism is launched: change the context before calling organism()");
        }
        return context;
    }

    /**
     * {@inheritDoc}
     */
    public Organism organism()
    {
        if (null == organism)
        {
            organism = Organism.launch(context);
        }
        return organism;
    }

    /**
     * The organism if launched, else null.
     */
    Organism launched()
    {
        return organism;
    }

    /**
     * {@inheritDoc}
     */
    public Observations observe()
    {
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public void stopWhen(final StopCondition condition)
    {
        throw refuse("a stop condition");
    }

    /**
     * {@inheritDoc}
     */
    public void summary(final String name, final DoubleSupplier value)
    {
        observed.add(name);
    }

    /**
     * {@inheritDoc}
     */
    public <T extends AutoCloseable> T closeAtEnd(final T resource)
    {
        closeAtEnd.add(resource);
        return resource;
    }

    /**
     * {@inheritDoc}
     */
    public void checkpointed(final CheckpointPart part)
    {
        throw refuse("checkpoint parts");
    }

    /**
     * The resources the model asked to close at the end, last first.
     */
    List<AutoCloseable> toClose()
    {
        return closeAtEnd;
    }

    /**
     * The columns the model declared, not gathered in a sharded run.
     */
    List<String> observed()
    {
        return observed;
    }

    /**
     * {@inheritDoc}
     */
    public Observations count(final String column, final String behaviour)
    {
        observed.add(column);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations field(final String prefix, final CellLayout layout, final String field,
        final String... behaviours)
    {
        observed.add(prefix);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations histogram(final String prefix, final CellLayout layout, final String field, final double lo,
        final double hi, final int bins, final String... behaviours)
    {
        observed.add(prefix);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations groupSize(final String column, final int group)
    {
        observed.add(column);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations matrixTotal(final String column, final Matrix matrix, final int substance)
    {
        observed.add(column);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations value(final String column, final DoubleSupplier value)
    {
        observed.add(column);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations reduce(final CellReduction reduction)
    {
        observed.add(String.join(",", reduction.columns()));
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations snapshotFields(final CellLayout layout, final String... fields)
    {
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations snapshotMatrix(final String name, final Matrix matrix, final int substance)
    {
        return this;
    }

    private ModelException refuse(final String what)
    {
        return new ModelException("model " + model + " uses " + what + ", which a sharded run (--shards) does not " +
            "support yet: run it in one process", ModelException.EXIT_USAGE, null);
    }
}
