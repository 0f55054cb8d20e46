package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon run} running models (the tests' {@link TinyModel} and kin) through the model runtime: what wins
 * over what, the summary scripts read, outputs, and failures.
 */
@Timeout(120)
class RunModelCommandTest
{
    private static final String[] QUIET = { "--json", "--quiet", "--idle", "backoff", "--no-pin" };
    private static final Pattern DIGEST = Pattern.compile("0x[0-9a-f]{16}");

    @TempDir
    Path dir;

    private static CommandRun run(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(Arrays.asList(args));
        return CommandRun.karyon(all.toArray(new String[0]));
    }

    private static JsonNode summary(final String... args)
    {
        final List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(Arrays.asList(QUIET));
        final CommandRun result = run(all.toArray(new String[0]));
        assertEquals(Cli.EXIT_OK, result.exitCode(), result.err());
        assertEquals("", result.err());
        assertEquals(1, result.out().lines().count(), result.out());
        return result.json();
    }

    @Test
    void shouldRunANamedModelAndPrintOneJsonObjectWithTheFieldsScriptsRead()
    {
        final JsonNode json = summary("tiny", "--cells", "50", "--ticks", "4", "--workers", "1");

        assertEquals("tiny", json.get("model").textValue());
        assertEquals(50, json.get("cells").longValue());
        assertEquals(4, json.get("ticks").longValue());
        assertEquals(1, json.get("workers").longValue());
        assertEquals(1, json.get("parameters").get("step").longValue());
        assertEquals(1, json.get("step").longValue(), "the model's own summary value");
        assertTrue(DIGEST.matcher(json.get("digest").textValue()).matches(), json.toString());
        // What karyon run --json printed before models, and scripts read (engine and simulation, the model, went).
        for (final String field : new String[]{ "seconds", "updates_per_s", "messages_per_s", "cross_worker_share" })
        {
            assertTrue(json.get(field).isNumber(), field + " in " + json);
        }
        for (final String field : new String[]{ "updates", "messages", "dead_letters", "deaths", "restarts",
            "escalations", "spawned", "alive" })
        {
            assertTrue(json.get(field).isIntegralNumber(), field + " in " + json);
        }
        assertEquals(200, json.get("updates").longValue(), "50 cells for 4 ticks");
        assertTrue(json.get("deaths_by_reason").isObject(), json.toString());
    }

    @Test
    void shouldUseTheModelsDefaultsWhenNothingElseSays()
    {
        final JsonNode json = summary("tiny", "--workers", "1");

        assertEquals(100, json.get("cells").longValue());
        assertEquals(5, json.get("ticks").longValue());
        assertEquals("{\"step\":1,\"rate\":0.5,\"mode\":\"plain\",\"loud\":false}", json.get("parameters").toString());
    }

    @Test
    void shouldLetTheFileOverrideTheModelAndFlagsOverrideTheFile() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("scenario.toml"), String.join("\n",
            "model = \"tiny\"",
            "[parameters]",
            "step = 3",
            "rate = 0.25",
            "[run]",
            "cells = 40",
            "ticks = 3",
            "seed = 9",
            "workers = 2",
            ""));

        final JsonNode fromFile = summary(file.toString());
        assertEquals("{\"step\":3,\"rate\":0.25,\"mode\":\"plain\",\"loud\":false}",
            fromFile.get("parameters").toString());
        assertEquals(40, fromFile.get("cells").longValue());
        assertEquals(3, fromFile.get("ticks").longValue());
        assertEquals(9, fromFile.get("seed").longValue());
        assertEquals(2, fromFile.get("workers").longValue());

        final JsonNode flags = summary(file.toString(), "--set", "step=4", "--set", "mode=fancy", "--set", "step=5",
            "--cells", "30", "--ticks", "2", "--seed", "11", "--workers", "1");
        assertEquals("{\"step\":5,\"rate\":0.25,\"mode\":\"fancy\",\"loud\":false}",
            flags.get("parameters").toString(), "the last --set wins");
        assertEquals(30, flags.get("cells").longValue());
        assertEquals(2, flags.get("ticks").longValue());
        assertEquals(11, flags.get("seed").longValue());
        assertEquals(1, flags.get("workers").longValue());
    }

    @Test
    void shouldTakeTicksZeroAsTheModelsDefault()
    {
        assertEquals(5, summary("tiny", "--workers", "1", "--ticks", "0").get("ticks").longValue());
    }

    @Test
    void shouldRunTheSameFromTheFileAsFromTheSameFlags() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("s.toml"), String.join("\n",
            "model = \"tiny\"",
            "parameters = { step = 7 }",
            "run = { cells = 33, ticks = 6, seed = 12, workers = 2 }",
            ""));

        final JsonNode fromFile = summary(file.toString());
        final JsonNode fromFlags = summary("tiny", "--set", "step=7", "--cells", "33", "--ticks", "6", "--seed", "12",
            "--workers", "2");

        assertEquals(fromFlags.get("digest"), fromFile.get("digest"));
        assertEquals(fromFlags.get("parameters"), fromFile.get("parameters"));
        assertEquals(33 * 6, fromFile.get("updates").longValue());
    }

    @Test
    void shouldPrintTheSameDigestForTheSameSeedOnAnyNumberOfWorkers()
    {
        final String one = summary("tiny", "--seed", "3", "--workers", "1").get("digest").textValue();
        final String two = summary("tiny", "--seed", "3", "--workers", "2").get("digest").textValue();
        final String three = summary("tiny", "--seed", "3", "--workers", "3").get("digest").textValue();
        final String stepTwo = summary("tiny", "--seed", "3", "--workers", "1", "--set", "step=2").get("digest")
            .textValue();

        assertEquals(one, two);
        assertEquals(one, three);
        assertFalse(one.equals(stepTwo), "a parameter reaches the model: " + one);
    }

    @Test
    void shouldPrintTheSameDigestInTheTextSummary()
    {
        final String json = summary("tiny", "--seed", "5", "--workers", "1").get("digest").textValue();
        final CommandRun text = run("tiny", "--seed", "5", "--workers", "1", "--quiet", "--idle", "backoff");

        assertEquals(Cli.EXIT_OK, text.exitCode(), text.err());
        final Matcher matcher = Pattern.compile("(?m)^\\s*digest\\s+(0x[0-9a-f]{16})$").matcher(text.out());
        assertTrue(matcher.find(), text.out());
        assertEquals(json, matcher.group(1));
    }

    @Test
    void shouldSetTheRingsParametersWithItsFlags()
    {
        final JsonNode parameters = summary("ring", "--cells", "50", "--ticks", "2", "--workers", "1",
            "--supervisors", "3", "--spread", "--strategy", "one_for_all", "--period", "5", "--restart", "transient")
            .get("parameters");

        assertEquals("{\"supervisors\":3,\"fanout\":100,\"spread\":true,\"strategy\":\"one_for_all\"," +
            "\"intensity\":100,\"period\":5,\"restart\":\"transient\",\"refind\":false}", parameters.toString());
    }

    @Test
    void shouldWriteTheOutputsUnderOut()
    {
        final Path out = dir.resolve("results");

        summary("tiny", "--workers", "1", "--out", out.toString(), "--every", "2");

        assertTrue(Files.isRegularFile(out.resolve("timeseries.csv")));
        assertTrue(Files.isRegularFile(out.resolve("summary.json")));
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
    }

    @Test
    void shouldPrintWithJsonExactlyTheObjectSummaryJsonHolds() throws IOException
    {
        final Path out = dir.resolve("same");

        final JsonNode printed = summary("tiny", "--workers", "1", "--out", out.toString());

        final JsonNode written = CommandRun.parse(Files.readString(out.resolve("summary.json")));
        assertEquals(written, printed);
        assertEquals(new ArrayList<>(List.of(names(written))), new ArrayList<>(List.of(names(printed))), "in order");
        for (final String field : new String[]{ "model", "parameters", "seed", "digest", "wall_s", "seconds",
            "messages", "cross_worker_share", "updates_per_s" })
        {
            assertTrue(printed.has(field), field + " in " + printed);
        }
    }

    @Test
    void shouldPrintWholeNumberSummaryValuesAsIntegers()
    {
        final CommandRun result = run("sir", "--cells", "2000", "--set", "initial_infected=20", "--workers", "1",
            "--json", "--quiet", "--idle", "backoff", "--no-pin");

        assertEquals(Cli.EXIT_OK, result.exitCode(), result.err());
        final JsonNode json = result.json();
        assertTrue(json.get("peak_infected").isIntegralNumber(), json.toString());
        assertTrue(json.get("peak_tick").isIntegralNumber(), json.toString());
        assertTrue(result.out().matches("(?s).*\"peak_infected\":[0-9]+,.*"), result.out());
        assertTrue(json.get("attack_rate").isNumber(), json.toString());
    }

    private static String[] names(final JsonNode object)
    {
        final List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names.toArray(new String[0]);
    }

    @Test
    void shouldWriteTheOutputsUnderTheFilesOutRelativeToTheFile() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("s.toml"),
            "model = \"tiny\"\n[outputs]\nout = \"from-file\"\nevery = 5\n");

        summary(file.toString(), "--workers", "1");

        assertTrue(Files.isRegularFile(dir.resolve("from-file").resolve("summary.json")));
    }

    @Test
    void shouldRefuseAnOutThatIsAFileWithOneLine() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("taken"), "x");

        final CommandRun result = run("tiny", "--out", file.toString(), "--quiet", "--workers", "1");

        assertEquals(Cli.EXIT_USAGE, result.exitCode(), result.err());
        assertEquals("", result.out());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("karyon run: ") && result.err().contains(file.toString()), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
    }

    @Test
    void shouldFailWithOneLineWhenTheModelFailsInSetUp()
    {
        final CommandRun result = run("broken", "--quiet", "--workers", "1");

        assertEquals(Cli.EXIT_FAILURE, result.exitCode(), result.err());
        assertEquals("", result.out());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("karyon run: failed: "), result.err());
        assertTrue(result.err().contains("no nutrient source: the broken model fails on purpose"), result.err());
        assertFalse(result.err().contains("\tat "), result.err());
    }

    @Test
    void shouldPrintTheStackTraceOfAFailingModelWithVerbose()
    {
        final CommandRun result = run("broken", "--quiet", "--workers", "1", "--verbose");

        assertEquals(Cli.EXIT_FAILURE, result.exitCode(), result.err());
        assertTrue(result.err().contains("\tat io.karyon.cli.BrokenModel.setUp"), result.err());
    }
}
