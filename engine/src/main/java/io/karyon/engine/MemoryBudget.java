package io.karyon.engine;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most off-heap memory an organism may hold ({@link Context#maxMemory()}, {@code --max-memory}), and what it holds
 * now: the arena's chunks, charged here as they are created, plus the JVM's direct buffers (the message queues, the
 * restart tables, the record pools and the matrix's flat copy), read from the JVM's direct buffer pool when a chunk
 * is charged. A chunk that would take the total past the limit is not created: {@link Exceeded} is thrown instead,
 * an {@link OutOfMemoryError} that names what ran out, so it stops the worker (and the run) rather than killing the
 * cell whose spawn needed it.
 * <p>
 * The default limit leaves the machine headroom: {@link #DEFAULT_SHARE} of its physical memory (of the container's
 * limit, where there is one), read from the OS.
 * <p>
 * <b>Note:</b> threadsafe: workers charge chunks they create during a tick; one atomic add per chunk, none per cell.
 */
public final class MemoryBudget
{
    /** Share of physical memory the default limit allows. */
    public static final double DEFAULT_SHARE = 0.8;

    private static final long KIB = 1024L;
    private static final long MIB = KIB * KIB;
    private static final long GIB = MIB * KIB;
    private static final long TIB = GIB * KIB;

    private final long limit;
    private final AtomicLong charged = new AtomicLong();
    private final BufferPoolMXBean direct = directPool();

    /**
     * A budget of {@code limit} bytes.
     *
     * @param limit in bytes, > 0.
     * @throws IllegalArgumentException if the limit is not positive.
     */
    public MemoryBudget(final long limit)
    {
        if (limit <= 0)
        {
            throw new IllegalArgumentException("memory limit must be > 0: limit=" + limit);
        }
        this.limit = limit;
    }

    /**
     * The most off-heap memory allowed, in bytes.
     *
     * @return limit.
     */
    public long limit()
    {
        return limit;
    }

    /**
     * Bytes charged to this budget (the arena's chunks).
     *
     * @return charged bytes.
     */
    public long charged()
    {
        return charged.get();
    }

    /**
     * Bytes in use: those charged, plus the JVM's direct buffers.
     *
     * @return bytes in use.
     */
    public long inUse()
    {
        return charged.get() + directBytes();
    }

    /**
     * Charges an allocation about to be made, or refuses it.
     *
     * @param bytes to allocate.
     * @param what  is allocated, for the error: e.g. "arena chunk 37".
     * @throws Exceeded if the allocation would take the memory in use past the limit; nothing is charged then.
     */
    public void charge(final long bytes, final String what)
    {
        final long after = charged.addAndGet(bytes);
        final long direct = directBytes();
        if (after + direct > limit)
        {
            charged.addAndGet(-bytes);
            throw new Exceeded("out of memory: the memory budget (--max-memory " + format(limit) + ") has " +
                format(Math.max(0, limit - after + bytes - direct)) + " left, and " + what + " needs " + format(bytes) +
                " (" + format(after - bytes) + " of cells, " + format(direct) + " of queues and tables in use); " +
                "raise --max-memory (" + Configuration.MAX_MEMORY_PROP_NAME + ") or run fewer cells", limit);
        }
    }

    /**
     * Gives back bytes charged before.
     *
     * @param bytes freed.
     */
    public void release(final long bytes)
    {
        charged.addAndGet(-bytes);
    }

    private long directBytes()
    {
        return null == direct ? 0 : Math.max(0, direct.getMemoryUsed());
    }

    private static BufferPoolMXBean directPool()
    {
        final List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        for (final BufferPoolMXBean pool : pools)
        {
            if ("direct".equals(pool.getName()))
            {
                return pool;
            }
        }
        return null;
    }

    /**
     * The default limit: {@link #DEFAULT_SHARE} of the physical memory, or 4 GiB where it cannot be read.
     *
     * @return bytes.
     */
    public static long defaultLimit()
    {
        final long physical = physicalMemory();
        return physical > 0 ? (long)(physical * DEFAULT_SHARE) : 4 * GIB;
    }

    /**
     * The machine's physical memory (the container's limit where there is one), from the JVM's operating-system
     * bean, else {@code /proc/meminfo}.
     *
     * @return bytes, or 0 if unknown.
     */
    public static long physicalMemory()
    {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean)
        {
            final long total = ((com.sun.management.OperatingSystemMXBean)os).getTotalMemorySize();
            if (total > 0)
            {
                return total;
            }
        }
        return memInfoTotal(Path.of("/proc/meminfo"));
    }

    /**
     * {@code MemTotal} of a meminfo file.
     *
     * @param file to read.
     * @return bytes, or 0 if the file or the line is missing.
     */
    static long memInfoTotal(final Path file)
    {
        try
        {
            for (final String line : Files.readAllLines(file))
            {
                if (line.startsWith("MemTotal:"))
                {
                    final String[] words = line.substring("MemTotal:".length()).trim().split("\\s+");
                    return Long.parseLong(words[0]) * KIB;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
        return 0;
    }

    /**
     * Parses a size: a whole number of bytes, or one with a suffix k, m, g or t (powers of 1024, any case, an
     * optional trailing b): {@code 8g}, {@code 512m}, {@code 1073741824}.
     *
     * @param name  of the setting, for the error: e.g. "--max-memory".
     * @param value to parse.
     * @return bytes, > 0.
     * @throws IllegalArgumentException naming the setting and the value when it is not a positive size.
     */
    public static long parseSize(final String name, final String value)
    {
        final String text = null == value ? "" : value.trim().toLowerCase(Locale.ROOT);
        String digits = text.endsWith("b") ? text.substring(0, text.length() - 1) : text;
        long unit = 1;
        if (!digits.isEmpty())
        {
            switch (digits.charAt(digits.length() - 1))
            {
                case 'k':
                    unit = KIB;
                    break;
                case 'm':
                    unit = MIB;
                    break;
                case 'g':
                    unit = GIB;
                    break;
                case 't':
                    unit = TIB;
                    break;
                default:
                    break;
            }
        }
        if (1 != unit)
        {
            digits = digits.substring(0, digits.length() - 1);
        }
        try
        {
            final long number = Long.parseLong(digits);
            if (number > 0 && number <= Long.MAX_VALUE / unit)
            {
                return number * unit;
            }
        }
        catch (final NumberFormatException ex)
        {
            // falls through to the one error below
        }
        throw new IllegalArgumentException(name + " must be a positive size such as 8g, 512m or 1048576 (bytes; " +
            "suffixes k, m, g, t): was '" + value + "'");
    }

    /**
     * A size for people: {@code 512 B}, {@code 5.3 MiB}, {@code 7.45 GiB}.
     *
     * @param bytes to format.
     * @return the text.
     */
    public static String format(final long bytes)
    {
        if (bytes < KIB)
        {
            return bytes + " B";
        }
        final String[] units = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        double value = bytes / (double)KIB;
        int u = 0;
        while (value >= 1024 && u < units.length - 1)
        {
            value /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f %s" : value >= 10 ? "%.1f %s" : "%.2f %s", value,
            units[u]);
    }

    /**
     * The budget ran out: what needed memory, and how much was left. An {@link OutOfMemoryError}, so that it stops
     * the worker that met it (a behaviour's spawn cannot go on without memory) and the run, with this one line.
     */
    public static final class Exceeded extends OutOfMemoryError
    {
        private static final long serialVersionUID = 1L;

        private final long limit;

        /**
         * @param message naming what needed memory, the limit and how to change it.
         * @param limit   of the budget, in bytes.
         */
        public Exceeded(final String message, final long limit)
        {
            super(message);
            this.limit = limit;
        }

        /**
         * The budget's limit.
         *
         * @return bytes.
         */
        public long limit()
        {
            return limit;
        }
    }
}
