package io.karyon.model;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.engine.checkpoint.CheckpointPart;

import java.util.function.DoubleSupplier;

/**
 * What {@link Model#setUp(Setup)} gets for one run: the resolved parameters and run settings, the engine's
 * {@link Context} (until the organism is launched), the {@link Organism}, and where to declare observations, summary
 * values and the stop condition.
 * <p>
 * <b>Note:</b> valid only during {@link Model#setUp(Setup)}, on the driver thread; what it hands out (the organism,
 * the declared observations) lives for the whole run.
 */
public interface Setup
{
    /**
     * The parameters' values for this run.
     *
     * @return the values.
     */
    Parameters parameters();

    /**
     * Cells the run asks for ({@code --cells}, a scenario's {@code run.cells}, or {@link Model#defaultCells()}).
     *
     * @return the population size to create.
     */
    long cells();

    /**
     * The run's seed (also the organism's: {@link Context#seed()}).
     *
     * @return the seed.
     */
    long seed();

    /**
     * Workers the organism runs with (resolved: never 0).
     *
     * @return the worker count.
     */
    int workers();

    /**
     * The engine's settings for this run, with seed and workers already set: a model may change what its cells need
     * (state length, a tick phase for a matrix) before calling {@link #organism()} for the first time.
     *
     * @return the context.
     * @throws IllegalStateException once the organism is launched.
     */
    Context context();

    /**
     * The run's organism, launched from {@link #context()} on the first call.
     *
     * @return the organism.
     */
    Organism organism();

    /**
     * Where the model declares what is observed: columns of {@code timeseries.csv} (after {@code tick}, in the order
     * declared, before the engine's own) and snapshots.
     *
     * @return the observations of this run.
     */
    Observations observe();

    /**
     * Ends the run when a condition holds, asked after every tick; without one the run lasts its ticks.
     *
     * @param condition the stop condition.
     */
    void stopWhen(StopCondition condition);

    /**
     * Adds a number to {@code summary.json} (and the {@code --json} line), read once when the run ends; a whole
     * number (a count, a tick) is written as an integer.
     *
     * @param name  of the field: lower case, digits and '_'.
     * @param value read at the end.
     */
    void summary(String name, DoubleSupplier value);

    /**
     * Adds the model's own value over every live cell to {@code summary.json}, computed when the run ends from
     * partials merged in a fixed order (see {@link SurveyValue}): the same bits for any number of workers and, gathered
     * by shard 0, of shards. The way to summarise what a {@link DoubleSupplier} would compute with
     * {@link Organism#survey}, which a sharded run refuses from the driver.
     *
     * @param name  of the field: lower case, digits and '_'.
     * @param value its partials and finish.
     */
    void summary(String name, SurveyValue value);

    /**
     * Has a resource (a matrix) closed when the run ends, after the organism, in reverse order of registration.
     *
     * @param resource to close.
     * @param <T>      its type.
     * @return the resource.
     */
    <T extends AutoCloseable> T closeAtEnd(T resource);

    /**
     * Has state the model keeps on the driver (outside the cells and the matrix: a peak so far, the tick something
     * happened) saved in every checkpoint of the run and read back when a run resumes from one, after the set-up (so
     * the part reads into what set-up created). The cells, the organism's own state and a matrix passed to
     * {@link #closeAtEnd(AutoCloseable)} are saved without this.
     *
     * @param part its name: lower case letters, digits, '-' and '_', not the run's own ("run", "observations",
     *             "matrix", "matrix-2", ...).
     * @throws IllegalArgumentException for a bad or repeated name.
     */
    void checkpointed(CheckpointPart part);
}
