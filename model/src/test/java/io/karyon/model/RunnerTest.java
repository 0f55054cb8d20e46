package io.karyon.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link Runner} makes of a model's set-up: a refusal of its parameters passes through as bad input.
 */
class RunnerTest
{
    /**
     * A model whose set-up throws what it is told to.
     */
    private static final class Refusing implements Model
    {
        private final RuntimeException refusal;

        Refusing(final RuntimeException refusal)
        {
            this.refusal = refusal;
        }

        public String name()
        {
            return "refusing";
        }

        public String description()
        {
            return "throws in set-up";
        }

        public List<Parameter> parameters()
        {
            return List.of();
        }

        public void setUp(final Setup setup)
        {
            throw refusal;
        }
    }

    private static ModelRun.Builder run(final RuntimeException refusal)
    {
        return ModelRun.builder(new Refusing(refusal)).context(ModelRunTest.context(1)).cells(10).ticks(1)
            .progress(Progress.NONE);
    }

    @Test
    void shouldLetAModelsRefusalOfItsParametersPassThroughUnchanged()
    {
        final ModelException refusal = new ModelException("model refusing: a: expected at most b (3), got 4",
            ModelException.EXIT_USAGE, null);

        final ModelException ex = assertThrows(ModelException.class, () -> run(refusal).run());

        assertSame(refusal, ex);
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
    }

    @Test
    void shouldReportAModelExceptionOfFailureAsAFailureDuringSetUp()
    {
        final ModelException ex = assertThrows(ModelException.class, () -> run(
            new ModelException("no source", ModelException.EXIT_FAILURE, null)).run());

        assertEquals(ModelException.EXIT_FAILURE, ex.exitCode());
        assertEquals("model refusing failed during set-up: no source", ex.getMessage());
    }

    @Test
    void shouldReportAnyOtherExceptionInSetUpAsAFailure()
    {
        final ModelException ex = assertThrows(ModelException.class, () -> run(
            new IllegalArgumentException("a: too big")).run());

        assertEquals(ModelException.EXIT_FAILURE, ex.exitCode());
        assertEquals("model refusing failed during set-up: a: too big", ex.getMessage());
    }

    @Test
    void shouldTellWholeNumbersThatPrintAsIntegers()
    {
        assertTrue(Runner.whole(397_239.0));
        assertTrue(Runner.whole(0.0));
        assertTrue(Runner.whole(-12.0));
        assertTrue(Runner.whole(9_007_199_254_740_992.0));
        assertFalse(Runner.whole(0.25));
        assertFalse(Runner.whole(Double.NaN));
        assertFalse(Runner.whole(Double.POSITIVE_INFINITY));
        assertFalse(Runner.whole(1e300), "beyond 2^53 a double is not exact");
    }
}
