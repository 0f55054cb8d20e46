package io.karyon.engine.cell;

/**
 * How an arena's chunk lays out its cells' state: a whole slot per cell ({@link #ROW}), or each 8-byte word of the
 * state in its own column ({@link #COLUMNAR}). Behaviours see no difference: they address fields by their
 * {@link CellLayout} offsets through {@link CellFlyweight} either way, and the digest of a run is the same.
 * <pre>
 *  ROW       chunk header | slot 0: header, state | slot 1: header, state | ... | bitmaps | int column
 *  COLUMNAR  chunk header | header 0 | header 1 | ... | word 0 of cells 0..N-1 | word 1 of cells 0..N-1 | ...
 *                                                                                          | bitmaps | int column
 * </pre>
 * A chunk is the same length either way. Columnar storage suits cells whose ticks touch a few fields of a wide state:
 * a tick that reads and writes one {@code double} moves the 8 bytes of its column twice and reads the 16-byte header
 * that names its behaviour, instead of the whole slot's cache lines. Row storage suits cells that use most of their
 * fields together, where one slot is one or two cache lines and columns would touch one line per field.
 */
public enum CellStorage
{
    /** Slot after slot: each cell's header and state together (the default). */
    ROW,
    /** The headers together, then one column per 8-byte word of the state. */
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
