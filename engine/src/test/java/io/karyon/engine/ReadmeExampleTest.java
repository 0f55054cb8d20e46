package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's behaviour example, kept compiling and running.
 */
class ReadmeExampleTest
{
    @Test
    void shouldRunTheReadmeExample()
    {
        final CellLayout layout = CellLayout.builder().doubleField("x").longField("next").build();
        final int x = layout.offset("x");
        final int next = layout.offset("next");

        try (Organism organism = Organism.launch(new Context().seed(7)))
        {
            organism.registerBehaviour("pulse", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext ctx)
                {
                    final double value = cell.getDouble(x);
                    cell.putDouble(x, 3.9 * value * (1 - value));
                    if (ctx.nextDouble() < 0.01)
                    {
                        ctx.send(cell.getLong(next), 1, Double.doubleToRawLongBits(value));
                    }
                }

                public void onMessage(
                    final CellFlyweight cell, final CellContext ctx, final long sender, final int type,
                        final long payload)
                {
                    cell.putDouble(x, 0.5 * (cell.getDouble(x) + Double.longBitsToDouble(payload)));
                }
            });
            final Genotype pulse = organism.genotype("pulse", layout, "pulse").putDouble(x, 0.3);
            final long a = organism.spawn(pulse);
            final long b = organism.spawn(pulse);
            organism.cell(a).putLong(next, b);
            organism.cell(b).putLong(next, a);
            organism.run(1_000);

            final Stats stats = organism.stats();
            assertEquals(2_000, stats.updates());
            assertTrue(stats.delivered() > 0 && stats.delivered() + stats.pending() == stats.sent(), stats.toString());
            assertEquals(0, stats.deadLetters());
        }
    }
}
