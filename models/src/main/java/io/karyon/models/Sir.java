package io.karyon.models;

import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;

import java.util.List;

/**
 * An SIR epidemic on a random contact network. (Skeleton: filled in on branch models.)
 */
public final class Sir implements Model
{
    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "sir";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "An SIR epidemic on a random contact network.";
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
        throw new UnsupportedOperationException("sir: not yet implemented");
    }
}
