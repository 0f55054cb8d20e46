package io.karyon.models;

import io.karyon.engine.MemoryEstimate;
import io.karyon.engine.Organism;
import io.karyon.matrix.Matrix;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;
import io.karyon.model.SurveyValue;

import java.util.List;
import java.util.Locale;

/**
 * {@code tissue}, the default model of {@code karyon run}: cells on a square lattice of matrix sites, fed by a
 * nutrient that diffuses from sources and decays. A cell eats the nutrient at its site and gains energy, pays an
 * upkeep, divides into a free neighbouring site when it has enough (the daughter inherits genotype, lineage and a
 * trait, which mutates with probability {@code mutation_rate}), starves below zero (a normal exit, not restarted),
 * secretes a signal while stressed, and joins a group when the signal around it reaches a quorum; the group receives
 * a growth factor (energy) by broadcast every {@code growth_factor_every} ticks. A mutation may corrupt the mother's
 * state; the integrity check ({@link io.karyon.engine.Behaviour#isIntact}) catches it before her next callback
 * (apoptosis, reason corrupt), and a founder is then reborn by her supervisor.
 *
 * <h2>The world</h2>
 * The lattice has {@code lattice x lattice} sites, or, with {@code lattice = 0}, the smallest square that holds the
 * founders ({@code --cells}) at {@code density}. Founder i of N sits on site {@code floor(i * sites / N)}. The matrix
 * holds three substances per site: the nutrient (decay {@code decay}, diffusion {@code diffusion}), the signal
 * ({@code signal_decay}, {@code signal_diffusion}) and the occupancy (below). Every matrix tick a value c becomes
 * {@code (1 - decay) * (c + diffusion * sum(c_n - c))} over the site's neighbours, then the previous tick's deposits
 * are added; no flux crosses the lattice's edges. Nutrient sources are cells of their own (behaviour {@code source}),
 * one at the centre of each {@code source_spacing}-wide block; each lays {@code initial_nutrient} on its block at
 * tick 0 and deposits {@code source_rate} at its site every tick.
 * <p>
 * A cell with trait T takes {@code min(uptake * T, A)}, where A is what its site will hold after this tick's decay and
 * diffusion (the cell computes it from the tick's start exactly as the matrix will, so no site goes below zero); it
 * burns {@code upkeep * (0.5 + 0.5 T)}: a larger uptake costs more upkeep, so which traits win depends on the
 * nutrient around them. A cell with at least {@code division_threshold} energy divides, halving it.
 *
 * <h2>Determinism for any number of workers</h2>
 * During a tick every cell reads the matrix as it was at the tick's start and deposits into its worker's writer; at
 * the next tick's start the deposits on each value are added in order of the depositor's handle, and decay and
 * diffusion are computed from one buffer into another over ranges that do not depend on the partition. Handles, the
 * cells' random streams (seed, slot, generation, tick), group membership (seen from the next tick) and broadcasts do
 * not depend on the workers either. So nothing a cell reads depends on another worker's progress in the same tick, and
 * the digest and every observation are the same for any number of workers.
 *
 * <h2>At most one cell per site</h2>
 * <ul>
 *   <li><b>Occupancy is announced, not booked.</b> Every placed cell deposits 1 on its site's occupancy every tick
 *   it lives through, and the substance decays completely (rate 1), so at the start of tick t it holds exactly
 *   what was announced in tick t - 1. A death frees its site from the next tick whatever killed the cell (starvation,
 *   the integrity check, a throw, a kill, a supervisor's shutdown), with no callback, monitor or bookkeeping:
 *   a dead cell simply stops announcing. A cell that dies after announcing in its tick (a kill between ticks) holds
 *   the site one tick longer; never shorter.</li>
 *   <li><b>Colours.</b> A site (x, y) has colour {@code (x + 2y) mod 5}; a site's closed neighbourhood holds each
 *   colour at most once. In tick t only cells whose site has colour {@code t mod 5} may divide, and only into a
 *   neighbour whose occupancy reads 0, announcing it for the daughter in the same tick. A free site has at most one
 *   neighbour of the dividing colour, so at most one division claims it, whichever workers run the neighbours. No
 *   cell divides in tick 0, before the first announcements.</li>
 *   <li><b>Reborn cells.</b> A restart starts a cell from its genotype, which knows no site: a reborn founder is a
 *   {@code stem} cell that settles on a free site of the tick's colour (which no division can claim in that tick) by
 *   a claim it confirms in the next tick; colliding claims all withdraw (see {@link TissueStem}). So a reborn cell
 *   keeps nothing of its predecessor: not its site, not its lineage, not its trait.</li>
 * </ul>
 * So at any time there is at most one placed cell per site, and the population never exceeds the sites.
 *
 * <h2>Nutrient balance</h2>
 * Diffusion only moves nutrient between neighbours (what leaves one site enters the other, and nothing crosses an
 * edge), so with {@code N[t]} the total the cells saw in tick t, {@code S[t]} what the sources deposited and
 * {@code C[t]} what the cells ate in it: {@code N[t + 1] = (1 - decay) N[t] + S[t] - C[t]}, up to rounding. The
 * time series has all of them: a row written after r ticks holds, for the last tick run, the total its cells saw
 * ({@code nutrient}), what the sources gave ({@code supplied}) and what the cells ate ({@code consumed}); so, observing
 * every tick, {@code nutrient[r + 1] = (1 - decay) nutrient[r] + supplied[r] - consumed[r]}.
 *
 * <h2>Observed</h2>
 * Columns: {@code population} (placed cells), {@code seeking} (reborn stem cells), {@code lineages} (founders with a
 * live placed descendant), {@code nutrient}, {@code supplied}, {@code consumed}, {@code signal} (totals),
 * {@code growth_group}, {@code energy_*} and {@code trait_*} (sum, mean, min, max over placed cells); then the
 * engine's (deaths by reason: normal is starvation, corrupt the integrity check; restarts). Snapshots: the
 * {@code occupancy}, {@code nutrient} and {@code signal} heatmaps. Summary: {@code population}, {@code lineages},
 * {@code occupied_share}, {@code trait_mean}, {@code nutrient}.
 */
public final class Tissue implements Model
{
    private static final double BIG = 1e9;
    /** Bytes a matrix map entry costs besides its values: key, header and Chronicle Map's tiers, rounded up. */
    private static final long MATRIX_ENTRY_OVERHEAD = 64;

    private static final List<Parameter> PARAMETERS = List.of(
        Parameter.integer("lattice", 0, 0, TissueLattice.MAX_SIDE,
            "sites along each side of the square lattice; 0: the smallest that holds the cells at density").fixed(),
        Parameter.number("density", 0.5, 0.01, 1.0,
            "share of the sites the founders fill at the start, when lattice is 0").fixed(),
        Parameter.integer("source_spacing", 10, 1, TissueLattice.MAX_SIDE,
            "sites between nutrient sources: one source at the centre of each block this wide").fixed(),
        Parameter.number("source_rate", 12.0, 0.0, BIG, "nutrient each source deposits at its site every tick"),
        Parameter.number("initial_nutrient", 0.2, 0.0, BIG, "nutrient on every site at the start").fixed(),
        Parameter.number("decay", 0.01, 0.0, 1.0, "share of the nutrient that decays every tick"),
        Parameter.number("diffusion", 0.2, 0.0, 0.25,
            "share of each difference between neighbouring sites' nutrient that flows every tick"),
        Parameter.number("uptake", 0.3, 0.0, BIG, "most nutrient a cell of trait 1 takes from its site per tick"),
        Parameter.number("upkeep", 0.1, 0.0, BIG, "energy a cell of trait 1 burns per tick (0.5 + 0.5 trait times)"),
        Parameter.number("initial_energy", 1.0, 0.0, BIG, "energy of a founder, and of a reborn cell"),
        Parameter.number("division_threshold", 3.0, 0.0, BIG, "energy at which a cell divides, halving it"),
        Parameter.number("mutation_rate", 0.05, 0.0, 1.0, "probability that a daughter's trait mutates"),
        Parameter.number("mutation_size", 0.2, 0.0, 1.0,
            "a mutation multiplies the trait by a factor uniform in [1 - size, 1 + size]"),
        Parameter.number("corruption", 0.1, 0.0, 1.0,
            "probability that a mutation corrupts the mother's state (apoptosis; a founder is reborn)"),
        Parameter.number("stress_level", 0.5, 0.0, BIG, "energy below which a cell secretes the signal"),
        Parameter.number("secretion", 1.0, 0.0, BIG, "signal a stressed cell deposits at its site per tick"),
        Parameter.number("signal_decay", 0.2, 0.0, 1.0, "share of the signal that decays every tick"),
        Parameter.number("signal_diffusion", 0.2, 0.0, 0.25, "the signal's diffusion, as the nutrient's"),
        Parameter.number("quorum", 1.0, 0.0, BIG, "signal at its site at which a cell joins the growth-factor group"),
        Parameter.integer("growth_factor_every", 10, 1, Integer.MAX_VALUE,
            "ticks between growth-factor broadcasts to the group"),
        Parameter.number("growth_factor", 0.5, 0.0, BIG, "energy each member gets from a growth-factor broadcast"),
        Parameter.integer("supervisors", 16, 1, 127,
            "supervisors of the founders, each in its own supervision home, with a band of the lattice each").fixed(),
        Parameter.integer("restart_intensity", 10_000, 0, 1_000_000,
            "restarts a supervisor allows per tick before it gives up (and the run fails)").fixed());

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "tissue";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "Cells on a 2-D lattice eat a diffusing nutrient, divide, mutate, starve, signal and are reborn.";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return PARAMETERS;
    }

    /**
     * Cells of {@link TissueState#STATE_LENGTH} bytes, and the matrix: a record per site in the map, and two flat
     * copies of every site's substances for its tick. Nothing when the parameters do not fit (set-up says why).
     */
    public void estimateMemory(final Parameters p, final long cells, final MemoryEstimate estimate)
    {
        estimate.stateLength(TissueState.STATE_LENGTH);
        try
        {
            final long sites = new TissueSettings(p, cells).lattice.sites();
            final long values = sites * TissueWorld.SUBSTANCES * Double.BYTES;
            estimate.add(String.format(Locale.ROOT, "a matrix of %,d sites", sites),
                3 * values + sites * MATRIX_ENTRY_OVERHEAD);
        }
        catch (final IllegalArgumentException ex)
        {
            // set-up refuses the parameters with its own message
        }
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        final TissueSettings settings;
        try
        {
            settings = new TissueSettings(setup.parameters(), setup.cells());
        }
        catch (final IllegalArgumentException ex)
        {
            // Parameters that do not fit one another (or the cells): bad input, as an out-of-range value is.
            throw new ModelException("model " + name() + ": " + ex.getMessage(), ModelException.EXIT_USAGE, ex);
        }
        final Matrix matrix = setup.closeAtEnd(TissueWorld.matrix(settings));
        TissueWorld.configure(setup.context(), settings, matrix);
        final Organism organism = setup.organism();
        final TissueWorld world = TissueWorld.build(settings, matrix, organism);
        final SurveyValue lineages = TissueCensus.lineages(world.cellId, settings.cells);
        setup.observe()
            .count("population", TissueWorld.CELL)
            .count("seeking", TissueWorld.STEM)
            .value("lineages", lineages)
            .matrixTotal("nutrient", matrix, TissueWorld.NUTRIENT)
            .value("supplied", () -> world.supplied(organism.ticks() - 1))
            .reduce(TissueCensus.consumed(world.cellId))
            .matrixTotal("signal", matrix, TissueWorld.SIGNAL)
            .groupSize("growth_group", world.group)
            .field("energy", TissueState.CELL, "energy", TissueWorld.CELL)
            .field("trait", TissueState.CELL, "trait", TissueWorld.CELL)
            .snapshotMatrix("occupancy", matrix, TissueWorld.OCCUPANCY)
            .snapshotMatrix("nutrient", matrix, TissueWorld.NUTRIENT)
            .snapshotMatrix("signal", matrix, TissueWorld.SIGNAL);
        final double sites = settings.lattice.sites();
        setup.summary("population", () -> organism.countOf(world.cellId));
        setup.summary("lineages", lineages);
        setup.summary("occupied_share", () -> organism.countOf(world.cellId) / sites);
        setup.summary("trait_mean", TissueCensus.traitMean(world.cellId));
        setup.summary("nutrient", () -> TissueCensus.total(matrix, TissueWorld.NUTRIENT));
    }
}
