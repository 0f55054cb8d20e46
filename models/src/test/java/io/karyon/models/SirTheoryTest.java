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
 * z = 0.9078 for the defaults.
 * <p>
 * Tolerance 0.002, absolute. The attack rate of one run scatters around z by finite-size noise of order 1/&radic;N:
 * an independent simulation of the same process (numpy, 20 seeds at N = 100,000) gave a standard deviation of
 * 0.0011 and a mean within one standard error of z, so about 0.00034 at N = 1,000,000 (4 seeds there: mean 0.90774,
 * standard deviation 0.00023, z = 0.90780); 0.002 is some 6 to 9 standard deviations, so the test fails by chance
 * about never. It still catches what a wrong model does: one infectious tick
 * more or less moves z by 0.02 to 0.03, beta 10% off by 0.02 to 0.03, one contact less by 0.035. The O(1/N) bias
 * of a finite network (in-degrees Binomial, not Poisson; short loops) is far smaller.
 */
@Timeout(300)
class SirTheoryTest
{
    /** See the class comment. */
    private static final double TOLERANCE = 0.002;

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
        assertEquals(0.9078, theory, 1e-4);
        assertEquals(theory, attack, TOLERANCE, summary::toString);
        assertTrue(((Number)summary.get("peak_infected")).doubleValue() > 100_000, summary::toString);
    }
}
