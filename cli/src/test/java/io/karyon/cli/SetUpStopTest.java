package io.karyon.cli;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A one-process {@code karyon run MODEL} and {@code karyon resume CHECKPOINT} sent SIGINT or SIGTERM while the model
 * is still set up (a set-up of up to ten minutes, {@link SlowSetUpModel}, {@link SlowResumeModel}): the first signal
 * ends it at once, not after the set-up and the first tick, with one line and the exit code of a run the signal
 * stopped (130, 143), as a {@code --shards} run's does ({@link ShardStartStopTest}); nothing is written to
 * {@code --out} (an earlier run's outputs there, its summary.json included, stay as they were), and a checkpoint
 * resumed and its run folder are as they were.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SetUpStopTest
{
    @ParameterizedTest
    @ValueSource(strings = { "INT", "TERM" })
    void shouldStopARunAtOnceWhileTheModelIsSetUp(final String signal, @TempDir final Path dir) throws Exception
    {
        final Path out = dir.resolve("out");
        final Process run = new ProcessBuilder(ShardJoinStopTest.command(Files.createDirectories(dir.resolve("tmp")),
            List.of("run", "slowsetup", "--workers", "1", "--checkpoint-every", "1", "--out", out.toString())))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        stopWhileSetUp(run, signal);
        assertEquals(Map.of(), ShardResumeStopTest.files(out), "nothing written to --out");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TERM" })
    void shouldLeaveAnEarlierRunsOutputsAsTheyWereWhenStoppedWhileTheModelIsSetUp(final String signal,
        @TempDir final Path dir) throws Exception
    {
        final Path out = dir.resolve("out");
        final CommandRun earlier = CommandRun.command(new RunCommand(), "tiny", "--ticks", "3", "--workers", "1",
            "--out", out.toString(), "--quiet");
        assertEquals(Cli.EXIT_OK, earlier.exitCode(), earlier.err());
        final Map<Path, String> before = ShardResumeStopTest.files(out);
        assertTrue(before.containsKey(Path.of("summary.json")), before.keySet().toString());

        final Process run = new ProcessBuilder(ShardJoinStopTest.command(Files.createDirectories(dir.resolve("tmp")),
            List.of("run", "slowsetup", "--workers", "1", "--out", out.toString())))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        stopWhileSetUp(run, signal);
        final Map<Path, String> after = ShardResumeStopTest.files(out);
        assertEquals(before.keySet(), after.keySet(), "the earlier run's files, summary.json included");
        assertEquals(before, after, "the earlier run's files as they were");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TERM" })
    void shouldStopAResumeAtOnceWhileTheModelIsSetUp(final String signal, @TempDir final Path dir) throws Exception
    {
        final Path out = dir.resolve("out");
        final CommandRun first = CommandRun.command(new RunCommand(), "slowresume", "--ticks", "10", "--workers", "1",
            "--checkpoint-every", "5", "--keep-checkpoints", "5", "--out", out.toString(), "--quiet");
        assertEquals(Cli.EXIT_OK, first.exitCode(), first.err());
        final Path checkpoint = out.resolve("checkpoints/tick-5.kcp");
        assertTrue(Files.isRegularFile(checkpoint), "the checkpoint of tick 5");
        final Map<Path, String> before = ShardResumeStopTest.files(out);

        final ProcessBuilder resume = new ProcessBuilder(ShardJoinStopTest.command(
            Files.createDirectories(dir.resolve("tmp")), List.of("resume", checkpoint.toString())))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        resume.environment().put(SlowResumeModel.SLOW, "1");
        stopWhileSetUp(resume.start(), signal);
        assertEquals(before, ShardResumeStopTest.files(out), "the run folder and its checkpoints are as they were");
    }

    /**
     * Sends {@code process}, a forked one-process run, SIG{@code signal} once it says its set-up starts
     * ({@link SlowSetUpModel#LINE}), and checks that it ends at once: its one line and its exit code.
     */
    private static void stopWhileSetUp(final Process process, final String signal) throws Exception
    {
        stopOnceSetUpStarts(process, signal, "nothing ran", () -> { });
    }

    /**
     * Sends {@code process} SIG{@code signal} once it says its set-up starts ({@link SlowSetUpModel#LINE} with its
     * pid), after {@code atSetUp}, and checks that it ends at once with one line, {@code karyon: stopped by SIG...
     * during start-up, while the model was set up: } and {@code after}, and the signal's exit code. The set-up lines
     * of other processes (a {@code --shards} run's other shards) are not its lines.
     */
    static void stopOnceSetUpStarts(final Process process, final String signal, final String after,
        final Runnable atSetUp) throws Exception
    {
        try
        {
            final BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8));
            final List<String> lines = new ArrayList<>();
            final String own = SlowSetUpModel.LINE + process.pid();
            for (String line = err.readLine(); !own.equals(line); line = err.readLine())
            {
                assertTrue(null != line, "the process ended before its set-up: " + lines);
                lines.add(line);
            }
            atSetUp.run();
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start()
                .waitFor());
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "ended at the first SIG" + signal +
                ", not after the set-up");
            final List<String> said = new ArrayList<>();
            for (String line = err.readLine(); null != line; line = err.readLine())
            {
                if (!line.startsWith(SlowSetUpModel.LINE) || line.equals(own))
                {
                    said.add(line);
                }
            }
            assertEquals(List.of("karyon: stopped by SIG" + signal + " during start-up, while the model was set " +
                "up: " + after), said);
            assertEquals("INT".equals(signal) ? StopSignals.EXIT_SIGINT : StopSignals.EXIT_SIGTERM,
                process.exitValue(), said.toString());
        }
        finally
        {
            process.destroyForcibly();  // ended already, unless this test failed
        }
    }
}
