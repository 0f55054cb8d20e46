package io.karyon.models;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Cohort;
import io.karyon.engine.EdgeGenerator;
import io.karyon.engine.EdgeSink;
import io.karyon.engine.Genotype;
import io.karyon.engine.MemoryEstimate;
import io.karyon.engine.Organism;
import io.karyon.engine.SetupRandom;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code sir}: an epidemic on a random contact network. Every person is a cell; at set-up each draws {@code contacts}
 * distinct other people, uniformly at random from the seed, as its edges. A person is susceptible (S), infectious (I)
 * or recovered (R), three behaviours it {@link CellContext#become(short) becomes} in turn: S and R are idle (they
 * are never stepped), only I ticks. Every tick an infectious person sends an infection to each of its contacts with
 * probability {@code beta}; a susceptible person who receives one becomes infectious, and ticks from the next tick on.
 * After {@code infectious_ticks} ticks of infecting it recovers. {@code initial_infected} people, chosen from the seed,
 * start infectious. The run stops after the first tick that ends with nobody infectious and no infection on its way
 * (an infection sent in one tick arrives in the next, so the last infectious people may recover before theirs land).
 * <p>
 * Time series: {@code S}, {@code I}, {@code R}; summary: {@code attack_rate} (the share of people ever infected, the
 * initial ones included), {@code peak_infected} and {@code peak_tick} (the first tick at which {@code I} was largest),
 * {@code attack_rate_theory} ({@link #theoreticalAttackRate}) and {@code bytes_per_person} (what the organism holds,
 * cells and edges, per person).
 *
 * <h2>What theory predicts</h2>
 * The final size of this process is that of bond percolation on the contact graph. Give every directed contact
 * u&nbsp;&rarr;&nbsp;v (v in u's list) the {@code k = infectious_ticks} trials it gets while u is infectious; call it
 * open if one succeeds, with probability T = 1 - (1 - beta)<sup>k</sup>, the transmissibility. The trials of
 * different contacts are independent (each tick each contact draws its own number; the infectious period is fixed, so
 * it does not tie them together), and whether v was still susceptible when a trial succeeded does not change who is
 * ever infected: v is infected exactly when an open path leads to v from an initial case. A person whom several
 * contacts infect in one tick is infected once; a person is never in one list twice nor in their own.
 * <p>
 * So whether v escapes depends on v's in-contacts (the people who listed v), their in-contacts, and so on. Each of
 * the other N - 1 people lists v with probability c / (N - 1) (c = {@code contacts}), independently, so v's
 * in-degree is Binomial(N - 1, c / (N - 1)), Poisson(c) for large N, and independent of v's own out-degree c. The
 * graph is locally tree-like, so the backward search from v is a branching process with Poisson(cT) offspring. With a
 * share &epsilon; = {@code initial_infected} / N of initial cases, the final attack rate z solves
 * <pre>
 *   1 - z = (1 - &epsilon;) exp(-c T z)
 * </pre>
 * (v escapes if it is not an initial case and none of its Poisson(c) in-contacts is both infected, probability z,
 * and open to v, probability T). For the defaults (c = 10, beta = 0.03, k = 10): T = 0.2626, R<sub>0</sub> = cT =
 * 2.626, z = 0.9078 (&epsilon; = 10<sup>-4</sup> adds about 10<sup>-5</sup>). It describes a large outbreak, which
 * is all but certain here: forwards, an infected person infects Binomial(c, T) others, so a chain started by one case
 * dies out early with probability q solving q = (1 - T + Tq)<sup>c</sup>, 0.058 for the defaults, and 100 initial
 * cases all fail with probability q<sup>100</sup>, nil.
 * <p>
 * At N = 10<sup>6</sup> a run's attack rate differs from z by finite-size noise of order 1/&radic;N, a standard
 * deviation of about 0.0003 (SirTheoryTest says how that was measured and what tolerance it allows): runs with the
 * defaults gave 0.90758 (seed 14) and 0.90789 (seed 42) against z = 0.90780.
 */
public final class Sir implements Model
{
    /** Behaviour of a susceptible person: idle until infected. */
    public static final String SUSCEPTIBLE = "susceptible";
    /** Behaviour of an infectious person: ticks, infecting contacts. */
    public static final String INFECTIOUS = "infectious";
    /** Behaviour of a recovered person: idle, immune. */
    public static final String RECOVERED = "recovered";
    /** Message type: an infection. */
    public static final int INFECT = 1;

    /**
     * A person's state: 8 bytes, besides the edges.
     * <ul>
     *   <li>{@code left}: infectious ticks left (while infectious);</li>
     *   <li>{@code infected_tick}: the tick the person was infected at, -1 if never (0 for the initial cases).</li>
     * </ul>
     */
    public static final CellLayout LAYOUT = CellLayout.builder()
        .intField("left")
        .intField("infected_tick")
        .build();

    static final int LEFT_OFFSET = LAYOUT.offset("left");
    static final int INFECTED_TICK_OFFSET = LAYOUT.offset("infected_tick");

    /** Most contacts a person may have. */
    static final int MAX_CONTACTS = 10_000;

    private static final List<Parameter> PARAMETERS = List.of(
        Parameter.integer("contacts", 10, 1, MAX_CONTACTS,
            "distinct other people each person draws as contacts at set-up, uniformly at random").fixed(),
        Parameter.number("beta", 0.03, 0.0, 1.0, "probability per tick that an infectious person infects a contact"),
        Parameter.integer("infectious_ticks", 10, 1, 1_000_000, "ticks a person stays infectious, then recovers"),
        Parameter.integer("initial_infected", 100, 1, Integer.MAX_VALUE,
            "people infectious at the start, chosen from the seed; at most the population").fixed());

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
        return "An SIR epidemic on a random contact network: people infect their contacts, recover, and are immune.";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return PARAMETERS;
    }

    /**
     * Long enough for any epidemic the defaults allow to end; the run stops when nobody is infectious.
     *
     * @return 100,000 ticks.
     */
    public long defaultTicks()
    {
        return 100_000;
    }

    /**
     * People are 8 bytes of state, not the engine's default 64.
     */
    public void estimateMemory(final Parameters p, final long cells, final MemoryEstimate estimate)
    {
        estimate.stateLength(LAYOUT.stateLength());
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        final Parameters p = setup.parameters();
        final long people = setup.cells();
        final int contacts = (int)p.integer("contacts");
        final long initial = p.integer("initial_infected");
        if (people > Integer.MAX_VALUE || people < contacts + 1L)
        {
            throw new ModelException("model " + name() + ": cells: expected an integer in [contacts + 1 = " +
                (contacts + 1) + ", " + Integer.MAX_VALUE + "] (each person draws " + contacts +
                " distinct others), got " + people, ModelException.EXIT_USAGE, null);
        }
        if (initial > people)
        {
            throw new ModelException("model " + name() + ": initial_infected: expected an integer in [1, " + people +
                "] (at most the number of people), got " + initial, ModelException.EXIT_USAGE, null);
        }
        final int infectiousTicks = (int)p.integer("infectious_ticks");

        setup.context().stateLength(LAYOUT.stateLength());  // 8 bytes a person, not the engine's default 64
        final Organism organism = setup.organism();
        final Infectious infectious = new Infectious(p.number("beta"));
        final short s = organism.registerBehaviour(SUSCEPTIBLE, new Susceptible(infectious, infectiousTicks));
        final short i = organism.registerBehaviour(INFECTIOUS, infectious);
        infectious.id = i;
        infectious.recovered = organism.registerBehaviour(RECOVERED, new Recovered());
        final Genotype person = organism.genotype("person", LAYOUT, SUSCEPTIBLE).putInt(INFECTED_TICK_OFFSET, -1);

        final BitSet initiallyInfected = choose(setup.seed(), (int)people, (int)initial);
        final Cohort cohort = organism.populate(person, people, (index, cell, random) ->
        {
            if (initiallyInfected.get((int)index))
            {
                cell.behaviourId(i);
                cell.putInt(LEFT_OFFSET, infectiousTicks);
                cell.putInt(INFECTED_TICK_OFFSET, 0);
            }
        });
        organism.edges().connect(cohort, new Contacts(cohort, contacts));

        final Epidemic epidemic = new Epidemic(s, i, people);
        setup.stopWhen(epidemic::afterTick);
        setup.checkpointed(epidemic);
        setup.observe()
            .count("S", SUSCEPTIBLE)
            .count("I", INFECTIOUS)
            .count("R", RECOVERED);
        final double theory =
            theoreticalAttackRate(contacts, p.number("beta"), infectiousTicks, (double)initial / people);
        final double bytesPerPerson = (double)organism.allocatedBytes() / people;
        setup.summary("attack_rate", () -> epidemic.attackRate(organism));
        setup.summary("peak_infected", () -> epidemic.peakInfected);
        setup.summary("peak_tick", () -> epidemic.peakTick);
        setup.summary("attack_rate_theory", () -> theory);
        setup.summary("bytes_per_person", () -> bytesPerPerson);
    }

    /**
     * The final attack rate that bond percolation predicts for this model on N people, N large (see the class's
     * documentation): the largest root z of {@code 1 - z = (1 - initialShare) exp(-contacts T z)}, with
     * {@code T = 1 - (1 - beta)^infectiousTicks}.
     *
     * @param contacts        each person's out-contacts.
     * @param beta            infection probability per contact per tick.
     * @param infectiousTicks ticks a person is infectious.
     * @param initialShare    share of people infectious at the start, in [0, 1].
     * @return the expected share of people ever infected in a large outbreak.
     */
    public static double theoreticalAttackRate(
        final int contacts, final double beta, final int infectiousTicks, final double initialShare)
    {
        final double transmissibility = 1.0 - Math.pow(1.0 - beta, infectiousTicks);
        final double r0 = contacts * transmissibility;
        // g(z) = z - 1 + (1 - e) exp(-r0 z) is convex, g(0) = -e <= 0 and g(1) >= 0. Its largest root lies between
        // where g is smallest (g' = 0 at ln(r0 (1 - e)) / r0, or 0 if that is negative) and 1: bisect there, keeping
        // g(lo) <= 0 < g(hi). (With e = 0 and r0 > 1, this skips the root at 0: no outbreak.)
        double lo = 0.0;
        double hi = 1.0;
        if (r0 * (1.0 - initialShare) > 1.0)
        {
            lo = Math.min(1.0, Math.log(r0 * (1.0 - initialShare)) / r0);
        }
        for (int step = 0; step < 200; step++)
        {
            final double z = 0.5 * (lo + hi);
            if (z - (1.0 - (1.0 - initialShare) * Math.exp(-r0 * z)) > 0.0)
            {
                hi = z;
            }
            else
            {
                lo = z;
            }
        }
        return 0.5 * (lo + hi);
    }

    /**
     * Chooses {@code count} distinct people out of {@code people} from the seed (Floyd's algorithm): the same ones for
     * the same seed, whatever the number of workers.
     */
    static BitSet choose(final long seed, final int people, final int count)
    {
        final SplittableRandom random = new SplittableRandom(seed ^ 0x5152_5F49_4E46_4543L);
        final BitSet chosen = new BitSet(people);
        for (int j = people - count; j < people; j++)
        {
            final int t = random.nextInt(j + 1);
            chosen.set(chosen.get(t) ? j : t);
        }
        return chosen;
    }

    /**
     * The run's peak, and the stop condition that records it; the peak so far is saved in checkpoints.
     */
    static final class Epidemic implements CheckpointPart
    {
        private final short susceptible;
        private final short infectious;
        private final long people;
        long peakInfected = -1;
        long peakTick = -1;

        Epidemic(final short susceptible, final short infectious, final long people)
        {
            this.susceptible = susceptible;
            this.infectious = infectious;
            this.people = people;
        }

        boolean afterTick(final Organism organism, final long tick)
        {
            final long infected = organism.countOf(infectious);
            if (infected > peakInfected)
            {
                peakInfected = infected;
                peakTick = tick;
            }
            // Infections sent in a tick arrive in the next: the last infectious people may recover while theirs are
            // still on the way, so the epidemic is over only once none is.
            return 0 == infected && 0 == organism.stats().pending();
        }

        double attackRate(final Organism organism)
        {
            return (double)(people - organism.countOf(susceptible)) / people;
        }

        public String name()
        {
            return "epidemic";
        }

        public void write(final DataOutput out) throws IOException
        {
            out.writeLong(peakInfected);
            out.writeLong(peakTick);
        }

        public void read(final DataInput in) throws IOException
        {
            peakInfected = in.readLong();
            peakTick = in.readLong();
        }
    }

    /**
     * Each person's contacts: {@code contacts} distinct indices other than its own, uniform, drawn from the person's
     * connect stream. Distinct by a small open-addressing set per worker thread.
     */
    static final class Contacts implements EdgeGenerator
    {
        private final Cohort cohort;
        private final int contacts;
        private final int others;
        private final ThreadLocal<int[]> tables;

        Contacts(final Cohort cohort, final int contacts)
        {
            this.cohort = cohort;
            this.contacts = contacts;
            this.others = (int)(cohort.size() - 1);
            final int tableLength = Integer.highestOneBit(Math.max(8, contacts) * 4);
            this.tables = ThreadLocal.withInitial(() -> new int[tableLength]);
        }

        public void edges(
            final long index,
            final CellFlyweight cell,
            final EdgeSink sink,
            final SetupRandom random)
        {
            final int[] table = tables.get();
            final int mask = table.length - 1;
            int drawn = 0;
            while (drawn < contacts)
            {
                int other = random.nextInt(others);
                if (other >= index)
                {
                    other++;  // anyone but the person: [0, index) and (index, N)
                }
                int slot = mix(other) & mask;
                while (0 != table[slot] && other + 1 != table[slot])
                {
                    slot = (slot + 1) & mask;
                }
                if (0 == table[slot])
                {
                    table[slot] = other + 1;
                    sink.add(cohort.handle(other));
                    drawn++;
                }
            }
            Arrays.fill(table, 0);
        }

        private static int mix(final int value)
        {
            final int h = value * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }

    /**
     * Susceptible: idle; an infection makes the person infectious for {@code infectious_ticks} ticks.
     */
    static final class Susceptible implements Behaviour
    {
        private final Infectious infectious;
        private final int infectiousTicks;

        Susceptible(final Infectious infectious, final int infectiousTicks)
        {
            this.infectious = infectious;
            this.infectiousTicks = infectiousTicks;
        }

        public boolean hasTick()
        {
            return false;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            // never stepped: hasTick() is false
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            if (INFECT == type)
            {
                cell.putInt(LEFT_OFFSET, infectiousTicks);
                cell.putInt(INFECTED_TICK_OFFSET, (int)context.tick());
                context.become(infectious.id);
            }
        }
    }

    /**
     * Infectious: every tick, infects each contact with probability beta; recovers after its ticks.
     */
    static final class Infectious implements Behaviour
    {
        private final double beta;
        short id = -1;
        short recovered = -1;

        Infectious(final double beta)
        {
            this.beta = beta;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final int contacts = context.edgeCount();
            for (int c = 0; c < contacts; c++)
            {
                if (context.nextDouble() < beta)
                {
                    context.send(context.edge(c), INFECT, 0L);
                }
            }
            final int left = cell.getInt(LEFT_OFFSET) - 1;
            cell.putInt(LEFT_OFFSET, left);
            if (left <= 0)
            {
                context.become(recovered);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            // already infected: a further infection changes nothing
        }
    }

    /**
     * Recovered: idle and immune.
     */
    static final class Recovered implements Behaviour
    {
        public boolean hasTick()
        {
            return false;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            // never stepped: hasTick() is false
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            // immune
        }
    }
}
