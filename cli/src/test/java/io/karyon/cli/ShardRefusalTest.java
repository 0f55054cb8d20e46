package io.karyon.cli;

import io.karyon.shard.ShardLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shard across hosts ({@code --shard I/N --peers ...}) that refuses its input before it joins the others (shard 0's
 * {@code --out}, which it alone checks; a parameter; an option a resume across hosts does not take; a value or an
 * option picocli refuses before the command runs) tells them over the link: every shard exits 2, the others with
 * {@code shard 0 of 2 stopped the run: <its line>}, where they waited for it until the connect timeout and failed
 * (exit 1). One whose {@code --shard} is refused cannot tell them: they name it at the connect timeout. Two shards
 * of {@code karyon run} (and {@code resume}), each on a thread of this JVM with its own media driver, over UDP
 * loopback: no child process, and the media drivers' folders are deleted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardRefusalTest
{

    @Test
    void shouldStopEveryShardWithShardZerosRefusalOfItsOut(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
        final String peers = peers();
        final CommandRun[] runs = both((shard) -> new String[]{ "ring", "--cells", "2000", "--ticks", "20", "--quiet",
            "--shard", shard + "/2", "--peers", peers, "--out", (0 == shard ? file.resolve("out") :
            dir.resolve("out-1")).toString() }, RunCommand::new);
        assertRefusedAlike(runs, 0, "--out");
        assertFalse(Files.exists(dir.resolve("out-1/summary.json")), "shard 1 did not run");
    }

    @Test
    void shouldStopEveryShardWithAnotherShardsRefusalOfItsCheckpointFolder(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
        final String peers = peers();
        final CommandRun[] runs = both((shard) -> new String[]{ "ring", "--cells", "2000", "--ticks", "20", "--quiet",
            "--shard", shard + "/2", "--peers", peers, "--checkpoint-every", "10", "--out", (1 == shard ?
            file.resolve("out") : dir.resolve("out-0")).toString() }, RunCommand::new);
        assertRefusedAlike(runs, 1, "cannot write files in " + file.resolve("out").resolve("checkpoints"));
        assertFalse(Files.exists(dir.resolve("out-0/summary.json")), "shard 0 did not run");
    }

    @Test
    void shouldStopEveryShardWhenEveryShardRefusesAParameter() throws Exception
    {
        final String peers = peers();
        final CommandRun[] runs = both((shard) -> new String[]{ "sir", "--quiet", "--shard", shard + "/2",
            "--peers", peers, "--set", "beta=7" }, RunCommand::new);
        for (int s = 0; s < 2; s++)
        {
            // Each refused on its own; each took the other's refusal as the receipt of its own.
            assertEquals(Cli.EXIT_USAGE, runs[s].exitCode(), runs[s].err());
            assertTrue(runs[s].err().contains("beta"), runs[s].err());
            assertWaited(runs[s], s, 2, peers, 1 - s);
        }
    }

    @Test
    void shouldStopEveryHostOfAResumeWhenOneIsGivenAChange(@TempDir final Path dir) throws Exception
    {
        final String peers = peers();
        final CommandRun[] runs = both((shard) -> 0 == shard ?
            new String[]{ dir.toString(), "--quiet", "--shard", "0/2", "--peers", peers, "--set", "beta=0.1" } :
            new String[]{ dir.toString(), "--quiet", "--shard", "1/2", "--peers", peers }, ResumeCommand::new);
        assertRefusedAlike(runs, 0, "--set is not supported when resuming a run across hosts yet");
    }

    @Test
    void shouldStopTheOtherHostWhenPicocliRefusesAValueBeforeTheCommandRuns(@TempDir final Path dir) throws Exception
    {
        final String peers = peers();
        final CommandRun[] runs = both((shard) -> new String[]{ "ring", "--cells", 1 == shard ? "2k" : "2000",
            "--ticks", "20", "--quiet", "--shard", shard + "/2", "--peers", peers, "--out",
            dir.resolve("out-" + shard).toString() }, RunCommand::new);
        assertRefusedAlike(runs, 1, "Invalid value for option '--cells': '2k' is not a long");
        assertFalse(Files.exists(dir.resolve("out-0/summary.json")), "shard 0 did not run");
    }

    @Test
    void shouldStopTheOtherHostWhenOneIsGivenAnUnknownOption() throws Exception
    {
        // As the launcher runs it (karyon run ...); --shard and --peers after the option: they are read alone.
        final String peers = peers();
        final CommandRun[] runs = bothKaryon((shard) -> 0 == shard ?
            new String[]{ "run", "ring", "--cells", "2000", "--quiet", "--shard", "0/2", "--peers", peers } :
            new String[]{ "run", "ring", "--cells", "2000", "--tick", "20", "--quiet", "--shard", "1/2", "--peers",
                peers });
        assertRefusedAlike(runs, 1, "'--tick'");
    }

    @Test
    void shouldStopTheOtherHostWhenOneIsGivenAnUnknownCommand() throws Exception
    {
        final String peers = peers();
        final CommandRun[] runs = bothKaryon((shard) -> new String[]{ 0 == shard ? "run" : "rnu", "ring", "--cells",
            "2000", "--quiet", "--shard", shard + "/2", "--peers", peers });
        assertRefusedAlike(runs, 1, "Unmatched arguments from index 0: 'rnu'");
    }

    @Test
    void shouldStopEveryHostOfAResumeWhenOneRefusesAnOptionBeforeItsAcrossHostsPart(@TempDir final Path dir)
        throws Exception
    {
        // --idle is checked with the other worker options before resume knows the run is across hosts.
        final String peers = peers();
        final CommandRun[] runs = both((shard) -> 0 == shard ?
            new String[]{ dir.toString(), "--quiet", "--shard", "0/2", "--peers", peers } :
            new String[]{ dir.toString(), "--quiet", "--shard", "1/2", "--peers", peers, "--idle", "nap" },
            ResumeCommand::new);
        assertRefusedAlike(runs, 1, "Invalid value for option '--idle'");
    }

    @Test
    void shouldNameTheHostThatRefusedItsShardWithoutTellingAtTheConnectTimeout() throws Exception
    {
        // A host whose --shard is refused cannot know where it is among the peers: it tells nobody, and the others
        // name it, by shard and endpoint, at the connect timeout (here 3 s rather than 60).
        final String peers = peers();
        System.setProperty(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME, "3000");
        final CommandRun[] runs;
        try
        {
            runs = both((shard) -> new String[]{ "ring", "--cells", "2000", "--ticks", "20", "--quiet", "--shard",
                0 == shard ? "0/2" : "1:2", "--peers", peers }, RunCommand::new);
        }
        finally
        {
            System.clearProperty(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME);
        }
        assertEquals(Cli.EXIT_USAGE, runs[1].exitCode(), runs[1].err());
        assertTrue(runs[1].err().contains("--shard"), runs[1].err());
        assertEquals(1, runs[1].err().strip().lines().count(), runs[1].err());
        assertEquals(Cli.EXIT_FAILURE, runs[0].exitCode(), runs[0].err());
        assertEquals(1, runs[0].err().strip().lines().count(), runs[0].err());
        assertTrue(runs[0].err().contains("shard 1 (" + peers.split(",")[1] + ") of 2 did not join shard 0 within " +
            "3000 ms: it was not started, stopped before joining (a bad --shard or --peers"), runs[0].err());
    }

    @Test
    void shouldTellEachShardThatConnectsWhileOneHasNotStarted(@TempDir final Path dir) throws Exception
    {
        // Shard 0 refuses its --out; shard 1 hears it while it still waits for shard 2, which never starts: it stops
        // at once (it waited until the connect timeout and failed, exit 1), and shard 0 waits for shard 2 until the
        // connect timeout (here 2 s), saying so, then names it.
        final Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
        final String peers = peers(3);
        System.setProperty(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME, "2000");
        final CommandRun[] runs;
        try
        {
            runs = both((shard) -> new String[]{ "ring", "--cells", "2000", "--ticks", "20", "--quiet", "--shard",
                shard + "/3", "--peers", peers, "--out", (0 == shard ? file.resolve("out") :
                dir.resolve("out-1")).toString() }, RunCommand::new);
        }
        finally
        {
            System.clearProperty(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME);
        }
        final String[] endpoints = peers.split(",");
        final List<String> own = runs[0].err().strip().lines().toList();
        assertEquals(Cli.EXIT_USAGE, runs[0].exitCode(), runs[0].err());
        assertEquals(3, own.size(), runs[0].err());
        assertTrue(own.get(0).contains("--out"), runs[0].err());
        assertEquals("karyon: waiting up to 2000 ms for shard 1 (" + endpoints[1] + "), shard 2 (" + endpoints[2] +
            ") of 3 to hear that shard 0 does not join (Ctrl-C to leave now)", own.get(1));
        assertEquals("karyon: shard 2 (" + endpoints[2] + ") did not hear it within 2000 ms: each stops at its own " +
            "connect timeout", own.get(2));
        assertEquals(Cli.EXIT_USAGE, runs[1].exitCode(), runs[1].err());
        assertEquals(1, runs[1].err().strip().lines().count(), runs[1].err());
        assertTrue(runs[1].err().contains("shard 0 of 3 stopped the run: "), runs[1].err());
        assertFalse(Files.exists(dir.resolve("out-1/summary.json")), "shard 1 did not run");
    }

    @ParameterizedTest
    @ValueSource(strings = { "--help", "--version" })
    void shouldTellTheOtherHostThatOneGivenHelpDoesNotJoin(final String asked) throws Exception
    {
        // The same command line on every host, one of them given --help (or --version): it prints that and exits 0,
        // and the other stops at once (exit 2, one line) rather than wait for it until the connect timeout.
        final String peers = peers();
        final CommandRun[] runs = bothKaryon((shard) -> 0 == shard ?
            new String[]{ "run", "ring", "--cells", "2000", "--quiet", "--shard", "0/2", "--peers", peers, asked } :
            new String[]{ "run", "ring", "--cells", "2000", "--quiet", "--shard", "1/2", "--peers", peers });
        assertEquals(Cli.EXIT_OK, runs[0].exitCode(), runs[0].err());
        // (karyon run --version prints what run's own version attribute gives: nothing, the version is karyon's)
        assertTrue(!"--help".equals(asked) || runs[0].out().contains("Usage: karyon run"), runs[0].out());
        assertEquals(1, runs[0].err().strip().lines().count(), runs[0].err());
        assertTrue(runs[0].err().startsWith("karyon: waiting up to 60000 ms for shard 1 (" + peers.split(",")[1] +
            ") of 2 to hear that shard 0 does not join"), runs[0].err());
        assertEquals(Cli.EXIT_USAGE, runs[1].exitCode(), runs[1].err());
        assertEquals(1, runs[1].err().strip().lines().count(), runs[1].err());
        assertTrue(runs[1].err().contains("shard 0 of 2 stopped the run: it was given " + asked + ", printed that " +
            "and did not join: give every host the same options, without " + asked), runs[1].err());
    }

    /**
     * One shard refused with one line naming what; the other stopped with that line.
     */
    private static void assertRefusedAlike(final CommandRun[] runs, final int refused, final String what)
    {
        final CommandRun own = runs[refused];
        final CommandRun other = runs[1 - refused];
        assertEquals(Cli.EXIT_USAGE, own.exitCode(), own.err());
        assertTrue(own.err().strip().lines().findFirst().orElse("").contains(what), own.err());
        assertWaited(own, refused, 2, null, 1 - refused);
        assertEquals(Cli.EXIT_USAGE, other.exitCode(), other.err());
        assertEquals(1, other.err().strip().lines().count(), other.err());
        final String line = own.err().strip().lines().findFirst().orElse("");
        final String reason = line.substring(line.indexOf(": ") + 2).replace(" (see --help)", "");
        assertTrue(other.err().contains("shard " + refused + " of 2 stopped the run: " + reason),
            other.err() + " does not carry " + reason);
        assertEquals(0, ProcessHandle.current().children().count(), "no child process");
    }

    /**
     * A refusing host's stderr: its refusal's line, then one saying that it waits for the others to hear it, and
     * nothing more once each has.
     *
     * @param peers    {@code --peers} as given, or null not to check the endpoints.
     * @param expected the shards named.
     */
    private static void assertWaited(final CommandRun run, final int shard, final int shards, final String peers,
        final int... expected)
    {
        final List<String> lines = run.err().strip().lines().toList();
        assertEquals(2, lines.size(), run.err());
        final StringBuilder named = new StringBuilder();
        for (final int s : expected)
        {
            named.append(named.isEmpty() ? "" : ", ").append("shard ").append(s)
                .append(null == peers ? "" : " (" + peers.split(",")[s] + ")");
        }
        final String line = lines.get(1);
        assertTrue(line.startsWith("karyon: waiting up to 60000 ms for " + named), run.err());
        assertTrue(line.endsWith(" of " + shards + " to hear that shard " + shard + " does not join (Ctrl-C to " +
            "leave now)"), run.err());
    }

    private static CommandRun[] both(final Function<Integer, String[]> args, final Supplier<Object> command)
        throws Exception
    {
        final ExecutorService threads = Executors.newFixedThreadPool(2);
        try
        {
            final Future<CommandRun> zero = threads.submit(() -> CommandRun.command(command.get(), args.apply(0)));
            final Future<CommandRun> one = threads.submit(() -> CommandRun.command(command.get(), args.apply(1)));
            return new CommandRun[]{ zero.get(90, TimeUnit.SECONDS), one.get(90, TimeUnit.SECONDS) };
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    /**
     * Both shards as the launcher runs them: the {@code karyon} command with its subcommands.
     */
    private static CommandRun[] bothKaryon(final Function<Integer, String[]> args) throws Exception
    {
        final ExecutorService threads = Executors.newFixedThreadPool(2);
        try
        {
            final Future<CommandRun> zero = threads.submit(() -> CommandRun.karyon(args.apply(0)));
            final Future<CommandRun> one = threads.submit(() -> CommandRun.karyon(args.apply(1)));
            return new CommandRun[]{ zero.get(90, TimeUnit.SECONDS), one.get(90, TimeUnit.SECONDS) };
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    /**
     * Two free UDP ports on 127.0.0.1.
     */
    private static String peers() throws IOException
    {
        return peers(2);
    }

    /**
     * Free UDP ports on 127.0.0.1, as {@code --peers} takes them.
     */
    static String peers(final int count) throws IOException
    {
        final DatagramSocket[] sockets = new DatagramSocket[count];
        try
        {
            final StringBuilder peers = new StringBuilder();
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                peers.append(0 == i ? "" : ",").append("127.0.0.1:").append(sockets[i].getLocalPort());
            }
            return peers.toString();
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                if (null != socket)
                {
                    socket.close();
                }
            }
        }
    }
}
