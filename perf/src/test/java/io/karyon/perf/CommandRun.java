package io.karyon.perf;

import io.karyon.engine.cli.Cli;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One in-process run of the {@code karyon} command, configured as the launcher configures it, with its exit code,
 * stdout and stderr; and a minimal reader for the one-line JSON reports.
 */
record CommandRun(int exitCode, String out, String err)
{
    /** A number as RFC 8259 allows it. */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    static CommandRun karyon(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = Cli.configure(new CommandLine(new Karyon()));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute(args);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }

    /**
     * The raw text of a field's value in a flat JSON line: a quoted string, a number, a literal or a flat object.
     */
    static String field(final String json, final String name)
    {
        final Matcher matcher = Pattern.compile(
            "[{,]\"" + Pattern.quote(name) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|\\{[^}]*}|[^,}]+)").matcher(json);
        assertTrue(matcher.find(), () -> "no field " + name + " in " + json);
        return matcher.group(1);
    }

    static String stringField(final String json, final String name)
    {
        final String raw = field(json, name);
        assertTrue(raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\""),
            () -> name + " is not a string: " + json);
        return raw.substring(1, raw.length() - 1);
    }

    static double numberField(final String json, final String name)
    {
        final String raw = field(json, name);
        assertTrue(JSON_NUMBER.matcher(raw).matches(), () -> name + " is not a number: " + json);
        return Double.parseDouble(raw);
    }
}
