package io.karyon.engine;

/**
 * Launches an organism in a JVM of its own and says so: {@link JvmFlagsTest} starts it without the JVM flags.
 */
final class LaunchProbe
{
    private LaunchProbe()
    {
    }

    public static void main(final String[] args)
    {
        try (Organism organism = Organism.launch(new Context().workerCount(1).idleStrategy("backoff").pin(false)))
        {
            System.out.println("launched " + organism.workerCount());
        }
    }
}
