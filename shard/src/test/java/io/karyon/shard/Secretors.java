package io.karyon.shard;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.model.MatrixPhase;
import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A test model over a static matrix (no decay, no diffusion: its parts own whole segments, not ranges): each cell
 * reads the matrix at its site and a few far sites, folds what it saw into its state, and deposits onto sites
 * anywhere, so its state depends on every other cell's deposits of the previous tick. The driver deposits too
 * before the first tick, on every shard alike. The matrix's digest is taken at the end of each run.
 */
final class Secretors implements Model
{
    private static final CellLayout LAYOUT = CellLayout.builder()
        .longField("site")
        .doubleField("sum")
        .build();
    private static final int SITE = LAYOUT.offset("site");
    private static final int SUM = LAYOUT.offset("sum");

    final Queue<Long> digests = new ConcurrentLinkedQueue<>();

    public String name()
    {
        return "secretors";
    }

    public String description()
    {
        return "cells reading and depositing anywhere on a static matrix";
    }

    public List<Parameter> parameters()
    {
        return List.of();
    }

    public void setUp(final Setup setup)
    {
        final Matrix matrix = setup.closeAtEnd(Matrix.create(new MatrixConfiguration().grid(37, 23).substances(2)));
        setup.closeAtEnd(() -> digests.add(matrix.digest()));  // closed first: before the matrix
        setup.context().tickPhase(MatrixPhase.of(matrix));
        final Organism organism = setup.organism();
        matrix.writers(organism.workerCount());
        matrix.writer(0).deposit(5, 1, 3.25, -1);
        matrix.writer(0).deposit(800, 0, 1.5, -1);
        organism.registerBehaviour("secretor", new Secretor(matrix));
        final Genotype genotype = organism.genotype("secretor", LAYOUT, "secretor");
        for (long i = 0; i < setup.cells(); i++)
        {
            organism.cell(organism.spawn(genotype)).putLong(SITE, (i * 7919L) % matrix.sites());
        }
    }

    /**
     * Reads its site and a far one, deposits on a random site anywhere and on its own.
     */
    private static final class Secretor implements Behaviour
    {
        private final Matrix matrix;

        Secretor(final Matrix matrix)
        {
            this.matrix = matrix;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long site = cell.getLong(SITE);
            final long far = (site + matrix.sites() / 2) % matrix.sites();
            final double seen = matrix.read(site, 0) + 0.5 * matrix.read(site, 1) + 0.25 * matrix.read(far, 0);
            cell.putDouble(SUM, cell.getDouble(SUM) * 0.9 + seen);
            final long target = Math.floorMod(context.nextLong(), matrix.sites());
            matrix.writer(context.worker()).deposit(target, 0, 1.0 + context.nextDouble(), context.self());
            matrix.writer(context.worker()).deposit(site, 1, 1.0 - seen * 0.01, context.self());
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }
}
