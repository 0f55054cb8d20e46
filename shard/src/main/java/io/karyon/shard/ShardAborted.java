package io.karyon.shard;

/**
 * Another shard stopped the run ({@link AeronShardLink#abort}), or did not join it ({@link AeronShardLink#refuse},
 * {@link AeronShardLink#leave}): thrown by this shard's next poll, send or wait to connect, with that shard's exit code
 * and message.
 */
public final class ShardAborted extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final int origin;
    private final int exitCode;
    private final String reason;

    ShardAborted(final int origin, final int shards, final int exitCode, final String reason)
    {
        super("shard " + origin + " of " + shards + " stopped the run: " + reason);
        this.origin = origin;
        this.exitCode = exitCode;
        this.reason = reason;
    }

    /**
     * The shard whose failure stopped the run.
     *
     * @return its index.
     */
    public int origin()
    {
        return origin;
    }

    /**
     * The failure's exit code on that shard.
     *
     * @return 1 a failed run, 2 bad usage.
     */
    public int exitCode()
    {
        return exitCode;
    }

    /**
     * The failure's one line on that shard.
     *
     * @return the message.
     */
    public String reason()
    {
        return reason;
    }
}
