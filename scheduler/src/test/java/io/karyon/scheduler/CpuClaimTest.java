package io.karyon.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuClaimTest
{
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void shouldRefuseCpusClaimedInThisProcessHoldNoneAndGiveThemBackOnClose()
    {
        final CpuClaim first = CpuClaim.claim(dir, new int[]{ 1, 0 });
        assertEquals(CpuClaim.State.HELD, first.state());
        assertTrue(first.isHeld());
        assertNull(first.refusal());
        assertArrayEquals(new int[]{ 0, 1 }, first.cpus());

        final CpuClaim second = CpuClaim.claim(dir, new int[]{ 1, 2 });
        assertEquals(CpuClaim.State.BUSY, second.state());
        assertFalse(second.isHeld());
        assertEquals("CPU 1 is claimed by another organism (pid " + PID + " (this process))", second.refusal());
        try (CpuClaim third = CpuClaim.claim(dir, new int[]{ 2 }))
        {
            assertTrue(third.isHeld(), "a refused claim keeps none of the CPUs it could take");
        }

        final CpuClaim fourth = CpuClaim.claim(dir, new int[]{ 0, 1, 3 });
        assertEquals("CPUs 0,1 are claimed by another organism (pid " + PID + " (this process))", fourth.refusal());
        first.close();
        assertFalse(first.isHeld());
        first.close();
        try (CpuClaim fifth = CpuClaim.claim(dir, new int[]{ 0, 1 }))
        {
            assertTrue(fifth.isHeld(), "closed claims give their CPUs back");
        }
        second.close();
    }

    @Test
    @Timeout(60)
    void shouldRefuseCpusClaimedByAnotherProcessNamingItsPidUntilItEnds() throws Exception
    {
        final Process holder = holder(5, 6);
        try
        {
            try (CpuClaim claim = CpuClaim.claim(dir, new int[]{ 4, 6 }))
            {
                assertEquals(CpuClaim.State.BUSY, claim.state());
                assertEquals("CPU 6 is claimed by another organism (pid " + holder.pid() + ")", claim.refusal());
            }
            assertEquals(holder.pid() + "\n", Files.readString(dir.resolve("cpu-6.lock")));
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, holder.exitValue());
            try (CpuClaim claim = CpuClaim.claim(dir, new int[]{ 4, 5, 6 }))
            {
                assertTrue(claim.isHeld(), "the holder released its claim on close");
            }
        }
        finally
        {
            holder.destroyForcibly();
        }
    }

    @Test
    @Timeout(60)
    void shouldFreeTheClaimsOfAProcessKilledWithSignal9() throws Exception
    {
        final Process holder = holder(7);
        try
        {
            assertFalse(CpuClaim.claim(dir, new int[]{ 7 }).isHeld());
            holder.destroyForcibly();   // SIGKILL on Linux: no shutdown hook, no close
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            try (CpuClaim claim = CpuClaim.claim(dir, new int[]{ 7 }))
            {
                assertTrue(claim.isHeld(), "the kernel dropped the dead holder's lock");
            }
        }
        finally
        {
            holder.destroyForcibly();
        }
    }

    @Test
    void shouldSayWhenTheLockFilesCannotBeUsed() throws IOException
    {
        final Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        final CpuClaim claim = CpuClaim.claim(notAFolder, new int[]{ 0 });
        assertEquals(CpuClaim.State.UNAVAILABLE, claim.state());
        assertFalse(claim.isHeld());
        assertTrue(claim.refusal().startsWith("cannot claim CPUs in " + notAFolder + ": "), claim.refusal());
        claim.close();
    }

    @Test
    void shouldRejectRepeatedOrNegativeCpus()
    {
        assertEquals("CPUs must be distinct and >= 0: cpus=[1, 2, 1]", assertThrows(IllegalArgumentException.class,
            () -> CpuClaim.claim(dir, new int[]{ 1, 2, 1 })).getMessage());
        assertEquals("CPUs must be distinct and >= 0: cpus=[-1]", assertThrows(IllegalArgumentException.class,
            () -> CpuClaim.claim(dir, new int[]{ -1 })).getMessage());
    }

    @Test
    void shouldUseTheConfiguredFolderElseSharedMemory()
    {
        final String before = System.getProperty(CpuClaim.DIRECTORY_PROP_NAME);
        try
        {
            System.setProperty(CpuClaim.DIRECTORY_PROP_NAME, dir.toString());
            assertEquals(dir, CpuClaim.directory());
            System.clearProperty(CpuClaim.DIRECTORY_PROP_NAME);
            final Path expected = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm/karyon-cpus") :
                Path.of(System.getProperty("java.io.tmpdir"), "karyon-cpus");
            assertEquals(expected, CpuClaim.directory());
        }
        finally
        {
            if (null != before)
            {
                System.setProperty(CpuClaim.DIRECTORY_PROP_NAME, before);
            }
        }
    }

    /**
     * Starts a process that claims the CPUs, and waits until it says it holds them.
     */
    private Process holder(final int... cpus) throws IOException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new ArrayList<>(List.of(
            java, "-cp", System.getProperty("java.class.path"), CpuClaimHolder.class.getName(), dir.toString()));
        for (final int cpu : cpus)
        {
            command.add(Integer.toString(cpu));
        }
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        assertEquals("held", out.readLine());
        return process;
    }
}
