package io.karyon.engine.cell;

/**
 * A cell's state was read or written outside its declared state, {@code [0, stateLength)}, through a
 * {@link CellFlyweight}: thrown before the access, so nothing outside the cell's state was touched. Inside a tick the
 * cell dies with the exit reason {@code out_of_bounds} (restarted if supervised), whether or not its behaviour catches
 * this. In {@link CellStorage#COLUMNAR} storage an access that crosses an 8-byte word of the state is refused too: it
 * would reach the neighbour's element of the column.
 * <p>
 * Thrown only while the checks are on: they follow Agrona's bounds checks, switched off together by
 * {@code -Dagrona.disable.bounds.checks=true} (see {@link CellFlyweight#CHECKS}).
 */
public final class CellBoundsException extends IndexOutOfBoundsException
{
    private static final long serialVersionUID = 1L;

    private final int slot;
    private final int fieldOffset;
    private final int width;
    private final int stateLength;

    /**
     * An access of {@code width} bytes at {@code fieldOffset} that does not fit in the state.
     *
     * @param access      what was done, e.g. "putLong".
     * @param slot        of the cell.
     * @param fieldOffset asked for, from the start of the state.
     * @param width       of the access in bytes.
     * @param stateLength of the cell's state in bytes.
     */
    public CellBoundsException(
        final String access, final int slot, final int fieldOffset, final int width, final int stateLength)
    {
        super(access + " at state offset " + fieldOffset + " (" + width + " bytes) is outside the cell's state [0, " +
            stateLength + ") in slot " + slot + (fieldOffset >= 0 && fieldOffset <= stateLength - width ?
                ": it crosses an 8-byte word, which columnar storage keeps in separate columns" : ""));
        this.slot = slot;
        this.fieldOffset = fieldOffset;
        this.width = width;
        this.stateLength = stateLength;
    }

    /**
     * Slot of the cell whose state was accessed.
     *
     * @return slot index.
     */
    public int slot()
    {
        return slot;
    }

    /**
     * Offset asked for, from the start of the state.
     *
     * @return field offset.
     */
    public int fieldOffset()
    {
        return fieldOffset;
    }

    /**
     * Width of the access in bytes.
     *
     * @return width.
     */
    public int width()
    {
        return width;
    }

    /**
     * Length of the cell's state in bytes.
     *
     * @return state length.
     */
    public int stateLength()
    {
        return stateLength;
    }
}
