package io.karyon.cli;

/**
 * A test model listed in no service file of the tests: only a jar built by a test (ModelDiscoveryTest) lists it, so
 * it is found only through {@code --classpath}.
 */
public class JarredModel extends TinyModel
{
    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "jarred";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "Found through --classpath";
    }
}
