package io.karyon.models;

import io.karyon.engine.Context;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class RingTest
{
    /**
     * The digests the old {@code karyon run} printed (500,000 cells, 100 ticks, seed 42: its defaults) for these
     * flags, before it became a runner of models; {@code ring}'s defaults are the same run. The spread tree's digest
     * is the one since supervision homes default to 64 (with 16 it was 0xb219f00cba6ce145): 100 supervisors spread
     * over 64 homes, not 16.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|0x096c4d3a0f2ec4c2",
        "supervisors=1000|0xc63dd816b47c590c",
        "supervisors=100 fanout=100 spread=true|0x00903507a4322ed8" })
    void shouldGiveTheDigestsOfTheOldKaryonRun(final String settings, final String digest)
    {
        final ModelRun.Builder run = run(2);
        for (final String setting : settings.split(" "))
        {
            if (!setting.isEmpty())
            {
                final String[] nameValue = setting.split("=");
                run.set(nameValue[0], nameValue[1]);
            }
        }
        final ModelRun.Result result = run.run();
        assertEquals(digest, String.format(Locale.ROOT, "0x%016x", result.digest()), result.summary()::toString);
    }

    /**
     * With {@code refind}, cells find their restarted neighbours again by child id: the run is the same on 1, 2 and 3
     * workers, and the share of dead letters among the messages falls twenty-fold and more.
     */
    @Test
    void shouldRefindRestartedNeighboursTheSameWayOnAnyNumberOfWorkers()
    {
        final ModelRun.Result naive = run(2).cells(20_000).ticks(300).set("supervisors", "100").run();
        final ModelRun.Result refind = refinding(1);
        assertTrue(((Number)refind.summary().get("restarts")).longValue() > 1000, refind.summary()::toString);
        assertTrue(share(refind) * 20 < share(naive), "re-finding: " + refind.summary() + "; not: " + naive.summary());
        for (final int workers : new int[]{ 2, 3 })
        {
            assertEquals(refind.digest(), refinding(workers).digest(), workers + " workers");
        }
    }

    /**
     * Over a long run daughters (unsupervised, so not re-findable) die in numbers: a re-finding cell monitors its
     * neighbour and forgets one that died, so dead letters stay a small fraction of the messages.
     */
    @Test
    void shouldKeepDeadLettersASmallFractionOverALongSupervisedRun()
    {
        final ModelRun.Result result = run(2).cells(20_000).ticks(1500).set("supervisors", "100").set("refind", "true")
            .run();
        assertTrue(((Number)result.summary().get("deaths")).longValue() > 20_000, result.summary()::toString);
        assertTrue(share(result) < 0.01, "dead letters / sent = " + share(result) + ": " + result.summary());
        assertTrue(((Number)result.summary().get("alive")).longValue() < 2 * 20_000,
            "a share with nowhere to go is given off, so the population does not grow: " + result.summary());
    }

    private static ModelRun.Result refinding(final int workers)
    {
        return run(workers).cells(20_000).ticks(300).set("supervisors", "100").set("refind", "true").run();
    }

    private static double share(final ModelRun.Result result)
    {
        return ((Number)result.summary().get("dead_letters")).doubleValue() /
            ((Number)result.summary().get("sent")).doubleValue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "strategy|simple_one_for_one|strategy: expected one of [one_for_one, one_for_all, rest_for_one]",
        "restart|sometimes|restart: expected one of [permanent, transient, temporary]",
        "period|0|period: expected an integer in [1, 9223372036854775807], got 0",
        "fanout|0|fanout: expected an integer in [1, 1048575], got 0",
        "intensity|-1|intensity: expected an integer in [0, 1048575], got -1",
        "supervisors|-1|supervisors: expected an integer in [0, 2147483647], got -1",
        "spread|maybe|spread: expected true or false, got \"maybe\"",
        "refind|maybe|refind: expected true or false, got \"maybe\"" })
    void shouldRefuseBadParameters(final String name, final String value, final String message)
    {
        final ModelException ex = assertThrows(ModelException.class, () -> run(1).cells(100).set(name, value).run());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode(), ex.getMessage());
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "supervisors|101|supervisors: expected an integer in [0, 100]" })
    void shouldRefuseMoreSupervisorsThanCells(final String name, final String value, final String message)
    {
        final ModelException ex = assertThrows(ModelException.class, () -> run(1).cells(100).set(name, value).run());
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }

    private static ModelRun.Builder run(final int workers)
    {
        return ModelRun.builder(new Ring())
            .seed(42)
            .context(new Context().workerCount(workers).idleStrategy("backoff").pin(false))
            .progress(Progress.NONE);
    }
}
