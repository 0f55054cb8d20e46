package io.karyon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code karyon report DIR}: renders the results {@code karyon bench --out DIR} saved as PNG charts and one HTML page.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
        "Renders the results saved by `karyon bench --out DIR` (DIR/<workload>.json and the .hgrm files they name):",
        "latency-<workload>.png (percentile curves, one per engine), throughput.png, bytes-per-cell.png, and " +
            "index.html showing them with a table of every figure. Prints the files written."
    })
public final class ReportCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "1", description = "folder written by karyon bench --out")
    Path dir;

    @Option(names = "--out", paramLabel = "DIR", description = "folder for the charts and index.html (default: DIR)")
    Path out;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        System.setProperty("java.awt.headless", "true");
        final Report report;
        try
        {
            report = Report.load(dir);
        }
        catch (final Report.BadResultsException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        // Checked before any chart is drawn; without --out the charts go beside the results, which must be writable.
        final List<Path> written = report.render(Cli.writableFolder(spec, "--out", null == out ? dir : out));
        for (final Path file : written)
        {
            spec.commandLine().getOut().println(file);
        }
        spec.commandLine().getOut().flush();
        return Cli.EXIT_OK;
    }
}
