package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellStorage;
import org.agrona.concurrent.UnsafeBuffer;

import static io.karyon.engine.cell.CellDescriptor.BEHAVIOUR_ID_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.slotOffset;

/**
 * The tick sweep: the tick steps of a chunk's cells with no mail, word by word of its step bitmap, for a worker's
 * {@link Visit} (which the cells' deaths and failures go back to).
 * <p>
 * This is the engine's per-cell cost for a model of ticking cells. A word's cells mostly share one behaviour, so
 * the behaviour is looked up only where it changes, and the JIT compiles the step into the loop with the
 * flyweight's fields stored once, after it, not per cell (re-pointed by {@link CellFlyweight#moveTo}, ints only: a
 * reference store pays the collector's write barrier). The loop depends on the storage, each way measured against
 * the other (W3, 10k and 1M cells; the default model on 2 workers): in columnar storage the ids are one dense
 * header column, read for the whole word first ({@link #sameRun}), and a run of one behaviour then swept with no
 * header read at all ({@link #stepSame}, a loop the JIT unrolls); in row storage an id shares its line with the
 * state, so it is read as each cell is stepped ({@link #stepEach}, a loop not unrolled: unrolled, or after a pass
 * over the ids of its own, the sweep over DRAM-resident slots ran at 0.6x; leaving the loop at each change of
 * behaviour cost the default model's mixed words 3%). A death (which may restart others: the ids after it are read
 * again) ends a loop. A cell whose header names no behaviour is stepped on its own ({@link #stepOne}).
 * <p>
 * Only cells whose behaviour ticks have a step bit (the engine keeps it so: spawn, become, restart, restore). So where
 * one registered behaviour ticks, a columnar word is swept with it and no header read at all, until a death: a tick
 * that reads and writes one {@code double} then moves 16 bytes a cell, not 24 (W3 at 10M cells on 2 workers: 1.8 to
 * 2.5 G updates/s; stepping a full word's slots in turn, each offset added to the last, then took it to 3.6 G).
 * <p>
 * Each behaviour is called from one place whatever the word (its integrity check and its step, in
 * {@link #stepWith}), so the error log keeps one stack trace per error and the watchdog knows where to look.
 * <p>
 * <b>Note:</b> not threadsafe; used by its worker only.
 */
final class TickSweep
{
    private final Visit visit;
    private final CellFlyweight cell;
    private final int slotLength;
    private final boolean columnar;
    private SliceContext context;
    private Behaviour[] behaviours = new Behaviour[0];
    private boolean[] checksIntegrity = new boolean[0];
    private short soleTicker = -1;

    /**
     * @param visit      the worker's visit, which a step's death or failure is handed to.
     * @param cell       the worker's flyweight, its storage set.
     * @param slotLength of the chunks' slots (the header stride in columnar storage).
     */
    TickSweep(final Visit visit, final CellFlyweight cell, final int slotLength)
    {
        this.visit = visit;
        this.cell = cell;
        this.slotLength = slotLength;
        this.columnar = CellStorage.COLUMNAR == cell.storage();
    }

    void context(final SliceContext context)
    {
        this.context = context;
    }

    void behaviours(final Behaviour[] behaviours, final boolean[] checksIntegrity)
    {
        this.behaviours = behaviours;
        this.checksIntegrity = checksIntegrity;
        int tickers = 0;
        int ticker = -1;
        for (int id = 0; id < behaviours.length; id++)
        {
            if (behaviours[id].hasTick())
            {
                tickers++;
                ticker = id;
            }
        }
        soleTicker = (short)(1 == tickers ? ticker : -1);
    }

    /**
     * Runs the tick step of every cell whose bit is set in one bitmap word (no mail among them).
     *
     * @return cells stepped.
     */
    int stepWord(final UnsafeBuffer buffer, final int base, final int word, final long stepBits)
    {
        final int slotLength = this.slotLength;
        final int wordBase = word << 6;
        long bits = stepBits;
        if (0 != bits)
        {
            final int first = wordBase | Long.numberOfTrailingZeros(bits);
            cell.wrap(buffer, slotOffset(first, slotLength), base | first);
            if (columnar && soleTicker >= 0)
            {
                // Only cells of a behaviour that ticks have a step bit, and one does: the header column is not read
                // at all. After a death (which may restart others into other behaviours), the ids are read.
                bits = stepSame(buffer, base, wordBase, bits, behaviours[soleTicker], checksIntegrity[soleTicker]);
            }
        }
        while (0 != bits)
        {
            final int index = wordBase | Long.numberOfTrailingZeros(bits);
            final int offset = slotOffset(index, slotLength);
            final short id = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
            if (id < 0 || id >= behaviours.length)
            {
                stepOne(buffer, base, index, offset, id);
                bits &= bits - 1;
            }
            else if (columnar)
            {
                final long run = sameRun(buffer, wordBase, bits, id);
                bits = (bits & ~run) | stepSame(buffer, base, wordBase, run, behaviours[id], checksIntegrity[id]);
            }
            else
            {
                bits = stepEach(buffer, base, wordBase, bits, id);
            }
        }
        return Long.bitCount(stepBits);
    }

    /**
     * The cells of {@code bits} from the first on that have behaviour {@code id}, up to the first that has another.
     */
    private long sameRun(final UnsafeBuffer buffer, final int wordBase, final long bits, final short id)
    {
        final int slotLength = this.slotLength;
        if (-1L == bits)
        {
            // A full word, the common case: every slot in turn, counted and with no branch per slot.
            int differ = 0;
            for (int i = 0, at = slotOffset(wordBase, slotLength) + BEHAVIOUR_ID_OFFSET; i < Long.SIZE;
                i++, at += slotLength)
            {
                differ |= buffer.getShort(at) ^ id;
            }
            if (0 == differ)
            {
                return bits;
            }
        }
        long rest = bits;
        while (0 != rest)
        {
            final int bit = Long.numberOfTrailingZeros(rest);
            if (buffer.getShort(slotOffset(wordBase | bit, slotLength) + BEHAVIOUR_ID_OFFSET) != id)
            {
                return bits & ((1L << bit) - 1);
            }
            rest &= rest - 1;
        }
        return bits;
    }

    /**
     * Steps the cells of {@code run}, which all have {@code behaviour}, until one dies.
     *
     * @return the bits of the run's cells not stepped yet: 0, or those after a death.
     */
    private long stepSame(final UnsafeBuffer buffer, final int base, final int wordBase, final long run,
        final Behaviour behaviour, final boolean check)
    {
        final CellFlyweight cell = this.cell;
        final SliceContext context = this.context;
        final int slotLength = this.slotLength;
        if (-1L == run)
        {
            // A full word: every slot in turn, its offset carried from the last.
            for (int i = 0, offset = slotOffset(wordBase, slotLength); i < Long.SIZE; i++, offset += slotLength)
            {
                if (stepWith(buffer, base, wordBase | i, offset, behaviour, check, cell, context))
                {
                    return i == Long.SIZE - 1 ? 0 : -1L << (i + 1);
                }
            }
            return 0;
        }
        // Counted: the JIT unrolls it and polls for a safepoint outside it.
        final int cells = Long.bitCount(run);
        long bits = run;
        for (int c = 0; c < cells; c++)
        {
            final int index = wordBase | Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            if (stepWith(buffer, base, index, slotOffset(index, slotLength), behaviour, check, cell, context))
            {
                return bits;
            }
        }
        return 0;
    }

    /**
     * Steps the cells of {@code stepBits} in turn, each with the behaviour its header names, looked up only where it
     * differs from the cell before's (a word's cells mostly share one), until one dies or names no behaviour.
     *
     * @return the bits of the cells not stepped yet: 0, those from the first that names no behaviour on, or those
     * after a death.
     */
    private long stepEach(final UnsafeBuffer buffer, final int base, final int wordBase, final long stepBits,
        final short first)
    {
        final CellFlyweight cell = this.cell;
        final SliceContext context = this.context;
        final int slotLength = this.slotLength;
        short id = first;
        Behaviour behaviour = behaviours[first];
        boolean check = checksIntegrity[first];
        long bits = stepBits;
        while (0 != bits)
        {
            final int index = wordBase | Long.numberOfTrailingZeros(bits);
            final int offset = slotOffset(index, slotLength);
            final short other = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
            if (other != id)
            {
                if (other < 0 || other >= behaviours.length)
                {
                    return bits;
                }
                id = other;
                behaviour = behaviours[other];
                check = checksIntegrity[other];
            }
            bits &= bits - 1;
            if (stepWith(buffer, base, index, offset, behaviour, check, cell, context))
            {
                return bits;
            }
        }
        return 0;
    }

    /**
     * One cell's step with a behaviour known to be its own, after its integrity check when {@code check}.
     *
     * @return true if the cell died (its death finished, the flyweight wrapped over the chunk again).
     */
    private boolean stepWith(final UnsafeBuffer buffer, final int base, final int index, final int offset,
        final Behaviour behaviour, final boolean check, final CellFlyweight cell, final SliceContext context)
    {
        if (buffer != cell.buffer())
        {
            visit.rewrap(buffer);
        }
        cell.moveTo(offset, base | index);
        try
        {
            if (check && !behaviour.isIntact(cell))
            {
                visit.foundCorrupt();
            }
            else
            {
                behaviour.onTick(cell, context);
            }
        }
        catch (final Throwable t)
        {
            visit.onFailure(t);
        }
        if (visit.dying())
        {
            visit.finishDeath(base | index);
            visit.rewrap(buffer);
            return true;
        }
        return false;
    }

    /**
     * The step of a cell whose header names no behaviour, through {@link Visit#step}: the lookup inside the step's
     * catch kills the cell, not the worker.
     */
    private void stepOne(final UnsafeBuffer buffer, final int base, final int index, final int offset, final short id)
    {
        if (buffer != cell.buffer())
        {
            visit.rewrap(buffer);
        }
        cell.moveTo(offset, base | index);
        visit.step(cell, context, id);
        if (visit.dying())
        {
            visit.finishDeath(base | index);
            visit.rewrap(buffer);
        }
    }
}
