package io.karyon.cli;

import io.karyon.engine.Organism;
import io.karyon.numa.Cpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(60)
class RunCpusTest
{
    private static final String[] SMALL = { "--cells", "2000", "--ticks", "3", "--json", "--quiet", "--idle",
        "backoff", "ring" };

    @Test
    void shouldRunAWorkerPerCpuOfTheListWithTheSameDigest()
    {
        final int[] allowed = Organism.machine().allowedCpus();
        final String last = Integer.toString(allowed[allowed.length - 1]);
        final CommandRun pinned = CommandRun.karyon(concat("run", "--cpus", last));
        assertEquals(0, pinned.exitCode(), pinned.err());
        assertEquals(1, pinned.json().get("workers").asInt());
        final CommandRun all = CommandRun.karyon(concat("run", "--cpus", Cpu.formatList(allowed)));
        assertEquals(allowed.length, all.json().get("workers").asInt());
        final CommandRun plain = CommandRun.karyon(concat("run", "--workers", "1", "--no-pin"));
        assertEquals(plain.json().get("digest"), pinned.json().get("digest"));
        assertEquals(plain.json().get("digest"), all.json().get("digest"));
    }

    @Test
    void shouldRejectBadCpuListsInOneLine()
    {
        final int[] allowed = Organism.machine().allowedCpus();
        final String list = Cpu.formatList(allowed);
        bad("Invalid value for option '--cpus': bad element 'x' in '0,x': CPU numbers and ranges N-M with N <= M, " +
            "separated by commas", "--cpus", "0,x");
        bad("Invalid value for option '--cpus': CPU " + allowed[0] + " is given twice in '" + allowed[0] + "," +
            allowed[0] + "'", "--cpus", allowed[0] + "," + allowed[0]);
        bad("Invalid value for option '--cpus': CPU 65535 is not one this process may run on (" + list + ")",
            "--cpus", "65535");
        bad("Invalid value for option '--workers': more workers than the 1 CPU(s) of --cpus " + allowed[0] +
            ", was '2'", "--cpus", Integer.toString(allowed[0]), "--workers", "2");
    }

    private static void bad(final String message, final String... args)
    {
        final CommandRun run = CommandRun.karyon(concat("run", args));
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("karyon run: " + message + " (see --help)", run.err().strip());
    }

    private static String[] concat(final String command, final String... args)
    {
        final String[] all = new String[1 + args.length + SMALL.length];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(SMALL, 0, all, 1 + args.length, SMALL.length);
        return all;
    }
}
