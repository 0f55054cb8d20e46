package io.karyon.model;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.matrix.Matrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * The {@link Setup} a {@link ModelRun} hands a model: launches the organism on the first {@link #organism()} call,
 * keeps the declared observations, summary values, stop condition and resources to close.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
final class RunSetup implements Setup
{
    private final Parameters parameters;
    private final long cells;
    private final long seed;
    private final Context context;
    private final RunObservations observations = new RunObservations();
    private final Map<String, DoubleSupplier> summary = new LinkedHashMap<>();
    private final List<String> surveyNames = new ArrayList<>();
    private final List<SurveyValue> surveyValues = new ArrayList<>();
    private SurveyPass surveys;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Matrix> matrices = new ArrayList<>();
    private final List<CheckpointPart> parts = new ArrayList<>();
    private final Set<String> reserved;
    private StopCondition stopCondition;
    private Organism organism;

    /**
     * A set-up over a context whose seed is already set; 0 workers are left for {@link Context#conclude()} to
     * resolve.
     *
     * @param reserved summary field names the run itself writes.
     */
    RunSetup(final Parameters parameters, final long cells, final long seed, final Context context,
        final Set<String> reserved)
    {
        this.parameters = parameters;
        this.cells = cells;
        this.seed = seed;
        this.context = context;
        this.reserved = reserved;
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
        if (null != organism)
        {
            return organism.workerCount();
        }
        return context.resolvedWorkerCount();
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
        return observations;
    }

    RunObservations observations()
    {
        return observations;
    }

    /**
     * {@inheritDoc}
     */
    public void stopWhen(final StopCondition condition)
    {
        this.stopCondition = Objects.requireNonNull(condition, "condition");
    }

    StopCondition stopCondition()
    {
        return stopCondition;
    }

    /**
     * {@inheritDoc}
     */
    public void summary(final String name, final DoubleSupplier value)
    {
        Objects.requireNonNull(value, "value");
        checkSummaryName(name);
        summary.put(name, value);
    }

    /**
     * {@inheritDoc}
     */
    public void summary(final String name, final SurveyValue value)
    {
        Objects.requireNonNull(value, "value");
        checkSummaryName(name);
        if (null != surveys)
        {
            throw new IllegalStateException("summary values are declared during set-up only");
        }
        new SurveyPass(new String[]{ name }, new SurveyValue[]{ value });  // its merges checked now, naming it
        final int index = surveyValues.size();
        surveyNames.add(name);
        surveyValues.add(value);
        summary.put(name, () -> surveys.result(index));
    }

    private void checkSummaryName(final String name)
    {
        if (null == name || !name.matches("[a-z][a-z0-9_]*"))
        {
            throw new IllegalArgumentException(
                "summary name must be lower case letters, digits and '_', starting with a letter: '" + name + "'");
        }
        if (reserved.contains(name) || summary.containsKey(name))
        {
            throw new IllegalArgumentException("summary field declared twice or the run's own: " + name);
        }
    }

    /**
     * The walk of the summary's survey values, made once set-up is done; null if the model declared none. The run
     * walks (and, sharded, gathers) it when the ticks are done, before the summary values are read.
     */
    SurveyPass surveys()
    {
        if (null == surveys && !surveyValues.isEmpty())
        {
            surveys = new SurveyPass(surveyNames.toArray(new String[0]), surveyValues.toArray(new SurveyValue[0]));
        }
        return surveys;
    }

    Map<String, DoubleSupplier> summary()
    {
        return summary;
    }

    /**
     * {@inheritDoc}
     */
    public <T extends AutoCloseable> T closeAtEnd(final T resource)
    {
        resources.add(Objects.requireNonNull(resource, "resource"));
        if (resource instanceof Matrix)
        {
            matrices.add((Matrix)resource);
        }
        return resource;
    }

    /**
     * {@inheritDoc}
     */
    public void checkpointed(final CheckpointPart part)
    {
        Objects.requireNonNull(part, "part");
        final String name = part.name();
        if (null == name || !name.matches("[a-z0-9][a-z0-9_-]*") || Checkpointing.isReserved(name))
        {
            throw new IllegalArgumentException("checkpoint part name must be lower case letters, digits, '-' and " +
                "'_', not the run's own (run, observations, matrix...): '" + name + "'");
        }
        for (final CheckpointPart known : parts)
        {
            if (known.name().equals(name))
            {
                throw new IllegalArgumentException("checkpoint part declared twice: " + name);
            }
        }
        parts.add(part);
    }

    /**
     * The model's own checkpoint parts, in order of declaration.
     */
    List<CheckpointPart> parts()
    {
        return parts;
    }

    /**
     * The matrices the run closes at its end, in order: each is a part of every checkpoint.
     */
    List<Matrix> matrices()
    {
        return matrices;
    }

    /**
     * Closes the organism, then the resources in reverse order of registration.
     *
     * @return the first failure, or null.
     */
    Exception close()
    {
        Exception failure = null;
        try
        {
            if (null != organism)
            {
                organism.close();
            }
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            try
            {
                resources.get(i).close();
            }
            catch (final Exception ex)
            {
                failure = null == failure ? ex : failure;
            }
        }
        return failure;
    }
}
