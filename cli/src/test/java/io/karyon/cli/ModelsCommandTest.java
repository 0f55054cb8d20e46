package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsCommandTest
{
    @Test
    void shouldListEachModelWithItsParameters()
    {
        final CommandRun run = CommandRun.karyon("models");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertEquals("", run.err());
        final List<String> lines = run.out().lines().toList();
        assertTrue(lines.contains("tiny: Cells that count (default 100 cells, 5 ticks)"), run.out());
        assertTrue(lines.contains("broken: Fails in set-up (default 1,000,000 cells, 200 ticks)"), run.out());
        final int tiny = lines.indexOf("tiny: Cells that count (default 100 cells, 5 ticks)");
        assertEquals(List.of(
            "  step  integer  1        an integer in [1, 100]  added to each count every tick",
            "  rate  number   0.5      a number in [0, 1]      a probability, unused",
            "  mode  text     \"plain\"  one of [plain, fancy]   how to count",
            "  loud  boolean  false    true or false           a switch, unused"),
            lines.subList(tiny + 1, tiny + 5));
    }

    @Test
    void shouldListModelsSortedByNameAsOneJsonObject()
    {
        final CommandRun run = CommandRun.karyon("models", "--json");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        final JsonNode models = run.json().get("models");
        final List<String> names = new ArrayList<>();
        models.forEach((m) -> names.add(m.get("name").textValue()));
        assertEquals(List.of("broken", "supervised", "tiny"), names);

        final JsonNode tiny = models.get(2);
        assertEquals("Cells that count", tiny.get("description").textValue());
        assertEquals(100, tiny.get("default_cells").longValue());
        assertEquals(5, tiny.get("default_ticks").longValue());
        final JsonNode parameters = tiny.get("parameters");
        assertEquals(4, parameters.size());

        final JsonNode step = parameters.get(0);
        assertEquals("step", step.get("name").textValue());
        assertEquals("integer", step.get("type").textValue());
        assertTrue(step.get("default").isIntegralNumber());
        assertEquals(1, step.get("default").longValue());
        assertEquals(1, step.get("min").longValue());
        assertEquals(100, step.get("max").longValue());
        assertEquals("an integer in [1, 100]", step.get("expected").textValue());
        assertEquals("added to each count every tick", step.get("doc").textValue());
        assertFalse(step.get("fixed").booleanValue());
        assertNull(step.get("choices"));

        final JsonNode rate = parameters.get(1);
        assertEquals("number", rate.get("type").textValue());
        assertEquals(0.5, rate.get("default").doubleValue());
        assertEquals(0.0, rate.get("min").doubleValue());
        assertEquals(1.0, rate.get("max").doubleValue());

        final JsonNode mode = parameters.get(2);
        assertEquals("text", mode.get("type").textValue());
        assertEquals("plain", mode.get("default").textValue());
        assertEquals("[\"plain\",\"fancy\"]", mode.get("choices").toString());

        final JsonNode loud = parameters.get(3);
        assertEquals("boolean", loud.get("type").textValue());
        assertFalse(loud.get("default").booleanValue());
        assertNull(loud.get("min"));
        assertNull(loud.get("max"));
    }

    @Test
    void shouldLeaveOutBoundsThatAreNotThere()
    {
        final JsonNode period = CommandRun.karyon("models", "--json").json().get("models").get(1).get("parameters")
            .get(6);

        assertEquals("period", period.get("name").textValue());
        assertEquals(1, period.get("min").longValue());
        assertNull(period.get("max"), "Long.MAX_VALUE is no bound");
    }
}
