package io.karyon.engine;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static io.karyon.engine.MonitorDescriptor.KIND_LINK;
import static io.karyon.engine.MonitorDescriptor.KIND_MONITOR;
import static io.karyon.engine.MonitorDescriptor.KIND_OFFSET;
import static io.karyon.engine.MonitorDescriptor.NEXT_OFFSET;
import static io.karyon.engine.MonitorDescriptor.RECORD_LENGTH;
import static io.karyon.engine.MonitorDescriptor.RECORD_SHIFT;
import static io.karyon.engine.MonitorDescriptor.REF_OFFSET;
import static io.karyon.engine.MonitorDescriptor.WATCHER_OFFSET;

/**
 * The monitors and links on the cells one worker owns, kept beside them: for each watched slot, a chain of records in
 * an off-heap pool (no Java object per monitor, records laid out by {@link MonitorDescriptor}), found through a
 * primitive map from slot to the chain's head.
 * <p>
 * A monitor is stored when the watched cell receives the request; a link is stored twice, one record on each side
 * (the linking cell's own at once, the partner's when it receives the request). When a watched cell dies its chain is
 * read (each watcher is told: DOWN for a monitor, EXIT for a link) and freed.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class Monitors extends WorkerPadding
{
    static final int NULL_RECORD = RecordPool.NULL_RECORD;

    private final Int2IntHashMap heads = new Int2IntHashMap(NULL_RECORD);
    private final RecordPool pool = new RecordPool("monitor table", RECORD_LENGTH, NEXT_OFFSET);
    private final UnsafeBuffer records = pool.records();
    private int size;

    boolean isEmpty()
    {
        return 0 == size;
    }

    int size()
    {
        return size;
    }

    /**
     * First record of a slot's chain, or {@link #NULL_RECORD}.
     */
    int head(final int slot)
    {
        return 0 == size ? NULL_RECORD : heads.get(slot);
    }

    int next(final int record)
    {
        return records.getInt((record << RECORD_SHIFT) + NEXT_OFFSET);
    }

    long watcher(final int record)
    {
        return records.getLong((record << RECORD_SHIFT) + WATCHER_OFFSET);
    }

    long ref(final int record)
    {
        return records.getLong((record << RECORD_SHIFT) + REF_OFFSET);
    }

    int kind(final int record)
    {
        return records.getInt((record << RECORD_SHIFT) + KIND_OFFSET);
    }

    /**
     * Adds a record at the end of a slot's chain, so that watchers are told in the order they asked.
     */
    void add(final int slot, final long watcher, final long ref, final int kind)
    {
        final int record = pool.allocate();
        final int offset = record << RECORD_SHIFT;
        records.putLong(offset + WATCHER_OFFSET, watcher);
        records.putLong(offset + REF_OFFSET, ref);
        records.putInt(offset + NEXT_OFFSET, NULL_RECORD);
        records.putInt(offset + KIND_OFFSET, kind);
        final int head = heads.get(slot);
        if (NULL_RECORD == head)
        {
            heads.put(slot, record);
        }
        else
        {
            int last = head;
            for (int r = next(last); NULL_RECORD != r; r = next(r))
            {
                last = r;
            }
            records.putInt((last << RECORD_SHIFT) + NEXT_OFFSET, record);
        }
        size++;
    }

    /**
     * Takes the monitors that follow their cell across restarts (reference's top bit set) out of a slot's chain, in
     * order, as a chain of their own.
     *
     * @return the head of the followers' chain, or {@link #NULL_RECORD} if none.
     */
    int detachFollowers(final int slot)
    {
        int followers = NULL_RECORD;
        int followersTail = NULL_RECORD;
        int previous = NULL_RECORD;
        int r = head(slot);
        while (NULL_RECORD != r)
        {
            final int next = next(r);
            if (KIND_MONITOR == kind(r) && ref(r) < 0)
            {
                if (NULL_RECORD == previous)
                {
                    if (NULL_RECORD == next)
                    {
                        heads.remove(slot);
                    }
                    else
                    {
                        heads.put(slot, next);
                    }
                }
                else
                {
                    records.putInt((previous << RECORD_SHIFT) + NEXT_OFFSET, next);
                }
                records.putInt((r << RECORD_SHIFT) + NEXT_OFFSET, NULL_RECORD);
                if (NULL_RECORD == followers)
                {
                    followers = r;
                }
                else
                {
                    records.putInt((followersTail << RECORD_SHIFT) + NEXT_OFFSET, r);
                }
                followersTail = r;
            }
            else
            {
                previous = r;
            }
            r = next;
        }
        return followers;
    }

    /**
     * Puts a detached chain back at the end of a slot's chain (followers that now watch a restarted cell).
     */
    void attach(final int slot, final int chain)
    {
        final int head = heads.get(slot);
        if (NULL_RECORD == head)
        {
            heads.put(slot, chain);
            return;
        }
        records.putInt((tail(head) << RECORD_SHIFT) + NEXT_OFFSET, chain);
    }

    /**
     * Appends a record to a detached chain (a checkpoint's parked followers).
     *
     * @return the chain's head.
     */
    int append(final int chain, final long watcher, final long ref, final int kind)
    {
        final int record = pool.allocate();
        final int offset = record << RECORD_SHIFT;
        records.putLong(offset + WATCHER_OFFSET, watcher);
        records.putLong(offset + REF_OFFSET, ref);
        records.putInt(offset + NEXT_OFFSET, NULL_RECORD);
        records.putInt(offset + KIND_OFFSET, kind);
        size++;
        if (NULL_RECORD == chain)
        {
            return record;
        }
        records.putInt((tail(chain) << RECORD_SHIFT) + NEXT_OFFSET, record);
        return chain;
    }

    /**
     * Joins two detached chains.
     *
     * @return the head of the joined chain.
     */
    int join(final int chain, final int more)
    {
        if (NULL_RECORD == chain)
        {
            return more;
        }
        records.putInt((tail(chain) << RECORD_SHIFT) + NEXT_OFFSET, more);
        return chain;
    }

    /**
     * Frees a detached chain.
     */
    void freeChain(final int chain)
    {
        int r = chain;
        while (NULL_RECORD != r)
        {
            final int next = next(r);
            free(r);
            r = next;
        }
    }

    private int tail(final int chain)
    {
        int last = chain;
        for (int r = next(last); NULL_RECORD != r; r = next(r))
        {
            last = r;
        }
        return last;
    }

    /**
     * Whether a slot holds a link to a partner.
     */
    boolean isLinked(final int slot, final long partner)
    {
        for (int r = head(slot); NULL_RECORD != r; r = next(r))
        {
            if (KIND_LINK == kind(r) && watcher(r) == partner)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes a slot's link to a partner (the partner died, the link was refused or undone).
     *
     * @return true if there was one.
     */
    boolean removeLink(final int slot, final long partner)
    {
        return remove(slot, KIND_LINK, partner, 0);
    }

    /**
     * Removes a monitor of a slot by its watcher and reference.
     *
     * @return true if there was one.
     */
    boolean removeMonitor(final int slot, final long watcher, final long ref)
    {
        return remove(slot, KIND_MONITOR, watcher, ref);
    }

    private boolean remove(final int slot, final int kind, final long watcher, final long ref)
    {
        int previous = NULL_RECORD;
        for (int r = head(slot); NULL_RECORD != r; r = next(r))
        {
            if (kind == kind(r) && watcher(r) == watcher && ref(r) == ref)
            {
                if (NULL_RECORD == previous)
                {
                    final int next = next(r);
                    if (NULL_RECORD == next)
                    {
                        heads.remove(slot);
                    }
                    else
                    {
                        heads.put(slot, next);
                    }
                }
                else
                {
                    records.putInt((previous << RECORD_SHIFT) + NEXT_OFFSET, next(r));
                }
                free(r);
                return true;
            }
            previous = r;
        }
        return false;
    }

    /**
     * Frees a slot's whole chain, once its watchers have been told.
     */
    void removeAll(final int slot)
    {
        int r = heads.remove(slot);
        while (NULL_RECORD != r)
        {
            final int next = next(r);
            free(r);
            r = next;
        }
    }

    private void free(final int record)
    {
        pool.free(record);
        size--;
    }

    /**
     * The slots that have a chain, ascending (for a checkpoint).
     */
    int[] watchedSlots()
    {
        final int[] slots = new int[heads.size()];
        int n = 0;
        for (final Int2IntHashMap.KeyIterator it = heads.keySet().iterator(); it.hasNext(); )
        {
            slots[n++] = it.nextValue();
        }
        Arrays.sort(slots);
        return slots;
    }

    /**
     * Forgets every monitor and link (a checkpoint restore).
     */
    void clear()
    {
        heads.clear();
        pool.clear();
        size = 0;
    }

    void close()
    {
        pool.close();
    }
}
