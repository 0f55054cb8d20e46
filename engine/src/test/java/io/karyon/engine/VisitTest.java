package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a visit does with a cell that dies on the way: a behaviour that throws or finds its cell corrupt ends the visit,
 * the messages the cell did not handle are dead letters left by its death, and the worker carries on with the next
 * cell, in the same tick.
 */
class VisitTest
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("handled").longField("state").build();
    static final int HANDLED = LAYOUT.offset("handled");
    static final int STATE = LAYOUT.offset("state");
    static final int OK = 0;
    static final int THROW = 1;
    static final int DIE = 2;
    static final long CORRUPT_STATE = -1;

    /**
     * Counts the messages it handles; throws on {@link #THROW}, dies on {@link #DIE}; corrupt when its state is
     * {@link #CORRUPT_STATE}.
     */
    static final class Fragile implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(HANDLED, cell.getLong(HANDLED) + 1);
            if (THROW == type)
            {
                throw new IllegalStateException("fragile");
            }
            if (DIE == type)
            {
                context.die(ExitReasons.NORMAL);
            }
        }

        public boolean hasTick()
        {
            return false;
        }

        public boolean checksIntegrity()
        {
            return true;
        }

        public boolean isIntact(final CellFlyweight cell)
        {
            return CORRUPT_STATE != cell.getLong(STATE);
        }
    }

    private final Organism organism = Organism.launch(new Context().workerCount(1)
        .threadingMode(ThreadingMode.INVOKER).chunkShift(6).stateLength(LAYOUT.stateLength()).deadLetterLogLength(16));
    private final Genotype genotype;

    VisitTest()
    {
        organism.registerBehaviour("fragile", new Fragile());
        genotype = organism.genotype("fragile", LAYOUT, "fragile");
    }

    @AfterEach
    void close()
    {
        organism.close();
    }

    @Test
    void shouldLeaveTheMessagesAfterAThrowAsDeadLettersAndGoOnWithTheNextCell()
    {
        final long fragile = organism.spawn(genotype);
        final long next = organism.spawn(genotype);
        organism.send(fragile, OK, 0);
        organism.send(fragile, THROW, 0);
        organism.send(fragile, OK, 0);
        organism.send(fragile, OK, 0);
        organism.send(next, OK, 0);
        organism.run(1);

        assertFalse(organism.isAlive(fragile));
        assertTrue(organism.isAlive(next));
        assertEquals(1, organism.cell(next).getLong(HANDLED), "the worker went on with the next cell");
        final Stats stats = organism.stats();
        assertEquals(3, stats.delivered(), "two to the fragile cell (the second threw), one to the next");
        assertEquals(2, stats.deadLetters());
        assertEquals(1L, stats.deathsByReason().get("exception"));
        assertEquals(List.of(DeadLetters.LEFT_BY_DEATH, DeadLetters.LEFT_BY_DEATH), deadLetterKinds());
    }

    @Test
    void shouldLeaveTheMessagesAfterADeathAsDeadLetters()
    {
        final long dying = organism.spawn(genotype);
        organism.send(dying, DIE, 0);
        organism.send(dying, OK, 0);
        organism.run(1);

        assertFalse(organism.isAlive(dying));
        assertEquals(1, organism.stats().delivered());
        assertEquals(1, organism.stats().deadLetters());
        assertEquals(List.of(DeadLetters.LEFT_BY_DEATH), deadLetterKinds());
    }

    @Test
    void shouldHandNothingToACorruptCellAndCountItsMailAsLeftByDeath()
    {
        final long corrupt = organism.spawn(genotype);
        organism.cell(corrupt).putLong(STATE, CORRUPT_STATE);
        organism.send(corrupt, OK, 0);
        organism.send(corrupt, OK, 0);
        organism.run(1);

        assertFalse(organism.isAlive(corrupt));
        assertEquals(0, organism.stats().delivered());
        assertEquals(2, organism.stats().deadLetters());
        assertEquals(1L, organism.stats().deathsByReason().get("corrupt"));
        assertEquals(List.of(DeadLetters.LEFT_BY_DEATH, DeadLetters.LEFT_BY_DEATH), deadLetterKinds());
    }

    private List<Integer> deadLetterKinds()
    {
        final List<Integer> kinds = new ArrayList<>();
        organism.readDeadLetters((worker, kind, tick, target, sender, type, payload) -> kinds.add(kind));
        return kinds;
    }
}
