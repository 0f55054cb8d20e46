package io.karyon.engine.cli;

import io.karyon.engine.Context;
import io.karyon.numa.BindType;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The worker options every command that runs an organism takes: how many, how they idle, whether they are pinned.
 */
public final class WorkerOptions
{
    @Option(names = "--workers", paramLabel = "N", description = "workers, 0 for one per core (default: ${DEFAULT-VALUE})")
    int workers = 0;

    @Option(names = "--idle", paramLabel = "NAME",
        description = "what an idle worker does: spin, backoff, yield or sleep (default: ${DEFAULT-VALUE})")
    String idle = "spin";

    @Option(names = "--no-pin", description = "do not pin workers to CPUs")
    boolean noPin;

    @Option(names = "--policy", paramLabel = "TYPE",
        description = "how workers are bound to CPUs, as erl +sbt: u, ns, ts, ps, s, nnts, nnps or tnnps " +
            "(default: ${DEFAULT-VALUE})")
    String policy = BindType.DEFAULT.shortName();

    /**
     * Checks the options.
     *
     * @param spec of the command, for the error.
     * @throws CommandLine.ParameterException naming the bad option and value.
     */
    public void check(final CommandLine.Model.CommandSpec spec)
    {
        Cli.range(spec, "--workers", workers, 0, Context.MAX_WORKERS);
        Cli.idleStrategy(spec, "--idle", idle);
        bindType(spec);
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
                "Invalid value for option '--policy': " + ex.getMessage());
        }
    }

    /**
     * Sets the options on a context.
     *
     * @param context to set.
     * @return the context.
     */
    public Context applyTo(final Context context)
    {
        return context.workerCount(workers).idleStrategy(idle).pin(!noPin).bindType(BindType.of(policy));
    }
}
