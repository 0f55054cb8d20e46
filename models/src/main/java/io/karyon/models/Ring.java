package io.karyon.models;

import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;

import java.util.List;

/**
 * The engine's old demonstration: cells on a ring passing energy to a neighbour, optionally supervised. (Skeleton: filled in on branch models.)
 */
public final class Ring implements Model
{
    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "ring";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "The engine's old demonstration: cells on a ring passing energy to a neighbour, optionally supervised.";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return List.of();
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        throw new UnsupportedOperationException("ring: not yet implemented");
    }
}
