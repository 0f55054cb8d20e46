package io.karyon.engine.cell;

/**
 * A cell's address: a 64-bit value of the slot's generation (high 32 bits) and slot index (low 32 bits).
 * <p>
 * A slot gets a new generation every time it is reused, so a handle kept after its cell died never reaches the
 * slot's next occupant: a message to it is a dead letter. Generations start at 1, so no live cell's handle is
 * {@link #NULL_HANDLE}.
 */
public final class Handle
{
    /**
     * The handle of no cell: the sender of messages from outside the organism.
     */
    public static final long NULL_HANDLE = 0L;

    private Handle()
    {
    }

    /**
     * Packs a slot and a generation into a handle.
     *
     * @param slot       index of the slot, >= 0.
     * @param generation of the slot's occupant.
     * @return the handle.
     */
    public static long of(final int slot, final int generation)
    {
        return ((long)generation << 32) | (slot & 0xFFFF_FFFFL);
    }

    /**
     * The slot index of a handle.
     *
     * @param handle to unpack.
     * @return the slot index.
     */
    public static int slot(final long handle)
    {
        return (int)handle;
    }

    /**
     * The generation of a handle.
     *
     * @param handle to unpack.
     * @return the generation.
     */
    public static int generation(final long handle)
    {
        return (int)(handle >>> 32);
    }

    /**
     * A readable form for messages and logs, e.g. {@code 17@3} for slot 17, generation 3.
     *
     * @param handle to format.
     * @return slot@generation.
     */
    public static String toString(final long handle)
    {
        return Integer.toUnsignedString(slot(handle)) + "@" + Integer.toUnsignedString(generation(handle));
    }
}
