package io.karyon.cli;

import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;

/**
 * {@code karyon matrix}: looks into matrix files (the shared matrix of a run, persisted with
 * {@code Matrix.createPersistedTo}), also while a run is writing them.
 */
@Command(
    name = "matrix",
    mixinStandardHelpOptions = true,
    description = "Looks into matrix files, also while a run writes them.",
    subcommands = { MatrixCommand.Inspect.class, CommandLine.HelpCommand.class })
public final class MatrixCommand implements Runnable
{
    @Spec
    CommandSpec spec;

    /**
     * Without a subcommand: fail with the usage hint.
     */
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: inspect or help");
    }

    /**
     * {@code karyon matrix inspect FILE [--site ID] [--top K]}: the layout, each substance's total, minimum and
     * maximum, and the hottest sites, read record by record under Chronicle's segment read locks.
     */
    @Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a matrix file's layout (sites, substances, grid), each substance's total, min and max, and the K",
            "sites with the highest total over all substances; with --site, that site's concentrations too.",
            "Opens the file read-only and never changes it (no write access needed): a run may be writing it; every",
            "record read is whole and verified against its checksum, and a changed one is refused, naming its site."
        })
    static final class Inspect implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the matrix file")
        File file;

        @Option(names = "--site", paramLabel = "ID", description = "also print this site's concentrations")
        Long site;

        @Option(names = "--top", paramLabel = "K", description = "hottest sites to list (default: ${DEFAULT-VALUE})")
        int top = 10;

        @Option(names = "--recover", description = {
            "first clear the segment locks a killed writer left held (Chronicle's recovery; changes the lock words",
            "of the file, so needs write access): only when no process has the file open; refused at once, naming",
            "the process, while one has" })
        boolean recover;

        /**
         * {@inheritDoc}
         */
        public Integer call()
        {
            Cli.range(spec, "--top", top, 0, 1_000_000);
            final Matrix matrix;
            try
            {
                matrix = recover ? Matrix.recover(file) : Matrix.openReadOnly(file);
            }
            catch (final MatrixException ex)
            {
                throw badFile(ex);
            }
            try (matrix)
            {
                if (null != site)
                {
                    Cli.range(spec, "--site", site, 0, matrix.sites() - 1);
                }
                final double[] values = new double[(int)matrix.sites() * matrix.substances()];
                try
                {
                    // Every record again, verified: a record changed since the file was opened is refused too.
                    matrix.snapshot(values);
                }
                catch (final MatrixException ex)
                {
                    throw badFile(ex);
                }
                print(matrix, values, spec.commandLine().getOut());
            }
            return Cli.EXIT_OK;
        }

        private CommandLine.ParameterException badFile(final MatrixException ex)
        {
            final String prefix = file.getPath() + ": ";
            final String reason = ex.getMessage().startsWith(prefix) ?
                ex.getMessage().substring(prefix.length()) : ex.getMessage();
            return new CommandLine.ParameterException(
                spec.commandLine(), "Invalid value for FILE '" + file.getPath() + "': " + reason);
        }

        private void print(final Matrix matrix, final double[] values, final PrintWriter out)
        {
            final int substances = matrix.substances();
            out.println("matrix " + file.getPath());
            out.println("  " + matrix.layout() + ", " + matrix.segments() + " segments");
            out.println("  substance  total  min  max");
            final double[] totals = new double[substances];
            for (int k = 0; k < substances; k++)
            {
                double total = 0.0;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s < matrix.sites(); s++)
                {
                    final double value = values[s * substances + k];
                    total += value;
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                }
                totals[k] = total;
                out.printf(Locale.ROOT, "  %d  %.6g  %.6g  %.6g%n", k, total, min, max);
            }
            if (top > 0)
            {
                // Least first, so the head is the one to drop; ties go to the lower site id.
                final PriorityQueue<long[]> hottest = new PriorityQueue<>((a, b) ->
                    a[0] != b[0] ? Double.compare(Double.longBitsToDouble(a[0]), Double.longBitsToDouble(b[0])) :
                    Long.compare(b[1], a[1]));
                for (int s = 0; s < matrix.sites(); s++)
                {
                    double sum = 0.0;
                    for (int k = 0; k < substances; k++)
                    {
                        sum += values[s * substances + k];
                    }
                    hottest.add(new long[] { Double.doubleToRawLongBits(sum), s });
                    if (hottest.size() > top)
                    {
                        hottest.poll();
                    }
                }
                final long[][] sorted = new long[hottest.size()][];
                for (int i = sorted.length - 1; i >= 0; i--)
                {
                    sorted[i] = hottest.poll();
                }
                out.println("  hottest " + sorted.length + " sites: site  (position)  total  per substance");
                for (final long[] entry : sorted)
                {
                    printSite(matrix, values, entry[1], out);
                }
            }
            if (null != site)
            {
                out.println("  site " + site + ":");
                printSite(matrix, values, site, out);
            }
            out.flush();
        }

        private static void printSite(
            final Matrix matrix, final double[] values, final long site, final PrintWriter out)
        {
            final int substances = matrix.substances();
            final StringBuilder line = new StringBuilder("  ").append(site).append("  (");
            long rest = site;
            for (int axis = 0; axis < matrix.dimensions(); axis++)
            {
                line.append(axis > 0 ? "," : "").append(rest % matrix.extent(axis));
                rest /= matrix.extent(axis);
            }
            double total = 0.0;
            final StringBuilder each = new StringBuilder();
            for (int k = 0; k < substances; k++)
            {
                final double value = values[(int)site * substances + k];
                total += value;
                each.append(String.format(Locale.ROOT, "  %.6g", value));
            }
            out.println(line.append(")  ").append(String.format(Locale.ROOT, "%.6g", total)).append(each));
        }
    }
}
