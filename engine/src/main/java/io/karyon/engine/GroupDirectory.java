package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.StandInChunks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups as the driver sees them: the table that maps group names to ids, and the driver's reads and writes of the
 * membership each worker keeps beside its cells (see {@link Groups}), each sent to the worker that owns the cell.
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it, while no tick runs.
 */
final class GroupDirectory
{
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final Slice[] slices;
    private final Families families;
    private final Arena arena;
    private final CellFlyweight cell = new CellFlyweight();

    GroupDirectory(final Slice[] slices, final Families families, final Arena arena)
    {
        this.slices = slices;
        this.families = families;
        this.arena = arena;
    }

    /**
     * The id of a group name, added (and made known to every worker) if it is new.
     *
     * @throws IllegalArgumentException if the name is blank or the table is full.
     */
    int group(final String name)
    {
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("group name must not be blank: name='" + name + "'");
        }
        final Integer known = ids.get(name);
        if (null != known)
        {
            return known;
        }
        if (names.size() == Groups.MAX_GROUPS)
        {
            throw new IllegalArgumentException(
                "too many groups: at most " + Groups.MAX_GROUPS + ", cannot add '" + name + "'");
        }
        final int id = names.size();
        names.add(name);
        ids.put(name, id);
        for (final Slice slice : slices)
        {
            slice.groups.groupCount(id + 1);
        }
        return id;
    }

    /**
     * The group names, by id (for a checkpoint).
     */
    List<String> names()
    {
        return new ArrayList<>(names);
    }

    /**
     * @throws IllegalArgumentException naming the operation if no group has that id.
     */
    void check(final String operation, final int group)
    {
        slices[0].groups.checkGroup(operation, group);
    }

    String name(final int group)
    {
        check("groups().name", group);
        return names.get(group);
    }

    /**
     * Makes a live cell a member.
     *
     * @return false if it was one already.
     */
    boolean join(final long handle, final int group)
    {
        final Groups groups = families.sliceOfSlot(Handle.slot(handle)).groups;
        groups.checkGroup("join", group);
        return groups.set(Handle.slot(handle), group);
    }

    /**
     * Removes a live cell from a group.
     *
     * @return false if it was not a member.
     */
    boolean leave(final long handle, final int group)
    {
        final Groups groups = families.sliceOfSlot(Handle.slot(handle)).groups;
        groups.checkGroup("leave", group);
        return groups.clear(Handle.slot(handle), group);
    }

    boolean isMember(final long handle, final int group)
    {
        check("isMember", group);
        return slices[0].isLive(handle) && families.sliceOfSlot(Handle.slot(handle)).groups.isMember(
            Handle.slot(handle), group);
    }

    /**
     * Members of a group, summed over the workers.
     */
    long size(final int group)
    {
        long size = 0;
        for (final Slice slice : slices)
        {
            size += slice.groups.size(group);
        }
        return size;
    }

    /**
     * Members of a group that one worker owns.
     */
    long size(final int group, final int worker)
    {
        return slices[worker].groups.size(group);
    }

    /**
     * The handles of a group's members in slot order, from each chunk's membership bitmap.
     */
    long[] members(final int group, final long size)
    {
        final int chunkShift = arena.chunkShift();
        final StandInChunks standIns = arena.standIns();
        final long[] members = new long[(int)size];
        int n = 0;
        for (int c = 0, bound = arena.chunkBound(); c < bound; c++)
        {
            if (!arena.hasChunk(c))
            {
                continue;
            }
            final long[] words = families.sliceOfChunk(c).groups.bitmap(group, c);
            if (null == words)
            {
                continue;
            }
            for (int w = 0; w < words.length; w++)
            {
                long bits = words[w];
                while (0 != bits)
                {
                    final int slot = (c << chunkShift) | (w << 6) | Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    // Another shard's cell is not here: its handle is the stand-in's.
                    members[n++] = null != standIns && standIns.covers(c) ? standIns.handle(slot) :
                        arena.wrap(cell, slot).handle();
                }
            }
        }
        return members;
    }
}
