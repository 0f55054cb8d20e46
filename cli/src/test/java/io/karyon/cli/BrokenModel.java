package io.karyon.cli;

import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;

import java.util.List;

/**
 * A test model that fails while being set up.
 */
public class BrokenModel implements Model
{
    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "broken";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "Fails in set-up";
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
        throw new IllegalStateException("no nutrient source: the broken model fails on purpose");
    }
}
