package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
    /** The ring (the old default), whose digest depends on the seed within a few ticks. */
    private static final String[] SMALL_RUN = { "ring", "--cells", "2000", "--ticks", "5", "--json", "--quiet" };
    private static final Pattern DIGEST = Pattern.compile("0x[0-9a-f]{16}");

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
        final CommandRun result = run(args.split(" "));

        assertEquals(Cli.EXIT_USAGE, result.exitCode());
        assertEquals("", result.out());
        final List<String> lines = result.err().lines().toList();
        assertEquals(1, lines.size(), result.err());
        final String line = lines.get(0);
        assertTrue(line.contains("'" + option + "'"), line);
        if (null != value)
        {
            assertTrue(line.contains("'" + value + "'"), line);
        }
        assertFalse(result.err().contains("at io."), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
        assertEquals("run: " + message + " (see --help)", line);
    }

    @Test
    void shouldPrintOneJsonLineWithTheSummaryFields()
    {
        final CommandRun result = run(SMALL_RUN);

        assertEquals(Cli.EXIT_OK, result.exitCode(), result.err());
        assertEquals("", result.err());
        final List<String> lines = result.out().lines().toList();
        assertEquals(1, lines.size(), result.out());
        final String line = lines.get(0);
        final JsonNode json = CommandRun.parse(line);

        assertEquals(2000, json.get("cells").longValue(), line);
        assertEquals(5, json.get("ticks").longValue(), line);
        assertTrue(json.get("seconds").isNumber() && json.get("seconds").doubleValue() >= 0, line);
        assertTrue(json.get("updates_per_s").isNumber() && json.get("updates_per_s").doubleValue() > 0, line);
        assertTrue(json.get("messages").isIntegralNumber(), line);
        assertTrue(json.get("dead_letters").isIntegralNumber(), line);
        assertTrue(json.get("deaths").isIntegralNumber(), line);
        assertTrue(json.get("deaths_by_reason").isObject(), line);
        assertTrue(json.get("digest").isTextual() && DIGEST.matcher(json.get("digest").textValue()).matches(), line);
    }

    @Test
    void shouldRunTheTissueModelWhenNoneIsNamed()
    {
        final JsonNode json = run("--cells", "2000", "--ticks", "5", "--json", "--quiet").json();

        assertEquals(RunCommand.DEFAULT_MODEL, json.get("model").textValue(), json.toString());
        assertEquals("tissue", RunCommand.DEFAULT_MODEL);
    }

    @Test
    void shouldSayThatCellsAndTicksDefaultToTheModels()
    {
        final CommandRun help = run("--help");

        assertEquals(Cli.EXIT_OK, help.exitCode(), help.err());
        final String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("--cells=N cells to create (default: the file's, else the model's)"), text);
        assertTrue(text.contains("(default: the file's, else the model's)"), text);
        assertFalse(text.contains("500000") || text.contains("500,000"), text);
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
        final CommandRun text = run("ring", "--cells", "2000", "--ticks", "5", "--quiet", "--seed", "11");

        assertEquals(Cli.EXIT_OK, text.exitCode(), text.err());
        final Matcher matcher = Pattern.compile("(?m)^\\s*digest\\s+(0x[0-9a-f]{16})$").matcher(text.out());
        assertTrue(matcher.find(), text.out());
        assertEquals(json, matcher.group(1));
    }

    private static String digest(final String... extraArgs)
    {
        final String[] args = new String[SMALL_RUN.length + extraArgs.length];
        System.arraycopy(SMALL_RUN, 0, args, 0, SMALL_RUN.length);
        System.arraycopy(extraArgs, 0, args, SMALL_RUN.length, extraArgs.length);

        final CommandRun result = run(args);
        assertEquals(Cli.EXIT_OK, result.exitCode(), result.err());
        return result.json().get("digest").textValue();
    }

    private static CommandRun run(final String... args)
    {
        return CommandRun.command(new RunCommand(), args);
    }
}
