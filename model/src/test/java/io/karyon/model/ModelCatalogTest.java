package io.karyon.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCatalogTest
{
    @Test
    void shouldFindTheModelsAClassLoaderLists()
    {
        final ModelCatalog catalog = ModelCatalog.load(getClass().getClassLoader());
        assertTrue(catalog.find("walkers") instanceof Walkers);
        assertEquals(List.of("walkers"), catalog.models().stream().map(Model::name).toList());
    }

    @Test
    void shouldNameTheKnownModelsForAnUnknownOne()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ModelCatalog.load(getClass().getClassLoader()).find("sir"));
        assertEquals("unknown model sir; known: walkers", ex.getMessage());
    }

    @Test
    void shouldRefuseTwoModelsOfOneName()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ModelCatalog.of(List.of(new Walkers(), new Walkers())));
        assertEquals("two models named walkers: io.karyon.model.Walkers and io.karyon.model.Walkers",
            ex.getMessage());
    }

    @Test
    void shouldSortByName()
    {
        final Walkers walkers = new Walkers();
        final Model alpha = new Model()
        {
            public String name()
            {
                return "alpha";
            }

            public String description()
            {
                return "a";
            }

            public List<Parameter> parameters()
            {
                return List.of();
            }

            public void setUp(final Setup setup)
            {
            }
        };
        assertEquals(List.of(alpha, walkers), ModelCatalog.of(List.of(walkers, alpha)).models());
        assertEquals("unknown model x; known: alpha, walkers",
            assertThrows(IllegalArgumentException.class, () -> ModelCatalog.of(List.of(walkers, alpha)).find("x"))
                .getMessage());
    }
}
