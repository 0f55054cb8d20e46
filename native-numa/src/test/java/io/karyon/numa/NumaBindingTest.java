package io.karyon.numa;

import org.agrona.BufferUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumaBindingTest
{
    private static final int PAGES = 16;

    /**
     * A page-aligned region of {@link #PAGES} pages inside a direct buffer, which keeps it alive.
     */
    private static long alignedRegion(final ByteBuffer buffer)
    {
        final long address = BufferUtil.address(buffer);
        return (address + 4095) & ~4095L;
    }

    @Test
    void shouldLoadTheLibraryBuiltWithTheModule()
    {
        assertNull(NumaBinding.unavailableReason(), "gcc builds the library with the module on these machines");
        assertTrue(NumaBinding.isAvailable());
    }

    @Test
    void shouldBindARegionToNodeZeroAndFindEveryPageThere()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect((PAGES + 1) * 4096);
        final long address = alignedRegion(buffer);
        NumaBinding.bind(address, PAGES * 4096L, 0, true);
        for (int i = 0; i < PAGES; i++)
        {
            buffer.put((int)(address - BufferUtil.address(buffer)) + i * 4096, (byte)1);
        }
        final int[] expected = new int[PAGES];
        assertArrayEquals(expected, NumaBinding.nodesOfPages(address, PAGES * 4096L));
        assertEquals(0, NumaBinding.nodeOf(address));
        BufferUtil.free(buffer);
    }

    @Test
    void shouldNameTheCallAndErrnoForAnUnalignedAddress()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(2 * 4096);
        final long address = alignedRegion(buffer) + 1;
        final NumaException ex = assertThrows(NumaException.class, () -> NumaBinding.bind(address, 4096, 0, true));
        assertEquals("mbind(address=0x" + Long.toHexString(address) + ", length=4096, node=0, MPOL_BIND) failed: " +
            "EINVAL (22)", ex.getMessage());
        assertEquals(22, ex.errno());
        BufferUtil.free(buffer);
    }

    @Test
    void shouldRefuseANodeThatDoesNotExist()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(2 * 4096);
        final long address = alignedRegion(buffer);
        final NumaException ex = assertThrows(NumaException.class, () -> NumaBinding.bind(address, 4096, 1000, true));
        assertTrue(ex.getMessage().startsWith("mbind(address=0x" + Long.toHexString(address) +
            ", length=4096, node=1000, MPOL_BIND) failed: "), ex.getMessage());
        BufferUtil.free(buffer);
    }

    @Test
    void shouldReportAnUnmappedAddressAsEfault()
    {
        final NumaException ex = assertThrows(NumaException.class, () -> NumaBinding.nodeOf(4096));
        assertEquals("get_mempolicy(address=0x1000, MPOL_F_NODE|MPOL_F_ADDR) failed: EFAULT (14)", ex.getMessage());
        final int[] nodes = NumaBinding.nodesOfPages(4096, 4096);
        assertEquals(-14, nodes[0], "move_pages reports an unmapped page as -EFAULT");
    }

    @Test
    void shouldRejectAnUnalignedRangeForMovePages()
    {
        final NumaException ex = assertThrows(NumaException.class, () -> NumaBinding.nodesOfPages(4097, 4096));
        assertEquals("move_pages: address must be page-aligned and length >= 0: address=0x1001 length=4096",
            ex.getMessage());
    }

    @Test
    @Timeout(60)
    void shouldRunUnboundWithAReasonWhenTheLibraryIsAbsent() throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access"))
            {
                command.add(arg);
            }
        }
        command.add("-D" + NumaBinding.LIBRARY_PROP_NAME + "=disabled");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(AbsentLibraryProbe.class.getName());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertEquals("available=false reason=karyon.numa.library=disabled advice=karyon.numa.library=disabled " +
            "bind=memory binding is not available: karyon.numa.library=disabled", output);
    }

    /**
     * Run in a child JVM by the test above: what a caller sees without the library.
     */
    static final class AbsentLibraryProbe
    {
        public static void main(final String[] args)
        {
            String bind;
            try
            {
                NumaBinding.bind(4096, 4096, 0, true);
                bind = "bound";
            }
            catch (final NumaException ex)
            {
                bind = ex.getMessage();
            }
            System.out.println("available=" + NumaBinding.isAvailable() + " reason=" + NumaBinding.unavailableReason() +
                " advice=" + NumaBinding.adviseHugePages(4096, 4096) + " bind=" + bind);
        }
    }
}
