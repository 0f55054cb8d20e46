package io.karyon.cli;

import io.karyon.engine.Organism;
import io.karyon.numa.BindType;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyCommandTest
{
    private static String[] run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = Cli.configure(new CommandLine(new TopologyCommand()));
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final int exit = commandLine.execute(args);
        return new String[]{ Integer.toString(exit), out.toString(), err.toString() };
    }

    @Test
    void shouldPrintThePlanAndWhereEachWorkersPagesAre()
    {
        final String[] result = run("--workers", "2", "--idle", "backoff");
        assertEquals("0", result[0], result[2]);
        final List<String> lines = Arrays.asList(result[1].split("\n"));
        assertTrue(lines.get(0).startsWith("CPU topology: "), result[1]);
        assertTrue(lines.contains("plan: bind type tnnps (thread_no_node_processor_spread), 2 worker(s)"), result[1]);
        final int[] planned = BindType.TNNPS.plan(Organism.machine(), 2);
        for (int w = 0; w < 2; w++)
        {
            final String prefix = String.format("  %6d  %3d  %4d  node %d: ", w, planned[w],
                Organism.machine().nodeOfCpu(planned[w]), Organism.machine().nodeOfCpu(planned[w]));
            assertTrue(lines.stream().anyMatch((line) -> line.startsWith(prefix)), prefix + " in\n" + result[1]);
        }
    }

    @Test
    void shouldRejectAnUnknownPolicyWithOneLine()
    {
        final String[] result = run("--policy", "db");
        assertEquals("2", result[0]);
        assertEquals("topology: Invalid value for option '--policy': bind type must be one of " +
            "[u, ns, ts, ps, s, nnts, nnps, tnnps]: bindType=db (see --help)\n", result[2]);
        assertEquals("", result[1]);
    }
}
