package io.karyon.engine;

import java.util.Arrays;

/**
 * Exit reasons: small codes with names, counted per reason in an organism's {@link Stats}.
 * <p>
 * Codes 0..15 are the engine's; {@link #register(String)} adds user reasons from 16 on.
 * <p>
 * <b>Note:</b> register reasons before the run starts; reads during the run are threadsafe once registration ends.
 */
public final class ExitReasons
{
    /** The cell finished its work. */
    public static final int NORMAL = 0;
    /** The cell was killed from outside (the organism's {@code kill}). */
    public static final int KILLED = 1;
    /** The cell's behaviour threw. */
    public static final int EXCEPTION = 2;
    /** An integrity check found the cell's state corrupt. */
    public static final int CORRUPT = 3;
    /** The cell's supervisor terminated it (a sibling's restart, or the supervisor giving up). */
    public static final int SHUTDOWN = 4;
    /** A monitor or link asked for a cell that was already dead (a DOWN or EXIT reason, as Erlang's noproc). */
    public static final int NOPROC = 15;
    /** First code handed out by {@link #register(String)}. */
    public static final int FIRST_USER_REASON = 16;
    /** Number of reason codes an organism can hold. */
    public static final int MAX_REASONS = 64;

    private final String[] names = new String[MAX_REASONS];
    private int next = FIRST_USER_REASON;

    /**
     * A table holding the engine's reasons.
     */
    public ExitReasons()
    {
        names[NORMAL] = "normal";
        names[KILLED] = "killed";
        names[EXCEPTION] = "exception";
        names[CORRUPT] = "corrupt";
        names[SHUTDOWN] = "shutdown";
        names[NOPROC] = "noproc";
    }

    /**
     * Registers a user reason, or returns the code it already has.
     *
     * @param name of the reason, e.g. "starved".
     * @return its code.
     * @throws IllegalArgumentException when the name is blank or the table is full.
     */
    public int register(final String name)
    {
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("exit reason name must not be blank: name='" + name + "'");
        }
        for (int i = 0; i < MAX_REASONS; i++)
        {
            if (name.equals(names[i]))
            {
                return i;
            }
        }
        if (next == MAX_REASONS)
        {
            throw new IllegalArgumentException("too many exit reasons: at most " + (MAX_REASONS - FIRST_USER_REASON) +
                " user reasons, cannot add '" + name + "'");
        }
        names[next] = name;
        return next++;
    }

    /**
     * Name of a code.
     *
     * @param code of the reason.
     * @return its name, or "reason-N" for an unregistered code.
     */
    public String name(final int code)
    {
        return code >= 0 && code < MAX_REASONS && null != names[code] ? names[code] : "reason-" + code;
    }

    /**
     * Whether a code may be passed to {@link CellContext#die(int)}.
     *
     * @param code to check.
     * @return true if registered.
     */
    public boolean isValid(final int code)
    {
        return code >= 0 && code < MAX_REASONS && null != names[code];
    }

    /**
     * The code a restart table understands: normal and shutdown keep their OTP codes (0 and 1), every other reason
     * is moved past them, so that {@link #KILLED} (1 here) is not mistaken for shutdown.
     *
     * @param code of an exit reason.
     * @return the restart table's code for it.
     */
    /**
     * The names by code, null where no reason has the code (for a checkpoint).
     */
    String[] names()
    {
        return names.clone();
    }

    /**
     * Replaces the names by code (a checkpoint restore); user reasons are registered after the highest one.
     */
    void restore(final String[] restored)
    {
        System.arraycopy(restored, 0, names, 0, MAX_REASONS);
        int highest = FIRST_USER_REASON;
        for (int i = FIRST_USER_REASON; i < MAX_REASONS; i++)
        {
            if (null != names[i])
            {
                highest = i + 1;
            }
        }
        next = highest;
    }

    static int toRestartTable(final int code)
    {
        if (NORMAL == code)
        {
            return io.karyon.supervisor.RestartTable.REASON_NORMAL;
        }
        return SHUTDOWN == code ? io.karyon.supervisor.RestartTable.REASON_SHUTDOWN : 100 + code;
    }

    /**
     * The exit reason code of a restart table's reason code; the inverse of {@link #toRestartTable(int)}.
     */
    static int fromRestartTable(final int code)
    {
        if (io.karyon.supervisor.RestartTable.REASON_NORMAL == code)
        {
            return NORMAL;
        }
        return io.karyon.supervisor.RestartTable.REASON_SHUTDOWN == code ? SHUTDOWN : code - 100;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ExitReasons" + Arrays.toString(names);
    }
}
