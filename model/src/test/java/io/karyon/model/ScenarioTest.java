package io.karyon.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ScenarioTest
{
    private static final String FILE = "scenario.toml";
    private static final Pattern MESSAGE = Pattern.compile("scenario\\.toml:(\\d+): [^\\n]+");

    static final String FULL = String.join("\n",
        "# an epidemic",
        "model = \"sir\"",
        "",
        "[parameters]",
        "beta = 0.04",
        "contacts = 12",
        "infectious = 1          # an integer for a number parameter",
        "kind = \"b\"",
        "flag = true",
        "",
        "[run]",
        "cells = 1_000",
        "ticks = 0x10",
        "seed = -5",
        "workers = 3",
        "",
        "[outputs]",
        "out = \"results\"",
        "every = 2",
        "snapshot_every = 0",
        "",
        "[checkpoint]",
        "every = 100",
        "keep = 3",
        "");

    private static Scenario parse(final String text)
    {
        return Scenario.parse(FILE, null, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadEverySectionOfAFullFile()
    {
        final Scenario scenario = parse(FULL);

        assertEquals(Optional.of("sir"), scenario.model());
        assertEquals(OptionalLong.of(1000), scenario.cells());
        assertEquals(OptionalLong.of(16), scenario.ticks());
        assertEquals(OptionalLong.of(-5), scenario.seed());
        assertEquals(OptionalInt.of(3), scenario.workers());
        assertEquals(Optional.of(Path.of("results")), scenario.out());
        assertEquals(OptionalInt.of(2), scenario.every());
        assertEquals(OptionalInt.of(0), scenario.snapshotEvery());
        assertEquals(OptionalLong.of(100), scenario.checkpointEvery());
        assertEquals(OptionalInt.of(3), scenario.checkpointKeep());

        final Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("beta", 0.04);
        expected.put("contacts", 12L);
        expected.put("infectious", 1.0);
        expected.put("kind", "b");
        expected.put("flag", true);
        assertEquals(expected, scenario.parameters(TestModel.INSTANCE));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(scenario.parameters().keySet()));
        assertEquals(1L, scenario.parameters().get("infectious"), "as written, before the model's check");
    }

    @Test
    void shouldLeaveEverythingUnsetInAnEmptyFile()
    {
        final Scenario scenario = parse("# nothing\n");

        assertEquals(Optional.empty(), scenario.model());
        assertEquals(OptionalLong.empty(), scenario.cells());
        assertEquals(OptionalLong.empty(), scenario.ticks());
        assertEquals(OptionalLong.empty(), scenario.seed());
        assertEquals(OptionalInt.empty(), scenario.workers());
        assertEquals(Optional.empty(), scenario.out());
        assertEquals(OptionalInt.empty(), scenario.every());
        assertEquals(OptionalInt.empty(), scenario.snapshotEvery());
        assertEquals(OptionalLong.empty(), scenario.checkpointEvery());
        assertEquals(OptionalInt.empty(), scenario.checkpointKeep());
        assertEquals(Map.of(), scenario.parameters(TestModel.INSTANCE));
    }

    @Test
    void shouldReadDottedKeysAndInlineTablesAsSections()
    {
        final Scenario scenario = parse(String.join("\n",
            "run.cells = 7",
            "parameters.beta = 0.5",
            "outputs = { out = \"o\", every = 4 }",
            "checkpoint = { keep = 2 }",
            "run.seed = 9",
            ""));

        assertEquals(OptionalLong.of(7), scenario.cells());
        assertEquals(OptionalLong.of(9), scenario.seed());
        assertEquals(Optional.of(Path.of("o")), scenario.out());
        assertEquals(OptionalInt.of(4), scenario.every());
        assertEquals(OptionalInt.of(2), scenario.checkpointKeep());
        assertEquals(Map.of("beta", 0.5), scenario.parameters(TestModel.INSTANCE));
    }

    @Test
    void shouldResolveTheOutputFolderAgainstTheFilesFolder(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("s.toml");
        Files.writeString(file, "[outputs]\nout = \"results\"\n");

        assertEquals(Optional.of(dir.toAbsolutePath().resolve("results")), Scenario.read(file).out());
    }

    @Test
    void shouldNameAFileThatCannotBeRead(@TempDir final Path dir)
    {
        final Path missing = dir.resolve("missing.toml");

        final ScenarioException ex = assertThrows(ScenarioException.class, () -> Scenario.read(missing));

        assertTrue(ex.getMessage().startsWith(missing + ":1: cannot read the file: "), ex.getMessage());
        assertEquals(1, ex.getMessage().lines().count());
    }

    static Stream<Arguments> badFiles()
    {
        return Stream.of(
            // The example: a string for a number parameter, in [parameters] on line 4.
            arguments("model = \"sir\"\n\n[parameters]\nbeta = \"abc\"\n",
                "scenario.toml:4: beta: expected a number in [0, 1], got \"abc\""),
            arguments("[parameters]\nbeta = 2\n", "scenario.toml:2: beta: expected a number in [0, 1], got 2.0"),
            arguments("[parameters]\nbeta = nan\n", "scenario.toml:2: beta: expected a number in [0, 1], got NaN"),
            arguments("[parameters]\nbeta = [0.1]\n",
                "scenario.toml:2: beta: expected a number in [0, 1], got [0.1]"),
            arguments("[parameters]\ncontacts = 2.5\n",
                "scenario.toml:2: contacts: expected an integer in [1, 1000], got 2.5"),
            arguments("[parameters]\ncontacts = 99999999999999999999\n",
                "scenario.toml:2: contacts: expected an integer in [1, 1000], got 99999999999999999999"),
            arguments("[parameters]\nkind = \"z\"\n", "scenario.toml:2: kind: expected one of [a, b], got \"z\""),
            arguments("[parameters]\nflag = 1\n", "scenario.toml:2: flag: expected true or false, got 1"),
            arguments("[parameters]\nbeta = 0.1\ngamma = 0.2\n",
                "scenario.toml:3: gamma: no such parameter; the model test has beta, contacts, infectious, kind, flag"),
            // A parameter as a dotted key at the top, and in an inline table after a multi-line string.
            arguments("model = \"sir\"\nparameters.beta = -1\n",
                "scenario.toml:2: beta: expected a number in [0, 1], got -1.0"),
            arguments("[outputs]\nout = \"\"\"a\nb\nc\"\"\"\n[x]\n",
                "scenario.toml:5: x: unknown key, expected one of model, parameters, run, outputs, checkpoint"),
            arguments("model = '''\nsir\n[run]\ncells = 0\n'''\nparameters = { contacts = 5, beta = \"x\" }\n",
                "scenario.toml:6: beta: expected a number in [0, 1], got \"x\""),
            arguments("parameters = { contacts = 5, beta = \"x\" }\n",
                "scenario.toml:1: beta: expected a number in [0, 1], got \"x\""));
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void shouldNameFileLineAndKeyOfABadValue(final String text, final String message)
    {
        final ScenarioException ex = assertThrows(ScenarioException.class,
            () -> parse(text).parameters(TestModel.INSTANCE));

        assertEquals(message, ex.getMessage());
    }

    static Stream<Arguments> badSections()
    {
        return Stream.of(
            arguments("\n[foo]\n", "scenario.toml:2: foo: unknown key, expected one of model, parameters, run, " +
                "outputs, checkpoint"),
            arguments("modle = \"sir\"\n", "scenario.toml:1: modle: unknown key, expected one of model, parameters, " +
                "run, outputs, checkpoint"),
            arguments("model = 5\n", "scenario.toml:1: model: expected a model name (a string), got 5"),
            arguments("[model]\n", "scenario.toml:1: model: expected a model name (a string), got a table"),
            arguments("run = 5\n", "scenario.toml:1: run: expected a table ([run]), got 5"),
            arguments("parameters = [1, 2]\n", "scenario.toml:1: parameters: expected a table ([parameters]), " +
                "got an array"),
            arguments("[run]\ncels = 5\n", "scenario.toml:2: run.cels: unknown key, expected one of cells, ticks, " +
                "seed, workers"),
            arguments("[run]\ncells = \"many\"\n", "scenario.toml:2: run.cells: expected an integer in " +
                "[1, 2147483647], got \"many\""),
            arguments("[run]\n\ncells = 0\n", "scenario.toml:3: run.cells: expected an integer in [1, 2147483647], " +
                "got 0"),
            arguments("[run]\ncells = 2147483648\n", "scenario.toml:2: run.cells: expected an integer in " +
                "[1, 2147483647], got 2147483648"),
            arguments("[run]\ncells = 1.5\n", "scenario.toml:2: run.cells: expected an integer in [1, 2147483647], " +
                "got 1.5"),
            arguments("[run]\nticks = 0\n", "scenario.toml:2: run.ticks: expected an integer >= 1, got 0"),
            arguments("[run]\nseed = 18446744073709551616\n", "scenario.toml:2: run.seed: expected an integer, " +
                "got 18446744073709551616"),
            arguments("[run]\nseed = true\n", "scenario.toml:2: run.seed: expected an integer, got true"),
            arguments("[run]\nworkers = 257\n", "scenario.toml:2: run.workers: expected an integer in [0, 256], " +
                "got 257"),
            arguments("[run]\nworkers = -1\n", "scenario.toml:2: run.workers: expected an integer in [0, 256], " +
                "got -1"),
            arguments("run.cells = 5\nrun.ticks = -2\n", "scenario.toml:2: run.ticks: expected an integer >= 1, " +
                "got -2"),
            arguments("# x\nrun = { cells = 5, ticks = 'x' }\n", "scenario.toml:2: run.ticks: expected an " +
                "integer >= 1, got \"x\""),
            arguments("[outputs]\nout = 5\n", "scenario.toml:2: outputs.out: expected a folder name (a string), " +
                "got 5"),
            arguments("[outputs]\nout = \" \"\n", "scenario.toml:2: outputs.out: expected a folder name " +
                "(a string), got \" \""),
            arguments("[outputs]\nevery = 0\n", "scenario.toml:2: outputs.every: expected an integer in " +
                "[1, 2147483647], got 0"),
            arguments("[outputs]\nsnapshot_every = -1\n", "scenario.toml:2: outputs.snapshot_every: expected an " +
                "integer in [0, 2147483647], got -1"),
            arguments("[outputs]\nsnapshot-every = 1\n", "scenario.toml:2: outputs.snapshot-every: unknown key, " +
                "expected one of out, every, snapshot_every"),
            arguments("[checkpoint]\nevery = 0\n", "scenario.toml:2: checkpoint.every: expected an integer >= 1, " +
                "got 0"),
            arguments("[checkpoint]\nkeep = 0\n", "scenario.toml:2: checkpoint.keep: expected an integer in " +
                "[1, 2147483647], got 0"),
            arguments("checkpoint = 5\n", "scenario.toml:1: checkpoint: expected a table ([checkpoint]), got 5"),
            arguments("[checkpoint]\nkeep = 1\nwhen = 3\n", "scenario.toml:3: checkpoint.when: unknown key, " +
                "expected one of every, keep"),
            // A key in a sub-table: the line is the sub-table's header.
            arguments("[run]\ncells = 1\n\n[run.more]\nx = 1\n", "scenario.toml:4: run.more: unknown key, " +
                "expected one of cells, ticks, seed, workers"),
            // Quoted keys are keys like any other.
            arguments("[\"run\"]\n'cells' = 0\n", "scenario.toml:2: run.cells: expected an integer in " +
                "[1, 2147483647], got 0"));
    }

    @ParameterizedTest
    @MethodSource("badSections")
    void shouldNameFileLineAndKeyOfABadSectionOrKey(final String text, final String message)
    {
        final ScenarioException ex = assertThrows(ScenarioException.class, () -> parse(text));

        assertEquals(message, ex.getMessage());
    }

    static Stream<Arguments> malformed()
    {
        return Stream.of(
            arguments("model = \"sir\"\n[run]\ncells = \n", "scenario.toml:3: malformed TOML: Newline not permitted " +
                "here"),
            arguments("[run]\ncells = 1\ncells = 2\nticks = 3\n", "scenario.toml:3: malformed TOML: Duplicate key"),
            arguments("[run]\n[run]\n", "scenario.toml:2: malformed TOML: Table redefined"),
            arguments("model = \"sir\n", "scenario.toml:1: malformed TOML: Newline not permitted here"),
            arguments("[run\n", "scenario.toml:1: malformed TOML: Newline not permitted here"),
            arguments("x = [1,\n2,\n", "scenario.toml:3: malformed TOML: Premature end of file"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void shouldNameTheLineOfMalformedToml(final String text, final String message)
    {
        final ScenarioException ex = assertThrows(ScenarioException.class, () -> parse(text));

        assertEquals(message, ex.getMessage());
        assertEquals(null, ex.key());
    }

    @Test
    void shouldNameTheLineOfABadByte()
    {
        final byte[] bytes = "model = \"sir\"\n[run]\ncells = \"\u00e9\"\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 3] = (byte)0xff;

        final ScenarioException ex = assertThrows(ScenarioException.class, () -> Scenario.parse(FILE, null, bytes));

        assertEquals("scenario.toml:3: expected UTF-8 text, got a byte that is not", ex.getMessage());
    }

    @Test
    void shouldPlaceErrorsTheCommandLineFinds()
    {
        final Scenario scenario = parse("\nmodel = \"nope\"\n[parameters]\n\nbeta = 0.1\n");

        assertEquals("scenario.toml:2: model: unknown model nope", scenario.error("model", "unknown model nope")
            .getMessage());
        assertEquals("scenario.toml:5: beta: x", scenario.error("beta", "x").getMessage());
        assertEquals("scenario.toml:1: run.cells: y", scenario.error("run.cells", "y").getMessage());
    }

    /**
     * Random byte flips, insertions and truncations of valid files: each is a scenario, or one line naming the file
     * and a line of it, never another exception.
     */
    @Test
    void shouldReadOrRejectWithFileAndLineEveryDamagedFile()
    {
        final String[] valid = {
            FULL,
            "parameters = { beta = 0.5, kind = 'a' }\nrun = { cells = 5, ticks = 10 }\n" +
                "outputs.out = \"\"\"x\ny\"\"\"\n",
            "model = 'sir'\n[run]\nseed = 0b101 # binary\n[outputs]\nout = \"a\\\"b\"\n[checkpoint]\nevery = 1_0\n" };
        final SplittableRandom random = new SplittableRandom(0x5CE7A210L);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] original = valid[i % valid.length].getBytes(StandardCharsets.UTF_8);
            final byte[] damaged = damage(original, random);
            final long lines = new String(damaged, StandardCharsets.ISO_8859_1).chars().filter((c) -> '\n' == c)
                .count() + 1;
            try
            {
                final Scenario scenario = Scenario.parse(FILE, null, damaged);
                scenario.parameters(TestModel.INSTANCE);
                parsed++;
            }
            catch (final ScenarioException ex)
            {
                rejected++;
                final Matcher matcher = MESSAGE.matcher(ex.getMessage());
                assertTrue(matcher.matches(), () -> "not one FILE:LINE: line: " + ex.getMessage());
                final int line = Integer.parseInt(matcher.group(1));
                assertTrue(line >= 1 && line <= lines, () -> "line " + line + " of " + lines + ": " + ex.getMessage());
            }
            catch (final RuntimeException ex)
            {
                fail("on " + Arrays.toString(damaged) + " (" + new String(damaged, StandardCharsets.UTF_8) + ")", ex);
            }
        }
        assertTrue(parsed > 100 && rejected > 100, "parsed " + parsed + ", rejected " + rejected);
    }

    private static byte[] damage(final byte[] original, final SplittableRandom random)
    {
        byte[] bytes = original.clone();
        final int flips = 1 + random.nextInt(3);
        for (int k = 0; k < flips; k++)
        {
            final int at = random.nextInt(bytes.length);
            switch (random.nextInt(3))
            {
                case 0:
                    bytes[at] = (byte)random.nextInt(256);
                    break;
                case 1:
                    // A character TOML gives meaning to, where most damage is done.
                    bytes[at] = (byte)"[]{}=\"'.,#\n \\+-_0e".charAt(random.nextInt(18));
                    break;
                default:
                    final byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte)random.nextInt(128);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
            }
        }
        return 0 == random.nextInt(4) ? Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)) : bytes;
    }

    /**
     * A model with one parameter of each kind, for checking a file's parameters.
     */
    static final class TestModel implements Model
    {
        static final TestModel INSTANCE = new TestModel();

        public String name()
        {
            return "test";
        }

        public String description()
        {
            return "parameters of each kind";
        }

        public List<Parameter> parameters()
        {
            return List.of(
                Parameter.number("beta", 0.03, 0, 1, "a probability"),
                Parameter.integer("contacts", 10, 1, 1000, "a count"),
                Parameter.number("infectious", 10, 0, Double.POSITIVE_INFINITY, "a duration"),
                Parameter.text("kind", "a", "a choice", "a", "b"),
                Parameter.bool("flag", false, "a switch"));
        }

        public void setUp(final Setup setup)
        {
            throw new UnsupportedOperationException("not run");
        }
    }
}
