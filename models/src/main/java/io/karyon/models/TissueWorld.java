package io.karyon.models;

import io.karyon.engine.Cohort;
import io.karyon.engine.Context;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Supervisor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.matrix.MatrixWriter;
import io.karyon.model.MatrixPhase;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;

import static io.karyon.models.TissueState.BROADCASTER;
import static io.karyon.models.TissueState.CLAIM;
import static io.karyon.models.TissueState.ENERGY;
import static io.karyon.models.TissueState.NO_LINEAGE;
import static io.karyon.models.TissueState.NO_SITE;
import static io.karyon.models.TissueState.SOURCE_SITE;
import static io.karyon.models.TissueState.X0;
import static io.karyon.models.TissueState.X1;
import static io.karyon.models.TissueState.Y0;
import static io.karyon.models.TissueState.Y1;

/**
 * One run of {@link Tissue}: its matrix, behaviours, genotypes, supervisors and cohorts, and what the behaviours share
 * (the writers, the group, the ids). Set up on the driver; read by the workers' behaviours during ticks.
 * <p>
 * <b>Note:</b> its fields are written once, before the first tick, and only read afterwards.
 */
final class TissueWorld
{
    /** Substance: the nutrient the cells eat. */
    static final int NUTRIENT = 0;
    /** Substance: the signal stressed cells secrete. */
    static final int SIGNAL = 1;
    /** Substance: how many cells announced each site in the previous tick (see {@link Tissue}). */
    static final int OCCUPANCY = 2;
    /** Substances on each site. */
    static final int SUBSTANCES = 3;

    /** Behaviour of a placed tissue cell. */
    static final String CELL = "cell";
    /** Behaviour of a reborn cell looking for a site. */
    static final String STEM = "stem";
    /** Behaviour of a nutrient source. */
    static final String SOURCE = "source";
    /** The group that receives the growth factor. */
    static final String GROUP = "growth";

    /** Message to a daughter: payload = site << 32 | lineage. */
    static final int PLACE = 1;
    /** Message to a daughter: payload = its energy's bits. */
    static final int ENDOW = 2;
    /** Message to a daughter: payload = its trait's bits. */
    static final int TRAIT = 3;
    /** Broadcast to the group: the growth factor. */
    static final int GROWTH = 4;

    /** Smallest trait a mutation can reach. */
    static final double MIN_TRAIT = 0.01;
    /** Largest trait a mutation can reach. */
    static final double MAX_TRAIT = 100.0;

    final TissueSettings settings;
    final TissueLattice lattice;
    final Matrix matrix;
    final double nutrientKeep;
    final double nutrientDiffusion;
    MatrixWriter[] writers;
    short cellId;
    short stemId;
    short sourceId;
    int group;
    Genotype daughter;
    Cohort[] founders;
    Cohort sources;

    private TissueWorld(final TissueSettings settings, final Matrix matrix)
    {
        this.settings = settings;
        this.lattice = settings.lattice;
        this.matrix = matrix;
        this.nutrientKeep = 1.0 - settings.decay;
        this.nutrientDiffusion = settings.diffusion;
    }

    /**
     * The run's matrix: nutrient and signal decay and diffuse; occupancy forgets everything each tick (decay 1), so
     * it holds exactly what the cells announced in the previous one.
     *
     * @param settings of the run.
     * @return a matrix in memory.
     */
    static Matrix matrix(final TissueSettings settings)
    {
        final int side = settings.lattice.side();
        return Matrix.create(new MatrixConfiguration()
            .grid(side, side)
            .substances(SUBSTANCES)
            .decayRate(NUTRIENT, settings.decay)
            .diffusionRate(NUTRIENT, settings.diffusion)
            .decayRate(SIGNAL, settings.signalDecay)
            .diffusionRate(SIGNAL, settings.signalDiffusion)
            .decayRate(OCCUPANCY, 1.0)
            // Nobody else reads the map's records: refresh them only at flush() (snapshots, close).
            .publishInterval(1024));
    }

    /**
     * What a run needs of the engine, before launch: slots as long as a cell's state (48 bytes, not the default 64),
     * a supervision home per supervisor, and the matrix's tick as the tick phase.
     *
     * @param context  of the run, not launched yet.
     * @param settings of the run.
     * @param matrix   from {@link #matrix(TissueSettings)}.
     */
    static void configure(final Context context, final TissueSettings settings, final Matrix matrix)
    {
        context.stateLength(TissueState.STATE_LENGTH)
            .supervisionHomes(settings.supervisors)
            .tickPhase(MatrixPhase.of(matrix));
    }

    /**
     * Sets a run up on a launched organism whose tick phase is the matrix's ({@link MatrixPhase}).
     *
     * @param settings of the run.
     * @param matrix   from {@link #matrix(TissueSettings)}.
     * @param organism launched, with no ticks run.
     * @return the world.
     */
    static TissueWorld build(final TissueSettings settings, final Matrix matrix, final Organism organism)
    {
        final TissueWorld world = new TissueWorld(settings, matrix);
        world.writers = matrix.writers(organism.workerCount());
        world.cellId = organism.registerBehaviour(CELL, new TissueCell(world));
        world.stemId = organism.registerBehaviour(STEM, new TissueStem(world));
        world.sourceId = organism.registerBehaviour(SOURCE, new TissueSource(world));
        world.group = organism.groups().id(GROUP);
        final Genotype founder = identity(organism.genotype("founder", TissueState.CELL, STEM), settings);
        founder.putDouble(ENERGY, settings.initialEnergy);
        world.daughter = identity(organism.genotype("daughter", TissueState.CELL, CELL), settings);
        world.populate(organism, founder);
        return world;
    }

    private static Genotype identity(final Genotype genotype, final TissueSettings settings)
    {
        genotype.putInt(TissueState.SITE, NO_SITE)
            .putInt(TissueState.LINEAGE, NO_LINEAGE)
            .putDouble(TissueState.TRAIT, 1.0)
            .putInt(CLAIM, NO_SITE)
            .putInt(TissueState.CHECK, TissueState.check(NO_SITE, NO_LINEAGE, 1.0));
        return genotype;
    }

    /**
     * The founders, a cohort per supervisor, each on a band of the lattice; then the sources.
     */
    private void populate(final Organism organism, final Genotype founder)
    {
        final TissueSettings s = settings;
        final short cell = cellId;
        founders = new Cohort[s.supervisors];
        for (int k = 0; k < s.supervisors; k++)
        {
            final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, s.restartIntensity, 1);
            final long first = s.firstFounder(k);
            founders[k] = organism.populate(founder, s.firstFounder(k + 1) - first, supervisor, RestartType.TRANSIENT,
                (index, c, random) -> placeFounder(c, cell, first + index));
        }
        final int n = s.sourcesPerAxis;
        final Genotype source = organism.genotype("source", TissueState.SOURCE, SOURCE);
        sources = organism.populate(source, (long)n * n, (index, c, random) -> placeSource(c, (int)index, n));
    }

    private void placeFounder(final CellFlyweight cell, final short behaviour, final long index)
    {
        cell.behaviourId(behaviour);
        TissueState.identity(cell, lattice.founderSite(index, settings.cells), (int)index, 1.0);
    }

    private void placeSource(final CellFlyweight cell, final int index, final int n)
    {
        final int bx = index % n;
        final int by = index / n;
        final int x0 = lattice.blockStart(bx, n);
        final int x1 = lattice.blockStart(bx + 1, n);
        final int y0 = lattice.blockStart(by, n);
        final int y1 = lattice.blockStart(by + 1, n);
        cell.putInt(X0, x0).putInt(X1, x1).putInt(Y0, y0).putInt(Y1, y1);
        cell.putInt(SOURCE_SITE, (x0 + x1) / 2 + lattice.side() * ((y0 + y1) / 2));
        cell.putByte(BROADCASTER, (byte)(0 == index ? 1 : 0));
    }

    /**
     * The nutrient a site will hold after this tick's decay and diffusion, before deposits: computed from the values
     * of the tick's start exactly as the matrix computes it (same terms, same order), so a cell that takes at most
     * this much never drives its site below zero.
     *
     * @param site 0 to sites - 1.
     * @return the nutrient, >= 0.
     */
    double available(final int site)
    {
        final Matrix m = matrix;
        final int side = lattice.side();
        final double c = m.read(site, NUTRIENT);
        final int x = site % side;
        double flow = 0.0;
        if (x > 0)
        {
            flow += m.read(site - 1, NUTRIENT) - c;
        }
        if (x < side - 1)
        {
            flow += m.read(site + 1, NUTRIENT) - c;
        }
        if (site >= side)
        {
            flow += m.read(site - side, NUTRIENT) - c;
        }
        if (site + side < lattice.sites())
        {
            flow += m.read(site + side, NUTRIENT) - c;
        }
        return Math.max(0.0, nutrientKeep * (c + nutrientDiffusion * flow));
    }

    /**
     * Energy a cell burns per tick: half fixed, half in proportion to its trait, so that a larger uptake costs.
     *
     * @param trait of the cell.
     * @return the upkeep.
     */
    double upkeep(final double trait)
    {
        return settings.upkeep * (0.5 + 0.5 * trait);
    }

    /**
     * A mutated trait: multiplied by a factor uniform in [1 - size, 1 + size], kept within
     * [{@link #MIN_TRAIT}, {@link #MAX_TRAIT}].
     *
     * @param trait  the mother's.
     * @param random uniform in [0, 1).
     * @return the daughter's.
     */
    double mutate(final double trait, final double random)
    {
        final double mutated = trait * (1.0 + settings.mutationSize * (2.0 * random - 1.0));
        return Math.max(MIN_TRAIT, Math.min(MAX_TRAIT, mutated));
    }

    /**
     * Nutrient the sources deposited in a tick: the initial nutrient over every site at tick 0, and each source's
     * rate every tick.
     *
     * @param tick the tick; -1 (before the first) for none.
     * @return the amount.
     */
    double supplied(final long tick)
    {
        if (tick < 0)
        {
            return 0.0;
        }
        return 0 == tick ? settings.suppliedAtStart() : settings.sourceRate * settings.sources();
    }
}
