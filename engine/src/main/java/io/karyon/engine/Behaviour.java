package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;

/**
 * What a kind of cell does: called by its worker once per tick (if {@link #hasTick()}) and once per message, with the
 * cell's flyweight and the message's fields as primitives.
 * <p>
 * A behaviour holds no per-cell data: everything a cell remembers lives in its state, reached through the flyweight.
 * A behaviour that throws kills that one cell (apoptosis, counted under {@link ExitReasons#EXCEPTION}); the worker
 * carries on.
 * <p>
 * <b>Note:</b> one instance serves every cell of its kind, on every worker: keep it stateless or thread-confined.
 */
public interface Behaviour
{
    /**
     * Advances the cell by one tick.
     *
     * @param cell    the cell's slot; valid only during the call.
     * @param context to send, spawn, die and draw random numbers.
     */
    void onTick(CellFlyweight cell, CellContext context);

    /**
     * Handles one message.
     *
     * @param cell    the cell's slot; valid only during the call.
     * @param context to send, spawn, die and draw random numbers.
     * @param sender  handle of the sending cell, {@link io.karyon.engine.cell.Handle#NULL_HANDLE} from outside.
     * @param type    of the message, chosen by the sender.
     * @param payload of the message.
     */
    void onMessage(CellFlyweight cell, CellContext context, long sender, int type, long payload);

    /**
     * Whether cells of this kind are advanced every tick. A cell whose behaviour has no tick costs nothing until a
     * message arrives for it, as an Erlang process blocked in {@code receive}.
     *
     * @return true to have {@link #onTick(CellFlyweight, CellContext)} called every tick.
     */
    default boolean hasTick()
    {
        return true;
    }

    /**
     * Whether cells of this kind have their state checked with {@link #isIntact(CellFlyweight)} before every step and
     * every message. Off by default: the check costs a call per cell.
     *
     * @return true to have the invariant checked.
     */
    default boolean checksIntegrity()
    {
        return false;
    }

    /**
     * The invariant of a cell's state (a checksum, a range, a relation between fields). A cell whose state breaks it
     * is not advanced: it dies with reason {@link ExitReasons#CORRUPT} and its supervisor, if any, restarts it from
     * its genotype.
     *
     * @param cell the cell's slot.
     * @return false if the state is corrupt.
     */
    default boolean isIntact(final CellFlyweight cell)
    {
        return true;
    }
}
