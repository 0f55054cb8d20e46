package io.karyon.cli;

import io.karyon.shard.AeronShardLink;
import io.karyon.shard.ShardAborted;
import io.karyon.shard.ShardLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host of a run across hosts stopped by SIGINT while it waits for the others to join: it ends at once (the first
 * Ctrl-C, not the connect timeout), with one line naming the shards it waited for and those it told, exit 130 (as a
 * run SIGINT stopped), its media driver's folder deleted; a host connected to it hears that it left, and stops at
 * once with its line (exit 1). Three shards, the third never started, so that the first two wait while connected to
 * each other; this test plays one of them over the link itself, to know when they are connected. A refusing host's
 * wait for the others to hear it ends on the first SIGINT too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShardJoinStopTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void shouldEndOnTheFirstSigintWhileWaitingAndTellTheHostsConnected(@TempDir final Path dir) throws Exception
    {
        final String peers = ShardRefusalTest.peers(3);
        final List<String> endpoints = List.of(peers.split(","));
        final Path tmp = Files.createDirectories(dir.resolve("tmp"));
        // Its connect timeout far beyond this test's: only the signal can end its wait.
        final Process child = start(tmp, List.of("run", "ring", "--cells", "2000", "--ticks", "20", "--quiet",
            "--shard", "0/3", "--peers", peers));
        final String waited = "(" + Pattern.quote("shard 1 (" + endpoints.get(1) + "), ") + ")?" +
            Pattern.quote("shard 2 (" + endpoints.get(2) + ")");
        final ShardAborted heard;
        try
        {
            try (AeronShardLink one = AeronShardLink.openUdp(1, endpoints, dir.resolve("aeron-1"), TIMEOUT_NS))
            {
                assertFalse(one.awaitConnected(() -> one.connected(0) || !child.isAlive()), "shard 2 never starts");
                assertTrue(child.isAlive(), "shard 0 ended before the signal");
                assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor());
                heard = assertThrows(ShardAborted.class, () -> one.awaitConnected(() -> !child.isAlive()),
                    "shard 0 told shard 1 that it left");
                one.passOn(heard);  // the receipt, as a host of karyon run sends it
            }
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "ended after the first SIGINT");
            final String err = err(child);
            assertEquals(StopSignals.EXIT_SIGINT, child.exitValue(), err);
            // Shard 1 is among those waited for if the signal came before shard 0 saw its connection complete.
            assertTrue(err.strip().matches("karyon: stopped by SIGINT while shard 0 of 3 waited for " + waited +
                Pattern.quote(" to join: nothing ran; told shard 1 (" + endpoints.get(1) + "), which stop")), err);
        }
        finally
        {
            child.destroyForcibly();  // ended already, unless this test failed
        }
        assertEquals(0, heard.origin());
        assertEquals(Cli.EXIT_FAILURE, heard.exitCode());
        assertTrue(heard.reason().matches("stopped by SIGINT while it waited for " + waited + " to join"),
            heard.reason());
        try (Stream<Path> left = Files.list(tmp))
        {
            assertEquals(List.of(), left.toList(), "nothing left in the child's temporary folder");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "run", "resume" })
    void shouldStopAtOnceWhenAHostConnectedLeavesBeforeTheRun(final String command, @TempDir final Path dir)
        throws Exception
    {
        final String peers = ShardRefusalTest.peers(3);
        final List<String> endpoints = List.of(peers.split(","));
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        try (AeronShardLink zero = AeronShardLink.openUdp(0, endpoints, dir.resolve("aeron-0"), TIMEOUT_NS))
        {
            final Future<CommandRun> one = thread.submit(() -> "run".equals(command) ?
                CommandRun.command(new RunCommand(), "ring", "--cells", "2000", "--ticks", "20", "--quiet", "--shard",
                    "1/3", "--peers", peers) :
                CommandRun.command(new ResumeCommand(), dir.toString(), "--quiet", "--shard", "1/3", "--peers",
                    peers));
            assertFalse(zero.awaitConnected(() -> zero.connected(1) || one.isDone()), "shard 2 never starts");
            assertFalse(one.isDone(), "shard 1 ended before shard 0 left");
            final String reason = "stopped by SIGINT while it waited for shard 2 (" + endpoints.get(2) + ") to join";
            assertEquals(1L << 1, zero.leave(Cli.EXIT_FAILURE, reason), "shard 1 heard it");
            final CommandRun run = one.get(30, TimeUnit.SECONDS);
            assertEquals(Cli.EXIT_FAILURE, run.exitCode(), run.err());
            assertEquals(command + ": failed: shard 0 of 3 stopped the run: " + reason, run.err().strip());
        }
        finally
        {
            thread.shutdownNow();
        }
    }

    @Test
    void shouldEndARefusingHostsWaitForTheOthersOnTheFirstSigint(@TempDir final Path dir) throws Exception
    {
        final String peers = ShardRefusalTest.peers(2);
        final Path tmp = Files.createDirectories(dir.resolve("tmp"));
        final Process child = start(tmp, List.of("run", "sir", "--quiet", "--set", "beta=7", "--shard", "0/2",
            "--peers", peers));
        try
        {
            final BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(),
                StandardCharsets.UTF_8));
            final String refusal = err.readLine();
            assertTrue(String.valueOf(refusal).contains("beta"), refusal);
            final String waiting = err.readLine();  // once it says so, it waits, its handlers installed
            assertEquals("karyon: waiting up to 600000 ms for shard 1 (" + peers.split(",")[1] + ") of 2 to hear " +
                "that shard 0 does not join (Ctrl-C to leave now)", waiting);
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor());
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "ended after the first SIGINT");
            assertEquals(StopSignals.EXIT_SIGINT, child.exitValue());
            assertEquals("karyon: stopped by SIGINT while waiting for the others to hear it; not heard yet by " +
                "shard 1 (" + peers.split(",")[1] + ") (each stops at its own connect timeout)", err.readLine());
            assertEquals(null, err.readLine());
        }
        finally
        {
            child.destroyForcibly();  // ended already, unless this test failed
        }
        try (Stream<Path> left = Files.list(tmp))
        {
            assertEquals(List.of(), left.toList(), "nothing left in the child's temporary folder");
        }
    }

    private static String err(final Process child) throws IOException
    {
        return child.isAlive() ? "(running)" : new String(child.getErrorStream().readAllBytes(),
            StandardCharsets.UTF_8);
    }

    /**
     * {@code karyon ARGS} in a child JVM whose temporary folder is {@code tmp}, its connect timeout 10 minutes.
     */
    static Process start(final Path tmp, final List<String> args) throws IOException
    {
        return new ProcessBuilder(command(tmp, args)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * The command line of {@code karyon ARGS} in a child JVM whose temporary folder is {@code tmp}, its connect
     * timeout 10 minutes.
     */
    static List<String> command(final Path tmp, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc"))
            {
                command.add(arg);
            }
        }
        command.add("-Xmx256m");
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-D" + ShardLauncher.CONNECT_TIMEOUT_PROP_NAME + "=600000");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Karyon.class.getName());
        command.addAll(args);
        return command;
    }
}
