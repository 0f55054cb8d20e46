package io.karyon.cli;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.numa.BindType;
import picocli.CommandLine;
import picocli.CommandLine.Option;


/**
 * The worker options every command that runs an organism takes: how many, how they idle, whether they are pinned.
 * Their defaults are the {@code karyon.scheduler.*} properties ({@link ConfigurationDefaults}).
 */
public final class WorkerOptions
{
    @Option(names = ConfigurationDefaults.WORKERS, paramLabel = "N",
        description = "workers, 0 for one per physical core this process may run on (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = ConfigurationDefaults.IDLE, paramLabel = "NAME",
        description = "what an idle worker does: spin, backoff, yield or sleep (default: ${DEFAULT-VALUE})")
    String idle;

    // arity 0..1 with a fallback: a plain boolean flag whose default is true would be toggled to false by picocli.
    @Option(names = ConfigurationDefaults.NO_PIN, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
        description = "do not pin workers to CPUs; --no-pin=false pins them whatever the property says " +
            "(default: ${DEFAULT-VALUE})")
    boolean noPin;

    @Option(names = ConfigurationDefaults.POLICY, paramLabel = "TYPE",
        description = "how workers are bound to CPUs, as erl +sbt: u, ns, ts, ps, s, nnts, nnps or tnnps " +
            "(default: ${DEFAULT-VALUE})")
    String policy;

    @Option(names = "--cpus", paramLabel = "LIST",
        description = "pin the workers to these CPUs only, e.g. 0-3,6 (not with --no-pin); --workers " +
            "defaults to their number")
    String cpus;

    private int[] cpuList;

    /**
     * Checks the options.
     *
     * @param spec of the command, for the error.
     * @throws CommandLine.ParameterException naming the bad option and value.
     */
    public void check(final CommandLine.Model.CommandSpec spec)
    {
        Cli.range(spec, ConfigurationDefaults.WORKERS, workers, 0, Context.MAX_WORKERS);
        Cli.idleStrategy(spec, ConfigurationDefaults.IDLE, idle);
        bindType(spec);
        if (noPin && given(spec, ConfigurationDefaults.NO_PIN))
        {
            // Each would be ignored, or would contradict --no-pin: refused rather than silently dropped.
            for (final String pinning : new String[]{ ConfigurationDefaults.POLICY, "--cpus" })
            {
                if (given(spec, pinning))
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" +
                        pinning + "': it says where pinned workers go, and --no-pin leaves them unpinned: give one " +
                        "or the other");
                }
            }
        }
        if (null != cpus)
        {
            try
            {
                cpuList = CpuList.parse(cpus, Organism.machine().allowedCpus());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--cpus': " + ex.getMessage());
            }
            if (workers > cpuList.length)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" +
                    ConfigurationDefaults.WORKERS + "': more workers than the " + cpuList.length +
                    " CPU(s) of --cpus " + cpus + ", was '" + workers + "'");
            }
        }
    }

    private static boolean given(final CommandLine.Model.CommandSpec spec, final String option)
    {
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        return null != parsed && parsed.hasMatchedOption(option);
    }

    BindType bindType(final CommandLine.Model.CommandSpec spec)
    {
        try
        {
            return BindType.of(policy);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '" + ConfigurationDefaults.POLICY + "': " + ex.getMessage());
        }
    }

    /**
     * Sets the options on a context; {@code --workers 0} becomes one worker per physical core, or per CPU of
     * {@code --cpus}.
     *
     * @param context to set.
     * @return the context.
     */
    public Context applyTo(final Context context)
    {
        final int[] only = null == cpus ? null : null != cpuList ? cpuList :
            CpuList.parse(cpus, Organism.machine().allowedCpus());
        // A worker count of 0 is left to Context.conclude: one per CPU given, else one per core.
        return context.workerCount(workers).idleStrategy(idle).pin(!noPin).bindType(BindType.of(policy)).cpus(only);
    }

}
