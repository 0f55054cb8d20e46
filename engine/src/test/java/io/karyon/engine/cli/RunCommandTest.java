package io.karyon.engine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@Timeout(60)
class RunCommandTest
{
    private static final String[] SMALL_RUN = { "--cells", "2000", "--ticks", "5", "--json", "--quiet" };
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern DIGEST = Pattern.compile("\"0x[0-9a-f]{16}\"");

    static Stream<Arguments> badInput()
    {
        return Stream.of(
            arguments("--cells -5", "--cells", "-5",
                "Invalid value for option '--cells': must be in 1..2147483647, was '-5'"),
            arguments("--cells 0", "--cells", "0",
                "Invalid value for option '--cells': must be in 1..2147483647, was '0'"),
            arguments("--cells many", "--cells", "many",
                "Invalid value for option '--cells': 'many' is not a long"),
            arguments("--ticks -1", "--ticks", "-1",
                "Invalid value for option '--ticks': must be in 0..9223372036854775807, was '-1'"),
            arguments("--workers -1", "--workers", "-1",
                "Invalid value for option '--workers': must be in 0..256, was '-1'"),
            arguments("--workers 257", "--workers", "257",
                "Invalid value for option '--workers': must be in 0..256, was '257'"),
            arguments("--idle warp", "--idle", "warp",
                "Invalid value for option '--idle': must be one of spin, backoff, yield, sleep, was 'warp'"),
            arguments("--bogus", "--bogus", null,
                "Unknown option: '--bogus'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void shouldRejectBadInputWithOneLineNamingTheOptionAndValue(
        final String args, final String option, final String value, final String message)
    {
        final Result result = run(args.split(" "));

        assertEquals(Cli.EXIT_USAGE, result.exitCode);
        assertEquals("", result.out);
        final List<String> lines = result.err.lines().toList();
        assertEquals(1, lines.size(), result.err);
        final String line = lines.get(0);
        assertTrue(line.contains("'" + option + "'"), line);
        if (null != value)
        {
            assertTrue(line.contains("'" + value + "'"), line);
        }
        assertFalse(result.err.contains("at io."), result.err);
        assertFalse(result.err.contains("Exception"), result.err);
        assertEquals("run: " + message + " (see --help)", line);
    }

    @Test
    void shouldPrintOneJsonLineWithTheSummaryFields()
    {
        final Result result = run(SMALL_RUN);

        assertEquals(Cli.EXIT_OK, result.exitCode, result.err);
        assertEquals("", result.err);
        final List<String> lines = result.out.lines().toList();
        assertEquals(1, lines.size(), result.out);
        final String json = lines.get(0);
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);

        assertEquals("2000", field(json, "cells"));
        assertEquals("5", field(json, "ticks"));
        assertTrue(NUMBER.matcher(field(json, "seconds")).matches(), json);
        assertTrue(Double.parseDouble(field(json, "seconds")) >= 0, json);
        assertTrue(NUMBER.matcher(field(json, "updates_per_s")).matches(), json);
        assertTrue(Double.parseDouble(field(json, "updates_per_s")) > 0, json);
        assertTrue(INTEGER.matcher(field(json, "messages")).matches(), json);
        assertTrue(INTEGER.matcher(field(json, "dead_letters")).matches(), json);
        assertTrue(INTEGER.matcher(field(json, "deaths")).matches(), json);
        assertTrue(DIGEST.matcher(field(json, "digest")).matches(), json);
    }

    @Test
    void shouldGiveTheSameDigestForTheSameSeed()
    {
        final String first = digest("--seed", "7");
        final String second = digest("--seed", "7");

        assertEquals(first, second);
    }

    @Test
    void shouldGiveDifferentDigestsForDifferentSeeds()
    {
        final String seven = digest("--seed", "7");
        final String eight = digest("--seed", "8");

        assertNotEquals(seven, eight);
    }

    @Test
    void shouldPrintTheSameDigestInTheTextSummaryAsInJson()
    {
        final String json = digest("--seed", "11");
        final Result text = run("--cells", "2000", "--ticks", "5", "--quiet", "--seed", "11");

        assertEquals(Cli.EXIT_OK, text.exitCode, text.err);
        final Matcher matcher = Pattern.compile("(?m)^\\s*digest\\s+(0x[0-9a-f]{16})$").matcher(text.out);
        assertTrue(matcher.find(), text.out);
        assertEquals(json, "\"" + matcher.group(1) + "\"");
    }

    private static String digest(final String... extraArgs)
    {
        final String[] args = new String[SMALL_RUN.length + extraArgs.length];
        System.arraycopy(SMALL_RUN, 0, args, 0, SMALL_RUN.length);
        System.arraycopy(extraArgs, 0, args, SMALL_RUN.length, extraArgs.length);

        final Result result = run(args);
        assertEquals(Cli.EXIT_OK, result.exitCode, result.err);
        return field(result.out.strip(), "digest");
    }

    /**
     * The raw text of a field's value in a flat JSON line: a quoted string, a number, a literal or a flat object.
     */
    private static String field(final String json, final String name)
    {
        final Matcher matcher = Pattern.compile(
            "[{,]\"" + Pattern.quote(name) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|\\{[^}]*}|[^,}]+)").matcher(json);
        assertTrue(matcher.find(), () -> "no field " + name + " in " + json);
        return matcher.group(1);
    }

    private static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = Cli.configure(new CommandLine(new RunCommand()));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private record Result(int exitCode, String out, String err)
    {
    }
}
