package io.karyon.perf.jmh;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.engine.Placement;
import io.karyon.engine.Stats;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;

/**
 * Organisms and behaviours the benchmarks share: launched quietly, with the threading mode, idle strategy and pinning
 * the benchmark names, and cells placed one worker after another so every worker has its share.
 */
final class Organisms
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("partner").longField("count").build();
    static final int PARTNER = LAYOUT.offset("partner");
    static final int COUNT = LAYOUT.offset("count");

    private Organisms()
    {
    }

    static Organism launch(final int workers, final ThreadingMode mode, final String idle, final boolean pin)
    {
        return Organism.launch(new Context()
            .seed(42)
            .workerCount(workers)
            .threadingMode(mode)
            .idleStrategy(idle)
            .pin(pin)
            .placement(Placement.ROUND_ROBIN)
            .warnings((warning) -> System.err.println("karyon: warning: " + warning)));
    }

    /**
     * A relay's invariant: no dead letters, and every cell's next message pending.
     */
    static void checkRelaying(final Stats stats, final int cells)
    {
        check(0 == stats.deadLetters() && cells == stats.pending(), "no dead letters, " + cells + " pending", stats);
    }

    static void check(final boolean condition, final String what, final Stats stats)
    {
        if (!condition)
        {
            throw new IllegalStateException("benchmark self-check failed: " + what + ": " + stats);
        }
    }

    /**
     * Has no tick step; on each message it sends one on to its partner (itself, when the partner is its own handle),
     * so a message seeded into every cell keeps one message per cell in flight, tick after tick.
     */
    static final class Relay implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(COUNT, cell.getLong(COUNT) + 1);
            context.send(cell.getLong(PARTNER), type, payload + 1);
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    /**
     * Has a tick step that does nothing: its cells cost only the worker's visit.
     */
    static final class Idle implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }
}
