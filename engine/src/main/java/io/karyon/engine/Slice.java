package io.karyon.engine;

import io.karyon.engine.cell.Arena;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;

import java.util.Arrays;

import static io.karyon.engine.cell.Arena.CHUNK_HEADER_LENGTH;
import static io.karyon.engine.cell.CellDescriptor.*;

/**
 * The cells one worker owns and everything it needs to advance them a tick: the chunks' step and mail bitmaps, the
 * message queues, the counters, and the {@link CellContext} behaviours call back into.
 * <p>
 * A tick links the previous tick's messages into per-cell mailboxes (through the slot header's link field), then
 * visits, in slot order, only the cells that have a tick step or mail: each gets its messages in send order, then its
 * step. Cells born during the tick start the next tick; cells that die are freed at once.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class Slice implements CellContext
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final Arena arena;
    private final ExitReasons reasons;
    private final long seed;
    private final int chunkShift;
    private final int chunkMask;
    private final int slotLength;
    private final int stateLength;
    private final CellFlyweight cell = new CellFlyweight();
    private final CellFlyweight scratch = new CellFlyweight();
    private final IntArrayList newborn = new IntArrayList();
    private final DistinctErrorLog errorLog;
    private Behaviour[] behaviours = new Behaviour[0];
    private boolean[] hasTick = new boolean[0];
    private long[][] stepBits = new long[16][];
    private long[][] mailBits = new long[16][];
    private MessageQueue inbox = new MessageQueue(1024);
    private MessageQueue outbox = new MessageQueue(1024);
    private int firstFreeChunk;
    private long tick;
    private boolean inTick;

    // The cell being visited.
    private int dyingReason = -1;
    private int pendingMail = NULL_LINK;
    private int rngSlot = -1;
    private long rngTick = -1;
    private long rngState;

    // Counters: written by the owning worker only, read between ticks.
    long updates;
    long sent;
    long delivered;
    long deadLetters;
    long spawned;
    long deathsTotal;
    long errorsNotLogged;
    final long[] deaths = new long[ExitReasons.MAX_REASONS];

    Slice(final Arena arena, final ExitReasons reasons, final long seed, final DistinctErrorLog errorLog)
    {
        this.arena = arena;
        this.reasons = reasons;
        this.seed = seed;
        this.errorLog = errorLog;
        this.chunkShift = arena.chunkShift();
        this.chunkMask = arena.chunkSlots() - 1;
        this.slotLength = arena.slotLength();
        this.stateLength = arena.stateLength();
        for (int c = 0; c < arena.chunkCount(); c++)
        {
            ensureBitmaps(c);
        }
    }

    void behaviours(final Behaviour[] behaviours)
    {
        final boolean[] hasTick = new boolean[behaviours.length];
        for (int i = 0; i < behaviours.length; i++)
        {
            hasTick[i] = behaviours[i].hasTick();
        }
        this.behaviours = behaviours;
        this.hasTick = hasTick;
    }

    long currentTick()
    {
        return tick;
    }

    int pendingMessages()
    {
        return outbox.count();
    }

    /**
     * Spawns a cell from outside a tick, in the lowest chunk with a free slot; it is advanced from the next tick.
     */
    long spawnExternal(final Genotype genotype)
    {
        int chunk = firstFreeChunk;
        final int chunkCount = arena.chunkCount();
        while (chunk < chunkCount && !arena.hasFree(chunk))
        {
            chunk++;
        }
        if (chunk == chunkCount)
        {
            chunk = addChunk();
        }
        firstFreeChunk = chunk;
        final int slot = arena.allocate(chunk);
        final long handle = initialise(slot, genotype);
        if (hasTick[genotype.behaviourId()])
        {
            setStepBit(slot);
        }
        return handle;
    }

    /**
     * Queues a message from outside the organism, delivered in the next tick after the cells' own messages.
     */
    int sendExternal(final long target, final int type, final long payload)
    {
        if (Handle.NULL_HANDLE == target)
        {
            deadLetters++;
            return DEAD_LETTER;
        }
        outbox.append(target, Handle.NULL_HANDLE, type, payload);
        sent++;
        return SENT;
    }

    /**
     * Kills a live cell from outside a tick.
     *
     * @return false if the handle is stale or names no cell.
     */
    boolean kill(final long handle, final int reason)
    {
        final int slot = Handle.slot(handle);
        if (!isLive(handle))
        {
            return false;
        }
        release(slot, reason);
        return true;
    }

    boolean isLive(final long handle)
    {
        final int slot = Handle.slot(handle);
        if (!arena.exists(slot))
        {
            return false;
        }
        arena.wrap(scratch, slot);
        return STATUS_ALIVE == scratch.status() && scratch.generation() == Handle.generation(handle);
    }

    void advance()
    {
        final MessageQueue delivering = outbox;
        outbox = inbox;
        inbox = delivering;
        outbox.clear();
        inTick = true;
        try
        {
            linkMail();
            final int chunkCount = arena.chunkCount();
            for (int c = 0; c < chunkCount; c++)
            {
                advanceChunk(c);
            }
            activateNewborn();
        }
        finally
        {
            inTick = false;
        }
        inbox.clear();
        tick++;
    }

    /**
     * Chains each live target's messages through the queue's next fields, in send order, with the head in the
     * target's header link; messages for stale or free targets are dead letters.
     */
    private void linkMail()
    {
        final MessageQueue inbox = this.inbox;
        final CellFlyweight target = scratch;
        for (int i = inbox.count() - 1; i >= 0; i--)
        {
            final long handle = inbox.target(i);
            final int slot = Handle.slot(handle);
            if (!arena.exists(slot))
            {
                deadLetters++;
                continue;
            }
            arena.wrap(target, slot);
            if (STATUS_ALIVE != target.status() || target.generation() != Handle.generation(handle))
            {
                deadLetters++;
                continue;
            }
            final int index = slot & chunkMask;
            final long[] mail = mailBits[slot >>> chunkShift];
            final long bit = 1L << index;
            final int word = index >>> 6;
            if (0 == (mail[word] & bit))
            {
                mail[word] |= bit;
                inbox.next(i, NULL_LINK);
            }
            else
            {
                inbox.next(i, target.link());
            }
            target.link(i);
        }
    }

    private void advanceChunk(final int chunk)
    {
        final UnsafeBuffer buffer = arena.chunk(chunk);
        final long[] step = stepBits[chunk];
        final long[] mail = mailBits[chunk];
        final int words = (arena.highWater(chunk) + 63) >>> 6;
        final int base = chunk << chunkShift;
        final Behaviour[] behaviours = this.behaviours;
        final CellFlyweight cell = this.cell;
        final int slotLength = this.slotLength;
        long updates = 0;
        for (int w = 0; w < words; w++)
        {
            final long mailWord = mail[w];
            long bits = step[w] | mailWord;
            if (0 == mailWord)
            {
                while (0 != bits)
                {
                    final int index = (w << 6) | Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    final int offset = CHUNK_HEADER_LENGTH + index * slotLength;
                    cell.wrap(buffer, offset, base | index);
                    updates++;
                    try
                    {
                        behaviours[buffer.getShort(offset + BEHAVIOUR_ID_OFFSET)].onTick(cell, this);
                    }
                    catch (final Throwable t)
                    {
                        onFailure(t);
                    }
                    if (dyingReason >= 0)
                    {
                        finishDeath(base | index);
                    }
                }
            }
            else
            {
                while (0 != bits)
                {
                    final int index = (w << 6) | Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    updates += visit(buffer, step, mail, w, index, base | index);
                }
            }
        }
        this.updates += updates;
    }

    private int visit(
        final UnsafeBuffer buffer, final long[] step, final long[] mail, final int word, final int index, final int slot)
    {
        final long bit = 1L << index;
        final int offset = CHUNK_HEADER_LENGTH + index * slotLength;
        final CellFlyweight cell = this.cell.wrap(buffer, offset, slot);
        final Behaviour behaviour = behaviours[buffer.getShort(offset + BEHAVIOUR_ID_OFFSET)];
        int updates = 0;
        try
        {
            if (0 != (mail[word] & bit))
            {
                mail[word] &= ~bit;
                final MessageQueue inbox = this.inbox;
                int m = buffer.getInt(offset + LINK_OFFSET);
                while (NULL_LINK != m && dyingReason < 0)
                {
                    pendingMail = inbox.next(m);
                    delivered++;
                    behaviour.onMessage(cell, this, inbox.sender(m), inbox.type(m), inbox.payload(m));
                    m = pendingMail;
                }
                pendingMail = m;
            }
            if (0 != (step[word] & bit) && dyingReason < 0)
            {
                updates = 1;
                behaviour.onTick(cell, this);
            }
        }
        catch (final Throwable t)
        {
            onFailure(t);
        }
        if (dyingReason >= 0)
        {
            for (int m = pendingMail; NULL_LINK != m; m = inbox.next(m))
            {
                deadLetters++;
            }
            finishDeath(slot);
        }
        pendingMail = NULL_LINK;
        return updates;
    }

    private void onFailure(final Throwable t)
    {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError))
        {
            throw (VirtualMachineError)t;
        }
        if (!errorLog.record(t))
        {
            errorsNotLogged++;
        }
        dyingReason = ExitReasons.EXCEPTION;
    }

    private void finishDeath(final int slot)
    {
        final int reason = dyingReason;
        dyingReason = -1;
        release(slot, reason);
    }

    private void release(final int slot, final int reason)
    {
        final int index = slot & chunkMask;
        final int chunk = slot >>> chunkShift;
        stepBits[chunk][index >>> 6] &= ~(1L << index);
        arena.free(slot);
        if (chunk < firstFreeChunk)
        {
            firstFreeChunk = chunk;
        }
        deaths[reason]++;
        deathsTotal++;
    }

    private void activateNewborn()
    {
        final IntArrayList newborn = this.newborn;
        final CellFlyweight child = scratch;
        for (int i = 0, size = newborn.size(); i < size; i++)
        {
            final int slot = newborn.getInt(i);
            arena.wrap(child, slot);
            if (STATUS_ALIVE == child.status() && hasTick[child.behaviourId()])
            {
                setStepBit(slot);
            }
        }
        newborn.clear();
    }

    private long initialise(final int slot, final Genotype genotype)
    {
        final CellFlyweight child = arena.wrap(scratch, slot);
        final UnsafeBuffer buffer = child.buffer();
        final UnsafeBuffer initial = genotype.state();
        final int stateOffset = child.stateOffset();
        // A word loop: Unsafe.copyMemory from a heap array pays range checks that cost more than 64 bytes of copy.
        for (int i = 0; i < stateLength; i += 8)
        {
            buffer.putLong(stateOffset + i, initial.getLong(i));
        }
        child.status(STATUS_ALIVE)
            .flags((byte)0)
            .behaviourId(genotype.behaviourId())
            .supervisorRow(NO_SUPERVISOR)
            .link(NULL_LINK);
        spawned++;
        return Handle.of(slot, child.generation());
    }

    private void setStepBit(final int slot)
    {
        final int index = slot & chunkMask;
        stepBits[slot >>> chunkShift][index >>> 6] |= 1L << index;
    }

    private int addChunk()
    {
        final int chunk = arena.addChunk();
        ensureBitmaps(chunk);
        return chunk;
    }

    private void ensureBitmaps(final int chunk)
    {
        if (chunk >= stepBits.length)
        {
            final int length = Math.max(stepBits.length * 2, chunk + 1);
            stepBits = Arrays.copyOf(stepBits, length);
            mailBits = Arrays.copyOf(mailBits, length);
        }
        final int words = arena.chunkSlots() >>> 6;
        stepBits[chunk] = new long[words];
        mailBits[chunk] = new long[words];
    }

    /**
     * Rebuilds the step bitmaps from the slots' headers, for an arena that was re-opened from a file.
     */
    void rebuildStepBits()
    {
        for (int c = 0; c < arena.chunkCount(); c++)
        {
            ensureBitmaps(c);
            final int highWater = arena.highWater(c);
            for (int i = 0; i < highWater; i++)
            {
                final int slot = (c << chunkShift) | i;
                arena.wrap(scratch, slot);
                if (STATUS_ALIVE == scratch.status())
                {
                    final short id = scratch.behaviourId();
                    if (id < 0 || id >= behaviours.length)
                    {
                        throw new KaryonException("slot " + slot + " has behaviour id " + id +
                            " but only " + behaviours.length + " behaviours are registered");
                    }
                    if (hasTick[id])
                    {
                        setStepBit(slot);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // CellContext: called by behaviours during a visit.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     */
    public long self()
    {
        return cell.handle();
    }

    /**
     * {@inheritDoc}
     */
    public long tick()
    {
        return tick;
    }

    /**
     * {@inheritDoc}
     */
    public int send(final long target, final int type, final long payload)
    {
        if (Handle.NULL_HANDLE == target)
        {
            deadLetters++;
            return DEAD_LETTER;
        }
        outbox.append(target, cell.handle(), type, payload);
        sent++;
        return SENT;
    }

    /**
     * {@inheritDoc}
     */
    public long spawn(final Genotype genotype)
    {
        if (!inTick)
        {
            throw new IllegalStateException("spawn through a CellContext only during a callback");
        }
        final int parentChunk = cell.slot() >>> chunkShift;
        int slot = arena.allocate(parentChunk);
        if (slot < 0)
        {
            slot = allocateBeyond(parentChunk);
        }
        newborn.addInt(slot);
        return initialise(slot, genotype);
    }

    private int allocateBeyond(final int parentChunk)
    {
        final int chunkCount = arena.chunkCount();
        for (int i = 1; i < chunkCount; i++)
        {
            final int chunk = parentChunk + i < chunkCount ? parentChunk + i : parentChunk + i - chunkCount;
            if (arena.hasFree(chunk))
            {
                return arena.allocate(chunk);
            }
        }
        return arena.allocate(addChunk());
    }

    /**
     * {@inheritDoc}
     */
    public void die(final int reason)
    {
        if (!reasons.isValid(reason))
        {
            throw new IllegalArgumentException("die: unknown exit reason code " + reason);
        }
        if (dyingReason < 0)
        {
            dyingReason = reason;
            cell.status(STATUS_DYING);
        }
    }

    /**
     * {@inheritDoc}
     */
    public long nextLong()
    {
        final int slot = cell.slot();
        if (rngSlot != slot || rngTick != tick)
        {
            rngSlot = slot;
            rngTick = tick;
            rngState = mix(mix(mix(seed ^ slot) + cell.generation()) + tick);
        }
        rngState += GOLDEN_GAMMA;
        return mix(rngState);
    }

    /**
     * {@inheritDoc}
     */
    public double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * SplitMix64's finaliser (Stafford's variant 13): a bijective 64-bit mix with good avalanche.
     */
    static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
