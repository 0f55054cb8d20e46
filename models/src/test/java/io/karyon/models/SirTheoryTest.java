package io.karyon.models;

import io.karyon.engine.Context;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The final attack rate of {@code sir} at a million people against bond percolation's prediction (see {@link Sir}):
 * z = 0.9072 for the defaults.
 * <p>
 * Tolerance: TOLERANCE_NOTE.
 */
@Timeout(300)
class SirTheoryTest
{
    /** See the class comment. */
    private static final double TOLERANCE = 0.004;

    @Test
    void shouldReachTheFinalSizeBondPercolationPredictsAtAMillionPeople()
    {
        final ModelRun.Result result = ModelRun.builder(new Sir())
            .cells(1_000_000)
            .seed(14)
            .context(new Context().workerCount(2).idleStrategy("backoff").pin(false))
            .progress(Progress.NONE)
            .run();
        final Map<String, Object> summary = result.summary();
        final double attack = ((Number)summary.get("attack_rate")).doubleValue();
        final double theory = Sir.theoreticalAttackRate(10, 0.03, 10, 100 / 1e6);

        assertEquals(theory, ((Number)summary.get("attack_rate_theory")).doubleValue(), 1e-12);
        assertEquals(0.9072, theory, 1e-4);
        assertEquals(theory, attack, TOLERANCE, summary::toString);
        assertTrue(((Number)summary.get("peak_infected")).doubleValue() > 100_000, summary::toString);
    }
}
