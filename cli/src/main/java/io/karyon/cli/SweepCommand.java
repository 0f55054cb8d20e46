package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karyon.engine.Organism;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.Parameter;
import io.karyon.model.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code karyon sweep}: runs every combination of the varied parameters' values times every seed, each as its own
 * {@code karyon run} process, {@code --parallel} at a time on disjoint shares of the CPUs; writes {@code runs.csv} and
 * a folder per run under {@code --out}; running the same command again skips the runs already finished.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
        "Runs a model for every combination of --vary values and every seed, each run its own process, --parallel at " +
            "a time, each pinned to its own share of the CPUs (physical cores first).",
        "Writes DIR/runs.csv (a row per run: the varied parameters, seed, status, digest, the summary's numbers, " +
            "seconds) and DIR/runs/<run>/; again with the same --out, runs already finished are skipped.",
        "Exit 0 when every run succeeded, 1 when any failed (each is in runs.csv, its stderr in its folder)."
    })
public final class SweepCommand implements Callable<Integer>
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO|MODEL",
        description = "a model's name or a scenario file (FILE.toml), as karyon run takes them (default: " +
            RunCommand.DEFAULT_MODEL + ")")
    String target;

    @Option(names = "--vary", paramLabel = "NAME=V1,V2,...|NAME=A:B:N",
        description = "a parameter's values: a list, or N values from A to B inclusive (integers for an integer " +
            "parameter); repeat for more parameters")
    List<String> vary = new ArrayList<>();

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "a parameter for every run; repeatable")
    List<String> set = new ArrayList<>();

    @Option(names = "--seeds", paramLabel = "N", description = "seeds 1..N for each combination (default: 1)")
    Integer seeds;

    @Option(names = "--seed-list", paramLabel = "S1,S2,...", description = "these seeds instead of 1..N")
    String seedList;

    @Option(names = "--parallel", paramLabel = "P", description = "runs at once (default: ${DEFAULT-VALUE})")
    int parallel = 1;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "the sweep's folder")
    Path out;

    @Option(names = "--cells", paramLabel = "N", description = "cells of every run (default: the model's)")
    Long cells;

    @Option(names = "--ticks", paramLabel = "N", description = "ticks of every run (default: the model's)")
    Long ticks;

    @Option(names = ModelDiscovery.CLASSPATH_OPTION, paramLabel = "PATH",
        description = "more jars and folders of models, passed to each run (default: $" +
            ModelDiscovery.CLASSPATH_ENV + ")")
    String classpath;

    @Option(names = "--quiet", description = "no progress on stderr (failed runs are still named)")
    boolean quiet;

    /** The main class each run is started with; tests put a stand-in here. */
    String mainClass = Karyon.class.getName();

    /**
     * {@inheritDoc}
     */
    public Integer call() throws IOException, InterruptedException
    {
        Cli.range(spec, "--parallel", parallel, 1, 4096);
        if (null != cells)
        {
            Cli.range(spec, "--cells", cells, 1, Long.MAX_VALUE);
        }
        if (null != ticks)
        {
            Cli.range(spec, "--ticks", ticks, 0, Long.MAX_VALUE);
        }
        final SweepTarget sweepTarget = target();
        final SweepPlan plan;
        final List<String> fixed = new ArrayList<>();
        try
        {
            final List<SweepPlan.Axis> axes = new ArrayList<>();
            final Set<String> names = new HashSet<>();
            for (final String text : vary)
            {
                final SweepPlan.Axis axis = SweepPlan.axis(text, sweepTarget.parameters(), sweepTarget.description());
                if (!names.add(axis.name()))
                {
                    throw new IllegalArgumentException("--vary " + text + ": " + axis.name() + " is varied twice");
                }
                axes.add(axis);
            }
            fixed.addAll(fixedArguments(sweepTarget, names));
            plan = new SweepPlan(axes, SweepPlan.seeds(seeds, seedList));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        prepareOut(fixed);
        final SweepCpuShares shares = SweepCpuShares.share(SweepCpuShares.coresOf(Organism.machine()), parallel);
        final SweepRunner runner = new SweepRunner(plan, sweepTarget, fixed, shares, out,
            SweepRunner.launcherOf(mainClass), spec.commandLine().getErr(), quiet);
        final long startNs = System.nanoTime();
        final int failed = runner.run();
        final int total = plan.runs().size();
        spec.commandLine().getOut().printf("karyon sweep: %d run(s), %d ok, %d failed, in %s: %s%n", total,
            total - failed, failed, SweepRunner.clock((System.nanoTime() - startNs) / 1e9),
            out.resolve(SweepTable.FILE));
        spec.commandLine().getOut().flush();
        return 0 == failed ? Cli.EXIT_OK : Cli.EXIT_FAILURE;
    }

    /**
     * What the runs run, found as {@code karyon run} finds it (a scenario file's model, a model of the class path or
     * of {@code --classpath}, the ring of the engine's Tissue while no ring model is built in); checked here, before
     * anything starts.
     */
    private SweepTarget target()
    {
        final ModelCatalog catalog = ModelDiscovery.catalog(classpath);
        final boolean file = null != target && target.toLowerCase(Locale.ROOT).endsWith(".toml");
        final Scenario scenario = file ? Scenario.read(Path.of(target)) : null;
        final String name = null != scenario ? scenario.model().orElse(defaultModel(catalog)) :
            null != target ? target : defaultModel(catalog);
        if (null == name || RunCommand.RING.equals(name) && !has(catalog, RunCommand.RING))
        {
            if (null != scenario || null != classpath)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "the ring runs without a model (no " +
                    "ring model is on the class path): sweep it by name, without a scenario file or --classpath");
            }
            return SweepTarget.builtInRun();
        }
        final Model model;
        try
        {
            model = catalog.find(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        final Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (final Parameter parameter : model.parameters())
        {
            parameters.put(parameter.name(), parameter);
        }
        final List<String> head = new ArrayList<>();
        head.add(null != scenario ? Path.of(target).toAbsolutePath().toString() : name);
        if (null != classpath)
        {
            head.addAll(List.of(ModelDiscovery.CLASSPATH_OPTION, classpath));
        }
        return new SweepTarget("model " + name, parameters, head, true, true);
    }

    private static String defaultModel(final ModelCatalog catalog)
    {
        return has(catalog, RunCommand.DEFAULT_MODEL) ? RunCommand.DEFAULT_MODEL :
            has(catalog, RunCommand.RING) ? RunCommand.RING : null;
    }

    private static boolean has(final ModelCatalog catalog, final String name)
    {
        for (final Model model : catalog.models())
        {
            if (model.name().equals(name))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The arguments every run gets: cells, ticks, and the --set parameters, each checked.
     */
    private List<String> fixedArguments(final SweepTarget sweepTarget, final Set<String> varied)
    {
        final List<String> fixed = new ArrayList<>();
        if (null != cells)
        {
            fixed.addAll(List.of("--cells", Long.toString(cells)));
        }
        if (null != ticks)
        {
            fixed.addAll(List.of("--ticks", Long.toString(ticks)));
        }
        final Set<String> names = new HashSet<>();
        for (final String text : set)
        {
            final int equals = text.indexOf('=');
            final String name = equals < 0 ? "" : text.substring(0, equals).strip();
            if (name.isEmpty())
            {
                throw new IllegalArgumentException("--set " + text + ": expected NAME=VALUE");
            }
            final Parameter parameter = sweepTarget.parameters().get(name);
            if (null == parameter)
            {
                throw new IllegalArgumentException("--set " + text + ": " + sweepTarget.description() +
                    " has no parameter " + name + "; known: " + String.join(", ", sweepTarget.parameters().keySet()));
            }
            if (varied.contains(name) || !names.add(name))
            {
                throw new IllegalArgumentException("--set " + text + ": " + name + " is also " +
                    (varied.contains(name) ? "varied" : "set") + "; give it once");
            }
            final String value = text.substring(equals + 1).strip();
            try
            {
                parameter.parse(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("--set " + text + ": " + ex.getMessage());
            }
            fixed.addAll(sweepTarget.parameterArguments(name, value));
        }
        return fixed;
    }

    /**
     * Creates the sweep's folder and records what every run shares; a folder of a sweep with other settings is
     * refused, so that its finished runs are never taken for this sweep's.
     */
    private void prepareOut(final List<String> fixed)
    {
        final ObjectNode settings = MAPPER.createObjectNode().put("target", target)
            .put("classpath", classpath);
        fixed.forEach(settings.putArray("arguments")::add);
        final Path file = out.resolve("sweep.json");
        try
        {
            Files.createDirectories(out);
            if (Files.exists(file))
            {
                final JsonNode before = MAPPER.readTree(file.toFile());
                if (!settings.equals(before))
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out +
                        " holds a sweep with other settings (" + before + "), not " + settings +
                        ": give another --out");
                }
            }
            SweepRunner.writeAtomically(file, settings.toPrettyString() + "\n");
        }
        catch (final IOException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--out " + out + ": cannot write the sweep's folder: " + ex);
        }
    }
}
