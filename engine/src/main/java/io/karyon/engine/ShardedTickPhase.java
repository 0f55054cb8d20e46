package io.karyon.engine;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A {@link TickPhase} whose state a sharded run can split between processes (the matrix's: see
 * {@code io.karyon.model.MatrixPhase}). Part p of the phase is run by worker p of the whole run, on the shard that
 * owns that worker; what the other shards must see of it goes with the exchange at the two barriers of a tick:
 * <ul>
 *   <li>at the tick's barrier, in the tick's block, what each writer of this shard buffered during the tick for each
 *   part of the receiving shard ({@link #putDeposits}, {@link #takeDeposits}): the next phase then merges, for its
 *   part, every writer's deposits as one process would;</li>
 *   <li>at the phase's barrier, in a block of its own per receiving shard, each part's state as the phase left it, as
 *   much as the receiver holds ({@link #putPart}, {@link #takePart}), so that cells read the parts they may read, and
 *   the next phase reads its neighbours, as of the start of the tick; then what any writer still holds for another
 *   shard's part is dropped ({@link #dropDeposits}): that part's own shard applied it (deposits made by the driver
 *   before a run, on every shard alike).</li>
 * </ul>
 * The engine calls these only in a sharded run, from its exchange agent, while every worker of this shard waits at a
 * barrier; a run in one process never calls them. Each put appends a frame the matching take reads back whole, and
 * both return the offset after it.
 * <p>
 * <b>Note:</b> not threadsafe; called by one thread while the workers wait.
 */
public interface ShardedTickPhase extends TickPhase
{
    /**
     * Why this phase cannot be split between shards (the engine refuses the run with this line), or null if it can.
     *
     * @return null, or one line naming what is wrong.
     */
    String unshardable();

    /**
     * Appends what a writer of this shard buffered during the tick for a part of another shard.
     *
     * @param writer of this shard.
     * @param part   of the receiving shard.
     * @param out    the block, grown as needed.
     * @param offset where the frame starts.
     * @return the offset after the frame.
     */
    int putDeposits(int writer, int part, MutableDirectBuffer out, int offset);

    /**
     * Replaces what a writer of another shard holds here for a part of this shard with a frame from
     * {@link #putDeposits}.
     *
     * @param writer of the sending shard.
     * @param part   of this shard.
     * @param in     the block.
     * @param offset where the frame starts.
     * @return the offset after the frame.
     * @throws IllegalStateException naming what is wrong, if the frame is not one {@link #putDeposits} writes.
     */
    int takeDeposits(int writer, int part, DirectBuffer in, int offset);

    /**
     * Before the first tick: this shard runs parts [firstPart, endPart). A phase may then hold less than its whole
     * state here (the matrix with a reach: its parts' ranges and their halos).
     *
     * @param firstPart first part of this shard.
     * @param endPart   one past its last.
     */
    void holdParts(int firstPart, int endPart);

    /**
     * After the phase: appends a part of this shard as the phase left it, as much of it as a shard running parts
     * [toFirstPart, toEndPart) holds (the matrix with a reach: the rows in its halos; otherwise the whole part).
     *
     * @param part        of this shard, whose phase has run.
     * @param toFirstPart first part of the receiving shard.
     * @param toEndPart   one past its last.
     * @param out         the block, grown as needed.
     * @param offset      where the frame starts.
     * @return the offset after the frame.
     */
    int putPart(int part, int toFirstPart, int toEndPart, MutableDirectBuffer out, int offset);

    /**
     * After the phase: takes in a part of another shard, as its phase left it there, in place of running it here (as
     * much of it as this shard holds).
     *
     * @param part   of the sending shard.
     * @param in     the block.
     * @param offset where the frame starts.
     * @return the offset after the frame.
     * @throws IllegalStateException naming what is wrong, if the frame is not one {@link #putPart} writes.
     */
    int takePart(int part, DirectBuffer in, int offset);

    /**
     * After the phase: forgets what every writer holds for a part of another shard.
     *
     * @param part of another shard.
     */
    void dropDeposits(int part);
}
