package io.karyon.engine;

import io.karyon.engine.cell.Handle;

/**
 * The groups of an {@link Organism} as its driver sees them, reached by {@link Organism#groups()}: the table that
 * names groups, membership read and changed from outside a tick, and broadcasts from outside.
 * <p>
 * A group id is a small integer for {@link CellContext#join(int)}, {@link CellContext#leave(int)} and
 * {@link CellContext#broadcast(int, int, long)}. Membership is kept by each worker beside its cells (one bit per slot
 * of a chunk where the group has members); the name table only maps names to ids. A change made from outside is seen
 * by the next tick.
 * <p>
 * <b>Note:</b> like its organism, not threadsafe: call it from the driver, while no tick runs.
 */
public final class OrganismGroups
{
    private final Organism organism;
    private final Lifecycle life;
    private final GroupDirectory groups;
    private final DriverMail mail;
    private final Workforce workforce;

    OrganismGroups(final Organism organism, final Lifecycle life, final GroupDirectory groups, final DriverMail mail,
        final Workforce workforce)
    {
        this.organism = organism;
        this.life = life;
        this.groups = groups;
        this.mail = mail;
        this.workforce = workforce;
    }

    /**
     * Names a group, or returns the id the name has.
     *
     * @param name of the group.
     * @return its id, from 0.
     * @throws IllegalArgumentException if the name is blank or the table is full.
     */
    public int id(final String name)
    {
        life.ensureUsable();
        return groups.group(name);
    }

    /**
     * Name of a group id.
     *
     * @param group id.
     * @return its name.
     * @throws IllegalArgumentException if no group has that id.
     */
    public String name(final int group)
    {
        return groups.name(group);
    }

    /**
     * Makes a live cell a member of a group, from outside a tick; seen by the next tick.
     *
     * @param handle of a live cell.
     * @param group  id.
     * @return false if it was a member already.
     * @throws IllegalArgumentException if the handle is stale or the group unknown.
     */
    public boolean join(final long handle, final int group)
    {
        organism.cell(handle);
        return groups.join(handle, group);
    }

    /**
     * Removes a live cell from a group, from outside a tick; seen by the next tick.
     *
     * @param handle of a live cell.
     * @param group  id.
     * @return false if it was not a member.
     * @throws IllegalArgumentException if the handle is stale or the group unknown.
     */
    public boolean leave(final long handle, final int group)
    {
        organism.cell(handle);
        return groups.leave(handle, group);
    }

    /**
     * Whether a handle names a live member of a group.
     *
     * @param handle of a cell.
     * @param group  id.
     * @return true if the cell is alive and a member.
     */
    public boolean isMember(final long handle, final int group)
    {
        life.ensureUsable();
        return groups.isMember(handle, group);
    }

    /**
     * Members of a group, summed over the workers.
     *
     * @param group id.
     * @return the number of members.
     */
    public long size(final int group)
    {
        life.ensureUsable();
        groups.check("groups().size", group);
        return groups.size(group);
    }

    /**
     * Members of a group that one worker owns.
     *
     * @param group  id.
     * @param worker index.
     * @return the number of members on that worker.
     */
    public long size(final int group, final int worker)
    {
        life.ensureUsable();
        groups.check("groups().size", group);
        workforce.checkWorker(worker);
        return groups.size(group, worker);
    }

    /**
     * The handles of a group's members in slot order (for tests and tools: it allocates an array).
     *
     * @param group id.
     * @return handles, ascending by slot.
     */
    public long[] members(final int group)
    {
        return groups.members(group, size(group));
    }

    /**
     * Broadcasts from outside (sender {@link Handle#NULL_HANDLE}) to every member of a group as of the start of the
     * next tick, after the broadcasts cells sent in the previous one.
     *
     * @param group   id.
     * @param type    of the message.
     * @param payload of the message.
     */
    public void broadcast(final int group, final int type, final long payload)
    {
        life.ensureUsable();
        groups.check("broadcast", group);
        if (type < 0)
        {
            throw new IllegalArgumentException("broadcast: message types < 0 are the engine's: type=" + type);
        }
        mail.broadcast(group, type, payload);
    }
}
