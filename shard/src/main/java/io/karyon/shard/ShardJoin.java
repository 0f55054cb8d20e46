package io.karyon.shard;

import io.aeron.exceptions.RegistrationException;
import io.karyon.model.ModelException;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * How long the shards of a run wait for each other to join at the start, and what a shard says when they do not: one
 * line naming every shard that did not join, and why that is likely, or the endpoint it cannot listen on itself.
 * A host across hosts that refuses its {@code --shard} or {@code --peers} cannot tell the others (it does not know
 * which shard it is, or where they are), so they learn it only here, at the connect timeout.
 */
final class ShardJoin
{
    /** What precedes the OS's reason in the media driver's error for a channel it cannot open. */
    private static final String CHANNEL_ERROR = "channel error - ";
    private static final String STACK = " (at ";

    private ShardJoin()
    {
    }

    /**
     * How long a shard waits for the others to connect: {@link ShardLauncher#CONNECT_TIMEOUT_PROP_NAME}, else the
     * larger of the link's timeout and {@link AeronShardLink#CONNECT_TIMEOUT_NS}. A bad value is refused before a
     * shard joins (the launcher, the command line); one that joins only to tell the others that it refused waits as by
     * default.
     *
     * @param timeoutNs the link's timeout.
     * @return nanoseconds.
     */
    static long connectLimitNs(final long timeoutNs)
    {
        long givenMs;
        try
        {
            givenMs = ShardLauncher.connectTimeoutMs();
        }
        catch (final ModelException ex)
        {
            givenMs = 0;
        }
        return 0 == givenMs ? Math.max(timeoutNs, AeronShardLink.CONNECT_TIMEOUT_NS) :
            TimeUnit.MILLISECONDS.toNanos(givenMs);
    }

    /**
     * One line naming every shard that has not connected, by its endpoint too over UDP, and why that is likely.
     *
     * @param shard     this one.
     * @param shards    in the run.
     * @param endpoints every shard's {@code HOST:PORT} over UDP, or null over IPC.
     * @param connected whether a shard has connected.
     * @param limitNs   how long this shard waited.
     * @return the line.
     */
    static String notJoined(final int shard, final int shards, final List<String> endpoints,
        final IntPredicate connected, final long limitNs)
    {
        final StringBuilder missing = new StringBuilder();
        int count = 0;
        for (int s = 0; s < shards; s++)
        {
            if (s != shard && !connected.test(s))
            {
                missing.append(0 == count++ ? "" : ", ").append("shard ").append(s)
                    .append(null == endpoints ? "" : " (" + endpoints.get(s) + ")");
            }
        }
        return missing + " of " + shards + " did not join shard " + shard + " within " +
            TimeUnit.NANOSECONDS.toMillis(limitNs) + " ms" + (null == endpoints ? "" : ": " +
            (1 == count ? "it was" : "each was") + " not started, stopped before joining (a bad --shard or --peers, " +
            "which it cannot tell the others: its own line says why) or cannot be reached from this host");
    }

    /**
     * A shard across hosts that cannot listen on its own endpoint (the port taken, or an address not this host's:
     * the wrong {@code --shard} for this host): one line naming it, rather than the media driver's.
     *
     * @param shard    this one.
     * @param shards   in the run.
     * @param endpoint its {@code HOST:PORT} in {@code --peers}.
     * @param ex       the media driver's refusal.
     * @return the failure to throw.
     */
    static IllegalStateException cannotListen(final int shard, final int shards, final String endpoint,
        final RegistrationException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        final int from = message.indexOf(CHANNEL_ERROR);
        final String reason = from < 0 ? message : message.substring(from + CHANNEL_ERROR.length());
        final String why = reason.contains(STACK) ? reason.substring(0, reason.indexOf(STACK)) : reason;
        return new IllegalStateException("shard " + shard + " of " + shards + " cannot listen on its endpoint in " +
            "--peers, " + endpoint + ": " + why + " (another process holds the port, or the address is not this " +
            "host's: is this host shard " + shard + "?)", ex);
    }
}
