package io.karyon.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karyon.cli.Karyon;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One in-process run of the {@code karyon} command as perf's jar runs it ({@code bench} included), with its exit
 * code, stdout and stderr; and the one-line JSON reports read back with Jackson.
 */
record CommandRun(int exitCode, String out, String err)
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static CommandRun karyon(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = Karyon.commandLine(new BenchCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute(args);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }

    /**
     * A field of a JSON line, which must be there.
     */
    static JsonNode node(final String json, final String name)
    {
        final JsonNode object;
        try
        {
            object = MAPPER.readTree(json);
        }
        catch (final IOException ex)
        {
            return fail("not JSON: " + json, ex);
        }
        assertTrue(null != object && object.isObject(), () -> "not a JSON object: " + json);
        final JsonNode value = object.get(name);
        assertNotNull(value, () -> "no field " + name + " in " + json);
        return value;
    }

    /**
     * The text of a field's value that is a number or a literal, as it is written: {@code 100000}, {@code true}.
     */
    static String field(final String json, final String name)
    {
        final JsonNode value = node(json, name);
        assertTrue(value.isValueNode() && !value.isTextual(), () -> name + " is not a number or a literal: " + json);
        return value.toString();
    }

    static String stringField(final String json, final String name)
    {
        final JsonNode value = node(json, name);
        assertTrue(value.isTextual(), () -> name + " is not a string: " + json);
        return value.textValue();
    }

    static double numberField(final String json, final String name)
    {
        final JsonNode value = node(json, name);
        assertTrue(value.isNumber(), () -> name + " is not a number: " + json);
        return value.doubleValue();
    }
}
