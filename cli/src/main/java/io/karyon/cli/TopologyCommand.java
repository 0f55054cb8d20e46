package io.karyon.cli;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Context;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.numa.BindType;
import io.karyon.numa.NumaBinding;
import io.karyon.numa.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code karyon topology}: this machine's CPUs and NUMA nodes, and the plan a bind type makes for some workers, with
 * where each worker's arena pages really are once bound.
 */
@Command(
    name = "topology",
    mixinStandardHelpOptions = true,
    description = {
        "Prints the CPU and NUMA topology, then the plan for --workers under --policy: each worker's CPU and node,",
        "and the node each page of the worker's first arena chunk actually sits on once bound."
    })
public final class TopologyCommand implements Callable<Integer>
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("x").build();

    @Spec
    CommandSpec spec;

    @Mixin
    WorkerOptions workerOptions;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        workerOptions.check(spec);
        final PrintWriter out = spec.commandLine().getOut();
        final Topology topology = Organism.machine();
        out.print(topology.describe());
        if (!topology.describe().endsWith("\n"))
        {
            out.println();
        }
        final StringBuilder warnings = new StringBuilder();
        final Context context = workerOptions.applyTo(new Context()).stateLength(LAYOUT.stateLength())
            .warnings((warning) -> warnings.append("  warning: ").append(warning).append('\n'));
        try (Organism organism = Organism.launch(context))
        {
            final BindType bindType = context.pin() ? context.bindType() : BindType.U;
            out.printf(Locale.ROOT, "plan: bind type %s (%s), %d worker(s)%n",
                bindType.shortName(), bindType.erlangName(), organism.workerCount());
            out.print(warnings);
            if (!NumaBinding.isAvailable())
            {
                out.println("  memory binding unavailable: " + NumaBinding.unavailableReason());
            }
            organism.registerBehaviour("probe", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext ctx)
                {
                }

                public void onMessage(
                    final CellFlyweight cell, final CellContext ctx, final long sender, final int type, final long p)
                {
                }

                public boolean hasTick()
                {
                    return false;
                }
            });
            final Genotype probe = organism.genotype("probe", LAYOUT, "probe");
            // Fill one family per worker: families are dealt to the workers in turn.
            for (long i = 0, n = (1L << organism.context().chunkShift()) * organism.workerCount(); i < n; i++)
            {
                organism.spawn(probe);
            }
            out.println("  worker  cpu  node  first chunk's pages by node");
            for (int w = 0; w < organism.workerCount(); w++)
            {
                final int cpu = organism.workers().cpu(w);
                out.printf(Locale.ROOT, "  %6d  %3s  %4s  %s%n", w, cpu < 0 ? "-" : Integer.toString(cpu),
                    organism.workers().node(w) < 0 ? "-" : Integer.toString(organism.workers().node(w)),
                    pagesByNode(organism, w));
            }
        }
        out.flush();
        return Cli.EXIT_OK;
    }

    private static String pagesByNode(final Organism organism, final int worker)
    {
        if (!NumaBinding.isAvailable())
        {
            return "unknown";
        }
        final Map<String, Integer> counts = new TreeMap<>();
        final int[] nodes = organism.workers().pageNodes(worker);
        for (final int node : nodes)
        {
            counts.merge(node >= 0 ? "node " + node : "not resident", 1, Integer::sum);
        }
        final StringBuilder sb = new StringBuilder();
        counts.forEach((where, count) -> sb.append(sb.length() > 0 ? ", " : "").append(where).append(": ")
            .append(count).append(" of ").append(nodes.length));
        return sb.toString();
    }
}
