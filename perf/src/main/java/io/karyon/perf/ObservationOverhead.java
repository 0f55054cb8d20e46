package io.karyon.perf;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.engine.sim.Tissue;
import io.karyon.model.Model;
import io.karyon.model.ModelRun;
import io.karyon.model.Parameter;
import io.karyon.model.Progress;
import io.karyon.model.Setup;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What observing costs: the engine's ring ({@link Tissue}) run through {@link ModelRun} with observations of every
 * kind that walks the cells (a behaviour count, field statistics, a histogram, and the engine's columns),
 * once observing every tick and once only at the start and the end; the difference per tick, against a tick, is the
 * overhead issue 14 wants under 10% at 1M cells. Both runs must end with the same digest (observing changes nothing).
 * <p>
 * Run: {@code java $(cat perf/target/jvm.flags) -cp perf/target/benchmarks.jar io.karyon.perf.ObservationOverhead
 * cells=1000000 ticks=100 workers=2 rounds=3 idle=spin observe=light}; prints one line per round and the medians.
 * {@code observe=light} is a behaviour count (the engine keeps it) and one field's sum, mean, min and max;
 * {@code observe=heavy} adds a second field and a 10-bin histogram.
 */
public final class ObservationOverhead
{
    private ObservationOverhead()
    {
    }

    /**
     * The ring with observations.
     */
    static final class Ring implements Model
    {
        public String name()
        {
            return "ring-observed";
        }

        public String description()
        {
            return "the engine's ring with observations that walk every cell";
        }

        public List<Parameter> parameters()
        {
            return List.of(Parameter.text("observe", "light", "light: a count by behaviour and the energy's " +
                "statistics; heavy: also the age's and a 10-bin histogram of x", "light", "heavy"));
        }

        public void setUp(final Setup setup)
        {
            final Organism organism = setup.organism();
            Tissue.seed(organism, (int)setup.cells());
            setup.observe()
                .count("tissue", Tissue.BEHAVIOUR)
                .field("energy", Tissue.LAYOUT, "energy");
            if ("heavy".equals(setup.parameters().text("observe")))
            {
                setup.observe()
                    .field("age", Tissue.LAYOUT, "age")
                    .histogram("x", Tissue.LAYOUT, "x", 0, 1, 10);
            }
        }
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code cells=N ticks=N workers=N rounds=N idle=NAME}.
     */
    public static void main(final String[] args)
    {
        final Map<String, String> given = new HashMap<>(Map.of(
            "cells", "1000000", "ticks", "100", "workers", "2", "rounds", "3", "idle", "spin", "observe", "light"));
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq < 0 || !given.containsKey(arg.substring(0, eq)))
            {
                throw new IllegalArgumentException("expected one of " + given.keySet() + " as NAME=VALUE: " + arg);
            }
            given.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        final long cells = Long.parseLong(given.get("cells"));
        final int ticks = Integer.parseInt(given.get("ticks"));
        final int rounds = Integer.parseInt(given.get("rounds"));
        final double[] everyTickNs = new double[rounds];
        final double[] rarelyNs = new double[rounds];
        final double[] observeNs = new double[rounds];
        final double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        for (int r = 0; r < rounds; r++)
        {
            final Map<String, Object> every = run(given, cells, ticks, 1);
            final Map<String, Object> rarely = run(given, cells, ticks, ticks);
            if (!every.get("digest").equals(rarely.get("digest")))
            {
                throw new IllegalStateException("observing changed the run: " + every.get("digest") + " vs " +
                    rarely.get("digest"));
            }
            everyTickNs[r] = 1e9 * (Double)every.get("run_s") / ticks;
            rarelyNs[r] = 1e9 * (Double)rarely.get("run_s") / ticks;
            observeNs[r] = 1e9 * (Double)every.get("observe_s") / (Long)every.get("observations");
            System.out.printf(Locale.ROOT, "round %d: every=1 %.2f ms/tick, every=%d %.2f ms/tick, one observation " +
                "%.2f ms%n", r, everyTickNs[r] / 1e6, ticks, rarelyNs[r] / 1e6, observeNs[r] / 1e6);
        }
        final double with = median(everyTickNs);
        final double without = median(rarelyNs);
        final double observe = median(observeNs);
        System.out.printf(Locale.ROOT, "observation overhead (%s) at %,d cells, %s workers (medians of %d rounds): " +
            "tick %.2f ms without, %.2f ms observing every tick (+%.1f%%); one observation %.2f ms = %.1f%% of a " +
            "tick%n", given.get("observe"), cells, given.get("workers"), rounds, without / 1e6, with / 1e6,
            100 * (with - without) / without, observe / 1e6, 100 * observe / without);
        System.out.printf(Locale.ROOT, "load average (1 min) %.2f before, %.2f after, on %d CPUs%n", loadBefore,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            Runtime.getRuntime().availableProcessors());
        // On a shared machine the fastest round is the one least disturbed by other processes.
        System.out.printf(Locale.ROOT, "fastest rounds: tick %.2f ms without observing, one observation %.2f ms = " +
            "%.1f%% of a tick%n", min(rarelyNs) / 1e6, min(observeNs) / 1e6, 100 * min(observeNs) / min(rarelyNs));
    }

    private static Map<String, Object> run(final Map<String, String> given, final long cells, final int ticks,
        final int every)
    {
        final Context context = new Context().workerCount(Integer.parseInt(given.get("workers")))
            .idleStrategy(given.get("idle"));
        return ModelRun.builder(new Ring()).set("observe", given.get("observe")).context(context).cells(cells)
            .ticks(ticks).seed(14).every(every).progress(Progress.NONE).run().summary();
    }

    private static double min(final double[] values)
    {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
