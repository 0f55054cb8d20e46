package io.karyon.supervisor;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import static io.karyon.supervisor.RestartTableDescriptor.NULL_ENTRY;
import static org.agrona.BitUtil.SIZE_OF_INT;

/**
 * The slot map of a {@link RestartTable}: an off-heap array of ints, indexed by a cell's slot less the table's slot
 * base, holding the entry of the running child in that slot or {@link RestartTableDescriptor#NULL_ENTRY}. It turns an
 * exit reported by handle into its entry in O(1). The array doubles when a slot lands past its end; new room starts
 * as {@code NULL_ENTRY} (all bits set).
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class ChildSlotMap
{
    private final int slotBase;
    private UnsafeBuffer slotMap;
    private int capacity;

    /**
     * @param initialSlots slots the map covers before it grows, > 0.
     * @param slotBase     lowest slot it maps, >= 0.
     */
    ChildSlotMap(final int initialSlots, final int slotBase)
    {
        this.slotBase = slotBase;
        capacity = initialSlots;
        slotMap = OffHeapAreas.allocate(capacity * SIZE_OF_INT);
        slotMap.setMemory(0, capacity * SIZE_OF_INT, (byte)0xFF);
    }

    /**
     * The entry mapped for a handle's slot.
     *
     * @param handle of a cell, any value.
     * @return the entry, or {@link RestartTableDescriptor#NULL_ENTRY} if the slot is outside the map or unmapped.
     */
    int get(final long handle)
    {
        final int slot = RestartTableDescriptor.slot(handle) - slotBase;
        if (slot < 0 || slot >= capacity)
        {
            return NULL_ENTRY;
        }
        return slotMap.getInt(slot * SIZE_OF_INT);
    }

    /**
     * Maps a handle's slot to an entry.
     *
     * @param handle of a cell whose slot is at least the slot base.
     * @param entry  of the child running in it.
     */
    void put(final long handle, final int entry)
    {
        final int slot = RestartTableDescriptor.slot(handle) - slotBase;
        if (slot >= capacity)
        {
            int newCapacity = capacity;
            while (slot >= newCapacity)
            {
                newCapacity = OffHeapAreas.grownCapacity("slots", newCapacity, SIZE_OF_INT);
            }
            slotMap = OffHeapAreas.grow(slotMap, capacity * SIZE_OF_INT, newCapacity * SIZE_OF_INT);
            slotMap.setMemory(capacity * SIZE_OF_INT, (newCapacity - capacity) * SIZE_OF_INT, (byte)0xFF);
            capacity = newCapacity;
        }
        slotMap.putInt(slot * SIZE_OF_INT, entry);
    }

    /**
     * Unmaps a handle's slot if it still maps to an entry (a newer child may have taken the slot since).
     *
     * @param handle of a cell, any value.
     * @param entry  expected in the slot.
     */
    void remove(final long handle, final int entry)
    {
        final int slot = RestartTableDescriptor.slot(handle) - slotBase;
        if (slot >= 0 && slot < capacity && slotMap.getInt(slot * SIZE_OF_INT) == entry)
        {
            slotMap.putInt(slot * SIZE_OF_INT, NULL_ENTRY);
        }
    }

    /**
     * Checks that a handle's slot can be mapped.
     *
     * @param handle to be checked.
     * @throws IllegalArgumentException if its slot is below the slot base.
     */
    void checkHandle(final long handle)
    {
        if (RestartTableDescriptor.slot(handle) < slotBase)
        {
            throw new IllegalArgumentException(
                "handle's slot (low 32 bits) must be >= the table's slot base " + slotBase + ": handle=" + handle +
                ", slot=" + RestartTableDescriptor.slot(handle));
        }
    }

    void close()
    {
        BufferUtil.free(slotMap);
    }

    /**
     * Writes the map for a checkpoint: its capacity and its slots up to the last one mapped.
     */
    void write(final DataOutput out) throws IOException
    {
        int length = capacity;
        while (length > 0 && NULL_ENTRY == slotMap.getInt((length - 1) * SIZE_OF_INT))
        {
            length--;
        }
        out.writeInt(slotBase);
        out.writeInt(capacity);
        out.writeInt(length);
        OffHeapAreas.write(out, slotMap, length * SIZE_OF_INT);
    }

    /**
     * Replaces the map with what {@link #write(DataOutput)} wrote.
     *
     * @throws IOException if it was written for another slot base.
     */
    void read(final DataInput in) throws IOException
    {
        final int base = in.readInt();
        if (base != slotBase)
        {
            throw new IOException("slot map of slot base " + base + ", this table's is " + slotBase);
        }
        final int newCapacity = in.readInt();
        final int length = in.readInt();
        if (length < 0 || length > newCapacity)
        {
            throw new IOException("bad slot map: length=" + length + ", capacity=" + newCapacity);
        }
        final UnsafeBuffer read = OffHeapAreas.read(in, length * SIZE_OF_INT, newCapacity * SIZE_OF_INT);
        read.setMemory(length * SIZE_OF_INT, (newCapacity - length) * SIZE_OF_INT, (byte)0xFF);
        BufferUtil.free(slotMap);
        slotMap = read;
        capacity = newCapacity;
    }
}
