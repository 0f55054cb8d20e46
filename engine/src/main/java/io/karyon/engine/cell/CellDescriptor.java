package io.karyon.engine.cell;

import io.karyon.engine.internal.Arena;

import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

/**
 * Layout of one cell slot in an {@link Arena}: a fixed 16-byte header, then the layout-defined state.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Generation                           |
 *  +---------------+---------------+-------------------------------+
 *  |    Status     |     Flags     |          Behaviour Id         |
 *  +---------------+---------------+-------------------------------+
 *  |                        Supervisor Row                         |
 *  +---------------------------------------------------------------+
 *  |                  Link (next free slot)                        |
 *  +---------------------------------------------------------------+
 *  |                    State (layout-defined)                    ...
 * </pre>
 * While the slot is free the link field chains the chunk's free list; while the cell is alive it is reserved. The
 * header is 16 bytes so the state stays 8-byte aligned. In {@link CellStorage#COLUMNAR} storage the slot is split
 * into 8-byte words, each in its own column of the chunk: the generation, status, flags and behaviour id (what a
 * visit reads) in the first, the supervisor row and link in the second, a field at offset 8 or more of the header
 * being {@link Arena#headerSkew()} further from the header's offset than in row storage.
 * <p>
 * The flags byte holds one bit per engine feature a cell switches on; the bits are named here so that a new one
 * cannot take a bit already in use:
 * <pre>
 *   bit 0     {@link #FLAG_TRAP_EXITS}: set by CellContext.trapExits, read when a linked cell dies
 *   bits 1-7  free
 * </pre>
 * A cell starts with every flag clear, when it is spawned and when it is restarted.
 */
public final class CellDescriptor
{
    /**
     * Offset of the slot's generation (int): incremented each time the slot is freed.
     */
    public static final int GENERATION_OFFSET = 0;

    /**
     * Offset of the status byte: {@link #STATUS_FREE}, {@link #STATUS_ALIVE}, {@link #STATUS_DYING} or
     * {@link #STATUS_DEAD}.
     */
    public static final int STATUS_OFFSET = GENERATION_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the flags byte: {@link #FLAG_TRAP_EXITS}, the other bits free.
     */
    public static final int FLAGS_OFFSET = STATUS_OFFSET + SIZE_OF_BYTE;

    /**
     * Offset of the behaviour id (short).
     */
    public static final int BEHAVIOUR_ID_OFFSET = FLAGS_OFFSET + SIZE_OF_BYTE;

    /**
     * Offset of the supervisor row (int), {@link #NO_SUPERVISOR} when unsupervised.
     */
    public static final int SUPERVISOR_ROW_OFFSET = BEHAVIOUR_ID_OFFSET + SIZE_OF_SHORT;

    /**
     * Offset of the link (int): next free slot while free.
     */
    public static final int LINK_OFFSET = SUPERVISOR_ROW_OFFSET + SIZE_OF_INT;

    /**
     * Length of the header in front of every cell's state.
     */
    public static final int HEADER_LENGTH = LINK_OFFSET + SIZE_OF_INT;

    /**
     * Largest state a slot may hold, in bytes.
     */
    public static final int MAX_STATE_LENGTH = 64 * 1024;

    /**
     * The slot holds no cell.
     */
    public static final byte STATUS_FREE = 0;

    /**
     * The slot holds a live cell.
     */
    public static final byte STATUS_ALIVE = 1;

    /**
     * The cell asked for its death during the current callback; it is freed when the callback returns.
     */
    public static final byte STATUS_DYING = 2;

    /**
     * The cell is dead and its slot held for a restart (used by supervision).
     */
    public static final byte STATUS_DEAD = 3;

    /**
     * Flag bit of a cell that traps exits: a linked cell's death reaches it as an EXIT message instead of killing it.
     */
    public static final byte FLAG_TRAP_EXITS = 0x01;

    /**
     * Supervisor row of a cell that has no supervisor.
     */
    public static final int NO_SUPERVISOR = -1;

    /**
     * Link value that ends a list.
     */
    public static final int NULL_LINK = -1;

    private CellDescriptor()
    {
    }

    /**
     * Length of a slot holding state of the given length.
     *
     * @param stateLength to be checked.
     * @return the header length plus stateLength.
     * @throws IllegalArgumentException if stateLength is not a positive multiple of 8 up to {@link #MAX_STATE_LENGTH}.
     */
    public static int slotLength(final int stateLength)
    {
        checkStateLength(stateLength);
        return HEADER_LENGTH + stateLength;
    }

    /**
     * Checks that a state length can be held in a slot.
     *
     * @param stateLength to be checked.
     * @throws IllegalArgumentException if stateLength is not a positive multiple of 8 up to {@link #MAX_STATE_LENGTH}.
     */
    public static void checkStateLength(final int stateLength)
    {
        if (stateLength <= 0 || (stateLength & 7) != 0 || stateLength > MAX_STATE_LENGTH)
        {
            throw new IllegalArgumentException(
                "stateLength must be a positive multiple of 8 <= " + MAX_STATE_LENGTH + ": stateLength=" + stateLength);
        }
    }
}
