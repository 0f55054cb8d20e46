package io.karyon.scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A claim on CPUs, so that two organisms never pin busy-spinning workers to the same CPU: one lock file per CPU
 * ({@code cpu-N.lock}) in a folder every process of the machine sees, locked with a {@link FileLock} for the life of
 * the claim. The lock is the kernel's ({@code fcntl}): it goes when the claim is closed or when the process dies in
 * any way, {@code kill -9} included, so a crashed run never leaves its CPUs claimed. The holder writes its pid into
 * the file, so that a refused claim can name it.
 * <p>
 * A claim is all or nothing: if any CPU is held by another claim (of another process, or of this one), it holds none
 * and says which CPUs are busy and who holds them.
 * <p>
 * The folder is {@link #DIRECTORY_PROP_NAME} if set, else {@code /dev/shm/karyon-cpus}, else
 * {@code java.io.tmpdir/karyon-cpus}. {@code /dev/shm} because it is the one folder that every process of the machine
 * sees at the same path whatever its {@code TMPDIR} or {@code java.io.tmpdir} (launchers, test runners and services
 * often set their own), it lives in memory (a lock never waits on a disk) and it is emptied at boot, so no file
 * outlives the machine's processes; {@code java.io.tmpdir} only where there is no {@code /dev/shm} (macOS). The folder
 * and its files are made writable by all, so that runs of different users see each other's claims.
 * <p>
 * <b>Note:</b> threadsafe; claims of one process are kept in a table guarded by the class, because two channels of
 * one process on one file would share (and on close drop) each other's {@code fcntl} locks.
 */
public final class CpuClaim implements AutoCloseable
{
    /** Folder of the per-CPU lock files; tests point it at their own folder. */
    public static final String DIRECTORY_PROP_NAME = "karyon.scheduler.cpu.claims.dir";

    /** The state of a claim. */
    public enum State
    {
        /** Every CPU is claimed, until {@link #close()}. */
        HELD,
        /** Some CPU is held by another claim: this one holds none. */
        BUSY,
        /** The lock files could not be used (a folder or file that cannot be written): this claim holds none. */
        UNAVAILABLE
    }

    private static final Map<Integer, Lock> HELD_BY_THIS_PROCESS = new HashMap<>();
    private static final long PID = ProcessHandle.current().pid();

    private final int[] cpus;
    private final State state;
    private final String refusal;
    private final List<Lock> locks;
    private boolean closed;

    private CpuClaim(final int[] cpus, final State state, final String refusal, final List<Lock> locks)
    {
        this.cpus = cpus;
        this.state = state;
        this.refusal = refusal;
        this.locks = locks;
    }

    /**
     * The folder of the lock files, from {@link #DIRECTORY_PROP_NAME}, else {@code /dev/shm/karyon-cpus}, else
     * {@code java.io.tmpdir/karyon-cpus}.
     *
     * @return the folder; it need not exist yet.
     */
    public static Path directory()
    {
        final String configured = System.getProperty(DIRECTORY_PROP_NAME);
        if (null != configured && !configured.isBlank())
        {
            return Path.of(configured);
        }
        final Path shm = Path.of("/dev/shm");
        return (Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"))).resolve("karyon-cpus");
    }

    /**
     * Claims CPUs, all or none, without waiting.
     *
     * @param directory of the lock files, created if missing.
     * @param cpus      to claim, distinct, each >= 0.
     * @return the claim: {@link State#HELD}, or {@link State#BUSY} / {@link State#UNAVAILABLE} with a reason.
     * @throws IllegalArgumentException if a CPU is negative or given twice.
     */
    public static CpuClaim claim(final Path directory, final int[] cpus)
    {
        final int[] sorted = cpus.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++)
        {
            if (sorted[i] < 0 || (i > 0 && sorted[i] == sorted[i - 1]))
            {
                throw new IllegalArgumentException("CPUs must be distinct and >= 0: cpus=" + Arrays.toString(cpus));
            }
        }
        synchronized (HELD_BY_THIS_PROCESS)
        {
            return claimLocked(directory, sorted);
        }
    }

    private static CpuClaim claimLocked(final Path directory, final int[] cpus)
    {
        final List<Lock> taken = new ArrayList<>(cpus.length);
        final List<Integer> busy = new ArrayList<>();
        final TreeSet<String> holders = new TreeSet<>();
        try
        {
            prepare(directory);
            for (final int cpu : cpus)
            {
                if (HELD_BY_THIS_PROCESS.containsKey(cpu))
                {
                    busy.add(cpu);
                    holders.add(PID + " (this process)");
                    continue;
                }
                final Lock lock = Lock.tryTake(directory.resolve("cpu-" + cpu + ".lock"));
                if (null == lock.lock)
                {
                    busy.add(cpu);
                    holders.add(lock.holder);
                    lock.release();
                }
                else
                {
                    taken.add(lock);
                    HELD_BY_THIS_PROCESS.put(cpu, lock);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            releaseLocked(taken);
            return new CpuClaim(cpus, State.UNAVAILABLE, "cannot claim CPUs in " + directory + ": " + ex, List.of());
        }
        if (!busy.isEmpty())
        {
            releaseLocked(taken);
            final int[] busyCpus = busy.stream().mapToInt(Integer::intValue).toArray();
            return new CpuClaim(cpus, State.BUSY, (busyCpus.length > 1 ? "CPUs " : "CPU ") + listOf(busyCpus) +
                (busyCpus.length > 1 ? " are" : " is") + " claimed by another organism (pid " +
                String.join(", pid ", holders) + ")", List.of());
        }
        return new CpuClaim(cpus, State.HELD, null, taken);
    }

    /**
     * Creates the folder, writable by all.
     */
    private static void prepare(final Path directory) throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            Files.createDirectories(directory);
            try
            {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            catch (final IOException | UnsupportedOperationException ex)
            {
                // Another user created it, or not a POSIX file system: claims still work for this user.
            }
        }
    }

    private static void releaseLocked(final List<Lock> taken)
    {
        for (final Lock lock : taken)
        {
            lock.release();
            HELD_BY_THIS_PROCESS.values().remove(lock);
        }
    }

    private static String listOf(final int[] cpus)
    {
        final StringBuilder text = new StringBuilder();
        for (final int cpu : cpus)
        {
            text.append(text.length() > 0 ? "," : "").append(cpu);
        }
        return text.toString();
    }

    /**
     * The CPUs asked for, ascending.
     *
     * @return a copy.
     */
    public int[] cpus()
    {
        return cpus.clone();
    }

    /**
     * The claim's state.
     *
     * @return held, busy or unavailable.
     */
    public State state()
    {
        return state;
    }

    /**
     * Whether this claim holds its CPUs.
     *
     * @return true if {@link State#HELD} and not closed.
     */
    public boolean isHeld()
    {
        synchronized (HELD_BY_THIS_PROCESS)
        {
            return State.HELD == state && !closed;
        }
    }

    /**
     * Why the claim holds nothing, in one line: which CPUs are busy and the pids of their holders, or why the lock
     * files could not be used.
     *
     * @return the reason, or null when held.
     */
    public String refusal()
    {
        return refusal;
    }

    /**
     * Releases the CPUs (idempotent); the lock files stay, as deleting one would race with a process opening it.
     */
    public void close()
    {
        synchronized (HELD_BY_THIS_PROCESS)
        {
            if (!closed)
            {
                releaseLocked(locks);
                closed = true;
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "CpuClaim{cpus=" + listOf(cpus) + ", state=" + state + (null == refusal ? "" : ", " + refusal) + "}";
    }

    /**
     * One CPU's lock file, open, and its lock if taken; else who holds it.
     */
    private static final class Lock
    {
        private final FileChannel channel;
        private final FileLock lock;
        private final String holder;

        private Lock(final FileChannel channel, final FileLock lock, final String holder)
        {
            this.channel = channel;
            this.lock = lock;
            this.holder = holder;
        }

        static Lock tryTake(final Path file) throws IOException
        {
            final FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try
            {
                allowAll(file);
                final FileLock lock;
                try
                {
                    lock = channel.tryLock();
                }
                catch (final OverlappingFileLockException ex)
                {
                    return new Lock(channel, null, PID + " (this process)");
                }
                if (null == lock)
                {
                    return new Lock(channel, null, readHolder(channel));
                }
                final byte[] pid = (PID + "\n").getBytes(StandardCharsets.US_ASCII);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(pid), 0);
                return new Lock(channel, lock, null);
            }
            catch (final IOException | RuntimeException ex)
            {
                channel.close();
                throw ex;
            }
        }

        private static void allowAll(final Path file)
        {
            try
            {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
            }
            catch (final IOException | UnsupportedOperationException ex)
            {
                // Another user's file (we could open it, so we may use it), or not a POSIX file system.
            }
        }

        private static String readHolder(final FileChannel channel) throws IOException
        {
            final ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            final String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("[0-9]{1,19}") ? text : "unknown";
        }

        void release()
        {
            try
            {
                if (null != lock)
                {
                    lock.release();
                }
                channel.close();
            }
            catch (final IOException ex)
            {
                // Closing the channel drops the lock whatever the error; the kernel drops it at exit in any case.
            }
        }
    }
}
