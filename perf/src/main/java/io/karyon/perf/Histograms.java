package io.karyon.perf;

import org.HdrHistogram.Histogram;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Writes latency histograms as HdrHistogram percentile distributions ({@code .hgrm} text, values in microseconds),
 * the files {@code karyon report} plots.
 */
public final class Histograms
{
    private Histograms()
    {
    }

    /** Files that could not be written since the last {@link #takeUnwritten()}, each with why. */
    private static final List<String> UNWRITTEN = new CopyOnWriteArrayList<>();

    /**
     * Writes {@code out/name.hgrm}, creating the folder if needed. A file that cannot be written does not stop the
     * workload, whose results are still printed: it is kept for {@link #takeUnwritten()}, and the command fails once
     * the results are out.
     *
     * @param out       folder.
     * @param name      of the file without its extension, e.g. "W3" or "W3-pekko".
     * @param histogram of latencies in nanoseconds.
     * @return the file, written or not.
     */
    public static Path write(final Path out, final String name, final Histogram histogram)
    {
        final Path file = out.resolve(name + ".hgrm");
        try
        {
            Files.createDirectories(out);
            try (PrintStream stream = new PrintStream(new FileOutputStream(file.toFile()), false, "UTF-8"))
            {
                histogram.outputPercentileDistribution(stream, 1000.0);
            }
        }
        catch (final IOException | SecurityException ex)
        {
            UNWRITTEN.add("cannot write " + file + " (" + ex.getMessage() + ")");
        }
        return file;
    }

    /**
     * The files {@link #write} could not write since the last call, each with why; forgets them.
     *
     * @return one line per file.
     */
    public static List<String> takeUnwritten()
    {
        final List<String> taken = new ArrayList<>(UNWRITTEN);
        UNWRITTEN.removeAll(taken);
        return taken;
    }
}
