package io.karyon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon run} refusing bad input before anything runs: one line on stderr, exit 2, nothing on stdout.
 */
class RunModelInputTest
{
    @TempDir
    Path dir;

    private static void assertRefused(final CommandRun run, final String line)
    {
        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertEquals(line, run.err().strip());
        assertEquals(1, run.err().lines().count(), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tiny --set step=abc|karyon run: --set step=abc: step: expected an integer in [1, 100], got \"abc\"",
        "tiny --set step=0|karyon run: --set step=0: step: expected an integer in [1, 100], got 0",
        "tiny --set rate=1.5|karyon run: --set rate=1.5: rate: expected a number in [0, 1], got 1.5",
        "tiny --set mode=odd|karyon run: --set mode=odd: mode: expected one of [plain, fancy], got \"odd\"",
        "tiny --set loud=yes|karyon run: --set loud=yes: loud: expected true or false, got \"yes\"",
        "tiny --set gamma=1|karyon run: --set gamma=1: the model tiny has no parameter gamma; it has step, rate, " +
            "mode, loud",
        "tiny --set step|karyon run: Invalid value for option '--set': expected NAME=VALUE, was 'step' (see --help)",
        "tiny --set =1|karyon run: Invalid value for option '--set': expected NAME=VALUE, was '=1' (see --help)",
        "tiny --supervisors 3|karyon run: --supervisors: sets the ring model's supervisors; the model tiny is not " +
            "the ring (karyon run ring --supervisors, or --set NAME=VALUE for this model's parameters)",
        "supervised --spread|karyon run: --spread: sets the ring model's spread; the model supervised is not the " +
            "ring (karyon run ring --spread, or --set NAME=VALUE for this model's parameters)",
        "--supervisors 1000|karyon run: --supervisors: sets the ring model's supervisors; the model tissue is not " +
            "the ring (karyon run ring --supervisors, or --set NAME=VALUE for this model's parameters)",
        "ring --strategy odd|karyon run: --strategy: strategy: expected one of [one_for_one, one_for_all, " +
            "rest_for_one], got \"odd\"",
        "tiny --every 0|karyon run: Invalid value for option '--every': must be in 1..2147483647, was '0' " +
            "(see --help)",
        "tiny --snapshot-every -1|karyon run: Invalid value for option '--snapshot-every': must be in " +
            "0..2147483647, was '-1' (see --help)",
        "tiny --cells 0|karyon run: Invalid value for option '--cells': must be in 1..2147483647, was '0' " +
            "(see --help)" })
    void shouldRefuseBadInputWithOneLine(final String args, final String line)
    {
        assertRefused(CommandRun.karyon(("run " + args).split(" ")), line);
    }

    /**
     * Every model's name, as an unknown model's error lists them: the tests' and, once the command depends on them,
     * the built-in ones.
     */
    private static String known()
    {
        final List<String> names = new ArrayList<>();
        ModelDiscovery.catalog(null, null).models().forEach((m) -> names.add(m.name()));
        return String.join(", ", names);
    }

    /**
     * A built-in model refusing parameters that do not fit one another or the cells: bad input, not a failure.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ring --cells 5 --supervisors 6|karyon run: model ring: supervisors: expected an integer in [0, 5] (at " +
            "most the number of cells), got 6",
        "sir --cells 100 --set initial_infected=101|karyon run: model sir: initial_infected: expected an integer " +
            "in [1, 100] (at most the number of people), got 101",
        "tissue --cells 100 --set lattice=5|karyon run: model tissue: lattice: a side of 5 gives 25 sites, fewer " +
            "than the 100 founders (cells); at most one cell lives on a site" })
    void shouldRefuseParametersABuiltInModelFindsDoNotFitWithOneLine(final String args, final String line)
    {
        assertRefused(CommandRun.karyon(("run " + args + " --quiet --workers 1").split(" ")), line);
    }

    @Test
    void shouldNameAnUnknownModelAndTheKnownOnes()
    {
        assertRefused(CommandRun.karyon("run", "nope"),
            "karyon run: unknown model nope; known: " + known() + " (karyon models lists them)");
    }

    @Test
    void shouldNameTheScenarioFileLineAndKey() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("scenario.toml"),
            "model = \"tiny\"\n\n[parameters]\nrate = \"abc\"\n");

        assertRefused(CommandRun.karyon("run", file.toString()),
            "karyon run: " + file + ":4: rate: expected a number in [0, 1], got \"abc\"");
    }

    @Test
    void shouldNameAnUnknownModelInTheScenarioFile() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("s.toml"), "# an old file\nmodel = \"sri\"\n");

        assertRefused(CommandRun.karyon("run", file.toString()),
            "karyon run: " + file + ":2: model: unknown model sri; known: " + known());
    }

    @Test
    void shouldNameAnUnknownParameterOfTheFilesModel() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("s.toml"), "model = \"tiny\"\nparameters.beta = 0.1\n");

        assertRefused(CommandRun.karyon("run", file.toString()),
            "karyon run: " + file + ":2: beta: no such parameter; the model tiny has step, rate, mode, loud");
    }

    @Test
    void shouldNameMalformedToml() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("s.toml"), "model = \"tiny\"\n[run\ncells = 5\n");

        assertRefused(CommandRun.karyon("run", file.toString()),
            "karyon run: " + file + ":2: malformed TOML: Newline not permitted here");
    }

    @Test
    void shouldNameAScenarioFileThatCannotBeRead()
    {
        final Path missing = dir.resolve("missing.toml");

        final CommandRun run = CommandRun.karyon("run", missing.toString());

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("karyon run: " + missing + ":1: cannot read the file: "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void shouldCheckTheFileBeforeTheFlagsParameters() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("s.toml"), "model = \"tiny\"\n[run]\ncells = 0\n");

        assertRefused(CommandRun.karyon("run", file.toString(), "--cells", "5"),
            "karyon run: " + file + ":3: run.cells: expected an integer in [1, 2147483647], got 0");
    }
}
