package io.karyon.engine.cell;

/**
 * How an arena's chunk lays out its cells: a whole slot per cell ({@link #ROW}), or each 8-byte word of the slot,
 * header and state, in its own column ({@link #COLUMNAR}). Behaviours see no difference: they address fields by their
 * {@link CellLayout} offsets through {@link CellFlyweight} either way, and the digest of a run is the same.
 * <pre>
 *  ROW       chunk header | slot 0: header, state | slot 1: header, state | ...            | bitmaps | int column
 *  COLUMNAR  chunk header | header word 0 of cells 0..N-1 | header word 1 of cells 0..N-1
 *                         | state word 0 of cells 0..N-1 | state word 1 of cells 0..N-1 | ... | bitmaps | int column
 * </pre>
 * A chunk is the same length either way. Header word 0 holds what a visit reads (generation, status, flags,
 * behaviour id), word 1 the supervisor row and the free-list link. Columnar storage suits cells whose ticks touch a
 * few fields of a wide state: a tick that reads and writes one {@code double} reads 8 bytes of header and moves the
 * 8 bytes of its field's column twice, 24 bytes, instead of the whole slot's cache lines. Row storage suits cells
 * that use most of their fields together, where one slot is one or two cache lines and columns would touch one line
 * per word.
 */
public enum CellStorage
{
    /** Slot after slot: each cell's header and state together (the default). */
    ROW,
    /** One column per 8-byte word of the slot: the header's two, then the state's. */
    COLUMNAR;

    /**
     * The storage of a name, in any case: {@code row} or {@code columnar}.
     *
     * @param name to look up.
     * @return the storage.
     * @throws IllegalArgumentException naming the value and the choices when it is neither.
     */
    public static CellStorage of(final String name)
    {
        if (null != name)
        {
            for (final CellStorage storage : values())
            {
                if (storage.name().equalsIgnoreCase(name.trim()))
                {
                    return storage;
                }
            }
        }
        throw new IllegalArgumentException("cell storage must be row or columnar: '" + name + "'");
    }
}
