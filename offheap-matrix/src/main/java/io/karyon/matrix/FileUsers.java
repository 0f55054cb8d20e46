package io.karyon.matrix;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Who else has a matrix file open, found through the lock Chronicle itself takes: every process with a persisted map
 * open holds a shared {@link FileLock} on the whole file for as long as it is open (and the kernel drops it when the
 * process dies, killed or not), and Chronicle's recovery takes an exclusive one, waiting for as long as any other
 * process holds its shared lock. Asking first, with {@link FileChannel#tryLock()}, answers at once; on Linux,
 * {@code /proc/locks} then names the holder's process id, and {@code /proc/PID/cmdline} its command.
 * <p>
 * <b>Note:</b> the answer may be out of date as soon as it is given: a process may open the file just after.
 */
final class FileUsers
{
    private static final Path PROC_LOCKS = Path.of("/proc/locks");
    private static final int MAX_COMMAND_LENGTH = 160;
    private static final List<String> VALUED_OPTIONS =
        List.of("-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-modules");

    private FileUsers()
    {
    }

    /**
     * Another holder of the file, if any.
     *
     * @param file a matrix file this process may write.
     * @return null if no other process has it open, else "process PID (command)", "this process (pid PID)", or
     * "another process" where the holder cannot be named.
     * @throws MatrixException naming the file if it cannot be opened for writing.
     */
    static String otherUser(final File file)
    {
        final Path path = file.toPath();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                // The JVM keeps one table of file locks: a map this process has open holds the file already.
                return "this process (pid " + ProcessHandle.current().pid() + ")";
            }
            if (null != lock)
            {
                lock.release();
                return null;
            }
            return holder(path);
        }
        catch (final IOException ex)
        {
            throw MatrixFile.ioFailure(file.getPath(), "cannot open for writing", ex);
        }
    }

    private static String holder(final Path path)
    {
        try
        {
            final long inode = ((Number)Files.getAttribute(path, "unix:ino")).longValue();
            final long device = ((Number)Files.getAttribute(path, "unix:dev")).longValue();
            // The kernel writes the device as MAJOR:MINOR in hex, then the inode in decimal.
            final String id = Long.toHexString(major(device)) + ":" + Long.toHexString(minor(device)) + ":" + inode;
            final long self = ProcessHandle.current().pid();
            final List<String> lines = Files.readAllLines(PROC_LOCKS, StandardCharsets.US_ASCII);
            for (final String line : lines)
            {
                final String[] words = line.trim().split("\\s+");
                for (int i = 1; i < words.length; i++)
                {
                    if (sameFile(words[i], id) && !"->".equals(words[1]))
                    {
                        final long pid = Long.parseLong(words[i - 1]);
                        if (pid > 0 && pid != self)
                        {
                            return "process " + pid + command(pid);
                        }
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Not Linux, or /proc is not mounted: the holder cannot be named.
            return "another process";
        }
        return "another process";
    }

    private static boolean sameFile(final String word, final String id)
    {
        // Some kernels pad the major and minor numbers to two digits.
        final String[] parts = word.split(":");
        final String[] want = id.split(":");
        return 3 == parts.length && parts[2].equals(want[2]) &&
            parse(parts[0]) == Long.parseLong(want[0], 16) && parse(parts[1]) == Long.parseLong(want[1], 16);
    }

    private static long parse(final String hex)
    {
        try
        {
            return Long.parseLong(hex, 16);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static String command(final long pid)
    {
        try
        {
            final byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            final String[] args = new String(bytes, StandardCharsets.UTF_8).split("\0");
            if (0 == args.length || args[0].isEmpty())
            {
                return "";
            }
            // The program's name, then what it runs (a JVM's flags and class path say little about which program).
            final StringBuilder command = new StringBuilder(Path.of(args[0]).getFileName().toString());
            boolean started = false;
            for (int i = 1; i < args.length; i++)
            {
                final String arg = args[i];
                if (!started && VALUED_OPTIONS.contains(arg))
                {
                    i++;
                }
                else if (started || !arg.startsWith("-") || "-jar".equals(arg))
                {
                    started = true;
                    command.append(' ').append(arg);
                }
            }
            final String text = command.length() > MAX_COMMAND_LENGTH ?
                command.substring(0, MAX_COMMAND_LENGTH) + "..." : command.toString();
            return " (" + text + ")";
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private static long major(final long device)
    {
        return ((device >>> 8) & 0xFFFL) | ((device >>> 32) & 0xFFFFF000L);
    }

    private static long minor(final long device)
    {
        return (device & 0xFFL) | ((device >>> 12) & 0xFFFFFF00L);
    }
}
