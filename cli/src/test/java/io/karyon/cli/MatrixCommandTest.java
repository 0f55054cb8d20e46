package io.karyon.cli;

import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.karyon.matrix.MatrixDescriptor.SEQUENCE_OFFSET;
import static io.karyon.matrix.MatrixDescriptor.copyOffset;
import static io.karyon.matrix.MatrixDescriptor.siteTag;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MatrixCommandTest
{
    @TempDir
    Path dir;

    private static String[] run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = Cli.configure(new CommandLine(new MatrixCommand()));
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final int exit = commandLine.execute(args);
        return new String[]{ Integer.toString(exit), out.toString(), err.toString() };
    }

    private File matrixFile()
    {
        final File file = dir.resolve("gradient.matrix").toFile();
        try (Matrix matrix = Matrix.createPersistedTo(file, new MatrixConfiguration().grid(4, 3).substances(2)))
        {
            matrix.depositDirect(5, 0, 2.0);
            matrix.depositDirect(5, 1, 1.5);
            matrix.depositDirect(11, 0, 3.0);
            matrix.depositDirect(0, 1, 0.25);
        }
        return file;
    }

    @Test
    void shouldPrintTheLayoutTotalsAndHottestSites()
    {
        final File file = matrixFile();
        final String[] result = run("inspect", file.getPath(), "--top", "3", "--site", "6");
        assertEquals("0", result[0], result[2]);
        assertEquals(String.join("\n",
            "matrix " + file.getPath(),
            "  sites=12, substances=2, grid=4x3, " + segments(file) + " segments",
            "  substance  total  min  max",
            "  0  5.00000  0.00000  3.00000",
            "  1  1.75000  0.00000  1.50000",
            "  hottest 3 sites: site  (position)  total  per substance",
            "  5  (1,1)  3.50000  2.00000  1.50000",
            "  11  (3,2)  3.00000  3.00000  0.00000",
            "  0  (0,0)  0.250000  0.00000  0.250000",
            "  site 6:",
            "  6  (2,1)  0.00000  0.00000  0.00000",
            ""), result[1]);
    }

    @Test
    void shouldPrintTheSameAfterRecoveringAFileNobodyHasOpen()
    {
        final File file = matrixFile();
        final String[] plain = run("inspect", file.getPath(), "--top", "2");
        final String[] recovered = run("inspect", file.getPath(), "--top", "2", "--recover");
        assertEquals("0", recovered[0], recovered[2]);
        assertEquals(plain[1], recovered[1]);
    }

    private static int segments(final File file)
    {
        try (Matrix matrix = Matrix.openReadOnly(file))
        {
            return matrix.segments();
        }
    }

    @Test
    void shouldRejectASiteOutOfRangeWithOneLine()
    {
        final File file = matrixFile();
        final String[] result = run("inspect", file.getPath(), "--site", "12");
        assertEquals("2", result[0]);
        assertEquals("matrix inspect: Invalid value for option '--site': must be in 0..11, was '12' (see --help)\n",
            result[2]);
    }

    @Test
    void shouldRejectABadFileWithOneLineAndLeaveItAlone() throws IOException
    {
        final Path file = dir.resolve("notes.txt");
        final byte[] text = "not a matrix\n".repeat(1000).getBytes();
        Files.write(file, text);
        final String[] result = run("inspect", file.toString());
        assertEquals("2", result[0]);
        assertEquals("matrix inspect: Invalid value for FILE '" + file + "': truncated: 13000 bytes is not a whole " +
            "number of 4096-byte pages (see --help)\n", result[2]);
        assertArrayEquals(text, Files.readAllBytes(file));
        final String[] missing = run("inspect", dir.resolve("none.matrix").toString());
        assertEquals("2", missing[0]);
        assertEquals("matrix inspect: Invalid value for FILE '" + dir.resolve("none.matrix") +
            "': no such matrix file (see --help)\n", missing[2]);
    }

    @Test
    void shouldRefuseAChangedValueWithOneLineNamingTheSite() throws IOException
    {
        final File file = matrixFile();
        final byte[] bytes = Files.readAllBytes(file.toPath());
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int record = -1;
        for (int p = 0; p + 8 <= bytes.length && record < 0; p += 8)
        {
            record = buffer.getLong(p) == siteTag(11) ? p : -1;
        }
        assertTrue(record >= 0, "site 11's record");
        // Site 11 holds 3.0 of substance 0: flip one bit of its exponent, as a failing disk might (format 1 read 12.0).
        bytes[record + copyOffset(buffer.getLong(record + SEQUENCE_OFFSET), 2) + 7] ^= 0x01;
        Files.write(file.toPath(), bytes);
        final String[] result = run("inspect", file.getPath());
        assertEquals("2", result[0], result[1]);
        assertEquals("matrix inspect: Invalid value for FILE '" + file.getPath() + "': corrupt: site 11: its values " +
            "fail their checksum (the record was changed outside Karyon) (see --help)\n", result[2]);
        assertEquals("", result[1], "nothing printed from a damaged file");
        assertArrayEquals(bytes, Files.readAllBytes(file.toPath()), "inspect changed nothing");
    }

    @Test
    void shouldInspectAFileThisProcessMayOnlyReadAndRefuseToRecoverItWithOneLine() throws Exception
    {
        final File file = matrixFile();
        final String[] writable = run("inspect", file.getPath(), "--top", "3");
        final byte[] before = Files.readAllBytes(file.toPath());
        assumeTrue(file.setWritable(false, false));
        boolean immutable = false;
        try
        {
            if (Files.isWritable(file.toPath()))
            {
                // Root: permissions do not bind it, the immutable attribute does.
                immutable = 0 == new ProcessBuilder("chattr", "+i", file.getPath()).inheritIO().start().waitFor();
                assumeTrue(immutable && !Files.isWritable(file.toPath()), "cannot make a read-only file here");
            }
            final String[] readOnly = run("inspect", file.getPath(), "--top", "3");
            assertEquals("0", readOnly[0], readOnly[2]);
            assertEquals(writable[1], readOnly[1]);
            final String[] recover = run("inspect", file.getPath(), "--recover");
            assertEquals("2", recover[0]);
            assertEquals("matrix inspect: Invalid value for FILE '" + file.getPath() + "': permission denied: this " +
                "process may not write the file, needed to recover it (recovery rewrites its lock words); inspect " +
                "it without --recover (see --help)\n", recover[2]);
        }
        finally
        {
            if (immutable)
            {
                new ProcessBuilder("chattr", "-i", file.getPath()).inheritIO().start().waitFor();
            }
            file.setWritable(true, false);
        }
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
    }

    @Test
    void shouldSayPermissionDeniedForAFileThisProcessMayNotRead()
    {
        final File file = matrixFile();
        try
        {
            assumeTrue(file.setReadable(false, false));
            assumeTrue(!Files.isReadable(file.toPath()), "root reads anything");
            final String[] result = run("inspect", file.getPath());
            assertEquals("2", result[0]);
            assertEquals("matrix inspect: Invalid value for FILE '" + file.getPath() + "': permission denied: " +
                "cannot read it (see --help)\n", result[2]);
        }
        finally
        {
            file.setReadable(true, false);
        }
    }

    @Test
    void shouldRefuseToRecoverAtOnceWhileAWriterIsLiveNamingItsProcess() throws Exception
    {
        final File file = dir.resolve("live.matrix").toFile();
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!flag.startsWith("-javaagent") && !flag.startsWith("-agentlib"))
            {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MatrixWriterChild.class.getName());
        command.add(file.getPath());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = out.readLine()) && !line.equals("tick 3"))
            {
                assertTrue(line.startsWith("tick ") || line.contains("INFO") || line.contains("WARN"), line);
            }
            assertEquals("tick 3", line, "the writer ran");
            // While it writes, a plain inspect reads whole, verified records.
            final String[] plain = run("inspect", file.getPath(), "--top", "1");
            assertEquals("0", plain[0], plain[2]);
            final String[] result =
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run("inspect", file.getPath(), "--recover"));
            assertEquals("2", result[0], result[1]);
            assertTrue(result[2].startsWith("matrix inspect: Invalid value for FILE '" + file.getPath() +
                "': in use by process " + process.pid() + " (java "), result[2]);
            assertTrue(result[2].contains(MatrixWriterChild.class.getName() + " " + file.getPath() + "): " +
                "recovery needs the file to itself"), result[2]);
            assertEquals(1, result[2].split("\n").length, "one line");
            assertTrue(process.isAlive());
        }
        finally
        {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
    }
}
