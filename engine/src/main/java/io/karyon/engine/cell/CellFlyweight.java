package io.karyon.engine.cell;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.karyon.engine.cell.CellDescriptor.BEHAVIOUR_ID_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.FLAGS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.GENERATION_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.HEADER_LENGTH;
import static io.karyon.engine.cell.CellDescriptor.LINK_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.STATUS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.SUPERVISOR_ROW_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.CHUNK_HEADER_LENGTH;
import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * A view of one cell slot: its header and its state, read and written in place in the arena.
 * <p>
 * State accessors take a field offset from the {@link CellLayout}. The flyweight owns no data: a worker keeps one
 * and re-wraps it for each cell it visits, so nothing is created per cell.
 * <p>
 * Every state accessor is checked against the cell's declared state: an access of width w at field offset f must
 * have {@code 0 <= f <= stateLength - w}, else it throws {@link CellBoundsException} before touching memory, so a
 * behaviour's bad offset can never reach its neighbour's slot or its own header. The checks follow Agrona's bounds
 * checks ({@link #CHECKS}): benchmarks switch both off with {@code -Dagrona.disable.bounds.checks=true}, and the JIT
 * then removes them. The header accessors are the engine's and are not checked.
 * <p>
 * In an arena of {@link CellStorage#COLUMNAR} storage the slot is spread over columns, one per 8-byte word, header
 * words first: state field offset f resolves to {@code stateOffset + (f & ~7) * slotsPerChunk + (f & 7)}, where
 * stateOffset is the cell's element of the first state column, and {@link #offset()} is its element of the first
 * header column. An access must then also lie within one 8-byte word (fields of a layout always do), else it would
 * reach the neighbour's element of the column; checked accesses reject it as out of bounds.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
public final class CellFlyweight
{
    /**
     * Whether state accesses are checked: {@link DirectBuffer#SHOULD_BOUNDS_CHECK}, Agrona's own switch
     * ({@code agrona.disable.bounds.checks}), read once into a static final so the JIT removes the checks when off.
     */
    public static final boolean CHECKS = DirectBuffer.SHOULD_BOUNDS_CHECK;

    private UnsafeBuffer buffer;
    private int offset;
    private int stateOffset;
    private int slot;
    private int stateLength;
    private int laneShift;
    private int laneBase;
    private int indexMask;
    private int headerSkew;
    private Runnable onOutOfBounds;

    /**
     * A flyweight over slots of {@link CellDescriptor#MAX_STATE_LENGTH} bytes of state until it is wrapped by an
     * arena, which sets the state length of its slots.
     */
    public CellFlyweight()
    {
        this.stateLength = CellDescriptor.MAX_STATE_LENGTH;
    }

    /**
     * A flyweight over slots with {@code stateLength} bytes of state.
     *
     * @param stateLength of the slots it will be wrapped over.
     * @throws IllegalArgumentException if stateLength is not a positive multiple of 8 up to
     *                                  {@link CellDescriptor#MAX_STATE_LENGTH}.
     */
    public CellFlyweight(final int stateLength)
    {
        CellDescriptor.checkStateLength(stateLength);
        this.stateLength = stateLength;
    }

    /**
     * Length of the state of the slots this flyweight is wrapped over: accesses are checked against it.
     *
     * @return state length in bytes.
     */
    public int stateLength()
    {
        return stateLength;
    }

    /**
     * Sets the storage of the chunks this flyweight will be wrapped over, which {@link #wrap(UnsafeBuffer, int, int)}
     * needs to find a cell's state from its header's offset. The arena sets it when it wraps a flyweight, and the
     * engine once on each worker's flyweight.
     *
     * @param storage    of the arena's chunks.
     * @param chunkShift log2 of the slots per chunk, the height of a column.
     * @return this.
     */
    public CellFlyweight storage(final CellStorage storage, final int chunkShift)
    {
        if (CellStorage.COLUMNAR == storage)
        {
            this.laneShift = chunkShift;
            this.laneBase = CHUNK_HEADER_LENGTH + (HEADER_LENGTH << chunkShift);
            this.indexMask = (1 << chunkShift) - 1;
            this.headerSkew = (8 << chunkShift) - 8;
        }
        else
        {
            this.laneShift = 0;
            this.laneBase = 0;
            this.indexMask = 0;
            this.headerSkew = 0;
        }
        return this;
    }

    /**
     * Storage of the chunks this flyweight is wrapped over.
     *
     * @return {@link CellStorage#COLUMNAR} or {@link CellStorage#ROW}.
     */
    public CellStorage storage()
    {
        return 0 == laneShift ? CellStorage.ROW : CellStorage.COLUMNAR;
    }

    /**
     * Sets what runs when an access is found out of bounds, just before {@link CellBoundsException} is thrown: the
     * engine's worker marks the cell being visited dying with reason {@code out_of_bounds} there, so that the cell
     * dies even if its behaviour catches the exception.
     *
     * @param onOutOfBounds to run, or null for none.
     * @return this.
     */
    public CellFlyweight onOutOfBounds(final Runnable onOutOfBounds)
    {
        this.onOutOfBounds = onOutOfBounds;
        return this;
    }

    /**
     * Points this flyweight at a slot.
     *
     * @param buffer holding the slot: a chunk of the storage set by {@link #storage(CellStorage, int)}.
     * @param offset of the slot's header in the buffer.
     * @param slot   index of the slot in its arena.
     * @return this.
     */
    public CellFlyweight wrap(final UnsafeBuffer buffer, final int offset, final int slot)
    {
        // Stored only when it changes: a reference store pays the collector's write barrier, which under G1 (the
        // default) can be a StoreLoad fence, and a visit re-wraps the flyweight over the same chunk cell after cell.
        // The tick sweep does not call this per cell at all (see moveTo).
        if (buffer != this.buffer)
        {
            this.buffer = buffer;
        }
        this.offset = offset;
        this.stateOffset = 0 == laneShift ? offset + HEADER_LENGTH : laneBase + ((slot & indexMask) << 3);
        this.slot = slot;
        return this;
    }

    /**
     * Points this flyweight at another slot of the buffer it is wrapped over: {@link #wrap(UnsafeBuffer, int, int)}
     * without the buffer, for the engine's sweeps over a chunk. It writes no reference, so the collector's write
     * barrier is not paid per cell, and the state's offset is the header's plus one constant of the storage.
     *
     * @param offset of the slot's header in {@link #buffer()}, which must be the chunk holding slot {@code slot}.
     * @param slot   index of the slot in its arena.
     * @return this.
     */
    public CellFlyweight moveTo(final int offset, final int slot)
    {
        this.offset = offset;
        this.stateOffset = offset + (HEADER_LENGTH << laneShift);
        this.slot = slot;
        return this;
    }

    /**
     * Points this flyweight at a slot of an arena whose slots hold {@code stateLength} bytes of state.
     *
     * @param buffer      holding the slot.
     * @param offset      of the slot's header in the buffer.
     * @param slot        index of the slot in its arena.
     * @param stateLength of the slot's state, which accesses are checked against.
     * @return this.
     */
    public CellFlyweight wrap(final UnsafeBuffer buffer, final int offset, final int slot, final int stateLength)
    {
        if (buffer != this.buffer)
        {
            this.buffer = buffer;
        }
        this.offset = offset;
        this.stateOffset = 0 == laneShift ? offset + HEADER_LENGTH : laneBase + ((slot & indexMask) << 3);
        this.slot = slot;
        this.stateLength = stateLength;
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
     * Offset of the slot's state in {@link #buffer()}: of its first 8-byte word, which in columnar storage is the
     * cell's element of the first state column, the next word being a column further on.
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
        return buffer.getInt(offset + SUPERVISOR_ROW_OFFSET + headerSkew);
    }

    /**
     * Sets the supervisor row.
     *
     * @param row to store.
     * @return this.
     */
    public CellFlyweight supervisorRow(final int row)
    {
        buffer.putInt(offset + SUPERVISOR_ROW_OFFSET + headerSkew, row);
        return this;
    }

    /**
     * The header's link field: next free slot while free.
     *
     * @return link.
     */
    public int link()
    {
        return buffer.getInt(offset + LINK_OFFSET + headerSkew);
    }

    /**
     * Sets the link field.
     *
     * @param link to store.
     * @return this.
     */
    public CellFlyweight link(final int link)
    {
        buffer.putInt(offset + LINK_OFFSET + headerSkew, link);
        return this;
    }

    /**
     * Reads a long state field.
     *
     * @param fieldOffset from the layout.
     * @return the value.
     * @throws CellBoundsException if the field does not fit in the state (while {@link #CHECKS} is on).
     */
    public long getLong(final int fieldOffset)
    {
        if (CHECKS)
        {
            checkAccess(fieldOffset, SIZE_OF_LONG, "getLong");
        }
        return buffer.getLong(address(fieldOffset));
    }

    /**
     * Writes a long state field.
     *
     * @param fieldOffset from the layout.
     * @param value       to store.
     * @return this.
     * @throws CellBoundsException if the field does not fit in the state (while {@link #CHECKS} is on).
     */
    public CellFlyweight putLong(final int fieldOffset, final long value)
    {
        if (CHECKS)
        {
            checkAccess(fieldOffset, SIZE_OF_LONG, "putLong");
        }
        buffer.putLong(address(fieldOffset), value);
        return this;
    }

    /**
     * Reads a double state field.
     *
     * @param fieldOffset from the layout.
     * @return the value.
     * @throws CellBoundsException if the field does not fit in the state (while {@link #CHECKS} is on).
     */
    public double getDouble(final int fieldOffset)
    {
        if (CHECKS)
        {
            checkAccess(fieldOffset, SIZE_OF_DOUBLE, "getDouble");
        }
        return buffer.getDouble(address(fieldOffset));
    }

    /**
     * Writes a double state field.
     *
     * @param fieldOffset from the layout.
     * @param value       to store.
     * @return this.
     * @throws CellBoundsException if the field does not fit in the state (while {@link #CHECKS} is on).
     */
    public CellFlyweight putDouble(final int fieldOffset, final double value)
    {
        if (CHECKS)
        {
            checkAccess(fieldOffset, SIZE_OF_DOUBLE, "putDouble");
        }
        buffer.putDouble(address(fieldOffset), value);
        return this;
    }

    /**
     * Reads an int state field.
     *
     * @param fieldOffset from the layout.
     * @return the value.
     * @throws CellBoundsException if the field does not fit in the state (while {@link #CHECKS} is on).
     */
    public int getInt(final int fieldOffset)
    {
        if (CHECKS)
        {
            checkAccess(fieldOffset, SIZE_OF_INT, "getInt");
        }
        return buffer.getInt(address(fieldOffset));
    }

    /**
     * Writes an int state field.
     *
     * @param fieldOffset from the layout.
     * @param value       to store.
     * @return this.
     * @throws CellBoundsException if the field does not fit in the state (while {@link #CHECKS} is on).
     */
    public CellFlyweight putInt(final int fieldOffset, final int value)
    {
        if (CHECKS)
        {
            checkAccess(fieldOffset, SIZE_OF_INT, "putInt");
        }
        buffer.putInt(address(fieldOffset), value);
        return this;
    }

    /**
     * Reads a byte state field.
     *
     * @param fieldOffset from the layout.
     * @return the value.
     * @throws CellBoundsException if the field does not fit in the state (while {@link #CHECKS} is on).
     */
    public byte getByte(final int fieldOffset)
    {
        if (CHECKS)
        {
            checkAccess(fieldOffset, SIZE_OF_BYTE, "getByte");
        }
        return buffer.getByte(address(fieldOffset));
    }

    /**
     * Writes a byte state field.
     *
     * @param fieldOffset from the layout.
     * @param value       to store.
     * @return this.
     * @throws CellBoundsException if the field does not fit in the state (while {@link #CHECKS} is on).
     */
    public CellFlyweight putByte(final int fieldOffset, final byte value)
    {
        if (CHECKS)
        {
            checkAccess(fieldOffset, SIZE_OF_BYTE, "putByte");
        }
        buffer.putByte(address(fieldOffset), value);
        return this;
    }

    /**
     * Copies a whole state, word by word, into the cell, e.g. a genotype's initial state: unchecked, for the engine.
     *
     * @param from   the state, laid out in rows: word k at byte 8k.
     * @param length of the state in bytes, a multiple of 8 no longer than the cell's.
     * @return this.
     */
    public CellFlyweight copyState(final DirectBuffer from, final int length)
    {
        // A word loop: Unsafe.copyMemory from a heap array pays range checks that cost more than 64 bytes of copy.
        final UnsafeBuffer buffer = this.buffer;
        final int stateOffset = this.stateOffset;
        final int laneShift = this.laneShift;
        for (int i = 0; i < length; i += 8)
        {
            buffer.putLong(stateOffset + (i << laneShift), from.getLong(i));
        }
        return this;
    }

    /**
     * Where a state field lies in the buffer: in row storage the state's offset plus the field's, in columnar storage
     * its word's column ({@code laneShift} is the chunk shift, 0 in row storage).
     */
    private int address(final int fieldOffset)
    {
        return stateOffset + ((fieldOffset & ~7) << laneShift) + (fieldOffset & 7);
    }

    /**
     * The check of every state access, kept small so that it inlines into each accessor; the failure is out of line.
     */
    private void checkAccess(final int fieldOffset, final int width, final String access)
    {
        if (fieldOffset < 0 || fieldOffset > stateLength - width ||
            (0 != laneShift && (fieldOffset & 7) + width > 8))
        {
            outOfBounds(fieldOffset, width, access);
        }
    }

    private void outOfBounds(final int fieldOffset, final int width, final String access)
    {
        final Runnable onOutOfBounds = this.onOutOfBounds;
        if (null != onOutOfBounds)
        {
            onOutOfBounds.run();
        }
        throw new CellBoundsException(access, slot, fieldOffset, width, stateLength);
    }
}
