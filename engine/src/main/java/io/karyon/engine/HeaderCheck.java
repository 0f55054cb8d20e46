package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.internal.Arena;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static io.karyon.engine.cell.CellDescriptor.BEHAVIOUR_ID_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.FLAGS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.FLAG_TRAP_EXITS;
import static io.karyon.engine.cell.CellDescriptor.GENERATION_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.LINK_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.NO_SUPERVISOR;
import static io.karyon.engine.cell.CellDescriptor.NULL_LINK;
import static io.karyon.engine.cell.CellDescriptor.STATUS_ALIVE;
import static io.karyon.engine.cell.CellDescriptor.STATUS_DYING;
import static io.karyon.engine.cell.CellDescriptor.STATUS_FREE;
import static io.karyon.engine.cell.CellDescriptor.STATUS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.SUPERVISOR_ROW_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.FREE_HEAD_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.HWM_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.LIVE_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.slotOffset;

/**
 * The engine's check of its own cell headers, so that a damaged header (a stray write through
 * {@link CellFlyweight#buffer()}, checks switched off, a bug of the engine's) is found, counted and reported instead
 * of a cell silently vanishing with {@link Stats#alive()} wrong.
 * <p>
 * At every death the dying cell's header is checked: a damaged one makes the death count as
 * {@link ExitReasons#CORRUPT}. Every {@link Context#verifyEvery()} ticks the worker sweeps its chunks at the end of the
 * tick: every slot below the high-water mark must be free and on the chunk's free list, or alive with a generation, a
 * registered behaviour, known flags, a supervisor row or none, no link and a step bit exactly when its behaviour has a
 * tick step; the free list must hold only free slots, once each, and the live count must match. A cell with a damaged
 * header (a free status off the free list is a cell that vanished) dies with reason {@code corrupt} (its watchers and
 * supervisor told, as for any death); a broken free list or live count is rebuilt from the statuses. Each fault is one
 * line, kept (up to {@link #MAX_REPORTS} a run) for the driver to hand to {@link Context#warnings()}.
 * <p>
 * The sweep reads every header of the worker's chunks: it is a check for tests and soaks, not for benchmarks.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver takes the reports only while no tick runs.
 */
final class HeaderCheck
{
    /**
     * Lines a worker keeps between two looks by the driver; faults past them are counted only.
     */
    static final int MAX_REPORTS = 8;

    private final Slice slice;
    private final Arena arena;
    private final Population population;
    private final int stepOffset;
    private final int headerStride;
    private final int headerSkew;
    private final int chunkShift;
    private final List<String> reports = new ArrayList<>();
    private long[] marks = new long[0];
    private int behaviourCount;
    private long unreported;

    /**
     * Faults found since launch: damaged headers, broken free lists and live counts.
     */
    long faults;

    HeaderCheck(final Slice slice, final Arena arena, final Population population, final int stepOffset)
    {
        this.slice = slice;
        this.arena = arena;
        this.population = population;
        this.stepOffset = stepOffset;
        this.headerStride = arena.headerStride();
        this.headerSkew = arena.headerSkew();
        this.chunkShift = arena.chunkShift();
    }

    void behaviourCount(final int behaviourCount)
    {
        this.behaviourCount = behaviourCount;
    }

    /**
     * Checks the header of a cell that is dying.
     *
     * @param dead wrapped over the cell.
     * @return true if the header is sound; else the fault is counted and reported.
     */
    boolean atDeath(final CellFlyweight dead)
    {
        // The checks without their messages first: small enough to inline where every cell dies.
        final UnsafeBuffer buffer = dead.buffer();
        final int offset = dead.offset();
        final byte status = dead.status();
        if ((STATUS_ALIVE == status || STATUS_DYING == status) &&
            0 != buffer.getInt(offset + GENERATION_OFFSET) &&
            (buffer.getShort(offset + BEHAVIOUR_ID_OFFSET) & 0xFFFF) < behaviourCount &&
            0 == (buffer.getByte(offset + FLAGS_OFFSET) & ~FLAG_TRAP_EXITS) &&
            buffer.getInt(offset + SUPERVISOR_ROW_OFFSET + headerSkew) >= NO_SUPERVISOR &&
            NULL_LINK == buffer.getInt(offset + LINK_OFFSET + headerSkew))
        {
            return true;
        }
        return atDeathFault(dead, status);
    }

    /**
     * The header of a dying cell failed a check of {@link #atDeath}: which one, reported.
     */
    private boolean atDeathFault(final CellFlyweight dead, final byte status)
    {
        final String fault = STATUS_ALIVE != status && STATUS_DYING != status ?
            "status " + status + " is not a live cell's" : liveFault(dead.buffer(), dead.offset(), dead.slot(), false);
        if (null == fault)
        {
            return true;
        }
        report(dead.slot(), fault + " (found at its death; counted as corrupt)");
        return false;
    }

    /**
     * Sweeps every chunk the worker owns, at the end of a tick.
     */
    void sweep()
    {
        final IntArrayList chunks = population.chunks;
        for (int i = 0, size = chunks.size(); i < size; i++)
        {
            sweepChunk(chunks.getInt(i));
        }
    }

    private void sweepChunk(final int chunk)
    {
        final UnsafeBuffer buffer = arena.chunk(chunk);
        final int hwm = buffer.getInt(HWM_OFFSET);
        final int base = chunk << chunkShift;
        final int listed = markFreeList(buffer, hwm);
        int offListFree = 0;
        boolean listedLive = false;
        for (int index = 0; index < hwm; index++)
        {
            final boolean free = STATUS_FREE == buffer.getByte(slotOffset(index, headerStride) + STATUS_OFFSET);
            final boolean onList = 0 != (this.marks[index >>> 6] & (1L << index));
            offListFree += free && !onList ? 1 : 0;
            listedLive |= !free && onList;
        }
        // A free status off a sound free list whose length matches the live count is a cell that vanished: the count
        // still holds it. Otherwise the list or the count is what is damaged, and both are rebuilt from the statuses.
        final boolean listSound = listed >= 0 && !listedLive;
        final boolean vanished = listSound && listed == hwm - buffer.getInt(LIVE_OFFSET);
        if (!listSound || (!vanished && offListFree > 0))
        {
            report(base, "chunk " + chunk + "'s free list " + (listed < 0 ? "is broken" : listedLive ?
                "holds a live cell" : "disagrees with its live count") + "; rebuilt from the statuses");
        }
        for (int index = 0; index < hwm; index++)
        {
            final int offset = slotOffset(index, headerStride);
            final byte status = buffer.getByte(offset + STATUS_OFFSET);
            if (STATUS_FREE == status)
            {
                final boolean onList = 0 != (this.marks[index >>> 6] & (1L << index));
                final boolean stepping = 0 != (buffer.getLong(stepOffset + ((index >>> 6) << 3)) & (1L << index));
                if (vanished && !onList)
                {
                    kill(base | index, "status free but not on its chunk's free list: the cell vanished");
                }
                else if (stepping)
                {
                    report(base | index, "a free slot has a step bit; cleared");
                    population.clearStep(base | index);
                }
                continue;
            }
            final String fault = STATUS_ALIVE != status ? "status " + status + " is not a status a cell has " +
                "between ticks" : liveFault(buffer, offset, base | index, true);
            if (null != fault)
            {
                kill(base | index, fault);
            }
        }
        if (!listSound || (!vanished && offListFree > 0))
        {
            rebuildFreeList(buffer, hwm);
        }
        int live = 0;
        for (int index = 0; index < hwm; index++)
        {
            if (STATUS_FREE != buffer.getByte(slotOffset(index, headerStride) + STATUS_OFFSET))
            {
                live++;
            }
        }
        if (live != buffer.getInt(LIVE_OFFSET))
        {
            report(base, "chunk " + chunk + " counts " + buffer.getInt(LIVE_OFFSET) + " live cells, its headers say " +
                live + "; count corrected");
            buffer.putInt(LIVE_OFFSET, live);
        }
    }

    /**
     * Marks the slots on a chunk's free list.
     *
     * @return slots on the list, or -1 if it leaves the slots in use or loops.
     */
    private int markFreeList(final UnsafeBuffer buffer, final int hwm)
    {
        final int words = (hwm + 63) >>> 6;
        if (marks.length < words)
        {
            marks = new long[words];
        }
        final long[] marks = this.marks;
        Arrays.fill(marks, 0, words, 0L);
        int listed = 0;
        int index = buffer.getInt(FREE_HEAD_OFFSET);
        while (NULL_LINK != index)
        {
            if (index < 0 || index >= hwm || 0 != (marks[index >>> 6] & (1L << index)))
            {
                return -1;
            }
            marks[index >>> 6] |= 1L << index;
            listed++;
            index = buffer.getInt(slotOffset(index, headerStride) + LINK_OFFSET + headerSkew);
        }
        return listed;
    }

    /**
     * Chains every free slot below the high-water mark, lowest first.
     */
    private void rebuildFreeList(final UnsafeBuffer buffer, final int hwm)
    {
        int head = NULL_LINK;
        for (int index = hwm - 1; index >= 0; index--)
        {
            final int offset = slotOffset(index, headerStride);
            if (STATUS_FREE == buffer.getByte(offset + STATUS_OFFSET))
            {
                buffer.putInt(offset + LINK_OFFSET + headerSkew, head);
                head = index;
            }
        }
        buffer.putInt(FREE_HEAD_OFFSET, head);
    }

    /**
     * What is wrong with the header of a cell that is alive (or dying), or null if nothing.
     *
     * @param betweenTicks whether the step bit must match the behaviour (it may not in the middle of a death).
     */
    private String liveFault(final UnsafeBuffer buffer, final int offset, final int slot, final boolean betweenTicks)
    {
        final int generation = buffer.getInt(offset + GENERATION_OFFSET);
        final short behaviourId = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
        final byte flags = buffer.getByte(offset + FLAGS_OFFSET);
        final int row = buffer.getInt(offset + SUPERVISOR_ROW_OFFSET + headerSkew);
        final int link = buffer.getInt(offset + LINK_OFFSET + headerSkew);
        if (0 == generation)
        {
            return "generation 0, which no cell has";
        }
        if (behaviourId < 0 || behaviourId >= behaviourCount)
        {
            return "behaviour id " + behaviourId + " is not registered (" + behaviourCount + " are)";
        }
        if (0 != (flags & ~FLAG_TRAP_EXITS))
        {
            return "flags 0x" + Integer.toHexString(flags & 0xFF) + " has bits no feature uses";
        }
        if (row < NO_SUPERVISOR)
        {
            return "supervisor row " + row + " is not a row";
        }
        if (NULL_LINK != link)
        {
            return "link " + link + " set on a live cell";
        }
        if (betweenTicks)
        {
            final int index = slot & ((1 << chunkShift) - 1);
            final boolean stepping = 0 != (buffer.getLong(stepOffset + ((index >>> 6) << 3)) & (1L << index));
            if (stepping != population.hasTick(behaviourId))
            {
                return "behaviour id " + behaviourId + (stepping ? " has no tick step, but the cell's step bit is set" :
                    " has a tick step, but the cell's step bit is clear");
            }
        }
        return null;
    }

    private void kill(final int slot, final String fault)
    {
        report(slot, fault + "; the cell dies as corrupt");
        slice.releaseDamaged(slot);
    }

    private void report(final int slot, final String fault)
    {
        faults++;
        if (reports.size() < MAX_REPORTS)
        {
            reports.add("cell header damaged in slot " + slot + " (worker " + slice.id + ", tick " + slice.tick +
                "): " + fault);
        }
        else
        {
            unreported++;
        }
    }

    /**
     * Hands the lines kept since the last call to {@code warnings}, and one more for faults past the limit. Driver
     * only, between ticks.
     */
    void drainReports(final Consumer<String> warnings)
    {
        for (int i = 0; i < reports.size(); i++)
        {
            warnings.accept(reports.get(i));
        }
        if (unreported > 0)
        {
            warnings.accept(unreported + " more damaged cell header(s) on worker " + slice.id + " not listed");
        }
        reports.clear();
        unreported = 0;
    }
}
