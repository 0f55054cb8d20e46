package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep's {@code runs.csv}: one row per finished run, in run order, with a column per varied parameter, then
 * {@code seed}, {@code status} ({@code ok} or {@code failed:<exit code>}), {@code digest}, the numeric fields of the
 * run's summary.json (in the order they first appear), and {@code seconds} (the run's wall time, JVM start included).
 * Rewritten whole as runs finish, through a temporary file moved over the old one, so a reader never sees half a
 * table.
 * <p>
 * <b>Note:</b> not threadsafe; the sweep's driver thread owns it.
 */
final class SweepTable
{
    /** The table's file name under the sweep's folder. */
    static final String FILE = "runs.csv";
    /** A run's summary, under its folder: complete means finished. */
    static final String SUMMARY = "summary.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * How one run ended.
     *
     * @param status  {@code ok} or {@code failed:<exit code>}.
     * @param summary the run's summary, or null.
     * @param seconds wall time, or NaN when not known.
     */
    record Outcome(String status, JsonNode summary, double seconds)
    {
        boolean ok()
        {
            return "ok".equals(status);
        }
    }

    private final SweepPlan plan;
    private final Path file;
    private final Outcome[] outcomes;

    SweepTable(final SweepPlan plan, final Path directory)
    {
        this.plan = plan;
        this.file = directory.resolve(FILE);
        this.outcomes = new Outcome[plan.runs().size()];
    }

    void record(final int index, final Outcome outcome)
    {
        outcomes[index] = outcome;
    }

    /**
     * Writes the table: temporary file, then an atomic move over the old one.
     *
     * @throws IOException if the folder cannot be written.
     */
    void write() throws IOException
    {
        final Path temporary = file.resolveSibling(FILE + ".tmp");
        Files.writeString(temporary, text(), StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    String text()
    {
        final List<String> fixed = new ArrayList<>();
        for (final SweepPlan.Axis axis : plan.axes())
        {
            fixed.add(axis.name());
        }
        fixed.addAll(List.of("seed", "status", "digest", "seconds"));
        final Set<String> numeric = new LinkedHashSet<>();
        for (final Outcome outcome : outcomes)
        {
            if (null != outcome && null != outcome.summary())
            {
                for (final Iterator<Map.Entry<String, JsonNode>> it = outcome.summary().fields(); it.hasNext(); )
                {
                    final Map.Entry<String, JsonNode> field = it.next();
                    if (field.getValue().isNumber() && !fixed.contains(field.getKey()))
                    {
                        numeric.add(field.getKey());
                    }
                }
            }
        }
        final List<String> header = new ArrayList<>(fixed.subList(0, fixed.size() - 1));
        header.addAll(numeric);
        header.add("seconds");
        final StringBuilder text = new StringBuilder();
        line(text, header);
        for (final SweepPlan.Run run : plan.runs())
        {
            final Outcome outcome = outcomes[run.index()];
            if (null == outcome)
            {
                continue;
            }
            final List<String> row = new ArrayList<>(run.values());
            row.add(Long.toString(run.seed()));
            row.add(outcome.status());
            final JsonNode summary = outcome.summary();
            row.add(null == summary || !summary.path("digest").isTextual() ? "" : summary.get("digest").asText());
            for (final String name : numeric)
            {
                final JsonNode value = null == summary ? null : summary.get(name);
                row.add(null == value || !value.isNumber() ? "" : value.asText());
            }
            row.add(Double.isNaN(outcome.seconds()) ? "" : String.format(java.util.Locale.ROOT, "%.3f",
                outcome.seconds()));
            line(text, row);
        }
        return text.toString();
    }

    private static void line(final StringBuilder text, final List<String> cells)
    {
        for (int i = 0; i < cells.size(); i++)
        {
            final String cell = cells.get(i);
            if (i > 0)
            {
                text.append(',');
            }
            if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0)
            {
                text.append('"').append(cell.replace("\"", "\"\"")).append('"');
            }
            else
            {
                text.append(cell);
            }
        }
        text.append('\n');
    }

    /**
     * A run's summary if its folder holds a complete one: one JSON object with a digest.
     *
     * @param runDirectory the run's folder.
     * @return the summary, or null.
     */
    static JsonNode completeSummary(final Path runDirectory)
    {
        return parseSummary(runDirectory.resolve(SUMMARY));
    }

    /**
     * A summary from a file: one JSON object with a textual digest, else null.
     *
     * @param file to read.
     * @return the summary, or null.
     */
    static JsonNode parseSummary(final Path file)
    {
        try
        {
            if (!Files.isRegularFile(file))
            {
                return null;
            }
            final JsonNode node = MAPPER.readTree(file.toFile());
            return null != node && node.isObject() && node.path("digest").isTextual() ? node : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
