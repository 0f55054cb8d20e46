package io.karyon.engine;

import io.karyon.engine.internal.Arena;
import io.karyon.supervisor.RestartBudget;
import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartTableImage;
import org.agrona.collections.Int2IntHashMap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The home of supervision trees: one family of the arena whose cells the trees' supervisors watch, with the restart
 * table of those supervisors and the budget that paces their restarts.
 * <p>
 * An organism has a fixed number of homes whatever its number of workers; top-level supervisors are dealt to the homes
 * in turn, child supervisors and every supervised cell live in their tree's home, and restarts are paced per home.
 * Which slots children get, which row a supervisor has and in which tick a restart happens are therefore the same for
 * any number of workers, and so is a supervised run. The worker that owns the family owns the home.
 * <p>
 * A child supervisor may be placed in another home than its parent, to spread one tree's restarts over the workers:
 * it is then a top-level row in its own home, linked to a childless proxy row under its parent in the parent's home.
 * The proxy stands for it in the parent's decisions; its giving up, and the parent's restarting or terminating it,
 * travel between the homes as notices that take effect in the next tick.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class SupervisionHome implements AutoCloseable
{
    static final long NO_REMOTE = -1;

    final int index;
    final int family;
    final int rootChunk;
    final RestartTable table;
    final RestartBudget budget;
    final ChildDirectory directory;
    private int[] entryGenotype = new int[64];
    private int[] entryChunk = new int[64];
    private long[] remote = new long[0];
    // Monitors that follow a child across restarts, waiting beside its entry for its restart: entry -> chain head.
    private final Int2IntHashMap followers = new Int2IntHashMap(Monitors.NULL_RECORD);
    /** The monitor records of the worker owning the home, where the followers' chains are kept. */
    Monitors monitors;

    SupervisionHome(final int index, final int family, final int familyShift, final int restartBudget)
    {
        this.index = index;
        this.family = family;
        this.rootChunk = family << Arena.FAMILY_SHIFT;
        this.table = new RestartTable(16, 256, 1024, family << familyShift);
        this.budget = new RestartBudget(restartBudget);
        this.directory = new ChildDirectory(index);
    }

    /**
     * Remembers what a child entry restarts from: its genotype, and the chunk to restart it beside; the entry gets a
     * new child id.
     */
    void remember(final int entry, final int genotypeId, final int chunk)
    {
        if (entry >= entryGenotype.length)
        {
            final int length = Math.max(entryGenotype.length * 2, entry + 1);
            entryGenotype = Arrays.copyOf(entryGenotype, length);
            entryChunk = Arrays.copyOf(entryChunk, length);
        }
        entryGenotype[entry] = genotypeId;
        entryChunk[entry] = chunk;
        directory.assigned(entry);
        if (!followers.isEmpty())
        {
            // Followers of the entry's previous child, which was never restarted: that child is gone for good.
            final int chain = followers.remove(entry);
            if (Monitors.NULL_RECORD != chain)
            {
                monitors.freeChain(chain);
            }
        }
    }

    boolean hasFollowers()
    {
        return !followers.isEmpty();
    }

    /**
     * Parks the monitors that followed a dead child until its restart.
     */
    void park(final int entry, final int chain)
    {
        followers.put(entry, monitors.join(followers.get(entry), chain));
    }

    /**
     * The monitors parked for a child's restart, taken away; {@link Monitors#NULL_RECORD} if none.
     */
    int unpark(final int entry)
    {
        return followers.remove(entry);
    }

    /**
     * Links the two rows of a supervisor whose parent lives in another home: here a top-level row (its real row) or a
     * childless child row under the parent (its proxy); each names the other as {@code home << 32 | row}.
     */
    void link(final int row, final int otherHome, final int otherRow)
    {
        if (row >= remote.length)
        {
            final int oldLength = remote.length;
            remote = Arrays.copyOf(remote, Math.max(oldLength * 2, row + 16));
            Arrays.fill(remote, oldLength, remote.length, NO_REMOTE);
        }
        remote[row] = (long)otherHome << 32 | otherRow;
    }

    /**
     * The other row of a supervisor that spans two homes, or {@link #NO_REMOTE}.
     */
    /**
     * Whether any row of this home is linked to a row in another home.
     */
    boolean hasRemotes()
    {
        return 0 != remote.length;
    }

    long remoteOf(final int row)
    {
        return row < remote.length ? remote[row] : NO_REMOTE;
    }

    int genotypeOf(final int entry)
    {
        return entryGenotype[entry];
    }

    int chunkOf(final int entry)
    {
        return entryChunk[entry];
    }

    /**
     * Writes the home's state for a checkpoint: its restart table, its budget, what each entry restarts from and the
     * links of its rows to other homes, and its children's ids and what they are as the next tick sees them.
     */
    void write(final DataOutput out) throws IOException
    {
        RestartTableImage.write(table, out);
        budget.writeTo(out);
        final int entries = entryGenotype.length;
        out.writeInt(entries);
        for (int e = 0; e < entries; e++)
        {
            out.writeInt(entryGenotype[e]);
            out.writeInt(entryChunk[e]);
        }
        out.writeInt(remote.length);
        for (final long link : remote)
        {
            out.writeLong(link);
        }
        directory.write(out);
        final int[] parked = new int[followers.size()];
        int n = 0;
        for (final Int2IntHashMap.KeyIterator it = followers.keySet().iterator(); it.hasNext(); )
        {
            parked[n++] = it.nextValue();
        }
        Arrays.sort(parked);
        out.writeInt(parked.length);
        for (final int entry : parked)
        {
            int count = 0;
            for (int r = followers.get(entry); Monitors.NULL_RECORD != r; r = monitors.next(r))
            {
                count++;
            }
            out.writeInt(entry);
            out.writeInt(count);
            for (int r = followers.get(entry); Monitors.NULL_RECORD != r; r = monitors.next(r))
            {
                out.writeLong(monitors.watcher(r));
                out.writeLong(monitors.ref(r));
            }
        }
    }

    /**
     * Replaces the home's state with what {@link #write(DataOutput)} wrote.
     */
    void read(final DataInput in) throws IOException
    {
        RestartTableImage.read(table, in);
        budget.readFrom(in);
        final int entries = in.readInt();
        if (entries < 0 || entries > 1 << 28)
        {
            throw new IOException("bad entry count " + entries);
        }
        entryGenotype = new int[entries];
        entryChunk = new int[entries];
        for (int e = 0; e < entries; e++)
        {
            entryGenotype[e] = in.readInt();
            entryChunk[e] = in.readInt();
        }
        final int rows = in.readInt();
        if (rows < 0 || rows > 1 << 28)
        {
            throw new IOException("bad row count " + rows);
        }
        remote = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            remote[r] = in.readLong();
        }
        directory.read(in);
        followers.clear();
        final int parked = in.readInt();
        if (parked < 0 || parked > entries)
        {
            throw new IOException("bad count of children with followers " + parked);
        }
        for (int i = 0; i < parked; i++)
        {
            final int entry = in.readInt();
            final int count = in.readInt();
            if (entry < 0 || entry >= entries || count < 1 || count > 1 << 24 || followers.containsKey(entry))
            {
                throw new IOException("bad followers of child entry " + entry + ": " + count);
            }
            int chain = Monitors.NULL_RECORD;
            for (int k = 0; k < count; k++)
            {
                chain = monitors.append(chain, in.readLong(), in.readLong(), MonitorDescriptor.KIND_MONITOR);
            }
            followers.put(entry, chain);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        table.close();
    }
}
