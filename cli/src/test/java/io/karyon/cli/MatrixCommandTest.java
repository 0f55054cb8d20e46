package io.karyon.cli;

import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
