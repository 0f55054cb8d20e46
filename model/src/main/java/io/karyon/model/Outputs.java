package io.karyon.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a run's files go, and how: each is written under a temporary name ({@code NAME.part}) and moved into place
 * when complete, so a file with its final name is a whole one; {@code summary.json}, written last, says the run
 * finished. Also prints numbers the same way everywhere (so equal runs give byte-identical files) and the summary
 * as JSON or text.
 * <p>
 * <b>Note:</b> not threadsafe; the driver writes.
 */
final class Outputs
{
    /** The file whose presence says a run finished. */
    static final String SUMMARY = "summary.json";
    static final String TIMESERIES = "timeseries.csv";
    static final String LATENCY = "latency.csv";
    static final String REPORT = "report.html";
    static final String SNAPSHOTS = "snapshots";
    static final String CHARTS = "charts";
    static final String PART = ".part";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Outputs()
    {
    }

    /**
     * Readies an output folder before anything runs: creates it and checks a file can be written there. A previous
     * run's outputs stay until this run {@link #claim claims} the folder, so a run stopped or failing during set-up
     * leaves the folder as it was.
     *
     * @param dir  the folder.
     * @param what how the caller names it in errors, e.g. "--out".
     * @throws IllegalArgumentException one line naming the folder and the cause.
     */
    static void prepare(final Path dir, final String what)
    {
        try
        {
            if (Files.exists(dir) && !Files.isDirectory(dir))
            {
                throw new IllegalArgumentException(what + " " + dir + ": not a folder");
            }
            Files.createDirectories(dir);
            final Path probe = Files.createTempFile(dir, ".karyon-probe", PART);
            Files.delete(probe);
        }
        catch (final IOException | SecurityException ex)
        {
            throw new IllegalArgumentException(what + " " + dir + ": cannot write there (" + describe(ex) + ")", ex);
        }
    }

    /**
     * Called just before a run writes its first file into a folder (its time series, opened before the first tick is
     * observed, and before any snapshot, checkpoint or summary): removes a previous run's {@code summary.json}, so
     * that the folder, next to this run's half-written files, does not look finished until this run is.
     *
     * @param dir the folder, {@link #prepare prepared}.
     * @throws IOException if the summary cannot be removed.
     */
    static void claim(final Path dir) throws IOException
    {
        Files.deleteIfExists(dir.resolve(SUMMARY));
    }

    private static String describe(final Exception ex)
    {
        final String name = ex.getClass().getSimpleName();
        return null == ex.getMessage() ? name : name + ": " + ex.getMessage();
    }

    /**
     * The temporary name a file is written under.
     */
    static Path part(final Path file)
    {
        return file.resolveSibling(file.getFileName() + PART);
    }

    /**
     * Moves a complete temporary file to its final name.
     */
    static void publish(final Path part, final Path file) throws IOException
    {
        try
        {
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Writes a whole text file under its temporary name, then moves it into place.
     */
    static void writeAtomically(final Path file, final String text) throws IOException
    {
        final Path part = part(file);
        Files.writeString(part, text, StandardCharsets.UTF_8);
        publish(part, file);
    }

    /**
     * A number as every output prints it: integral values without a fraction, others as the shortest decimal that
     * reads back to the same double ({@link Double#toString(double)}), nothing for NaN.
     *
     * @param value to print.
     * @return the text.
     */
    static String number(final double value)
    {
        if (Double.isNaN(value))
        {
            return "";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            return Long.toString((long)value);
        }
        return Double.toString(value);
    }

    /**
     * The summary as JSON; non-finite numbers become null.
     */
    static String json(final Map<String, Object> summary, final boolean pretty)
    {
        try
        {
            final Object clean = clean(summary);
            return pretty ? JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(clean) + "\n" :
                JSON.writeValueAsString(clean);
        }
        catch (final JsonProcessingException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static Object clean(final Object value)
    {
        if (value instanceof Double && !Double.isFinite((Double)value))
        {
            return null;
        }
        if (value instanceof Map)
        {
            final Map<String, Object> copy = new LinkedHashMap<>();
            for (final Map.Entry<?, ?> e : ((Map<?, ?>)value).entrySet())
            {
                copy.put(String.valueOf(e.getKey()), clean(e.getValue()));
            }
            return copy;
        }
        return value;
    }

    /**
     * The summary as aligned lines, {@code name  value}, nested maps on one line.
     */
    static String text(final Map<String, Object> summary)
    {
        int width = 0;
        for (final String name : summary.keySet())
        {
            width = Math.max(width, name.length());
        }
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, Object> e : summary.entrySet())
        {
            text.append(String.format(Locale.ROOT, "  %-" + width + "s  ", e.getKey()))
                .append(show(e.getValue())).append('\n');
        }
        return text.toString();
    }

    /**
     * A summary value as text: numbers as {@link #number(double)} prints them, maps as {@code a=1 b=2}.
     */
    static String show(final Object value)
    {
        if (value instanceof Double)
        {
            final double d = (Double)value;
            return Double.isNaN(d) ? "-" : d == Math.rint(d) ? number(d) : String.format(Locale.ROOT, "%.6g", d);
        }
        if (value instanceof Map)
        {
            final StringBuilder text = new StringBuilder();
            for (final Map.Entry<?, ?> e : ((Map<?, ?>)value).entrySet())
            {
                text.append(text.length() > 0 ? " " : "").append(e.getKey()).append('=').append(show(e.getValue()));
            }
            return 0 == text.length() ? "-" : text.toString();
        }
        return String.valueOf(value);
    }
}
