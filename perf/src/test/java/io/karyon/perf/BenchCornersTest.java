package io.karyon.perf;

import io.karyon.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The corners of {@code karyon bench}: its output folder checked before any round, its results printed even when a
 * file cannot be written, and combinations it cannot run or would ignore refused with exit 2.
 */
@Timeout(120)
class BenchCornersTest
{
    private static final String[] SMALL_W3 = { "bench", "W3", "--cells", "2000", "--ticks", "5", "--rounds", "3",
        "--warmup", "0", "--workers", "1", "--idle", "backoff", "--no-pin" };

    private static String[] with(final String[] args, final String... more)
    {
        final String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    static Stream<Arguments> refused()
    {
        return Stream.of(
            arguments("bench W3 --out /proc/x",
                "karyon bench: Invalid value for option '--out': cannot write files in /proc/x (no such file or " +
                    "folder: /proc/x)"),
            arguments("bench W7 --pairs 1000 --cells 100",
                "karyon bench: Invalid value for option '--pairs': W7 needs --cells >= 2 x --pairs, and --cells is " +
                    "100, was '1000'"),
            arguments("bench W3 --pairs 10",
                "karyon bench: option '--pairs' is for W7 only, which is not among the workloads given (W3): leave " +
                    "it out"),
            arguments("bench W2 W4 --ops 5",
                "karyon bench: option '--ops' is for W6 only, which is not among the workloads given (W2, W4): " +
                    "leave it out"),
            arguments("bench W3 --peer-messages 5",
                "karyon bench: option '--peer-messages' is for the peers only: give --peers too, or leave it out"),
            arguments("bench W3 --shards 0",
                "karyon bench: Invalid value for option '--shards': must be in 2..64, was '0'"),
            arguments("bench W2 --shards 2 --peers",
                "karyon bench: options '--shards' and '--peers' cannot be combined: the peers run in one process; " +
                    "give one or the other"),
            arguments("bench W3 W4 --shards 2",
                "karyon bench: option '--shards' runs W2, W3 and shards only, and the workloads given include W4: " +
                    "run those without --shards"),
            arguments("bench W2 --shards 2 --bytes 512m",
                "karyon bench: option '--bytes' is for the triad W2 and W3 run after their rounds in one process, " +
                    "and with --shards they run none: leave it out"),
            arguments("bench W3 --transport udp",
                "karyon bench: option '--transport' is for sharded runs: give --shards too, or leave it out"),
            arguments("bench W3 --shards 2 --transport tcp",
                "karyon bench: Invalid value for option '--transport': must be ipc or udp, was 'tcp'"),
            arguments("bench W4 --shards 2",
                "karyon bench: option '--shards' is for shards, W2, W3 only, none of which is among the workloads " +
                    "given (W4): leave it out"),
            arguments("bench W3 --no-pin --policy ts",
                "karyon bench: Invalid value for option '--policy': it says where pinned workers go, and --no-pin " +
                    "leaves them unpinned: give one or the other"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void shouldRefuseBeforeAnyRoundWithOneLineAndExit2(final String args, final String message)
    {
        final CommandRun run = CommandRun.karyon(args.split(" "));

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals(message + " (see --help)", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void shouldRefuseAnOutputFolderThatIsAFile(@TempDir final Path dir) throws IOException
    {
        final Path file = Files.writeString(dir.resolve("taken"), "a file");

        final CommandRun run = CommandRun.karyon(with(SMALL_W3, "--out", file.toString()));

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals("karyon bench: Invalid value for option '--out': cannot write files in " + file +
            " (not a folder) (see --help)", run.err().strip());
        assertFalse(run.err().contains("round"), "no round ran: " + run.err());
    }

    @Test
    void shouldPrintTheResultsEvenWhenAFileCannotBeWritten(@TempDir final Path dir) throws IOException
    {
        // A folder where W3's percentile file would go: the folder is writable, that one file is not.
        Files.createDirectories(dir.resolve("W3.hgrm"));

        final CommandRun run = CommandRun.karyon(with(SMALL_W3, "--out", dir.toString()));

        assertEquals(Cli.EXIT_FAILURE, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), run.out());
        assertEquals("W3", CommandRun.stringField(lines.get(0), "workload"));
        final String last = run.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertEquals("karyon bench: failed: the results above are complete, but 1 file(s) could not be written: " +
            "cannot write " + dir.resolve("W3.hgrm") + " (" + dir.resolve("W3.hgrm") + " (Is a directory))", last);
        assertEquals(List.of(lines.get(0)), Files.readAllLines(dir.resolve("W3.json")), "the summary is written");
    }
}
