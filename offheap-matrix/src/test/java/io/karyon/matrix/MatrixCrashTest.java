package io.karyon.matrix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.karyon.matrix.MatrixCrashChild.SUBSTANCES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixCrashTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldReadConsistentRecordsAfterTheWriterIsKilledMidRun() throws Exception
    {
        final File file = dir.resolve("crash.matrix").toFile();
        final Process process = startWriter(file);
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = out.readLine()) && !line.equals("tick 100"))
            {
                assertTrue(line.startsWith("tick ") || line.contains("INFO"), line);
            }
            assertEquals("tick 100", line, "the writer ran");
            // While the other JVM ticks, this one reads the file through the map: every record whole.
            try (Matrix reader = Matrix.openReadOnly(file))
            {
                final double[] values = new double[(int)reader.sites() * SUBSTANCES];
                for (int round = 0; round < 5; round++)
                {
                    reader.snapshot(values);
                    assertWholeRecords(values);
                }
            }
            while (null != (line = out.readLine()) && !line.equals("tick 200"))
            {
                assertTrue(line.startsWith("tick ") || line.contains("INFO"), line);
            }
            assertEquals("tick 200", line, "the writer ran on");
            // SIGKILL on Linux: no shutdown hooks, locks and half-written copies stay as they are.
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, process.exitValue(), "killed by SIGKILL");
        }

        try (Matrix matrix = Matrix.recover(file))
        {
            assertEquals(MatrixCrashChild.configuration().layout(), matrix.layout());
            final double[] values = new double[(int)matrix.sites() * SUBSTANCES];
            matrix.snapshot(values);
            final double total = assertWholeRecords(values);
            assertTrue(total > 100.0, "at least 200 ticks of deposits reached the file: total=" + total);
        }
        try (Matrix again = Matrix.openReadOnly(file))
        {
            assertTrue(again.isReadOnly(), "after recovery the file opens normally");
        }
    }

    /**
     * Starts {@link MatrixCrashChild} writing a matrix file in another JVM, with the project's flags.
     *
     * @param file the matrix file.
     * @return the process, its output and errors on its input stream.
     */
    static Process startWriter(final File file) throws IOException
    {
        final String flags = System.getProperty("karyon.jvm.flags");
        assertNotNull(flags, "surefire passes karyon.jvm.flags");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(flags.trim().split("\\s+")));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MatrixCrashChild.class.getName());
        command.add(file.getPath());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Every site's four substances are bit-identical (the writer always changes them alike), finite and >= 0.
     *
     * @return the total of substance 0.
     */
    private static double assertWholeRecords(final double[] values)
    {
        double total = 0.0;
        for (int s = 0; s < values.length / SUBSTANCES; s++)
        {
            final double first = values[s * SUBSTANCES];
            assertTrue(Double.isFinite(first) && first >= 0.0, "site " + s + " holds " + first);
            for (int k = 1; k < SUBSTANCES; k++)
            {
                assertEquals(Double.doubleToRawLongBits(first),
                    Double.doubleToRawLongBits(values[s * SUBSTANCES + k]),
                    "site " + s + " substance " + k + " is from another write than substance 0");
            }
            total += first;
        }
        return total;
    }
}
