package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

/**
 * The {@code chaos} model's faults from the command line, through the picocli entry point: each ends with the outcome
 * the README's table documents (its exit code, its one line, the reason it is counted under in {@code --json}), and
 * the faults a run survives give the same digest for 1, 2 and 3 workers.
 */
@Timeout(value = 120, threadMode = SEPARATE_THREAD)
class ChaosCommandTest
{
    private static CommandRun chaos(final String fault, final String... args)
    {
        return chaos(10, fault, args);
    }

    private static CommandRun chaos(final int ticks, final String fault, final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(
            "run", "chaos", "--set", "fault=" + fault, "--set", "at_tick=3", "--cells", "200", "--ticks", "" + ticks,
            "--quiet", "--idle", "backoff", "--no-pin", "--json"));
        all.addAll(List.of(args));
        return CommandRun.karyon(all.toArray(new String[0]));
    }

    private static void assertCountedAndRestarted(final CommandRun run, final String reason)
    {
        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final JsonNode json = run.json();
        assertEquals(1, json.get("deaths_by_reason").get(reason).longValue(), json.toString());
        assertEquals(1, json.get("deaths").longValue(), json.toString());
        assertEquals(1, json.get("restarts_by_reason").get(reason).longValue(), json.toString());
        assertEquals(200, json.get("alive").longValue(), "the faulty cell restarted: " + json);
    }

    @Test
    void shouldRunQuietlyWithoutAFault()
    {
        final CommandRun run = chaos("none", "--workers", "1");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertEquals(0, run.json().get("deaths").longValue());
    }

    @Test
    void shouldReportAHangInOneLineAndExit1()
    {
        final CommandRun run = chaos("hang", "--workers", "2", "--watchdog", "0.4");

        assertEquals(Cli.EXIT_FAILURE, run.exitCode(), run.err());
        assertEquals("", run.out());
        final List<String> failed = run.err().lines().filter(l -> l.startsWith("karyon run: failed")).toList();
        assertEquals(1, failed.size(), run.err());
        assertTrue(failed.get(0).startsWith("karyon run: failed: model chaos failed at tick 3: watchdog: " +
            "karyon-worker-"), failed.get(0));
        assertTrue(failed.get(0).contains(" has not finished tick 3 within 0.4 s: cell "), failed.get(0));
        assertTrue(failed.get(0).contains("behaviour 'faulty', genotype 'faulty'"), failed.get(0));
    }

    @Test
    void shouldKillAnOverrunningCellOutOfBoundsAndCarryOn()
    {
        final CommandRun run = chaos("overrun", "--workers", "2");

        assertCountedAndRestarted(run, "out_of_bounds");
        assertEquals("", run.err());
        assertEquals(10, run.json().get("ticks").longValue());
    }

    @Test
    void shouldRestartACellThatThrows()
    {
        assertCountedAndRestarted(chaos("throw", "--workers", "2"), "exception");
    }

    @Test
    void shouldRestartACellThatThrowsEveryKTicks()
    {
        final CommandRun run = chaos("throw", "--workers", "1", "--set", "every=2", "--set", "faulty=3");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        // Ticks 3, 5, 7 and 9, three faulty cells each; a restart comes at the start of the next tick, so the last
        // three are still waiting for theirs when the run ends.
        assertEquals(12, run.json().get("deaths_by_reason").get("exception").longValue(), run.json().toString());
        assertEquals(9, run.json().get("restarts").longValue(), run.json().toString());
        assertEquals(197, run.json().get("alive").longValue(), run.json().toString());
    }

    @Test
    void shouldContainAFloodToTheFlooder()
    {
        final CommandRun run = chaos("flood", "--workers", "2", "--mailbox-limit", "100");

        assertCountedAndRestarted(run, "mailbox_overflow");
        final JsonNode json = run.json();
        assertEquals(json.get("sent").longValue(),
            json.get("delivered").longValue() + json.get("pending").longValue() + json.get("dead_letters").longValue(),
            "the counters add up: " + json);
    }

    @Test
    void shouldFindADamagedHeaderInTheSweep()
    {
        final CommandRun run = chaos("corrupt", "--workers", "2", "--verify-every", "1");

        // Its warning line goes to the process's stderr (the engine's warnings are not the command's own lines).
        assertCountedAndRestarted(run, "corrupt");
    }

    @Test
    void shouldLeaveADamagedHeaderUnfoundWithoutTheSweep()
    {
        final CommandRun run = chaos("corrupt", "--workers", "1");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertEquals(0, run.json().get("deaths").longValue(), "what --verify-every exists for");
        assertEquals(chaos("none", "--workers", "1").json().get("digest"), run.json().get("digest"));
    }

    @Test
    void shouldStopAnExplosionAtTheMemoryBudgetInOneLine()
    {
        final CommandRun run = chaos(100, "explode", "--workers", "1", "--max-memory", "64m");

        assertEquals(Cli.EXIT_FAILURE, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("karyon run: failed: model chaos ran out of memory at tick "), run.err());
        assertTrue(run.err().contains("the memory budget (--max-memory 64.0 MiB)"), run.err());
        assertTrue(run.err().contains("raise --max-memory"), run.err());
    }

    @Test
    void shouldRefuseAnUnknownFaultAndTooManyFaultyCells()
    {
        final CommandRun unknown = chaos("melt", "--workers", "1");
        assertEquals(Cli.EXIT_USAGE, unknown.exitCode(), unknown.err());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        assertTrue(unknown.err().contains("fault"), unknown.err());
        assertTrue(unknown.err().contains("melt"), unknown.err());

        final CommandRun tooMany = chaos("throw", "--workers", "1", "--set", "faulty=201");
        assertEquals(Cli.EXIT_USAGE, tooMany.exitCode(), tooMany.err());
        assertTrue(tooMany.err().contains("faulty: expected an integer in [1, 200]"), tooMany.err());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "none", "overrun", "throw", "flood", "corrupt", "explode" })
    void shouldGiveTheSameDigestForAnyWorkerCount(final String fault)
    {
        final String[] extra = { "--mailbox-limit", "100", "--verify-every", "1", "--set", "every=2",
            "--set", "faulty=5" };
        final JsonNode one = chaos(fault, concat(extra, "--workers", "1")).json();
        final JsonNode two = chaos(fault, concat(extra, "--workers", "2")).json();
        final JsonNode three = chaos(fault, concat(extra, "--workers", "3")).json();

        assertEquals(one.get("digest"), two.get("digest"), fault);
        assertEquals(one.get("digest"), three.get("digest"), fault);
        assertEquals(one.get("deaths_by_reason"), three.get("deaths_by_reason"), fault);
        assertEquals(one.get("alive"), three.get("alive"), fault);
        if (!"none".equals(fault))
        {
            assertNotEquals(chaos("none", "--workers", "1").json().get("digest"), one.get("digest"),
                fault + " leaves its mark on the state");
        }
        assertFalse(one.get("stopped").booleanValue());
    }

    private static String[] concat(final String[] a, final String... b)
    {
        final String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
