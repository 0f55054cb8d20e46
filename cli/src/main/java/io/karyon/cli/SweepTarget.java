package io.karyon.cli;

import io.karyon.model.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sweep runs, and how a run's command line says it: the parameters it may vary or set (checked before anything
 * starts), the words after {@code karyon run} that name the target, how one parameter is given, and whether the run
 * writes its own folder ({@code --out}).
 *
 * @param description names the target in messages, e.g. "model sir".
 * @param parameters  the target's parameters, by name, in declared order.
 * @param head        words after {@code run}: the model or scenario, {@code --classpath}.
 * @param setStyle    true: {@code --set NAME=VALUE}; false: {@code --NAME VALUE} (the run's own options).
 * @param writesOut   whether the run takes {@code --out DIR} and writes its summary.json there.
 */
record SweepTarget(
    String description, Map<String, Parameter> parameters, List<String> head, boolean setStyle, boolean writesOut)
{
    /**
     * The ring of the engine's Tissue, which {@code karyon run ring} runs without a model while no ring model is on
     * the class path: its supervision options are its parameters.
     *
     * @return the target.
     */
    static SweepTarget builtInRun()
    {
        final Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (final Parameter parameter : List.of(
            Parameter.integer("supervisors", 0, 0, Integer.MAX_VALUE, "supervisors of the founders (0: none)"),
            Parameter.integer("fanout", 100, 1, (1 << 20) - 1, "supervisors under each top-level supervisor"),
            Parameter.integer("intensity", 100, 0, (1 << 20) - 1, "restarts a supervisor allows within the period"),
            Parameter.integer("period", 10, 1, Long.MAX_VALUE, "the intensity's window in ticks"),
            Parameter.text("strategy", "one_for_one", "the supervisors' strategy",
                "one_for_one", "one_for_all", "rest_for_one"),
            Parameter.text("restart", "permanent", "founders' restart type", "permanent", "transient", "temporary")))
        {
            parameters.put(parameter.name(), parameter);
        }
        return new SweepTarget("karyon run ring", parameters, List.of(RunCommand.RING), false, false);
    }

    /**
     * The arguments that give one parameter to a run.
     *
     * @param name  of the parameter.
     * @param value as text.
     * @return e.g. {@code ["--set", "beta=0.02"]}.
     */
    List<String> parameterArguments(final String name, final String value)
    {
        return setStyle ? List.of("--set", name + "=" + value) : List.of("--" + name, value);
    }
}
