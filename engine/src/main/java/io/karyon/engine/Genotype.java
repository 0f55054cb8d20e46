package io.karyon.engine;

import io.karyon.engine.cell.CellLayout;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The initial state of a kind of cell: a layout, a behaviour, and the bytes that spawning (and, later, restarting)
 * copies into the slot.
 * <p>
 * Made by {@link Organism#genotype(String, CellLayout, String)}; set its initial values before the first spawn.
 * <p>
 * <b>Note:</b> not threadsafe to change; read-only (and safe to share) once cells are spawned from it.
 */
public final class Genotype
{
    private final String name;
    private final int id;
    private final short behaviourId;
    private final CellLayout layout;
    private final UnsafeBuffer state;

    Genotype(final String name, final int id, final short behaviourId, final CellLayout layout, final int stateLength)
    {
        this.name = name;
        this.id = id;
        this.behaviourId = behaviourId;
        this.layout = layout;
        this.state = new UnsafeBuffer(new byte[stateLength]);
    }

    /**
     * Name of the genotype.
     *
     * @return name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Index of the genotype in its organism.
     *
     * @return id.
     */
    public int id()
    {
        return id;
    }

    /**
     * Behaviour id of its cells.
     *
     * @return behaviour id.
     */
    public short behaviourId()
    {
        return behaviourId;
    }

    /**
     * Layout of its cells' state.
     *
     * @return layout.
     */
    public CellLayout layout()
    {
        return layout;
    }

    /**
     * The initial state, as long as the organism's slot state.
     *
     * @return the initial state buffer.
     */
    public UnsafeBuffer state()
    {
        return state;
    }

    /**
     * Sets an initial long value.
     *
     * @param fieldOffset from the layout.
     * @param value       initial value.
     * @return this.
     */
    public Genotype putLong(final int fieldOffset, final long value)
    {
        state.putLong(fieldOffset, value);
        return this;
    }

    /**
     * Sets an initial double value.
     *
     * @param fieldOffset from the layout.
     * @param value       initial value.
     * @return this.
     */
    public Genotype putDouble(final int fieldOffset, final double value)
    {
        state.putDouble(fieldOffset, value);
        return this;
    }

    /**
     * Sets an initial int value.
     *
     * @param fieldOffset from the layout.
     * @param value       initial value.
     * @return this.
     */
    public Genotype putInt(final int fieldOffset, final int value)
    {
        state.putInt(fieldOffset, value);
        return this;
    }

    /**
     * Sets an initial byte value.
     *
     * @param fieldOffset from the layout.
     * @param value       initial value.
     * @return this.
     */
    public Genotype putByte(final int fieldOffset, final byte value)
    {
        state.putByte(fieldOffset, value);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Genotype{name='" + name + "', behaviourId=" + behaviourId + ", layout=" + layout + "}";
    }
}
