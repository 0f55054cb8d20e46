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
 * A test model whose cell {@code cell} never returns from its tick step at tick {@code at} (it spins until a test
 * sets {@link #released}), for the watchdog. Listed in the tests' {@code META-INF/services/io.karyon.model.Model}.
 */
public class StuckModel implements Model
{
    /** Lets the stuck cell return, so that the abandoned worker ends; tests set it when done. */
    static volatile boolean released;

    static final CellLayout LAYOUT = CellLayout.builder().longField("ticks").longField("stuck").build();

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "stuck";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "One cell never returns from its tick step";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return List.of(
            Parameter.integer("cell", 7, 0, Integer.MAX_VALUE, "index of the cell that gets stuck"),
            Parameter.integer("at", 3, 0, Integer.MAX_VALUE, "tick at which it gets stuck"));
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
        return 10;
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        final long at = setup.parameters().integer("at");
        final long stuckCell = setup.parameters().integer("cell");
        final int ticks = LAYOUT.offset("ticks");
        final int stuck = LAYOUT.offset("stuck");
        final Organism organism = setup.organism();
        organism.registerBehaviour("spin", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                final long tick = cell.getLong(ticks);
                cell.putLong(ticks, tick + 1);
                if (tick == at && 1 == cell.getLong(stuck))
                {
                    while (!released)
                    {
                        Thread.onSpinWait();
                    }
                }
            }

            public void onMessage(
                final CellFlyweight cell, final CellContext context, final long sender, final int type,
                final long payload)
            {
            }
        });
        final Genotype genotype = organism.genotype("spinner", LAYOUT, "spin");
        for (long i = 0; i < setup.cells(); i++)
        {
            final long handle = organism.spawn(genotype);
            if (i == stuckCell)
            {
                organism.cell(handle).putLong(stuck, 1);
            }
        }
        setup.observe().field("ticks", LAYOUT, "ticks");
    }
}
