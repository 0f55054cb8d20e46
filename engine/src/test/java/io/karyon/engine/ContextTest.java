package io.karyon.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContextTest
{
    static Stream<Arguments> badSettings()
    {
        return Stream.of(
            Arguments.of((UnaryOperator<Context>)c -> c.stateLength(12),
                "karyon.engine.state.length must be a positive multiple of 8 <= 65536: stateLength=12"),
            Arguments.of((UnaryOperator<Context>)c -> c.stateLength(0),
                "karyon.engine.state.length must be a positive multiple of 8 <= 65536: stateLength=0"),
            Arguments.of((UnaryOperator<Context>)c -> c.chunkShift(40),
                "karyon.engine.chunk.shift must be in 6..24: chunkShift=40"),
            Arguments.of((UnaryOperator<Context>)c -> c.workerCount(-1),
                "karyon.scheduler.worker.count must be >= 0: workerCount=-1"),
            Arguments.of((UnaryOperator<Context>)c -> c.workerCount(257),
                "karyon.scheduler.worker.count must be <= 256: workerCount=257"),
            Arguments.of((UnaryOperator<Context>)c -> c.idleStrategy("warp"),
                "idle strategy must be one of [spin, backoff, yield, sleep]: idle=warp"),
            Arguments.of((UnaryOperator<Context>)c -> c.errorLogLength(10),
                "karyon.engine.error.log.length must be >= 1024: errorLogLength=10"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void shouldNameTheBadSetting(final UnaryOperator<Context> setting, final String message)
    {
        final Context context = setting.apply(new Context());
        assertEquals(message, assertThrows(ConfigurationException.class, context::conclude).getMessage());
    }

    @Test
    void shouldTakeOneWorkerPerCoreForZero()
    {
        assertEquals(Organism.machine().allowedCoreCount(), new Context().workerCount(0).conclude().workerCount());
    }

    @Test
    void shouldWarnWhenMoreWorkersSpinThanThereAreCores()
    {
        final StringBuilder warnings = new StringBuilder();
        final int cores = Runtime.getRuntime().availableProcessors();
        new Context().workerCount(cores + 1).idleStrategy("spin").warnings(warnings::append).conclude();
        assertEquals("busy-spinning " + (cores + 1) + " workers on " + cores + " cores makes them take turns: " +
            "choose the backoff idle strategy when workers share cores", warnings.toString());

        warnings.setLength(0);
        new Context().workerCount(cores + 1).idleStrategy("backoff").warnings(warnings::append).conclude();
        assertEquals("", warnings.toString());
    }
}
