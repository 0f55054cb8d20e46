package io.karyon.cli;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;

import java.util.List;

/**
 * A test model with one parameter of each kind: each cell adds {@code step} to its count every tick. Listed in the
 * tests' {@code META-INF/services/io.karyon.model.Model}.
 */
public class TinyModel implements Model
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("count").build();

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "tiny";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "Cells that count";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return List.of(
            Parameter.integer("step", 1, 1, 100, "added to each count every tick"),
            Parameter.number("rate", 0.5, 0, 1, "a probability, unused"),
            Parameter.text("mode", "plain", "how to count", "plain", "fancy"),
            Parameter.bool("loud", false, "a switch, unused"));
    }

    /**
     * {@inheritDoc}
     */
    public long defaultCells()
    {
        return 100;
    }

    /**
     * {@inheritDoc}
     */
    public long defaultTicks()
    {
        return 5;
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        final long step = setup.parameters().integer("step");
        final int count = LAYOUT.offset("count");
        final Organism organism = setup.organism();
        organism.registerBehaviour("count", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                cell.putLong(count, cell.getLong(count) + step);
            }

            public void onMessage(
                final CellFlyweight cell, final CellContext context, final long sender, final int type,
                final long payload)
            {
            }
        });
        final Genotype genotype = organism.genotype("counter", LAYOUT, "count");
        for (long i = 0; i < setup.cells(); i++)
        {
            organism.spawn(genotype);
        }
        setup.observe().field("count", LAYOUT, "count");
        setup.summary("step", () -> step);
    }
}
