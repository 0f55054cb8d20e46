package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.karyon.engine.Organism;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@Timeout(120)
class SweepCommandTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldRunEveryCombinationAndSeedRecordFailuresAndSkipFinishedRunsWhenRunAgain() throws IOException
    {
        final Path out = tmp.resolve("sweep");
        final String[] args = { "sweeptest", "--classpath", classpath().toString(), "--vary", "contacts=5,13",
            "--vary", "mode=a,b", "--seeds", "2", "--parallel", "2", "--cells", "100", "--out", out.toString() };
        final CommandRun first = fake(args);
        assertEquals(1, first.exitCode(), first.err());
        assertTrue(first.out().startsWith("karyon sweep: 8 run(s), 4 ok, 4 failed, in "), first.out());
        assertTrue(first.err().contains("karyon sweep: 8 run(s), 0 already done; 2 at a time on CPUs "), first.err());
        assertTrue(first.err().contains("karyon sweep: 8/8 done, 4 failed, ETA 0:00:00"), first.err());
        assertTrue(first.err().contains("karyon sweep: run contacts-13_mode-b_seed-2 failed:3: " +
            "fake run: contacts 13 fails (see "), first.err());

        final List<String> lines = Files.readAllLines(out.resolve("runs.csv"));
        assertEquals("contacts,mode,seed,status,digest,cells,workers,nonce,rate,seconds", lines.get(0));
        assertEquals(9, lines.size());
        final String[][] expected = {
            { "5", "a", "1", "ok" }, { "5", "a", "2", "ok" }, { "5", "b", "1", "ok" }, { "5", "b", "2", "ok" },
            { "13", "a", "1", "failed:3" }, { "13", "a", "2", "failed:3" },
            { "13", "b", "1", "failed:3" }, { "13", "b", "2", "failed:3" } };
        final Map<String, String> nonces = new HashMap<>();
        final SweepCpuShares shares = SweepCpuShares.share(SweepCpuShares.coresOf(Organism.machine()), 2);
        final Set<String> shareTexts = new HashSet<>();
        for (final int[] share : shares.cpus())
        {
            shareTexts.add(CpuList.format(share));
        }
        for (int r = 0; r < expected.length; r++)
        {
            final String[] cells = lines.get(r + 1).split(",", -1);
            assertEquals(10, cells.length, lines.get(r + 1));
            assertEquals(List.of(expected[r]), List.of(cells).subList(0, 4));
            final Path folder = out.resolve("runs").resolve("contacts-" + cells[0] + "_mode-" + cells[1] +
                "_seed-" + cells[2]);
            assertTrue(Double.parseDouble(cells[9]) > 0, lines.get(r + 1));
            if ("ok".equals(cells[3]))
            {
                final JsonNode summary = CommandRun.parse(Files.readString(folder.resolve("summary.json")));
                assertEquals(summary.get("digest").asText(), cells[4]);
                assertEquals("100", cells[5]);
                assertEquals(summary.get("nonce").asText(), cells[7]);
                assertEquals("1.5", cells[8]);
                assertTrue(shareTexts.contains(summary.get("cpus").asText()), summary.toString());
                assertEquals(CpuList.parse(summary.get("cpus").asText(), Organism.machine().allowedCpus()).length,
                    summary.get("workers").asInt(), "workers = its share");
                nonces.put(folder.getFileName().toString(), cells[7]);
            }
            else
            {
                assertEquals("", cells[4]);
                assertEquals("fake run: contacts 13 fails", Files.readString(folder.resolve("stderr.txt")).strip());
                assertFalse(Files.exists(folder.resolve("summary.json")));
            }
            final JsonNode record = CommandRun.parse(Files.readString(folder.resolve("run.json")));
            assertEquals(cells[3], record.get("status").asText());
            final String command = record.get("command").toString();
            assertTrue(command.contains("\"run\",\"sweeptest\",\"--classpath\",\"" + classpath() + "\",\"--cells\"," +
                "\"100\",\"--set\",\"contacts=" + cells[0] + "\",\"--set\",\"mode=" + cells[1] + "\",\"--seed\",\"" +
                cells[2] + "\",\"--json\",\"--quiet\",\"--out\",\"" + folder + "\",\"--cpus\""), command);
        }

        final CommandRun again = fake(args);
        assertEquals(1, again.exitCode(), again.err());
        assertTrue(again.err().contains("karyon sweep: 8 run(s), 4 already done; "), again.err());
        final List<String> rerun = Files.readAllLines(out.resolve("runs.csv"));
        assertEquals(lines.get(0), rerun.get(0));
        for (int r = 0; r < 4; r++)
        {
            assertEquals(lines.get(r + 1), rerun.get(r + 1), "a finished run is skipped, its row kept");
        }
        for (final Map.Entry<String, String> run : nonces.entrySet())
        {
            assertEquals(run.getValue(), CommandRun.parse(Files.readString(
                out.resolve("runs").resolve(run.getKey()).resolve("summary.json"))).get("nonce").asText());
        }
        assertFalse(Files.exists(out.resolve("runs.csv.tmp")));
    }

    @Test
    void shouldRunTheRealRunAsItsOwnProcessWithTheSameDigestAsInProcess() throws IOException
    {
        final Path out = tmp.resolve("real");
        final CommandRun sweep = CommandRun.karyon("sweep", "ring", "--vary", "supervisors=0,2", "--cells", "2000",
            "--ticks", "3", "--parallel", "2", "--quiet", "--out", out.toString());
        assertEquals(0, sweep.exitCode(), sweep.err());
        assertEquals("", sweep.err());
        final List<String> lines = Files.readAllLines(out.resolve("runs.csv"));
        assertEquals(3, lines.size(), lines.toString());
        final List<String> header = List.of(lines.get(0).split(","));
        assertEquals(List.of("supervisors", "seed", "status", "digest"), header.subList(0, 4));
        assertTrue(header.containsAll(List.of("cells", "workers", "ticks")), header.toString());
        assertEquals("seconds", header.get(header.size() - 1));
        for (int r = 0; r < 2; r++)
        {
            final String[] cells = lines.get(r + 1).split(",", -1);
            assertEquals(List.of(r == 0 ? "0" : "2", "1", "ok"), List.of(cells).subList(0, 3));
            final CommandRun alone = CommandRun.karyon("run", "ring", "--cells", "2000", "--ticks", "3", "--seed", "1",
                "--supervisors", cells[0], "--workers", "1", "--idle", "backoff", "--json", "--quiet");
            assertEquals(alone.json().get("digest").asText(), cells[3], "the same run, swept or not");
            assertEquals("3", cells[header.indexOf("ticks")]);
        }
    }

    @Test
    void shouldSweepAModelWhoseRunsWriteTheirOwnFolders() throws IOException
    {
        final Path out = tmp.resolve("model");
        final CommandRun sweep = CommandRun.karyon("sweep", "tiny", "--vary", "step=1,2", "--set", "mode=fancy",
            "--cells", "100", "--ticks", "3", "--parallel", "2", "--quiet", "--out", out.toString());
        assertEquals(0, sweep.exitCode(), sweep.err());
        final List<String> lines = Files.readAllLines(out.resolve("runs.csv"));
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("step,seed,status,digest,"), lines.get(0));
        for (int r = 0; r < 2; r++)
        {
            final String[] cells = lines.get(r + 1).split(",", -1);
            assertEquals(List.of(Integer.toString(r + 1), "1", "ok"), List.of(cells).subList(0, 3));
            final Path folder = out.resolve("runs").resolve("step-" + (r + 1) + "_seed-1");
            assertTrue(Files.isRegularFile(folder.resolve("timeseries.csv")), "the run wrote its --out folder");
            final CommandRun alone = CommandRun.karyon("run", "tiny", "--set", "step=" + (r + 1), "--set",
                "mode=fancy", "--cells", "100", "--ticks", "3", "--seed", "1", "--json", "--quiet");
            assertEquals(alone.json().get("digest").asText(), cells[3], "the same run, swept or not");
        }
    }

    @Test
    void shouldSweepAScenarioFileCheckingTheVariedParametersAgainstItsModel() throws IOException
    {
        final Path scenario = Files.writeString(tmp.resolve("s.toml"), "model = \"sweeptest\"\n[parameters]\n" +
            "beta = 0.1\n");
        final Path out = tmp.resolve("scenario");
        final String cp = classpath().toString();
        final CommandRun bad = fake(scenario.toString(), "--classpath", cp, "--vary", "gamma=1", "--out",
            out.toString());
        assertEquals("sweep: --vary gamma=1: model sweeptest has no parameter gamma; known: beta, contacts, mode " +
            "(see --help)", bad.err().strip());
        final CommandRun run = fake(scenario.toString(), "--classpath", cp, "--vary", "contacts=5", "--quiet",
            "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        final JsonNode record = CommandRun.parse(Files.readString(
            out.resolve("runs").resolve("contacts-5_seed-1").resolve("run.json")));
        assertTrue(record.get("command").toString().contains("\"run\",\"" + scenario.toAbsolutePath() +
            "\",\"--classpath\""), record.toString());
    }

    static Stream<Arguments> badInput()
    {
        final String known = "known: beta, contacts, mode";
        return Stream.of(
            arguments(List.of("--vary", "contacts"), "--vary contacts: expected NAME=V1,V2,... or NAME=A:B:N"),
            arguments(List.of("--vary", "=1,2"), "--vary =1,2: expected NAME=V1,V2,... or NAME=A:B:N"),
            arguments(List.of("--vary", "gamma=1,2"), "--vary gamma=1,2: model sweeptest has no parameter gamma; " +
                known),
            arguments(List.of("--vary", "contacts=1,x"),
                "--vary contacts=1,x: contacts: expected an integer in [1, 1000], got \"x\""),
            arguments(List.of("--vary", "contacts=1,,2"),
                "--vary contacts=1,,2: contacts: expected an integer in [1, 1000], got \"\""),
            arguments(List.of("--vary", "contacts=1,01"), "--vary contacts=1,01: value 01 comes twice"),
            arguments(List.of("--vary", "beta=0.1,0.10"), "--vary beta=0.1,0.10: value 0.10 comes twice"),
            arguments(List.of("--vary", "beta=0.5,2"), "--vary beta=0.5,2: beta: expected a number in [0, 1], got 2.0"),
            arguments(List.of("--vary", "contacts=1:5:0"),
                "--vary contacts=1:5:0: N must be in 2..10000 (1 only when A = B), was 0"),
            arguments(List.of("--vary", "contacts=1.5:3:2"),
                "--vary contacts=1.5:3:2: contacts is an integer parameter: A and B must be integers"),
            arguments(List.of("--vary", "contacts=1:a:3"),
                "--vary contacts=1:a:3: A:B:N needs numbers A and B and a count N"),
            arguments(List.of("--vary", "contacts=1:3:5"), "--vary contacts=1:3:5: value 2 comes twice"),
            arguments(List.of("--vary", "contacts=0:4:3"),
                "--vary contacts=0:4:3: contacts: expected an integer in [1, 1000], got 0"),
            arguments(List.of("--vary", "mode=c"), "--vary mode=c: mode: expected one of [a, b], got \"c\""),
            arguments(List.of("--vary", "mode=a", "--vary", "mode=b"), "--vary mode=b: mode is varied twice"),
            arguments(List.of("--vary", "mode=a,b", "--set", "mode=a"),
                "--set mode=a: mode is also varied; give it once"),
            arguments(List.of("--set", "nosuch=3"),
                "--set nosuch=3: model sweeptest has no parameter nosuch; " + known),
            arguments(List.of("--set", "beta=x"), "--set beta=x: beta: expected a number in [0, 1], got \"x\""),
            arguments(List.of("--seeds", "0"), "--seeds must be in 1..1000000, was 0"),
            arguments(List.of("--seeds", "2", "--seed-list", "1"), "--seeds and --seed-list: give one or the other"),
            arguments(List.of("--seed-list", "1,x"), "--seed-list 1,x: 'x' is not a seed"),
            arguments(List.of("--parallel", "0"),
                "Invalid value for option '--parallel': must be in 1..4096, was '0'"));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void shouldRejectBadUsageInOneLineBeforeAnythingStarts(final List<String> bad, final String message)
        throws IOException
    {
        final Path out = tmp.resolve("bad");
        final List<String> args = new ArrayList<>(List.of("sweeptest", "--classpath", classpath().toString()));
        args.addAll(bad);
        args.addAll(List.of("--out", out.toString()));
        final CommandRun run = fake(args.toArray(new String[0]));
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("sweep: " + message + " (see --help)", run.err().strip());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void shouldRefuseUnknownModelsAndAFolderOfASweepWithOtherSettings() throws IOException
    {
        final CommandRun unknown = fake("nosuch", "--out", tmp.resolve("x").toString());
        assertEquals(2, unknown.exitCode(), unknown.err());
        assertTrue(unknown.err().startsWith("sweep: unknown model nosuch; known: "), unknown.err());
        assertFalse(Files.exists(tmp.resolve("x")));

        final Path out = tmp.resolve("other");
        final String cp = classpath().toString();
        assertEquals(0, fake("sweeptest", "--classpath", cp, "--cells", "100", "--out", out.toString(), "--quiet")
            .exitCode());
        final CommandRun run = fake("sweeptest", "--classpath", cp, "--cells", "200", "--out", out.toString(),
            "--quiet");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("sweep: --out " + out + " holds a sweep with other settings ("), run.err());
    }

    private Path classpath() throws IOException
    {
        final Path folder = tmp.resolve("models");
        return Files.isDirectory(folder) ? folder : SweepTestModel.classpath(folder);
    }

    private static CommandRun fake(final String... args)
    {
        final SweepCommand command = new SweepCommand();
        command.mainClass = SweepFakeRun.class.getName();
        return CommandRun.command(command, args);
    }
}
