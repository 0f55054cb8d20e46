package io.karyon.models;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class SirTest
{
    private static List<Long> handles(final Organism organism)
    {
        final List<Long> handles = new ArrayList<>();
        organism.survey((family, cell) ->
        {
            synchronized (handles)
            {
                handles.add(cell.handle());
            }
        });
        return handles;
    }

    @Test
    void shouldGiveEveryPersonTheirNumberOfDistinctContactsAmongTheOthers()
    {
        try (DirectSetup setup = new DirectSetup(new Sir(), Map.of("contacts", 7L), 3_000, 5, 2))
        {
            new Sir().setUp(setup);
            final Organism organism = setup.organism();
            final List<Long> people = handles(organism);
            assertEquals(3_000, people.size());
            final Set<Long> everyone = new HashSet<>(people);
            long inTotal = 0;
            for (final long person : people)
            {
                assertEquals(7, organism.edgeCount(person));
                final Set<Long> contacts = new HashSet<>();
                for (int i = 0; i < 7; i++)
                {
                    final long contact = organism.edge(person, i);
                    assertNotEquals(person, contact, "nobody is their own contact");
                    assertTrue(everyone.contains(contact), "a contact is a person");
                    assertTrue(contacts.add(contact), "no contact twice: " + person);
                    inTotal++;
                }
            }
            assertEquals(7L * 3_000, inTotal);
        }
    }

    @Test
    void shouldDrawTheSameNetworkAndInitialCasesForAnyNumberOfWorkers()
    {
        final List<String> networks = new ArrayList<>();
        for (final int workers : new int[]{ 1, 3 })
        {
            try (DirectSetup setup = new DirectSetup(new Sir(), Map.of("initial_infected", 17L), 2_000, 9, workers))
            {
                new Sir().setUp(setup);
                final Organism organism = setup.organism();
                final short infectious = organism.behaviourId(Sir.INFECTIOUS);
                assertEquals(17, organism.countOf(infectious));
                assertEquals(2_000 - 17, organism.countOf(organism.behaviourId(Sir.SUSCEPTIBLE)));
                final StringBuilder network = new StringBuilder();
                for (final long person : new TreeSet<>(handles(organism)))
                {
                    network.append(person).append(organism.cell(person).behaviourId() == infectious ? '*' : ':');
                    for (int i = 0; i < organism.edgeCount(person); i++)
                    {
                        network.append(organism.edge(person, i)).append(',');
                    }
                    network.append('\n');
                }
                networks.add(network.toString());
            }
        }
        assertEquals(networks.get(0), networks.get(1));
    }

    @Test
    void shouldRecoverTheInitialCasesAfterTheirInfectiousTicksWhenNobodyTransmits()
    {
        try (DirectSetup setup = new DirectSetup(
            new Sir(), Map.of("beta", 0.0, "infectious_ticks", 4L, "initial_infected", 30L), 1_000, 3, 2))
        {
            new Sir().setUp(setup);
            final Organism organism = setup.organism();
            final short infectious = organism.behaviourId(Sir.INFECTIOUS);
            final short recovered = organism.behaviourId(Sir.RECOVERED);
            for (int tick = 0; tick < 3; tick++)
            {
                organism.tick();
                assertEquals(30, organism.countOf(infectious), "tick " + tick);
                assertFalse(setup.stop.shouldStop(organism, tick), "tick " + tick);
            }
            organism.tick();
            assertEquals(0, organism.countOf(infectious));
            assertEquals(30, organism.countOf(recovered));
            assertTrue(setup.stop.shouldStop(organism, 3));
            assertEquals(0.03, setup.summary.get("attack_rate").getAsDouble(), 1e-12);
            assertEquals(30, setup.summary.get("peak_infected").getAsDouble());
            assertEquals(0, setup.summary.get("peak_tick").getAsDouble());
        }
    }

    @Test
    void shouldNotStopWhileInfectionsAreOnTheirWay()
    {
        // One tick of infectiousness: every case recovers in the tick it infects, so I is 0 after every tick; the
        // run goes on while the infections sent in that tick are still to arrive.
        try (DirectSetup setup = new DirectSetup(
            new Sir(), Map.of("beta", 1.0, "infectious_ticks", 1L, "initial_infected", 1L, "contacts", 3L),
            5_000, 11, 2))
        {
            new Sir().setUp(setup);
            final long ticks = setup.run(1_000);
            final double attack = setup.summary.get("attack_rate").getAsDouble();
            assertTrue(ticks > 3, "ran " + ticks + " ticks");
            assertTrue(attack > 0.5, "attack rate " + attack + " after " + ticks + " ticks");
            assertEquals(0, setup.organism().countOf(setup.organism().behaviourId(Sir.INFECTIOUS)));
        }
    }

    @Test
    void shouldChooseDistinctInitialCasesFromTheSeed()
    {
        final BitSet chosen = Sir.choose(42, 1_000, 100);
        assertEquals(100, chosen.cardinality());
        assertTrue(chosen.length() <= 1_000);
        assertEquals(chosen, Sir.choose(42, 1_000, 100));
        assertNotEquals(chosen, Sir.choose(43, 1_000, 100));
        assertEquals(1_000, Sir.choose(7, 1_000, 1_000).cardinality());
    }

    @Test
    void shouldSolveTheFinalSizeEquation()
    {
        final double z = Sir.theoreticalAttackRate(10, 0.03, 10, 0.0);
        final double r0 = 10 * (1 - Math.pow(0.97, 10));
        assertEquals(2.6258, r0, 1e-4);
        assertEquals(1 - Math.exp(-r0 * z), z, 1e-12);
        assertEquals(0.9078, z, 1e-4);
        assertEquals(0.0, Sir.theoreticalAttackRate(10, 0.005, 10, 0.0), 1e-9, "below threshold: no outbreak");
        assertEquals(1.0, Sir.theoreticalAttackRate(10, 0.03, 10, 1.0), 1e-12, "everyone infected at the start");
        final double seeded = Sir.theoreticalAttackRate(10, 0.03, 10, 1e-4);
        assertTrue(seeded > z && seeded < z + 1e-4, seeded + " vs " + z);
        final double small = Sir.theoreticalAttackRate(5, 0.01, 10, 0.01);
        assertEquals(1 - 0.99 * Math.exp(-5 * (1 - Math.pow(0.99, 10)) * small), small, 1e-12);
    }

    @Test
    void shouldGiveTheSameDigestAndTimeSeriesForOneTwoAndThreeWorkers(@TempDir final Path dir) throws IOException
    {
        long digest = 0;
        byte[] series = null;
        List<Object> epidemic = null;
        for (final int workers : new int[]{ 1, 2, 3 })
        {
            final Path out = dir.resolve("w" + workers);
            final ModelRun.Result result = run(workers, 100_000).out(out).run();
            final byte[] csv = Files.readAllBytes(out.resolve("timeseries.csv"));
            assertTrue(new String(csv, 0, 40).startsWith("tick,S,I,R,"), new String(csv, 0, 40));
            assertTrue(((Number)result.summary().get("attack_rate")).doubleValue() > 0.8, result.summary()::toString);
            final List<Object> numbers = new ArrayList<>();
            for (final String field : new String[]{ "ticks", "attack_rate", "peak_infected", "peak_tick" })
            {
                numbers.add(result.summary().get(field));
            }
            if (null == series)
            {
                digest = result.digest();
                series = csv;
                epidemic = numbers;
            }
            assertEquals(digest, result.digest(), workers + " workers");
            assertEquals(epidemic, numbers, workers + " workers: ticks, attack_rate, peak_infected, peak_tick");
            assertArrayEquals(series, csv, workers + " workers: timeseries.csv");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "beta|1.5|beta: expected a number in [0, 1], got 1.5",
        "beta|abc|beta: expected a number in [0, 1], got \"abc\"",
        "beta|-0.1|beta: expected a number in [0, 1], got -0.1",
        "contacts|0|contacts: expected an integer in [1, 10000], got 0",
        "contacts|2.5|contacts: expected an integer in [1, 10000], got \"2.5\"",
        "infectious_ticks|0|infectious_ticks: expected an integer in [1, 1000000], got 0",
        "initial_infected|0|initial_infected: expected an integer in [1, 2147483647], got 0",
        "gamma|0.1|gamma: no such parameter" })
    void shouldRefuseBadParameters(final String name, final String value, final String message)
    {
        final ModelException ex = assertThrows(ModelException.class, () -> run(1, 1_000).set(name, value).run());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode(), ex.getMessage());
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "initial_infected|1001|1000|initial_infected: expected an integer in [1, 1000]",
        "contacts|10|10|cells: expected an integer in [contacts + 1 = 11," })
    void shouldRefuseParametersThatDoNotFitThePopulation(
        final String name, final String value, final long cells, final String message)
    {
        final ModelException ex = assertThrows(ModelException.class, () -> run(1, cells).set(name, value).run());
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
    }

    private static ModelRun.Builder run(final int workers, final long people)
    {
        return ModelRun.builder(new Sir())
            .cells(people)
            .seed(2026)
            .context(new Context().workerCount(workers).idleStrategy("backoff").pin(false))
            .progress(Progress.NONE);
    }
}
