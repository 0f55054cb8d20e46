package io.karyon.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The summary files of {@code karyon bench --out DIR}: {@code DIR/<workload>.json} holds the JSON lines the workload
 * printed (Karyon's, then each peer's and the ratio lines), one per line, as {@code karyon report} reads them.
 */
final class Summaries
{
    static final String SUFFIX = ".json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Summaries()
    {
    }

    static Path write(final Path out, final String workload, final List<String> lines)
    {
        final Path file = out.resolve(workload + SUFFIX);
        try
        {
            Files.createDirectories(out);
            Files.write(file, lines, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
        return file;
    }

    /**
     * The workers a run used, from its JSON line.
     */
    static int workers(final String line)
    {
        try
        {
            final JsonNode json = MAPPER.readTree(line);
            return json.path("workers").asInt(1);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("not a JSON line: " + line, ex);
        }
    }
}
