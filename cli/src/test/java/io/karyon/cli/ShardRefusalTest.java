package io.karyon.cli;

import io.karyon.shard.ShardLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
            assertEquals(1, runs[s].err().strip().lines().count(), runs[s].err());
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

    /**
     * One shard refused with one line naming what; the other stopped with that line.
     */
    private static void assertRefusedAlike(final CommandRun[] runs, final int refused, final String what)
    {
        final CommandRun own = runs[refused];
        final CommandRun other = runs[1 - refused];
        assertEquals(Cli.EXIT_USAGE, own.exitCode(), own.err());
        assertTrue(own.err().contains(what), own.err());
        assertEquals(1, own.err().strip().lines().count(), own.err());
        assertEquals(Cli.EXIT_USAGE, other.exitCode(), other.err());
        assertEquals(1, other.err().strip().lines().count(), other.err());
        final String line = own.err().strip();
        final String reason = line.substring(line.indexOf(": ") + 2).replace(" (see --help)", "");
        assertTrue(other.err().contains("shard " + refused + " of 2 stopped the run: " + reason),
            other.err() + " does not carry " + reason);
        assertEquals(0, ProcessHandle.current().children().count(), "no child process");
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
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return "127.0.0.1:" + a.getLocalPort() + ",127.0.0.1:" + b.getLocalPort();
        }
    }
}
