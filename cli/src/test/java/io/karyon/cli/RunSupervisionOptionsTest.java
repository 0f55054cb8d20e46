package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSupervisionOptionsTest
{
    private static String[] run(final String... args)
    {
        // The ring: the only model these flags set (the default model is tissue).
        final String[] ring = new String[args.length + 1];
        ring[0] = RunCommand.RING;
        System.arraycopy(args, 0, ring, 1, args.length);
        final CommandRun run = CommandRun.command(new RunCommand(), ring);
        return new String[]{ Integer.toString(run.exitCode()), run.out(), run.err() };
    }

    private static long field(final String json, final String name)
    {
        final JsonNode value = CommandRun.parse(json).get(name);
        assertTrue(null != value && value.isIntegralNumber(), name + " in " + json);
        return value.longValue();
    }

    private static String digest(final String json)
    {
        return CommandRun.parse(json).get("digest").textValue();
    }

    @Test
    void shouldRestartStarvedFoundersUnderSupervisors()
    {
        final String[] result = run("--cells", "20000", "--ticks", "60", "--supervisors", "20", "--json", "--quiet",
            "--workers", "2", "--idle", "backoff");
        assertEquals("0", result[0], result[2]);
        final String json = result[1].strip();
        assertTrue(field(json, "deaths") > 0, json);
        assertTrue(field(json, "restarts") > 0, "starved founders come back: " + json);
        assertEquals(0, field(json, "escalations"), json);
    }

    @Test
    void shouldPrintTheSameDigestForASupervisedRunOnAnyNumberOfWorkers()
    {
        String expected = null;
        for (final String workers : new String[]{ "1", "2", "3" })
        {
            final String[] result = run("--cells", "20000", "--ticks", "60", "--supervisors", "50", "--json",
                "--quiet", "--workers", workers, "--idle", "backoff", "--no-pin");
            assertEquals("0", result[0], result[2]);
            final String json = result[1].strip();
            assertTrue(field(json, "restarts") > 0, json);
            final String digest = digest(json);
            if (null == expected)
            {
                expected = digest;
            }
            assertEquals(expected, digest, workers + " workers: " + json);
        }
    }

    @Test
    void shouldSpreadOneTreeOverTheWorkersAndStillPrintTheSameDigest()
    {
        String expected = null;
        for (final String workers : new String[]{ "1", "2" })
        {
            final String[] result = run("--cells", "20000", "--ticks", "60", "--supervisors", "40", "--fanout", "40",
                "--spread", "--intensity", "0", "--json", "--quiet", "--workers", workers, "--idle", "backoff",
                "--no-pin");
            assertEquals("0", result[0], result[2]);
            final String json = result[1].strip();
            assertTrue(field(json, "escalations") > 0, "supervisors in other homes escalate to the top: " + json);
            final String digest = digest(json);
            expected = null == expected ? digest : expected;
            assertEquals(expected, digest, workers + " workers: " + json);
        }
    }

    @Test
    void shouldEscalateWhenSupervisorsMayNotRestartAtAll()
    {
        final String[] result = run("--cells", "20000", "--ticks", "60", "--supervisors", "20", "--intensity", "0",
            "--json", "--quiet", "--workers", "2", "--idle", "backoff");
        assertEquals("0", result[0], result[2]);
        assertTrue(field(result[1].strip(), "escalations") > 0, result[1]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--strategy simple_one_for_one|--strategy: strategy: expected one of [one_for_one, one_for_all, " +
            "rest_for_one], got \"simple_one_for_one\"",
        "--restart sometimes|--restart: restart: expected one of [permanent, transient, temporary], got " +
            "\"sometimes\"",
        "--period 0|--period: period: expected an integer in [1, 9223372036854775807], got 0",
        "--supervisors -1|--supervisors: supervisors: expected an integer in [0, 2147483647], got -1",
        "--fanout 0|--fanout: fanout: expected an integer in [1, 1048575], got 0",
        "--intensity 1048576|--intensity: intensity: expected an integer in [0, 1048575], got 1048576" })
    void shouldRejectBadSupervisionOptionsWithOneLine(final String args, final String message)
    {
        final String[] result = run(args.split(" "));
        assertEquals("2", result[0]);
        assertEquals("run: " + message + "\n", result[2]);
    }
}
