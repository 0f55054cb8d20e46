package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon run --checkpoint-every}, {@code karyon checkpoint inspect} and {@code karyon resume} through the
 * command line, in process: what they print, their exit codes, and their one-line refusals.
 */
class CheckpointCommandTest
{
    private static final String[] SIR = { "sir", "--cells", "2000", "--ticks", "40", "--every", "2", "--seed", "3",
        "--quiet", "--workers", "2", "--idle", "backoff", "--no-pin" };

    @TempDir
    Path dir;

    private static String[] args(final String[] first, final String... more)
    {
        final List<String> all = new ArrayList<>(Arrays.asList(first));
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    private CommandRun runSir(final Path out, final String... more)
    {
        final List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(Arrays.asList(args(SIR, more)));
        if (null != out)
        {
            all.add("--out");
            all.add(out.toString());
        }
        return CommandRun.karyon(all.toArray(new String[0]));
    }

    @Test
    void shouldWriteCheckpointsAndInspectThem() throws IOException
    {
        final Path out = dir.resolve("run");
        final CommandRun run = runSir(out, "--checkpoint-every", "10", "--keep-checkpoints", "3");
        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertEquals(List.of("tick-20.kcp", "tick-30.kcp", "tick-40.kcp"), names(out.resolve("checkpoints")));

        final Path file = out.resolve("checkpoints/tick-30.kcp");
        final CommandRun text = CommandRun.karyon("checkpoint", "inspect", file.toString());
        assertEquals(Cli.EXIT_OK, text.exitCode(), text.err());
        assertTrue(text.out().contains("  model       sir\n"), text.out());
        assertTrue(text.out().contains("  tick        30\n"), text.out());
        assertTrue(text.out().contains("  workers     2\n"), text.out());
        assertTrue(text.out().contains("beta=0.03"), text.out());
        assertTrue(text.out().contains("every checksum verified"), text.out());

        final CommandRun json = CommandRun.karyon("checkpoint", "inspect", file.toString(), "--json");
        assertEquals(Cli.EXIT_OK, json.exitCode(), json.err());
        final JsonNode header = json.json();
        assertEquals("sir", header.get("model").asText());
        assertEquals(30, header.get("tick").asLong());
        assertEquals(3, header.get("seed").asLong());
        assertTrue(header.get("verified").asBoolean());
        final List<String> sections = new ArrayList<>();
        header.get("sections").forEach((s) -> sections.add(s.get("name").asText()));
        assertTrue(sections.containsAll(List.of("run", "observations", "epidemic")), sections.toString());
    }

    @Test
    void shouldRefuseABadCheckpointInOneLine() throws IOException
    {
        final Path out = dir.resolve("run");
        assertEquals(Cli.EXIT_OK, runSir(out, "--checkpoint-every", "20").exitCode());
        final byte[] bytes = Files.readAllBytes(out.resolve("checkpoints/tick-20.kcp"));
        final Path bad = dir.resolve("tick-20.kcp");
        Files.write(bad, Arrays.copyOf(bytes, bytes.length - 100));

        final CommandRun inspect = CommandRun.karyon("checkpoint", "inspect", bad.toString());
        assertEquals(Cli.EXIT_USAGE, inspect.exitCode());
        assertEquals("", inspect.out());
        assertEquals(1, inspect.err().lines().count(), inspect.err());
        assertTrue(inspect.err().startsWith("karyon checkpoint inspect: tick-20.kcp: "), inspect.err());

        final Path target = dir.resolve("target");
        final CommandRun resume = CommandRun.karyon("resume", bad.toString(), "--out", target.toString(), "--quiet");
        assertEquals(Cli.EXIT_USAGE, resume.exitCode());
        assertEquals(1, resume.err().lines().count(), resume.err());
        assertTrue(resume.err().startsWith("karyon resume: tick-20.kcp: "), resume.err());
        assertFalse(Files.exists(target), "nothing written");

        final CommandRun missing = CommandRun.karyon("checkpoint", "inspect", dir.resolve("none.kcp").toString());
        assertEquals(Cli.EXIT_USAGE, missing.exitCode());
        assertEquals(1, missing.err().lines().count(), missing.err());
    }

    @Test
    void shouldRefuseCheckpointsWithoutOut()
    {
        final CommandRun run = runSir(null, "--checkpoint-every", "10");
        assertEquals(Cli.EXIT_USAGE, run.exitCode());
        assertEquals("karyon run: model sir: --checkpoint-every needs --out: checkpoints go to OUT/checkpoints\n",
            run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldTakeCheckpointSettingsFromAScenarioFile() throws IOException
    {
        final Path out = dir.resolve("from-file");
        final Path file = Files.writeString(dir.resolve("sir.toml"), String.join("\n",
            "model = \"sir\"", "[run]", "cells = 2000", "ticks = 30", "seed = 3",
            "[outputs]", "out = \"" + out.toString().replace("\\", "\\\\") + "\"",
            "[checkpoint]", "every = 4", "keep = 1", ""));
        final CommandRun run = CommandRun.karyon("run", file.toString(), "--quiet", "--workers", "1", "--idle",
            "backoff", "--no-pin");
        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertEquals(List.of("tick-30.kcp"), names(out.resolve("checkpoints")));
        final CommandRun flags = CommandRun.karyon("run", file.toString(), "--quiet", "--workers", "1", "--idle",
            "backoff", "--no-pin", "--keep-checkpoints", "2", "--checkpoint-every", "7");
        assertEquals(Cli.EXIT_OK, flags.exitCode(), flags.err());
        assertEquals(List.of("tick-28.kcp", "tick-30.kcp"), names(out.resolve("checkpoints")));
    }

    @Test
    void shouldResumeAndForkFromTheCommandLine() throws IOException
    {
        final CommandRun unbroken = CommandRun.karyon(args(new String[]{ "run" }, args(SIR, "--json")));
        assertEquals(Cli.EXIT_OK, unbroken.exitCode(), unbroken.err());
        final Path out = dir.resolve("run");
        assertEquals(Cli.EXIT_OK, runSir(out, "--checkpoint-every", "10", "--keep-checkpoints", "5").exitCode());
        final String checkpoint = out.resolve("checkpoints/tick-10.kcp").toString();

        final CommandRun resumed = CommandRun.karyon("resume", checkpoint, "--workers", "3", "--idle", "backoff",
            "--no-pin", "--quiet", "--json");
        assertEquals(Cli.EXIT_OK, resumed.exitCode(), resumed.err());
        assertEquals(unbroken.json().get("digest"), resumed.json().get("digest"));
        assertEquals(unbroken.json().get("ticks"), resumed.json().get("ticks"));
        assertEquals(3, resumed.json().get("workers").asInt());

        final CommandRun noOut = CommandRun.karyon("resume", checkpoint, "--set", "beta=0.1", "--quiet");
        assertEquals(Cli.EXIT_USAGE, noOut.exitCode());
        assertEquals(1, noOut.err().lines().count(), noOut.err());
        assertTrue(noOut.err().startsWith("karyon resume: a fork (--set beta) needs a new --out: "), noOut.err());

        final CommandRun fixed = CommandRun.karyon("resume", checkpoint, "--set", "initial_infected=5", "--out",
            dir.resolve("fork").toString(), "--quiet");
        assertEquals(Cli.EXIT_USAGE, fixed.exitCode());
        assertEquals("karyon resume: --set initial_infected=5: initial_infected is fixed once a sir run is set up; " +
            "a fork may change beta, infectious_ticks\n", fixed.err());
        assertFalse(Files.exists(dir.resolve("fork")));

        final CommandRun fork = CommandRun.karyon("resume", checkpoint, "--set", "beta=0.1", "--out",
            dir.resolve("fork").toString(), "--quiet", "--json", "--workers", "1", "--idle", "backoff", "--no-pin");
        assertEquals(Cli.EXIT_OK, fork.exitCode(), fork.err());
        assertEquals("0.1", fork.json().get("changes").get("beta").asText());
        assertTrue(fork.json().get("parent_checkpoint").asText().endsWith("tick-10.kcp"));
    }

    private static List<String> names(final Path folder) throws IOException
    {
        try (Stream<Path> files = Files.list(folder))
        {
            return files.map((f) -> f.getFileName().toString()).sorted().toList();
        }
    }
}
