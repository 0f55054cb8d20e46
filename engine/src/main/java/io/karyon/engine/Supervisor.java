package io.karyon.engine;

import io.karyon.engine.cell.Handle;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;

/**
 * A supervisor of an {@link Organism}: the handle that {@link Organism#supervisor(RestartStrategy, int, long)}
 * returns. Pass it to {@link Organism#spawn(Genotype, Supervisor, RestartType)} to supervise a cell and to
 * {@code supervisor(parent, ...)} to nest a supervisor, and ask it between runs whether it is running and who its
 * children are.
 * <p>
 * It names the supervision home the supervisor lives in and its row in that home's restart table; the same calls give
 * the same homes and rows whatever the number of workers. Reports, such as the one a supervisor that gives up leaves,
 * name it by its {@link #id()}. It is an immutable value, one per supervisor, used only by the driver: workers know a
 * supervisor as a row beside its home, never as an object. It belongs to the organism that created it; another one
 * rejects it.
 * <p>
 * <b>Note:</b> like its organism, not threadsafe: read it from the driver, while no tick runs.
 */
public final class Supervisor
{
    /**
     * Bits of {@link #id()} that hold the row; the home is above them.
     */
    static final int HOME_SHIFT = 24;

    /**
     * Rows a supervision home can hold.
     */
    static final int MAX_ROWS = 1 << HOME_SHIFT;

    private final SupervisionHomes owner;
    private final int home;
    private final int row;

    private Supervisor(final SupervisionHomes owner, final int home, final int row)
    {
        this.owner = owner;
        this.home = home;
        this.row = row;
    }

    /**
     * The supervisor at a row of a home.
     *
     * @throws IllegalStateException if the home holds more rows than an id can name.
     */
    static Supervisor of(final SupervisionHomes owner, final int home, final int row)
    {
        return new Supervisor(owner, home, checkRow(home, row));
    }

    /**
     * The id of the supervisor at a row of a home, as reports print it.
     *
     * @throws IllegalStateException if the home holds more rows than an id can name.
     */
    static int id(final int home, final int row)
    {
        return home << HOME_SHIFT | checkRow(home, row);
    }

    private static int checkRow(final int home, final int row)
    {
        if (row >= MAX_ROWS)
        {
            throw new IllegalStateException("too many supervisors in supervision home " + home + ": " + row);
        }
        return row;
    }

    boolean isOf(final SupervisionHomes homes)
    {
        return owner == homes;
    }

    /**
     * The supervision home it lives in, 0 to {@link Context#supervisionHomes()} - 1.
     *
     * @return the home's index.
     */
    public int home()
    {
        return home;
    }

    /**
     * Its row in its home's restart table.
     *
     * @return the row, from 0.
     */
    public int row()
    {
        return row;
    }

    /**
     * The number that reports name it by: {@code home << 24 | row}, unique within its organism.
     *
     * @return the id, >= 0.
     */
    public int id()
    {
        return home << HOME_SHIFT | row;
    }

    /**
     * Whether it is running: false once it gave up or its parent terminated it, until its parent restarts it.
     *
     * @return true if running.
     * @throws IllegalStateException if its organism is closed or running free.
     */
    public boolean isRunning()
    {
        return owner.isRunning(this);
    }

    /**
     * The handles of its children, in start order: a child cell's current handle (stale while the cell waits for its
     * restart, or once it stopped: {@link Organism#isAlive(long)} tells), {@link Handle#NULL_HANDLE} for a child
     * supervisor. For tests and tools: it allocates an array; {@link #children(long[])} does not.
     *
     * @return a handle per child.
     * @throws IllegalStateException if its organism is closed or running free.
     */
    public long[] children()
    {
        final long[] handles = new long[owner.childCount(this)];
        owner.children(this, handles);
        return handles;
    }

    /**
     * Copies the handles of its children into an array, as {@link #children()} lists them, as many as fit.
     *
     * @param handles to copy into from index 0; left as it is past the children.
     * @return the number of children, which may be more than were copied.
     * @throws IllegalStateException if its organism is closed or running free.
     */
    public int children(final long[] handles)
    {
        return owner.children(this, handles);
    }

    /**
     * The child id of one of its running children: what names that child across its restarts (see
     * {@link CellContext}); cells find the child's current handle from it with {@link CellContext#child(long)}.
     *
     * @param handle of a running child cell.
     * @return its child id, >= 0.
     * @throws IllegalArgumentException if the handle is not of a running child of this supervisor.
     * @throws IllegalStateException    if its organism is closed or running free.
     */
    public long childId(final long handle)
    {
        return owner.childId(this, handle);
    }

    /**
     * The current handle of one of its children, by child id, as the cells' {@link CellContext#child(long)} will
     * answer in the next tick.
     *
     * @param childId from {@link #childId(long)} or a cell's {@link CellContext#childId()}.
     * @return the handle (> 0) while the child runs, else {@link CellContext#CHILD_RESTARTING},
     * {@link CellContext#CHILD_STOPPED}, {@link CellContext#CHILD_SUPERVISOR_STOPPED} or
     * {@link CellContext#CHILD_GONE}.
     * @throws IllegalArgumentException if the id never named a child of this supervisor.
     * @throws IllegalStateException    if its organism is closed or running free.
     */
    public long child(final long childId)
    {
        return owner.child(this, childId);
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object other)
    {
        return other instanceof Supervisor && ((Supervisor)other).owner == owner &&
            ((Supervisor)other).home == home && ((Supervisor)other).row == row;
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return id();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Supervisor{id=" + id() + ", home=" + home + ", row=" + row + "}";
    }
}
