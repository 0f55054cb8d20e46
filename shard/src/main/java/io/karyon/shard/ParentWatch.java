package io.karyon.shard;

/**
 * A shard started by a launcher checks, while it waits, that the launcher (shard 0) is still there
 * ({@link AeronShardLink#watchParent}): at most every {@value #CHECK_NS} ns.
 */
final class ParentWatch
{
    /** How often the launcher is checked, at most. */
    static final long CHECK_NS = 100_000_000L;

    private final ProcessHandle parent;
    private long checkNs;

    /**
     * @param pid the launcher's process id.
     * @throws IllegalStateException if that process is gone already.
     */
    ParentWatch(final long pid)
    {
        parent = ProcessHandle.of(pid).orElse(null);
        if (null == parent || !parent.isAlive())
        {
            throw new IllegalStateException(gone(pid));
        }
        checkNs = System.nanoTime();
    }

    /**
     * Checks the launcher if the last check is {@value #CHECK_NS} ns old.
     *
     * @throws IllegalStateException if it is gone.
     */
    void check()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - checkNs > CHECK_NS)
        {
            checkNs = nowNs;
            if (!parent.isAlive())
            {
                throw new IllegalStateException(gone(parent.pid()));
            }
        }
    }

    private static String gone(final long pid)
    {
        return "shard 0 (pid " + pid + "), which started this shard, is gone: the run stopped";
    }
}
