package io.karyon.perf;

import org.HdrHistogram.Histogram;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes latency histograms as HdrHistogram percentile distributions ({@code .hgrm} text, values in microseconds),
 * the files {@code karyon report} plots.
 */
public final class Histograms
{
    private Histograms()
    {
    }

    /**
     * Writes {@code out/name.hgrm}, creating the folder if needed.
     *
     * @param out       folder.
     * @param name      of the file without its extension, e.g. "W3" or "W3-pekko".
     * @param histogram of latencies in nanoseconds.
     * @return the file written.
     * @throws UncheckedIOException if it cannot be written.
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
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
        return file;
    }
}
