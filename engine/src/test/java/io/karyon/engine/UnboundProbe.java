package io.karyon.engine;

import io.karyon.engine.sim.Tissue;

/**
 * Run in a child JVM by {@link UnboundFallbackTest}: an organism launched where the memory-binding library is absent.
 */
final class UnboundProbe
{
    private UnboundProbe()
    {
    }

    public static void main(final String[] args)
    {
        final StringBuilder warnings = new StringBuilder();
        try (Organism organism = Organism.launch(new Context().workerCount(2).idleStrategy("backoff").seed(5)
            .warnings((warning) -> warnings.append(warning).append('|'))))
        {
            Tissue.seed(organism, 70_000);
            organism.run(5);
            System.out.println("warnings=" + warnings + " hugePages=" + organism.arena().hugePages() +
                " alive=" + organism.stats().alive() + " digest=" + Long.toHexString(organism.digest()));
        }
    }
}
