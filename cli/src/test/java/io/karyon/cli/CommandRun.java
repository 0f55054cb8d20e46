package io.karyon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One in-process run of the {@code karyon} command (or of one subcommand on its own), configured as the launcher
 * configures it, with its exit code, stdout and stderr; and the one-line JSON report read back with Jackson.
 */
record CommandRun(int exitCode, String out, String err)
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static CommandRun karyon(final String... args)
    {
        return execute(Karyon.commandLine(), args);
    }

    static CommandRun command(final Object command, final String... args)
    {
        return execute(Cli.configure(new CommandLine(command)), args);
    }

    static CommandRun execute(final CommandLine commandLine, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute(args);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }

    /**
     * stdout as one JSON object.
     */
    JsonNode json()
    {
        return parse(out.strip());
    }

    static JsonNode parse(final String json)
    {
        try
        {
            final JsonNode node = MAPPER.readTree(json);
            if (null == node || !node.isObject())
            {
                fail("not one JSON object: " + json);
            }
            return node;
        }
        catch (final JsonProcessingException ex)
        {
            return fail("not JSON: " + json, ex);
        }
    }
}
