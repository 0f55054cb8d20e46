package io.karyon.engine;

import io.karyon.engine.cell.CellBoundsException;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;

import static io.karyon.engine.cell.CellDescriptor.BEHAVIOUR_ID_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.GENERATION_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.NULL_LINK;
import static io.karyon.engine.cell.CellDescriptor.STATUS_ALIVE;
import static io.karyon.engine.cell.CellDescriptor.STATUS_DYING;
import static io.karyon.engine.cell.CellDescriptor.STATUS_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.slotOffset;

/**
 * The visit of a cell: the only place behaviours are called. A visit wraps the worker's one flyweight over the cell,
 * checks its integrity if its behaviour asks for that, hands it its messages in order and then its tick step, and
 * finishes its death if it died on the way.
 * <p>
 * Each step has its own catch: a behaviour that throws is apoptosis for its cell (the error recorded once per distinct
 * stack trace), never a crash of the worker; an access outside the cell's state, caught by its flyweight before it
 * touches memory, is the reason {@link ExitReasons#OUT_OF_BOUNDS}; a cell found dying handles nothing more, and what
 * it left unhandled is a dead letter. {@link #dispatch} is the one routine that hands a message to a behaviour (an
 * engine message goes to {@link Signalling} first); the four kinds of visit (a word of tick steps, a cell with mail,
 * one message in free-running mode, a group member's broadcasts) differ only in where the messages come from.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class Visit extends WorkerPadding
{
    /**
     * {@link #visitCell}'s end for messages linked through the records' next fields.
     */
    private static final int LINKED = -2;
    private final Slice slice;
    private final CellFlyweight cell;
    private final Mailboxes mailboxes;
    private final Signalling signalling;
    private final Calls calls;
    private final DistinctErrorLog errorLog;
    private final int slotLength;
    private final int stepOffset;
    private final int mailOffset;
    private final int mailHeadOffset;
    private final LoadsAhead loadsAhead;
    private final TickSweep sweep;
    private SliceContext context;
    private Behaviour[] behaviours = new Behaviour[0];
    private boolean[] checksIntegrity = new boolean[0];
    private int dyingReason = -1;
    /**
     * The behaviour of the cell whose messages are being handed out: set when its visit starts, and by
     * {@link #became} when a message makes it another, so each message goes to the behaviour the cell has then
     * without reading its header again.
     */
    private Behaviour current;
    private int stoppedAt;

    /**
     * @param cell the flyweight over the cell being visited, shared with the mechanisms its behaviour calls into.
     */
    Visit(final Slice slice, final CellFlyweight cell, final Mailboxes mailboxes, final Signalling signalling,
        final Calls calls, final DistinctErrorLog errorLog, final int slotLength, final int stepOffset,
        final int mailOffset, final int mailHeadOffset)
    {
        this.slice = slice;
        this.cell = cell;
        this.mailboxes = mailboxes;
        this.signalling = signalling;
        this.calls = calls;
        this.errorLog = errorLog;
        this.slotLength = slotLength;
        this.stepOffset = stepOffset;
        this.mailOffset = mailOffset;
        this.mailHeadOffset = mailHeadOffset;
        this.loadsAhead = new LoadsAhead(slotLength);
        this.sweep = new TickSweep(this, cell, slotLength);
        // Bound once: a bounds violation through the visited cell's flyweight marks it dying before the throw.
        cell.onOutOfBounds(this::outOfBounds);
    }

    /**
     * The context behaviours are called with; it calls back into this visit, so it is made after it.
     */
    void context(final SliceContext context)
    {
        this.context = context;
        sweep.context(context);
    }

    void behaviours(final Behaviour[] behaviours)
    {
        final boolean[] checksIntegrity = new boolean[behaviours.length];
        for (int i = 0; i < behaviours.length; i++)
        {
            checksIntegrity[i] = behaviours[i].checksIntegrity();
        }
        this.behaviours = behaviours;
        this.checksIntegrity = checksIntegrity;
        sweep.behaviours(behaviours, checksIntegrity);
    }

    /**
     * The cell being visited dies at the end of its visit, with the first reason given.
     *
     * @return true if it was not dying already.
     */
    boolean die(final int reason)
    {
        if (dyingReason >= 0)
        {
            return false;
        }
        dyingReason = reason;
        cell.status(STATUS_DYING);
        return true;
    }

    /**
     * The sweep of the ticking cells with no mail, which {@link #advanceChunk} and free-running batches step words
     * with.
     */
    TickSweep sweep()
    {
        return sweep;
    }

    /**
     * Whether the cell being visited dies at the end of its visit.
     */
    boolean dying()
    {
        return dyingReason >= 0;
    }

    /**
     * The cell about to be stepped failed its integrity check: it dies, not stepped.
     */
    void foundCorrupt()
    {
        dyingReason = ExitReasons.CORRUPT;
    }

    /**
     * The cell being visited became another behaviour: its next messages go to that one.
     */
    void became(final short behaviourId)
    {
        current = behaviours[behaviourId];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The visits.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Visits, in slot order, the cells of a chunk that have a tick step or mail.
     *
     * @return cells whose tick step ran.
     */
    long advanceChunk(final UnsafeBuffer buffer, final int words, final int base)
    {
        return advanceChunk(buffer, 0, words, base);
    }

    /**
     * Visits, in slot order, the cells of a chunk's words [from, words) that have a tick step or mail.
     *
     * @return cells whose tick step ran.
     */
    long advanceChunk(final UnsafeBuffer buffer, final int from, final int words, final int base)
    {
        final int stepOffset = this.stepOffset;
        final int mailOffset = this.mailOffset;
        long updates = 0;
        for (int w = from; w < words; w++)
        {
            final long mailWord = buffer.getLong(mailOffset + (w << 3));
            long bits = buffer.getLong(stepOffset + (w << 3)) | mailWord;
            if (0 == mailWord)
            {
                updates += sweep.stepWord(buffer, base, w, bits);
            }
            else
            {
                while (0 != bits)
                {
                    final int index = (w << 6) | Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    updates += visitMail(buffer, w, index, base | index);
                }
            }
        }
        return updates;
    }

    /**
     * Wraps the flyweight over the chunk being swept again, after a death's release or a step that wrapped it over
     * another buffer: out of the sweeps' loops, whose per-cell paths write no reference.
     */
    void rewrap(final UnsafeBuffer buffer)
    {
        cell.wrap(buffer, cell.offset(), cell.slot());
    }

    /**
     * Visits a cell with mail (and maybe a tick step): its messages in the order they were linked, then its step.
     *
     * @return 1 if its tick step ran.
     */
    int visitMail(final UnsafeBuffer buffer, final int word, final int index, final int slot)
    {
        final long bit = 1L << index;
        final int mailWordOffset = mailOffset + (word << 3);
        final long mailWord = buffer.getLong(mailWordOffset);
        int m = NULL_LINK;
        if (0 != (mailWord & bit))
        {
            buffer.putLong(mailWordOffset, mailWord & ~bit);
            m = buffer.getInt(mailHeadOffset + (index << 2));
        }
        return visitCell(buffer, index, slot, mailboxes.inbox, m, LINKED, true);
    }

    /**
     * Visits, in slot order, the cells of one chunk whose messages are records [from, to) of an inbox in target order
     * (see {@link MailWords#deliverChunk}): the same visits as {@link #visitMail}'s, the messages read in turn, not
     * linked. The common visit (a live cell, no integrity check, no step in the chunk) is written in the loop, not
     * called per cell (the call, too big to inline, cost a fifth of a hop); the rest go the general way.
     *
     * @param high      the chunk's high-water mark when the records were checked: records at or above it were dead
     *                  letters then and are skipped (they come last, as the records are in slot order).
     * @param chunkMask slots per chunk, less one.
     * @return -1 once every record is handled; else the word from which the chunk is to be visited word by word, a
     * death having restarted a ticking cell in it: the records from {@link #stoppedAt()} on are left for that visit.
     */
    int visitInOrder(final UnsafeBuffer buffer, final int base, final MessageQueue inbox, final int from,
        final int to, final int high, final int chunkMask, final Population population, final int chunk)
    {
        final CellFlyweight cell = this.cell;
        final Behaviour[] behaviours = this.behaviours;
        final boolean[] checks = this.checksIntegrity;
        final int slotLength = this.slotLength;
        // Counted in a local and added once (see visitCell).
        int delivered = 0;
        int loadedTo = from;
        int i = from;
        // Carried from one cell to the next: the next cell's slot, found by the scan for this cell's last record, and
        // whether the chunk may have ticking cells, read after each visit anyway.
        int index = from < to ? (int)inbox.target(from) & chunkMask : 0;
        boolean mayStep = population.mayStep(chunk);
        while (i < to)
        {
            if (index >= high)
            {
                break;
            }
            int end = i + 1;
            int next = index;
            while (end < to && (next = (int)inbox.target(end) & chunkMask) == index)
            {
                end++;
            }
            // The slots of a few cells ahead, loaded together once the visits come near them.
            loadedTo = loadsAhead.load(buffer, inbox, end, loadedTo, to, high, chunkMask);
            final int offset = slotOffset(index, slotLength);
            final short id;
            if (mayStep || STATUS_ALIVE != buffer.getByte(offset + STATUS_OFFSET) ||
                checks[id = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET)])
            {
                visitCell(buffer, index, base | index, inbox, i, end, mayStep);
            }
            else
            {
                // Re-pointed with ints only (see TickSweep): wrapped again only if a behaviour wrapped it elsewhere.
                if (buffer != cell.buffer())
                {
                    rewrap(buffer);
                }
                cell.moveTo(offset, base | index);
                // Stored only when it changes: a reference store pays G1's write barrier, for every hop when written
                // always (most cells a tick visits have the behaviour of the one before).
                final Behaviour behaviour = behaviours[id];
                if (behaviour != current)
                {
                    current = behaviour;
                }
                final int generation = buffer.getInt(offset + GENERATION_OFFSET);
                int m = i;
                for (; m < end && dyingReason < 0; m++)
                {
                    if (Handle.generation(inbox.target(m)) != generation)
                    {
                        mailboxes.undeliverable(inbox, m, DeadLetters.STALE_HANDLE);
                    }
                    else
                    {
                        // dispatch, written out: compiled with the behaviour's onMessage inlined it is too big for
                        // the JIT to inline here, and a call per message cost more than its body.
                        final int type = inbox.type(m);
                        try
                        {
                            calls.noCall();
                            final int delivering = type >= 0 ? type :
                                engineMessage(cell, inbox.sender(m), type, inbox.payload(m));
                            if (Signalling.CONSUMED != delivering)
                            {
                                delivered++;
                                current.onMessage(cell, context, inbox.sender(m), delivering, inbox.payload(m));
                            }
                        }
                        catch (final Throwable t)
                        {
                            onFailure(t);
                        }
                    }
                }
                if (dyingReason >= 0)
                {
                    for (; m < end; m++)
                    {
                        mailboxes.undeliverable(inbox, m, DeadLetters.LEFT_BY_DEATH);
                    }
                    finishDeath(base | index);
                }
            }
            i = end;
            mayStep = population.mayStep(chunk);
            if (mayStep && !sameWord(inbox, i, to, high, chunkMask, index))
            {
                // A death restarted a ticking cell here: from the next word on, steps count too, as they would in
                // the visit of every word (which finishes this word's mail first).
                slice.delivered += delivered;
                stoppedAt = i;
                return (index >>> 6) + 1;
            }
            index = next;
        }
        slice.delivered += delivered;
        return -1;
    }

    /**
     * Whether record {@code i} of an inbox in order is a live record for a cell in the same bitmap word as
     * {@code index}.
     */
    private static boolean sameWord(final MessageQueue inbox, final int i, final int to, final int high,
        final int chunkMask, final int index)
    {
        if (i >= to)
        {
            return false;
        }
        final int next = (int)inbox.target(i) & chunkMask;
        return next < high && (next >>> 6) == (index >>> 6);
    }

    /**
     * Where {@link #visitInOrder} stopped when it returned a word: the first record it left.
     */
    int stoppedAt()
    {
        return stoppedAt;
    }

    /**
     * The message after {@code m} for the same cell: the linked one when {@code end} is {@link #LINKED}, else the
     * next record before {@code end}.
     */
    private static int nextMessage(final MessageQueue inbox, final int m, final int end)
    {
        if (LINKED == end)
        {
            return inbox.next(m);
        }
        return m + 1 < end ? m + 1 : NULL_LINK;
    }

    /**
     * A cell's visit: its messages from {@code m} on (see {@link #nextMessage}), then its step.
     *
     * @param mayStep false if the cell's chunk has no step bit set: its step bitmap is then not read.
     */
    private int visitCell(final UnsafeBuffer buffer, final int index, final int slot, final MessageQueue inbox,
        final int first, final int end, final boolean mayStep)
    {
        final int offset = slotOffset(index, slotLength);
        int m = first;
        if (STATUS_ALIVE != buffer.getByte(offset + STATUS_OFFSET))
        {
            // Mail for a slot whose cell died in an earlier tick: all dead letters.
            for (; NULL_LINK != m; m = nextMessage(inbox, m, end))
            {
                mailboxes.undeliverable(inbox, m, DeadLetters.STALE_HANDLE);
            }
            return 0;
        }
        final CellFlyweight cell = this.cell.wrap(buffer, offset, slot);
        final int behaviourOffset = offset + BEHAVIOUR_ID_OFFSET;
        final short id = buffer.getShort(behaviourOffset);
        final int generation = buffer.getInt(offset + GENERATION_OFFSET);
        // Stepped this tick only if it was a ticking cell before its messages: one that becomes a ticking behaviour
        // while handling them starts with the next tick.
        final int stepWordOffset = stepOffset + ((index >>> 6) << 3);
        final long bit = 1L << index;
        final boolean stepping = mayStep && 0 != (buffer.getLong(stepWordOffset) & bit);
        current = behaviours[id];
        if (checksIntegrity[id] && !isIntact(cell, current) && ExitReasons.EXCEPTION == dyingReason)
        {
            // An integrity check that threw leaves the mail unaccounted for, as it always has (not a dead letter).
            m = NULL_LINK;
        }
        // Counted in a local and added once: a field written through another object would be read and written
        // around every behaviour call.
        int delivered = 0;
        while (NULL_LINK != m && dyingReason < 0)
        {
            final int next = nextMessage(inbox, m, end);
            if (Handle.generation(inbox.target(m)) != generation)
            {
                mailboxes.undeliverable(inbox, m, DeadLetters.STALE_HANDLE);
            }
            else
            {
                delivered += dispatch(cell, inbox.sender(m), inbox.type(m), inbox.payload(m));
            }
            m = next;
        }
        slice.delivered += delivered;
        int updates = 0;
        if (dyingReason < 0 && stepping && 0 != (buffer.getLong(stepWordOffset) & bit))
        {
            updates = 1;
            step(cell, context, buffer.getShort(behaviourOffset));
        }
        if (dyingReason >= 0)
        {
            for (; NULL_LINK != m; m = nextMessage(inbox, m, end))
            {
                mailboxes.undeliverable(inbox, m, DeadLetters.LEFT_BY_DEATH);
            }
            finishDeath(slot);
        }
        return updates;
    }

    /**
     * Free-running mode: hands one message to a live cell of the right generation, which {@code cell} is wrapped
     * over, at once. A cell found corrupt does not see it.
     */
    void deliverOne(final CellFlyweight cell, final int slot, final long sender, final int type, final long payload)
    {
        final short id = cell.behaviourId();
        current = behaviours[id];
        if (!checksIntegrity[id] || isIntact(cell, current))
        {
            slice.delivered += dispatch(cell, sender, type, payload);
        }
        if (dyingReason >= 0)
        {
            finishDeath(slot);
        }
    }

    /**
     * Hands the broadcast records to the members of their groups in one chunk: members in slot order, each getting all
     * the records for its groups in record order before the next member is visited.
     *
     * @param words the chunk's bitmap words in use.
     * @param base  the chunk's first slot.
     * @param maps  per record, the membership bitmap of its group in this chunk, or null.
     */
    void deliverToMembers(final UnsafeBuffer buffer, final int words, final int base, final MessageQueue records,
        final long[][] maps, final Groups groups)
    {
        if (1 == records.count())
        {
            deliverOneToMembers(buffer, words, base, records, maps, groups);
            return;
        }
        final int count = records.count();
        for (int w = 0; w < words; w++)
        {
            long members = 0;
            for (int r = 0; r < count; r++)
            {
                final long[] map = maps[r];
                if (null != map)
                {
                    members |= map[w];
                }
            }
            while (0 != members)
            {
                final int index = (w << 6) | Long.numberOfTrailingZeros(members);
                members &= members - 1;
                deliverToMember(buffer, index, base | index, records, maps, w, groups);
            }
        }
    }

    /**
     * The common case of {@link #deliverToMembers}, one record (a tick's one broadcast): its fields read once, and the
     * member's visit written in the loop, not called per member (the call, too big to inline, cost as much as the
     * delivery), the flyweight re-pointed by {@link CellFlyweight#moveTo} as in {@link TickSweep}. What is rare (an
     * integrity check, a dying member) goes the general way.
     */
    private void deliverOneToMembers(final UnsafeBuffer buffer, final int words, final int base,
        final MessageQueue records, final long[][] maps, final Groups groups)
    {
        final long[] map = maps[0];
        final long sender = records.sender(0);
        final int type = records.type(0);
        final long payload = records.payload(0);
        final CellFlyweight cell = this.cell;
        final Behaviour[] behaviours = this.behaviours;
        final boolean[] checks = checksIntegrity;
        final int slotLength = this.slotLength;
        // Counted in locals and added once: fields written through other objects would be read and written around
        // every behaviour call.
        long handed = 0;
        long delivered = 0;
        for (int w = 0; w < words; w++)
        {
            long members = map[w];
            while (0 != members)
            {
                final int index = (w << 6) | Long.numberOfTrailingZeros(members);
                members &= members - 1;
                final int offset = slotOffset(index, slotLength);
                final short id = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
                if (checks[id] || dyingReason >= 0 || 0 == (map[w] & (1L << index)))
                {
                    deliverToMember(buffer, index, base | index, records, maps, w, groups);
                    continue;
                }
                current = behaviours[id];
                handed++;
                // Re-pointed with ints only (see TickSweep): wrapped again only if it is over another buffer (the first
                // member, or a behaviour or a death wrapped it elsewhere).
                if (buffer != cell.buffer())
                {
                    rewrap(buffer);
                }
                cell.moveTo(offset, base | index);
                delivered += dispatch(cell, sender, type, payload);
                if (dyingReason >= 0)
                {
                    finishDeath(base | index);
                }
            }
        }
        groups.memberDeliveries += handed;
        slice.delivered += delivered;
    }

    /**
     * Hands a group member the broadcast records of its groups, in record order; once it is dying the rest are dead
     * letters.
     *
     * @param maps per record, the membership bitmap of its group in the member's chunk, or null.
     * @param word the member's word in those bitmaps.
     */
    private void deliverToMember(final UnsafeBuffer buffer, final int index, final int slot,
        final MessageQueue records, final long[][] maps, final int word, final Groups groups)
    {
        final long bit = 1L << index;
        final int offset = slotOffset(index, slotLength);
        final CellFlyweight cell = this.cell.wrap(buffer, offset, slot);
        final short id = buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
        current = behaviours[id];
        if (checksIntegrity[id])
        {
            isIntact(cell, current);
        }
        int delivered = 0;
        for (int r = 0, count = records.count(); r < count; r++)
        {
            final long[] map = maps[r];
            if (null == map || 0 == (map[word] & bit))
            {
                continue;
            }
            if (dyingReason >= 0)
            {
                mailboxes.deadLetter(DeadLetters.DEAD_MEMBER, cell.handle(), records.sender(r), records.type(r),
                    records.payload(r));
                groups.memberDeadLetters++;
                continue;
            }
            groups.memberDeliveries++;
            delivered += dispatch(cell, records.sender(r), records.type(r), records.payload(r));
        }
        slice.delivered += delivered;
        if (dyingReason >= 0)
        {
            finishDeath(slot);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The steps of a visit: each calls the behaviour once, and a throw marks the cell dying.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The behaviour's integrity check; a corrupt cell dies with reason {@link ExitReasons#CORRUPT}.
     *
     * @return true if the cell is intact.
     */
    private boolean isIntact(final CellFlyweight cell, final Behaviour behaviour)
    {
        try
        {
            if (behaviour.isIntact(cell))
            {
                return true;
            }
            dyingReason = ExitReasons.CORRUPT;
        }
        catch (final Throwable t)
        {
            onFailure(t);
        }
        return false;
    }

    /**
     * The one dispatch routine: hands one message to a live cell that is not dying. A user message goes to the
     * behaviour; an engine message to the signals first, which consume it, pass it on with the type the behaviour
     * sees, or find that it kills the cell.
     *
     * @return 1 if the behaviour was handed the message (even if it threw), else 0: the caller counts deliveries.
     */
    private int dispatch(final CellFlyweight cell, final long sender, final int type, final long payload)
    {
        int delivered = 0;
        try
        {
            calls.noCall();
            final int delivering = type >= 0 ? type : engineMessage(cell, sender, type, payload);
            if (Signalling.CONSUMED != delivering)
            {
                delivered = 1;
                current.onMessage(cell, context, sender, delivering, payload);
            }
        }
        catch (final Throwable t)
        {
            onFailure(t);
        }
        return delivered;
    }

    /**
     * An engine message, apart from {@link #dispatch} so that the user message's path stays small: the signals
     * consume it, pass it on with the type the behaviour sees, or find that it kills the cell.
     *
     * @return the type to hand to the behaviour, or {@link Signalling#CONSUMED} if it gets nothing.
     */
    private int engineMessage(final CellFlyweight cell, final long sender, final int type, final long payload)
    {
        final int delivering = signalling.onEngineMessage(cell, sender, type, payload);
        if (Signalling.KILLED != delivering)
        {
            return delivering;
        }
        if (die(Signals.reason(payload)))
        {
            slice.linkKills++;
        }
        return Signalling.CONSUMED;
    }

    /**
     * A tick step, its integrity already checked. The behaviour is looked up inside the catch: a cell whose header
     * names no behaviour dies, the worker does not.
     */
    void step(final CellFlyweight cell, final SliceContext context, final short id)
    {
        try
        {
            behaviours[id].onTick(cell, context);
        }
        catch (final Throwable t)
        {
            onFailure(t);
        }
    }

    /**
     * A behaviour threw: the cell dies with reason {@link ExitReasons#EXCEPTION}, and the error is recorded. Errors
     * the JVM cannot recover from (but a stack overflow) still stop the worker.
     */
    void onFailure(final Throwable t)
    {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError))
        {
            throw (VirtualMachineError)t;
        }
        if (!errorLog.record(t))
        {
            slice.errorsNotLogged++;
        }
        dyingReason = t instanceof CellBoundsException ? ExitReasons.OUT_OF_BOUNDS : ExitReasons.EXCEPTION;
    }

    /**
     * The cell being visited accessed its state outside its bounds, and its flyweight throws
     * {@link CellBoundsException} next, having touched nothing: the cell dies with reason
     * {@link ExitReasons#OUT_OF_BOUNDS}, even if its behaviour catches the exception.
     */
    private void outOfBounds()
    {
        dyingReason = ExitReasons.OUT_OF_BOUNDS;
        cell.status(STATUS_DYING);
    }

    void finishDeath(final int slot)
    {
        final int reason = dyingReason;
        dyingReason = -1;
        slice.release(slot, reason, true);
    }
}
