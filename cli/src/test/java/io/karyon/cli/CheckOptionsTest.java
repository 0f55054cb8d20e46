package io.karyon.cli;

import io.karyon.engine.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks' options, {@code --mailbox-limit} and {@code --verify-every}: ranges refused in one line with exit 2, the
 * {@code karyon.engine.*} properties as their defaults, and a run with the sweep on every tick giving the same digest.
 */
@Timeout(60)
class CheckOptionsTest
{
    private static final String[] SMALL_RUN = { "run", "ring", "--cells", "2000", "--ticks", "5", "--json",
        "--quiet" };

    @AfterEach
    void clearProperties()
    {
        System.clearProperty(Configuration.MAILBOX_LIMIT_PROP_NAME);
        System.clearProperty(Configuration.VERIFY_EVERY_PROP_NAME);
    }

    private static CommandRun run(final String... extraArgs)
    {
        final String[] args = new String[SMALL_RUN.length + extraArgs.length];
        System.arraycopy(SMALL_RUN, 0, args, 0, SMALL_RUN.length);
        System.arraycopy(extraArgs, 0, args, SMALL_RUN.length, extraArgs.length);
        return CommandRun.karyon(args);
    }

    @Test
    void shouldRefuseAMailboxLimitBelowOneInOneLine()
    {
        final CommandRun run = run("--mailbox-limit", "0");
        assertEquals(Cli.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().startsWith("karyon run: Invalid value for option '--mailbox-limit': must be in 1.."),
            run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void shouldRefuseANegativeSweepPeriod()
    {
        final CommandRun run = run("--verify-every", "-1");
        assertEquals(Cli.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().startsWith("karyon run: Invalid value for option '--verify-every': must be in 0.."),
            run.err());
    }

    @Test
    void shouldRunTheSameWithTheSweepOnEveryTick()
    {
        final CommandRun plain = run();
        final CommandRun swept = run("--verify-every", "1");
        assertEquals(Cli.EXIT_OK, swept.exitCode(), swept.err());
        assertEquals(plain.json().get("digest"), swept.json().get("digest"));
        assertTrue(swept.err().isEmpty(), swept.err());
    }

    @Test
    void shouldTakeTheDefaultsFromTheProperties()
    {
        System.setProperty(Configuration.MAILBOX_LIMIT_PROP_NAME, "0");
        final CommandRun run = run();
        assertEquals(Cli.EXIT_USAGE, run.exitCode(), "the property is the option's default, checked as the option");
        assertTrue(run.err().contains("--mailbox-limit"), run.err());
        System.clearProperty(Configuration.MAILBOX_LIMIT_PROP_NAME);
        System.setProperty(Configuration.VERIFY_EVERY_PROP_NAME, "3");
        assertEquals(Cli.EXIT_OK, run().exitCode());
    }
}
