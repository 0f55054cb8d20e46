package io.karyon.perf;

import io.karyon.cli.Karyon;

/**
 * Entry point of perf's jar ({@code perf/target/karyon-bench.jar}): the {@code karyon} command with {@code bench}
 * added, which brings the workloads and the peers (Pekko, Scala) that the launcher's own jar leaves out.
 */
public final class KaryonBench
{
    private KaryonBench()
    {
    }

    /**
     * Runs {@code karyon bench ...} (or any other {@code karyon} command).
     *
     * @param args command-line arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(Karyon.commandLine(new BenchCommand()).execute(args));
    }
}
