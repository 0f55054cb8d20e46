package io.karyon.engine.internal;

import io.karyon.engine.cell.Handle;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static io.karyon.engine.cell.CellDescriptor.NULL_LINK;
import static io.karyon.engine.internal.Arena.FAMILY_CLASSES;
import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;
import static io.karyon.engine.internal.ArenaDescriptor.FREE_HEAD_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.HWM_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.LIVE_OFFSET;

/**
 * The chunks a sharded process keeps for another shard's workers (their stand-ins), which hold no cells: a spawn
 * into one hands out the handle the owner's spawn gives (the same slot, high-water mark, free list and live count,
 * so every shard's driver gets the same handles), but writes nothing into the slot. Only the chunk's header and its
 * second bitmap are written; the bitmap says which slots hold a live cell (nothing else writes it on a stand-in: no
 * mail is delivered to another shard's cells here). A slot that was never freed has generation 1; a freed slot's
 * generation and free-list link are kept here, on the heap (the driver's kills and a failed cohort's undoing free
 * stand-in slots, before the first tick: rare). So the memory of a stand-in chunk stays untouched, hence never
 * resident, but for its header and bitmaps: about {@code chunkSlots / 4} bytes (16 KiB at the default 65,536 slots)
 * against {@code chunkSlots × slotLength}.
 * <p>
 * Families belong to workers by class ({@link Arena#FAMILY_CLASSES}), so the stand-in chunks are those of the classes
 * of the other shards' workers.
 * <p>
 * <b>Note:</b> not threadsafe; written by the driver and by the stand-ins' set-up jobs (one thread, the shard's
 * exchange), never while a tick runs.
 */
public final class StandInChunks
{
    /** Bitmap of a stand-in chunk that says which slots hold a live cell. */
    public static final int LIVE_BITMAP = 1;
    /** A freed slot's link when it is not on the free list (it was taken again). */
    public static final int NOT_FREE = Integer.MIN_VALUE;

    private final Arena arena;
    private final long classes;
    private final int chunkShift;
    private final int chunkMask;
    private final int liveOffset;
    private final Int2IntHashMap generations = new Int2IntHashMap(0);
    private final Int2IntHashMap links = new Int2IntHashMap(NOT_FREE);
    private boolean sealed;

    StandInChunks(final Arena arena, final long classes)
    {
        this.arena = arena;
        this.classes = classes;
        this.chunkShift = arena.chunkShift();
        this.chunkMask = arena.chunkSlots() - 1;
        this.liveOffset = arena.bitmapOffset(LIVE_BITMAP);
    }

    /**
     * The classes of families of the workers this process stands in for: bit {@code k} for class {@code k}.
     *
     * @param shard           this process's shard.
     * @param workersPerShard workers each shard runs.
     * @param workers         of the whole run.
     * @return the mask of classes whose families another shard's worker owns.
     */
    public static long remoteClasses(final int shard, final int workersPerShard, final int workers)
    {
        long mask = 0;
        for (int k = 0; k < FAMILY_CLASSES; k++)
        {
            if ((k % workers) / workersPerShard != shard)
            {
                mask |= 1L << k;
            }
        }
        return mask;
    }

    /**
     * Whether a chunk is a stand-in's: of a family another shard's worker owns.
     *
     * @param chunk index, >= 0.
     * @return true if its slots are never written here.
     */
    public boolean covers(final int chunk)
    {
        return 0 != ((classes >>> ((chunk >>> FAMILY_SHIFT) & (FAMILY_CLASSES - 1))) & 1L);
    }

    /**
     * Whether a slot's family is a stand-in's.
     *
     * @param slot index, >= 0.
     * @return true if the slot is never written here.
     */
    public boolean coversSlot(final int slot)
    {
        return covers(slot >>> chunkShift);
    }

    /**
     * Refuses, from now on, the driver's look at a stand-in cell: after the first tick the set-up's view of another
     * shard's cell is gone (its cells live there).
     */
    public void seal()
    {
        sealed = true;
    }

    /**
     * @return whether the first tick has run (or a checkpoint was restored): see {@link #seal()}.
     */
    public boolean isSealed()
    {
        return sealed;
    }

    /**
     * As {@link Arena#allocate(int)}, for a stand-in chunk: the slot its owner's allocation takes, marked live.
     */
    int allocate(final UnsafeBuffer buffer, final int chunk)
    {
        final int freeHead = buffer.getInt(FREE_HEAD_OFFSET);
        final int index;
        if (NULL_LINK != freeHead)
        {
            index = freeHead;
            buffer.putInt(FREE_HEAD_OFFSET, links.remove((chunk << chunkShift) | index));
        }
        else
        {
            index = buffer.getInt(HWM_OFFSET);
            if (index > chunkMask)
            {
                return -1;
            }
            buffer.putInt(HWM_OFFSET, index + 1);
        }
        buffer.putInt(LIVE_OFFSET, buffer.getInt(LIVE_OFFSET) + 1);
        final int word = liveOffset + ((index >>> 6) << 3);
        buffer.putLong(word, buffer.getLong(word) | (1L << index));
        return (chunk << chunkShift) | index;
    }

    /**
     * As {@link Arena#free(int)}, for a stand-in slot: its generation moves on, here, and it heads the free list.
     */
    void free(final UnsafeBuffer buffer, final int slot)
    {
        final int index = slot & chunkMask;
        final int generation = generation(slot) + 1;
        generations.put(slot, 0 == generation ? 1 : generation);
        links.put(slot, buffer.getInt(FREE_HEAD_OFFSET));
        buffer.putInt(FREE_HEAD_OFFSET, index);
        buffer.putInt(LIVE_OFFSET, buffer.getInt(LIVE_OFFSET) - 1);
        final int word = liveOffset + ((index >>> 6) << 3);
        buffer.putLong(word, buffer.getLong(word) & ~(1L << index));
    }

    /**
     * The generation of a stand-in slot: 1 until it is freed.
     *
     * @param slot of a stand-in chunk.
     * @return its generation.
     */
    public int generation(final int slot)
    {
        final int generation = generations.get(slot);
        return 0 == generation ? 1 : generation;
    }

    /**
     * The handle of the cell in a stand-in slot, as its owner's spawn made it.
     *
     * @param slot of a stand-in chunk.
     * @return its handle.
     */
    public long handle(final int slot)
    {
        return Handle.of(slot, generation(slot));
    }

    /**
     * Whether a handle names a live cell of a stand-in chunk, as the set-up left it.
     *
     * @param handle of a slot of a stand-in chunk.
     * @return true if the slot exists, holds a live cell, and of the handle's generation.
     */
    public boolean isLive(final long handle)
    {
        final int slot = Handle.slot(handle);
        if (!arena.exists(slot))
        {
            return false;
        }
        final UnsafeBuffer buffer = arena.chunk(slot >>> chunkShift);
        final int index = slot & chunkMask;
        return 0 != (buffer.getLong(liveOffset + ((index >>> 6) << 3)) & (1L << index)) &&
            generation(slot) == Handle.generation(handle);
    }

    /**
     * The freed slots of a stand-in chunk, for a checkpoint: each as slot, generation, link, in slot order.
     *
     * @param chunk of a stand-in.
     * @return three ints a freed slot.
     */
    public int[] freedSlots(final int chunk)
    {
        final IntArrayList slots = new IntArrayList();
        final Int2IntHashMap.KeyIterator keys = generations.keySet().iterator();
        while (keys.hasNext())
        {
            final int slot = keys.nextValue();
            if (slot >>> chunkShift == chunk)
            {
                slots.addInt(slot);
            }
        }
        final int[] sorted = slots.toIntArray();
        Arrays.sort(sorted);
        final int[] freed = new int[3 * sorted.length];
        for (int i = 0; i < sorted.length; i++)
        {
            freed[3 * i] = sorted[i];
            freed[3 * i + 1] = generations.get(sorted[i]);
            freed[3 * i + 2] = links.get(sorted[i]);
        }
        return freed;
    }

    /**
     * Puts back a freed slot of a stand-in chunk from a checkpoint.
     *
     * @param slot       of a stand-in chunk.
     * @param generation it has.
     * @param link       the next free slot's index (NULL_LINK at the end), if it is free; {@link #NOT_FREE}
     *                   otherwise.
     */
    public void restoreFreed(final int slot, final int generation, final int link)
    {
        generations.put(slot, generation);
        if (NOT_FREE != link)
        {
            links.put(slot, link);
        }
    }

    /**
     * Forgets every freed slot, before a checkpoint's are put back.
     */
    public void clear()
    {
        generations.clear();
        links.clear();
    }
}
