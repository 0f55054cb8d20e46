package io.karyon.scheduler;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

/**
 * A close with a deadline abandons an agent whose duty cycle never returns, names it, and lets the others end.
 */
@Timeout(value = 60, threadMode = SEPARATE_THREAD)
class WorkersCloseTest
{
    private static volatile boolean released;
    private static volatile boolean spinning;

    /**
     * Spins in its first duty cycle until released when {@code stuck}; otherwise does nothing.
     */
    private static final class Spinning implements Agent
    {
        private final String role;
        private final boolean stuck;

        Spinning(final String role, final boolean stuck)
        {
            this.role = role;
            this.stuck = stuck;
        }

        public int doWork()
        {
            if (stuck)
            {
                spinning = true;
                while (!released)
                {
                    Thread.onSpinWait();
                }
            }
            return 0;
        }

        public String roleName()
        {
            return role;
        }
    }

    @Test
    void shouldAbandonOnlyTheAgentThatNeverReturnsAndSayWhich()
    {
        released = false;
        final Workers workers = Workers.start(
            List.of(new Spinning("karyon-worker-0", false), new Spinning("karyon-worker-1", true)),
            ThreadingMode.DEDICATED, BackoffIdleStrategy::new, null, (w) -> { });
        try
        {
            while (!spinning)
            {
                Thread.onSpinWait();
            }

            assertEquals(List.of("karyon-worker-1"), workers.close(TimeUnit.MILLISECONDS.toNanos(300)));
            assertEquals(List.of("karyon-worker-1"), workers.abandoned());
            assertEquals(List.of("karyon-worker-1"), workers.close(TimeUnit.MILLISECONDS.toNanos(300)),
                "closing again says the same");
        }
        finally
        {
            released = true;
        }
    }

    @Test
    void shouldAbandonNothingWhenEveryAgentEnds()
    {
        final Workers workers = Workers.start(
            List.of(new Spinning("karyon-worker-0", false), new Spinning("karyon-worker-1", false)),
            ThreadingMode.DEDICATED, BackoffIdleStrategy::new, null, (w) -> { });

        assertEquals(List.of(), workers.close(TimeUnit.SECONDS.toNanos(10)));
        assertEquals(0, workers.liveThreads());
    }
}
