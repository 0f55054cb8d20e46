package io.karyon.engine.cell;

import org.agrona.concurrent.UnsafeBuffer;

import static io.karyon.engine.cell.CellDescriptor.BEHAVIOUR_ID_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.FLAGS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.GENERATION_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.HEADER_LENGTH;
import static io.karyon.engine.cell.CellDescriptor.LINK_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.STATUS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.SUPERVISOR_ROW_OFFSET;

/**
 * A view of one cell slot: its header and its state, read and written in place in the arena.
 * <p>
 * State accessors take a field offset from the {@link CellLayout}. The flyweight owns no data: a worker keeps one
 * and re-wraps it for each cell it visits, so nothing is created per cell.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
public final class CellFlyweight
{
    private UnsafeBuffer buffer;
    private int offset;
    private int stateOffset;
    private int slot;

    /**
     * Points this flyweight at a slot.
     *
     * @param buffer holding the slot.
     * @param offset of the slot's header in the buffer.
     * @param slot   index of the slot in its arena.
     * @return this.
     */
    public CellFlyweight wrap(final UnsafeBuffer buffer, final int offset, final int slot)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.stateOffset = offset + HEADER_LENGTH;
        this.slot = slot;
        return this;
    }

    /**
     * Buffer the slot lives in.
     *
     * @return buffer the slot lives in.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Offset of the slot's header in {@link #buffer()}.
     *
     * @return offset of the slot's header.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * Offset of the slot's state in {@link #buffer()}.
     *
     * @return offset of the slot's state.
     */
    public int stateOffset()
    {
        return stateOffset;
    }

    /**
     * Index of the slot in its arena.
     *
     * @return index of the slot.
     */
    public int slot()
    {
        return slot;
    }

    /**
     * Handle of the cell in the slot: its generation and slot.
     *
     * @return handle of the current occupant.
     */
    public long handle()
    {
        return Handle.of(slot, generation());
    }

    /**
     * Generation of the slot's occupant.
     *
     * @return generation.
     */
    public int generation()
    {
        return buffer.getInt(offset + GENERATION_OFFSET);
    }

    /**
     * Sets the generation.
     *
     * @param generation to store.
     * @return this.
     */
    public CellFlyweight generation(final int generation)
    {
        buffer.putInt(offset + GENERATION_OFFSET, generation);
        return this;
    }

    /**
     * Status of the slot, one of {@code CellDescriptor.STATUS_*}.
     *
     * @return status.
     */
    public byte status()
    {
        return buffer.getByte(offset + STATUS_OFFSET);
    }

    /**
     * Sets the status.
     *
     * @param status one of {@code CellDescriptor.STATUS_*}.
     * @return this.
     */
    public CellFlyweight status(final byte status)
    {
        buffer.putByte(offset + STATUS_OFFSET, status);
        return this;
    }

    /**
     * Flags byte.
     *
     * @return flags.
     */
    public byte flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET);
    }

    /**
     * Sets the flags byte.
     *
     * @param flags to store.
     * @return this.
     */
    public CellFlyweight flags(final byte flags)
    {
        buffer.putByte(offset + FLAGS_OFFSET, flags);
        return this;
    }

    /**
     * Id of the cell's behaviour.
     *
     * @return behaviour id.
     */
    public short behaviourId()
    {
        return buffer.getShort(offset + BEHAVIOUR_ID_OFFSET);
    }

    /**
     * Stores the behaviour id, and nothing else. Inside a {@link io.karyon.engine.CellInitializer} it gives a cell
     * being set up another behaviour than its genotype's (the engine switches the cell properly once the initializer
     * returns). To switch a live cell, call {@link io.karyon.engine.Organism#become(long, short)} from the driver or
     * {@link io.karyon.engine.CellContext#become(short)} from inside a callback: they also move the cell between the
     * per-behaviour counts ({@link io.karyon.engine.Organism#countOf(short)}) and into or out of the cells stepped
     * each tick, which writing the id here would leave stale.
     *
     * @param behaviourId to store.
     * @return this.
     */
    public CellFlyweight behaviourId(final short behaviourId)
    {
        buffer.putShort(offset + BEHAVIOUR_ID_OFFSET, behaviourId);
        return this;
    }

    /**
     * Row of the cell's supervisor, {@link CellDescriptor#NO_SUPERVISOR} when unsupervised.
     *
     * @return supervisor row.
     */
    public int supervisorRow()
    {
        return buffer.getInt(offset + SUPERVISOR_ROW_OFFSET);
    }

    /**
     * Sets the supervisor row.
     *
     * @param row to store.
     * @return this.
     */
    public CellFlyweight supervisorRow(final int row)
    {
        buffer.putInt(offset + SUPERVISOR_ROW_OFFSET, row);
        return this;
    }

    /**
     * The header's link field: next free slot while free.
     *
     * @return link.
     */
    public int link()
    {
        return buffer.getInt(offset + LINK_OFFSET);
    }

    /**
     * Sets the link field.
     *
     * @param link to store.
     * @return this.
     */
    public CellFlyweight link(final int link)
    {
        buffer.putInt(offset + LINK_OFFSET, link);
        return this;
    }

    /**
     * Reads a long state field.
     *
     * @param fieldOffset from the layout.
     * @return the value.
     */
    public long getLong(final int fieldOffset)
    {
        return buffer.getLong(stateOffset + fieldOffset);
    }

    /**
     * Writes a long state field.
     *
     * @param fieldOffset from the layout.
     * @param value       to store.
     * @return this.
     */
    public CellFlyweight putLong(final int fieldOffset, final long value)
    {
        buffer.putLong(stateOffset + fieldOffset, value);
        return this;
    }

    /**
     * Reads a double state field.
     *
     * @param fieldOffset from the layout.
     * @return the value.
     */
    public double getDouble(final int fieldOffset)
    {
        return buffer.getDouble(stateOffset + fieldOffset);
    }

    /**
     * Writes a double state field.
     *
     * @param fieldOffset from the layout.
     * @param value       to store.
     * @return this.
     */
    public CellFlyweight putDouble(final int fieldOffset, final double value)
    {
        buffer.putDouble(stateOffset + fieldOffset, value);
        return this;
    }

    /**
     * Reads an int state field.
     *
     * @param fieldOffset from the layout.
     * @return the value.
     */
    public int getInt(final int fieldOffset)
    {
        return buffer.getInt(stateOffset + fieldOffset);
    }

    /**
     * Writes an int state field.
     *
     * @param fieldOffset from the layout.
     * @param value       to store.
     * @return this.
     */
    public CellFlyweight putInt(final int fieldOffset, final int value)
    {
        buffer.putInt(stateOffset + fieldOffset, value);
        return this;
    }

    /**
     * Reads a byte state field.
     *
     * @param fieldOffset from the layout.
     * @return the value.
     */
    public byte getByte(final int fieldOffset)
    {
        return buffer.getByte(stateOffset + fieldOffset);
    }

    /**
     * Writes a byte state field.
     *
     * @param fieldOffset from the layout.
     * @param value       to store.
     * @return this.
     */
    public CellFlyweight putByte(final int fieldOffset, final byte value)
    {
        buffer.putByte(stateOffset + fieldOffset, value);
        return this;
    }
}
