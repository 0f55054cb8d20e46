package io.karyon.numa;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Memory binding through a small JNI library (built from {@code src/main/c} by gcc with the module and shipped in its
 * jar): bind a range of memory to a NUMA node ({@code mbind}), report the node each page sits on
 * ({@code move_pages}, {@code get_mempolicy}), and ask for transparent huge pages ({@code madvise}).
 * <p>
 * Where the library was not built, cannot be loaded, or is switched off with {@value #LIBRARY_PROP_NAME}=disabled,
 * {@link #isAvailable()} is false and {@link #unavailableReason()} says why; callers then run unbound.
 * <p>
 * <b>Note:</b> threadsafe; the calls act on the process's memory.
 */
public final class NumaBinding
{
    /** Set to "disabled" to run as if the library were absent (tests, or to rule it out). */
    public static final String LIBRARY_PROP_NAME = "karyon.numa.library";

    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
        Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(5, "EIO"), Map.entry(12, "ENOMEM"),
        Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(19, "ENODEV"),
        Map.entry(22, "EINVAL"), Map.entry(38, "ENOSYS"), Map.entry(95, "EOPNOTSUPP"));

    private static final String LIBRARY_NAME = "libkaryonnuma.so";
    private static final String UNAVAILABLE_REASON;
    private static final int PAGE_SIZE = 4096;

    static
    {
        UNAVAILABLE_REASON = load();
    }

    private NumaBinding()
    {
    }

    private static String load()
    {
        if ("disabled".equals(System.getProperty(LIBRARY_PROP_NAME)))
        {
            return LIBRARY_PROP_NAME + "=disabled";
        }
        final String resource = "/native/linux-" + System.getProperty("os.arch") + "/" + LIBRARY_NAME;
        if (!"Linux".equals(System.getProperty("os.name")))
        {
            return "memory binding needs Linux, this is " + System.getProperty("os.name");
        }
        try (InputStream in = NumaBinding.class.getResourceAsStream(resource))
        {
            if (null == in)
            {
                return "the memory-binding library " + resource + " was not built (no gcc when the jar was built?)";
            }
            // Extracted once per user, not once per run: see NativeLibraryCache.
            final Path file = NativeLibraryCache.extract(in.readAllBytes(), LIBRARY_NAME, NativeLibraryCache.root());
            System.load(file.toString());
            return null;
        }
        catch (final IOException | UnsatisfiedLinkError | SecurityException ex)
        {
            return "the memory-binding library " + resource + " did not load: " + ex;
        }
    }

    /**
     * Whether the library is loaded.
     *
     * @return true if the calls below work.
     */
    public static boolean isAvailable()
    {
        return null == UNAVAILABLE_REASON;
    }

    /**
     * Why the library is not available, or null.
     *
     * @return the reason or null.
     */
    public static String unavailableReason()
    {
        return UNAVAILABLE_REASON;
    }

    /**
     * The page size the calls work in.
     *
     * @return bytes per page.
     */
    public static int pageSize()
    {
        return PAGE_SIZE;
    }

    /**
     * Binds a range of memory to a node: pages touched later are placed there, pages already there are moved.
     *
     * @param address start, page-aligned.
     * @param length  in bytes.
     * @param node    NUMA node.
     * @param strict  true for MPOL_BIND (only that node), false for MPOL_PREFERRED (that node first).
     * @throws NumaException naming the call, its arguments and the errno when the OS refuses.
     */
    public static void bind(final long address, final long length, final int node, final boolean strict)
    {
        ensureAvailable();
        final int result = mbind0(address, length, node, strict);
        if (result < 0)
        {
            throw failure("mbind(address=0x" + Long.toHexString(address) + ", length=" + length + ", node=" + node +
                ", " + (strict ? "MPOL_BIND" : "MPOL_PREFERRED") + ")", -result);
        }
    }

    /**
     * The node each page of a range sits on; an entry is negative (-errno) for a page that is not resident
     * (-ENOENT) or not mapped (-EFAULT).
     *
     * @param address start, page-aligned.
     * @param length  in bytes.
     * @return one entry per page.
     * @throws NumaException when the call itself fails.
     */
    public static int[] nodesOfPages(final long address, final long length)
    {
        ensureAvailable();
        if (0 != (address & (PAGE_SIZE - 1)) || length < 0)
        {
            throw new NumaException("move_pages: address must be page-aligned and length >= 0: address=0x" +
                Long.toHexString(address) + " length=" + length, 22);
        }
        final int[] nodes = new int[(int)((length + PAGE_SIZE - 1) / PAGE_SIZE)];
        final int result = movePages0(address, PAGE_SIZE, nodes);
        if (result < 0)
        {
            throw failure("move_pages(address=0x" + Long.toHexString(address) + ", pages=" + nodes.length + ")",
                -result);
        }
        return nodes;
    }

    /**
     * The node the page holding an address sits on (touching it first if it is not resident).
     *
     * @param address any address in the page.
     * @return the node.
     * @throws NumaException naming the call and errno when the OS refuses (EFAULT for an unmapped address).
     */
    public static int nodeOf(final long address)
    {
        ensureAvailable();
        final int result = nodeOfAddress0(address);
        if (result < 0)
        {
            throw failure("get_mempolicy(address=0x" + Long.toHexString(address) + ", MPOL_F_NODE|MPOL_F_ADDR)",
                -result);
        }
        return result;
    }

    /**
     * Asks for transparent huge pages over a range (madvise MADV_HUGEPAGE); the OS may still decline.
     *
     * @param address start, page-aligned.
     * @param length  in bytes.
     * @return null when the advice was taken, else why not.
     */
    public static String adviseHugePages(final long address, final long length)
    {
        if (!isAvailable())
        {
            return UNAVAILABLE_REASON;
        }
        final int result = madvise0(address, length, hugePageAdvice0());
        return 0 == result ? null : describe("madvise(MADV_HUGEPAGE)", -result);
    }

    private static void ensureAvailable()
    {
        if (!isAvailable())
        {
            throw new NumaException("memory binding is not available: " + UNAVAILABLE_REASON, 0);
        }
    }

    private static NumaException failure(final String call, final int errno)
    {
        return new NumaException(describe(call, errno), errno);
    }

    private static String describe(final String call, final int errno)
    {
        return call + " failed: " + ERRNO_NAMES.getOrDefault(errno, "errno") + " (" + errno + ")";
    }

    private static native int mbind0(long address, long length, int node, boolean strict);

    private static native int nodeOfAddress0(long address);

    private static native int movePages0(long address, long pageSize, int[] statusOut);

    private static native int madvise0(long address, long length, int advice);

    private static native int hugePageAdvice0();
}
