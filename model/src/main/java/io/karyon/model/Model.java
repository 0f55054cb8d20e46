package io.karyon.model;

import io.karyon.engine.MemoryEstimate;

import java.util.List;

/**
 * A simulation that {@code karyon run NAME} (or a scenario file naming it) runs: it names itself, declares its
 * parameters, and sets each run up. Found with {@link java.util.ServiceLoader}: built-in models, and those in jars on
 * {@code --classpath} that list their class in {@code META-INF/services/io.karyon.model.Model}. Needs a public
 * no-argument constructor.
 * <p>
 * <b>Note:</b> one instance may serve several runs, one after another: keep per-run state in what
 * {@link #setUp(Setup)} creates (behaviours, arrays), not in fields of the model.
 */
public interface Model
{
    /**
     * The model's name, as given to {@code karyon run}: lower case, digits, '-' and '_'.
     *
     * @return the name.
     */
    String name();

    /**
     * One line on what the model simulates, for {@code karyon models}.
     *
     * @return the description.
     */
    String description();

    /**
     * The parameters a run may set ({@code --set NAME=VALUE}, a scenario's {@code [parameters]}), with defaults.
     *
     * @return the parameters, in the order {@code karyon models} lists them.
     */
    List<Parameter> parameters();

    /**
     * Cells the model starts with when a run does not say ({@code --cells}).
     *
     * @return the default population.
     */
    default long defaultCells()
    {
        return 1_000_000;
    }

    /**
     * Ticks a run lasts when it does not say ({@code --ticks}); a model with a stop condition may run longer ones.
     *
     * @return the default number of ticks, >= 1.
     */
    default long defaultTicks()
    {
        return 200;
    }

    /**
     * Adds to a run's memory estimate what the model will need off the heap besides its cells (the run adds
     * {@code cells} itself): its state length if it changes the context's, supervisors, a matrix. A run whose estimate
     * passes the memory budget ({@code --max-memory}) is refused before set-up, with one line. By default nothing.
     *
     * @param parameters of the run, checked.
     * @param cells      the run starts with.
     * @param estimate   to add to.
     */
    default void estimateMemory(final Parameters parameters, final long cells, final MemoryEstimate estimate)
    {
    }

    /**
     * Sets one run up: the context (before the organism is launched), behaviours, genotypes, the population, matrix
     * substances, groups and supervisors, observations, summary values and the stop condition.
     *
     * @param setup of this run.
     * @throws Exception a model that fails to set up fails the run with its message (exit 1).
     */
    void setUp(Setup setup) throws Exception;
}
