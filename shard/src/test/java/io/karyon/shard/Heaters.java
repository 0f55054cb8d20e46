package io.karyon.shard;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.matrix.MatrixWriter;
import io.karyon.model.MatrixPhase;
import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A test model whose cells are placed by position: heaters fixed on the sites of a 2-D grid of heat (decay and
 * diffusion), each on its worker's part of the grid (at its first tick a heater takes a site of the range of sites
 * that its worker's part runs, drawn from its random stream), reading the heat at its site and the rows above and
 * below, and depositing heat on its site and the row above when it is cold. So every read and deposit lies within one
 * row of its part's range: the model can declare {@code MatrixPhase.of(matrix).reach(1)}, and a sharded run then
 * ships only the halos. A run of N workers in all gives the same bits for any split of N into shards, with or
 * without the reach. With {@code stray}, each heater also reads a site half the grid away (beyond any part's reach).
 * <p>
 * At the end of each run the digest of every part's range this process holds ({@code long[] {part, digest}}) goes
 * to {@link #digests}.
 */
final class Heaters implements Model
{
    static final int NX = 40;
    static final int NY = 30;
    private static final CellLayout LAYOUT = CellLayout.builder()
        .longField("site")
        .doubleField("seen")
        .build();
    private static final int SITE = LAYOUT.offset("site");
    private static final int SEEN = LAYOUT.offset("seen");

    final Queue<long[]> digests = new ConcurrentLinkedQueue<>();
    private final int reach;
    private final boolean stray;
    private final int nx;
    private final int ny;

    /**
     * @param reach declared, or -1 for none (every shard holds every site).
     * @param stray whether heaters also read far beyond their part.
     * @param nx    sites along a row.
     * @param ny    rows.
     */
    Heaters(final int reach, final boolean stray, final int nx, final int ny)
    {
        this.reach = reach;
        this.stray = stray;
        this.nx = nx;
        this.ny = ny;
    }

    Heaters(final int reach, final boolean stray)
    {
        this(reach, stray, NX, NY);
    }

    public String name()
    {
        return "heaters";
    }

    public String description()
    {
        return "heaters fixed on their part's sites of a diffusing grid";
    }

    public List<Parameter> parameters()
    {
        return List.of();
    }

    public void setUp(final Setup setup)
    {
        final Matrix matrix = setup.closeAtEnd(Matrix.create(new MatrixConfiguration().grid(nx, ny).substances(1)
            .decayRate(0, 0.02).diffusionRate(0, 0.2)));
        final MatrixPhase phase = MatrixPhase.of(matrix);
        if (reach >= 0)
        {
            phase.reach(reach);
        }
        setup.context().tickPhase(phase);
        final Organism organism = setup.organism();
        final MatrixWriter[] writers = matrix.writers(organism.workerCount());
        final int parts = organism.workerCount();
        setup.closeAtEnd(() -> digestHeldParts(matrix, parts));  // closed first: before the matrix
        writers[0].deposit(matrix.sites() / 2, 0, 50.0, -1);  // the driver's, on every shard alike
        organism.registerBehaviour("heater", new Heater(matrix, writers, stray));
        final Genotype genotype = organism.genotype("heater", LAYOUT, "heater");
        genotype.putLong(SITE, -1);
        for (long i = 0; i < setup.cells(); i++)
        {
            organism.spawn(genotype);
        }
    }

    private void digestHeldParts(final Matrix matrix, final int parts)
    {
        for (int p = 0; p < parts; p++)
        {
            final long first = matrix.firstSite(p);
            final long end = matrix.firstSite(p + 1);
            if (matrix.holds(first) && matrix.holds(end - 1))
            {
                digests.add(new long[] { p, matrix.digest(first, end) });
            }
        }
    }

    /**
     * A heater: keeps its site, reads around it, deposits when cold.
     */
    private static final class Heater implements Behaviour
    {
        private final Matrix matrix;
        private final MatrixWriter[] writers;
        private final boolean stray;
        private final long sites;
        private final long nx;

        Heater(final Matrix matrix, final MatrixWriter[] writers, final boolean stray)
        {
            this.matrix = matrix;
            this.writers = writers;
            this.stray = stray;
            this.sites = matrix.sites();
            this.nx = matrix.extent(0);
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            long site = cell.getLong(SITE);
            if (site < 0)
            {
                final long first = matrix.firstSite(context.worker());
                site = first + Math.floorMod(context.nextLong(), matrix.firstSite(context.worker() + 1) - first);
                cell.putLong(SITE, site);
            }
            double seen = matrix.read(site, 0);
            if (site >= nx)
            {
                seen += 0.5 * matrix.read(site - nx, 0);
            }
            if (site + nx < sites)
            {
                seen += 0.25 * matrix.read(site + nx, 0);
            }
            if (stray)
            {
                seen += matrix.read((site + sites / 2) % sites, 0);
            }
            cell.putDouble(SEEN, cell.getDouble(SEEN) * 0.5 + seen);
            if (seen < 4.0)
            {
                final MatrixWriter writer = writers[context.worker()];
                writer.deposit(site, 0, 1.0 + context.nextDouble(), context.self());
                if (site + nx < sites)
                {
                    writer.deposit(site + nx, 0, 0.5, context.self());
                }
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }
}
