package io.karyon.engine;

import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartTableDescriptor;
import io.karyon.supervisor.RestartType;

import java.util.Arrays;

/**
 * The organism's fixed set of supervision homes (see {@link SupervisionHome}), and the dealing of supervisors to
 * them: top-level supervisors go to the homes in turn, a child supervisor to its parent's home or, spread, to the
 * next home in turn; a supervised cell is spawned in its supervisor's home. A home's family is added the first time a
 * supervisor is dealt to it, so which families, rows and slots the driver's calls get does not depend on the number
 * of workers.
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it, while no tick runs. The slices read the homes as they are
 * filled in.
 */
final class SupervisionHomes implements AutoCloseable
{
    private final SupervisionHome[] homes;
    private final Families families;
    private final int familyShift;
    private final int restartBudget;
    private final boolean freeRunning;
    private final Lifecycle life;
    private long dealt;

    /**
     * @param homes     the table to fill in, {@link Context#supervisionHomes()} long, shared with the slices.
     * @param families  to add each home's family to.
     * @param life      of the organism: a supervisor's state is read only while it is open and stopped.
     */
    SupervisionHomes(
        final SupervisionHome[] homes, final Families families, final Lifecycle life, final Context context)
    {
        this.life = life;
        this.homes = homes;
        this.families = families;
        this.familyShift = context.chunkShift() + Arena.FAMILY_SHIFT;
        this.restartBudget = context.restartBudget();
        this.freeRunning = context.freeRunning();
    }

    /**
     * Creates a top-level supervisor in the next home in turn.
     */
    Supervisor topLevel(final RestartStrategy strategy, final int intensity, final long period)
    {
        final SupervisionHome home = nextHome();
        return Supervisor.of(this, home.index, home.table.createSupervisor(strategy, intensity, period));
    }

    /**
     * Creates a supervisor under another: in its parent's home, or spread to the next home in turn as a top-level
     * row there linked to a proxy row under its parent.
     *
     * @throws IllegalStateException if spread in free-running mode.
     */
    Supervisor child(final Supervisor parent, final RestartStrategy strategy, final int intensity, final long period,
        final RestartType type, final boolean spread)
    {
        final SupervisionHome parentHome = homeOf(parent);
        if (!spread)
        {
            return Supervisor.of(this, parentHome.index, parentHome.table.createSupervisor(
                strategy, intensity, period, parent.row(), type));
        }
        if (freeRunning)
        {
            throw new IllegalStateException("a supervisor in another home than its parent needs tick mode: " +
                "free-running mode keeps a tree in its top-level supervisor's home");
        }
        final SupervisionHome home = nextHome();
        final int proxy = parentHome.table.createSupervisor(strategy, intensity, period, parent.row(), type);
        final int row = home.table.createSupervisor(strategy, intensity, period);
        parentHome.link(proxy, home.index, row);
        home.link(row, parentHome.index, proxy);
        return Supervisor.of(this, home.index, row);
    }

    /**
     * Spawns a cell as a supervisor's child, in the supervisor's home, on the worker that owns it.
     */
    long spawn(final Genotype genotype, final Supervisor supervisor, final RestartType type)
    {
        final SupervisionHome home = homeOf(supervisor);
        return families.sliceOfChunk(home.rootChunk).spawnSupervised(home, genotype, supervisor.row(), type);
    }

    boolean isRunning(final Supervisor supervisor)
    {
        life.ensureReadable();  // the tables are the workers', and freed on close
        return homeOf(supervisor).table.isRunning(supervisor.row());
    }

    /**
     * Copies the handle of each entry of a supervisor's child list, in start order, as many as fit.
     *
     * @return the number of entries.
     */
    int children(final Supervisor supervisor, final long[] handles)
    {
        life.ensureReadable();
        final RestartTable table = homeOf(supervisor).table;
        int count = 0;
        for (int e = table.firstChild(supervisor.row()); RestartTableDescriptor.NULL_ENTRY != e; e = table.nextChild(e))
        {
            if (count < handles.length)
            {
                final long handle = table.handle(e);
                handles[count] = RestartTableDescriptor.NULL_HANDLE == handle ? Handle.NULL_HANDLE : handle;
            }
            count++;
        }
        return count;
    }

    /**
     * The child id of a running child cell of a supervisor.
     *
     * @throws IllegalArgumentException if the handle is not of a running child of that supervisor.
     */
    long childId(final Supervisor supervisor, final long handle)
    {
        life.ensureReadable();
        final SupervisionHome home = homeOf(supervisor);
        final int entry = home.table.entryOf(handle);
        if (RestartTableDescriptor.NULL_ENTRY == entry || home.table.ownerRow(entry) != supervisor.row())
        {
            throw new IllegalArgumentException("cell " + Handle.toString(handle) + " is not a running child of " +
                supervisor);
        }
        return home.directory.idOf(entry);
    }

    /**
     * What a child id of a supervisor names, as the cells see it in the next tick.
     *
     * @throws IllegalArgumentException if the id is not one of that supervisor's children's.
     */
    long child(final Supervisor supervisor, final long childId)
    {
        life.ensureReadable();
        final SupervisionHome home = homeOf(supervisor);
        final long nextTick = families.sliceOfChunk(home.rootChunk).currentTick();
        if (childId >= 0 && ChildDirectory.homeOfId(childId) != home.index)
        {
            throw new IllegalArgumentException(ChildDirectory.badId(childId, "it is of supervision home " +
                ChildDirectory.homeOfId(childId) + ", not of " + supervisor));
        }
        final long answer = Supervision.child(homes, childId, nextTick);
        final int entry = ChildDirectory.entryOfId(childId);
        if (CellContext.CHILD_GONE != answer && home.table.statusOf(entry) != RestartTableDescriptor.CHILD_FREE &&
            home.table.ownerRow(entry) != supervisor.row())
        {
            throw new IllegalArgumentException(ChildDirectory.badId(childId, "it is not a child of " + supervisor));
        }
        return answer;
    }

    int childCount(final Supervisor supervisor)
    {
        life.ensureReadable();
        return homeOf(supervisor).table.childCount(supervisor.row());
    }

    SupervisionHome homeOf(final Supervisor supervisor)
    {
        if (null == supervisor)
        {
            throw new IllegalArgumentException("supervisor must not be null");
        }
        if (!supervisor.isOf(this))
        {
            throw new IllegalArgumentException("supervisor of another organism: " + supervisor);
        }
        final int index = supervisor.home();
        if (index >= homes.length || null == homes[index] || supervisor.row() >= homes[index].table.rowCount())
        {
            throw new IllegalArgumentException("no such supervisor: " + supervisor);
        }
        return homes[index];
    }

    /**
     * The next home in turn, its family created on first use: families are added in the order the driver's calls
     * need them, which does not depend on the number of workers.
     */
    private SupervisionHome nextHome()
    {
        final int index = (int)(dealt++ % homes.length);
        SupervisionHome home = homes[index];
        if (null == home)
        {
            final int family = families.addFamily();
            home = new SupervisionHome(index, family, familyShift, restartBudget);
            homes[index] = home;
            families.sliceOfChunk(family << Arena.FAMILY_SHIFT).addHome(home);
        }
        return home;
    }

    // Checkpoints, between ticks.

    /**
     * Supervisors dealt to the homes so far.
     */
    long dealt()
    {
        return dealt;
    }

    /**
     * The homes by index, null where none was created yet.
     */
    SupervisionHome[] homes()
    {
        return homes;
    }

    /**
     * Frees every home and forgets how many supervisors were dealt (a checkpoint restore); the slices forget their
     * homes themselves.
     */
    void clearForRestore(final long dealt)
    {
        close();
        Arrays.fill(homes, null);
        this.dealt = dealt;
    }

    /**
     * Creates a home in a family the arena has again, and gives it to the worker that owns the family.
     */
    SupervisionHome restoreHome(final int index, final int family)
    {
        final SupervisionHome home = new SupervisionHome(index, family, familyShift, restartBudget);
        homes[index] = home;
        families.sliceOfChunk(family << Arena.FAMILY_SHIFT).addHome(home);
        return home;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        for (final SupervisionHome home : homes)
        {
            if (null != home)
            {
                home.close();
            }
        }
    }
}
