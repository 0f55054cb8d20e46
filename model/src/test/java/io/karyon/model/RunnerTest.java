package io.karyon.model;

import io.karyon.engine.Organism;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
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

    /**
     * Records the workers set-up sees, before and after launching the organism, then stops the run.
     */
    private static final class Counting implements Model
    {
        final List<Integer> seen = new ArrayList<>();

        public String name()
        {
            return "counting";
        }

        public String description()
        {
            return "records the workers";
        }

        public List<Parameter> parameters()
        {
            return List.of();
        }

        public void setUp(final Setup setup)
        {
            seen.add(setup.workers());
            setup.organism();
            seen.add(setup.workers());
            throw new ModelException("enough", ModelException.EXIT_USAGE, null);
        }
    }

    @Test
    void shouldLeaveZeroWorkersToTheContextWhichHonoursItsCpus()
    {
        final int cpu = Organism.machine().allowedCpus()[0];
        final Counting counting = new Counting();

        assertThrows(ModelException.class, () -> ModelRun.builder(counting)
            .context(ModelRunTest.context(0).cpus(new int[]{ cpu })).cells(10).ticks(1).progress(Progress.NONE).run());

        assertEquals(List.of(1, 1), counting.seen, "one worker per CPU given, before launch and after; this machine " +
            "has " + Organism.machine().allowedCoreCount() + " core(s)");
        final ModelRun.Result walkers = ModelRun.builder(new Walkers())
            .context(ModelRunTest.context(0).cpus(new int[]{ cpu })).seed(42).ticks(2).progress(Progress.NONE).run();
        assertEquals(1, walkers.summary().get("workers"));
    }

    @Test
    void shouldResolveZeroWorkersWithoutCpusToOnePerCore()
    {
        final Counting counting = new Counting();

        assertThrows(ModelException.class, () -> ModelRun.builder(counting).context(ModelRunTest.context(0))
            .cells(10).ticks(1).progress(Progress.NONE).run());

        final int cores = Organism.machine().allowedCoreCount();
        assertEquals(List.of(cores, cores), counting.seen);
    }
}
