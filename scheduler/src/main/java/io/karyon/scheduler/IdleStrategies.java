package io.karyon.scheduler;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Idle strategies by name, as the command line and the configuration give them.
 * <ul>
 * <li>{@code spin}: busy-spin; lowest latency, burns its core: only with a core per worker.</li>
 * <li>{@code backoff}: spin, then yield, then park from 1 us up to 1 ms; for workers sharing cores.</li>
 * <li>{@code yield}: {@code Thread.yield()} between polls; lets other threads on the core run.</li>
 * <li>{@code sleep}: sleep 1 ms between polls; least CPU, slowest to wake.</li>
 * </ul>
 */
public final class IdleStrategies
{
    /** Names accepted by {@link #of(String)}. */
    public static final List<String> NAMES = List.of("spin", "backoff", "yield", "sleep");

    private IdleStrategies()
    {
    }

    /**
     * A new idle strategy (each worker needs its own: they keep state).
     *
     * @param name one of {@link #NAMES}.
     * @return the strategy.
     * @throws IllegalArgumentException naming the bad name and the good ones.
     */
    public static IdleStrategy of(final String name)
    {
        switch (null == name ? "" : name)
        {
            case "spin":
                return new BusySpinIdleStrategy();
            case "backoff":
                return new BackoffIdleStrategy(
                    10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
            case "yield":
                return new YieldingIdleStrategy();
            case "sleep":
                return new SleepingMillisIdleStrategy(1);
            default:
                throw new IllegalArgumentException("idle strategy must be one of " + NAMES + ": idle=" + name);
        }
    }

    /**
     * Checks a name.
     *
     * @param name to check.
     * @return the name.
     * @throws IllegalArgumentException naming the bad name and the good ones.
     */
    public static String check(final String name)
    {
        if (!NAMES.contains(name))
        {
            throw new IllegalArgumentException("idle strategy must be one of " + NAMES + ": idle=" + name);
        }
        return name;
    }
}
