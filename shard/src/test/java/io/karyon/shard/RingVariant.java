package io.karyon.shard;

import io.karyon.engine.MemoryEstimate;
import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;
import io.karyon.models.Ring;

import java.util.List;

/**
 * The ring model with something a test adds to its set-up (a column, a summary value, a stop condition), under a name
 * of its own.
 */
abstract class RingVariant implements Model
{
    private final Ring ring = new Ring();
    private final String name;
    private final String description;

    RingVariant(final String name, final String description)
    {
        this.name = name;
        this.description = description;
    }

    public String name()
    {
        return name;
    }

    public String description()
    {
        return description;
    }

    public List<Parameter> parameters()
    {
        return ring.parameters();
    }

    public void estimateMemory(final Parameters parameters, final long cells, final MemoryEstimate estimate)
    {
        ring.estimateMemory(parameters, cells, estimate);
    }

    public final void setUp(final Setup setup)
    {
        ring.setUp(setup);
        addTo(setup);
    }

    /**
     * What the test adds, once the ring is set up.
     *
     * @param setup the ring's.
     */
    abstract void addTo(Setup setup);
}
