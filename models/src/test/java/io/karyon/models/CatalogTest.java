package io.karyon.models;

import io.karyon.model.ModelCatalog;
import io.karyon.model.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class CatalogTest
{
    @Test
    void shouldFindTheBuiltInModelsWithServiceLoader()
    {
        final ModelCatalog catalog = ModelCatalog.load(CatalogTest.class.getClassLoader());
        assertInstanceOf(Sir.class, catalog.find("sir"));
        assertInstanceOf(Ring.class, catalog.find("ring"));
        assertInstanceOf(Chaos.class, catalog.find("chaos"));
    }

    @Test
    void shouldDeclareChaossFaultsAsChoices()
    {
        final List<Parameter> parameters = new Chaos().parameters();
        assertEquals(List.of("fault", "at_tick", "every", "faulty"), parameters.stream().map(Parameter::name).toList());
        assertEquals(List.of("none", 5L, 0L, 1L), parameters.stream().map(Parameter::defaultValue).toList());
        assertEquals(List.of("none", "hang", "overrun", "throw", "flood", "explode", "corrupt"),
            parameters.get(0).choices());
    }

    @Test
    void shouldDeclareSirsParametersWithTheIssuesDefaults()
    {
        final List<Parameter> parameters = new Sir().parameters();
        assertEquals(List.of("contacts", "beta", "infectious_ticks", "initial_infected"),
            parameters.stream().map(Parameter::name).toList());
        assertEquals(List.of(10L, 0.03, 10L, 100L), parameters.stream().map(Parameter::defaultValue).toList());
        assertEquals(1_000_000, new Sir().defaultCells());
    }

    @Test
    void shouldDeclareRingsParametersAsTheOldRunFlags()
    {
        // The old flags, then refind (off, so the old runs are unchanged).
        assertEquals(List.of("supervisors", "fanout", "spread", "strategy", "intensity", "period", "restart",
            "refind"), new Ring().parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of(0L, 100L, false, "one_for_one", 100L, 10L, "permanent", false),
            new Ring().parameters().stream().map(Parameter::defaultValue).toList());
        assertEquals(500_000, new Ring().defaultCells());
        assertEquals(100, new Ring().defaultTicks());
    }
}
