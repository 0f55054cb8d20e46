package io.karyon.engine;

/**
 * What a behaviour may do to the world during a callback: learn the time, send, spawn, die, join and leave groups,
 * broadcast to a group, and draw random numbers from its own deterministic stream.
 * <p>
 * <b>Note:</b> valid only during the callback it was passed to, on the calling worker's thread.
 */
public interface CellContext
{
    /**
     * Result of {@link #send(long, int, long)}: the message is queued for the next tick.
     */
    int SENT = 0;

    /**
     * Result of {@link #send(long, int, long)}: the target is the null handle; counted as a dead letter.
     */
    int DEAD_LETTER = -1;

    /**
     * Handle of the cell being called.
     *
     * @return own handle.
     */
    long self();

    /**
     * The current tick, counting from 0.
     *
     * @return the tick.
     */
    long tick();

    /**
     * Index of the worker running the cell, from 0; for per-worker resources such as latency recorders.
     *
     * @return worker index.
     */
    int worker();

    /**
     * Sends a message that the target handles in the next tick. Messages from one sender to one target arrive in the
     * order they were sent. A target that is dead by then makes the message a dead letter: counted, never delivered
     * to another occupant of its slot.
     *
     * @param target  handle.
     * @param type    of the message.
     * @param payload of the message.
     * @return {@link #SENT} or {@link #DEAD_LETTER}.
     */
    int send(long target, int type, long payload);

    /**
     * Spawns a child from a genotype, beside this cell (same chunk where there is room). The child is advanced from
     * the next tick on; its handle can be used at once.
     *
     * @param genotype of the child.
     * @return the child's handle.
     */
    long spawn(Genotype genotype);

    /**
     * Asks for this cell's death with a reason; the slot is freed when the callback returns and any messages still
     * waiting for the cell in this tick become dead letters.
     *
     * @param reason an exit reason code, see {@link ExitReasons}.
     */
    void die(int reason);

    /**
     * Makes this cell a member of a group (a no-op if it is one). Like every membership change made in a tick, it is
     * seen from the next tick on: a broadcast is delivered to the members as of the start of the delivering tick.
     *
     * @param group id from {@link Organism#group(String)}.
     * @throws IllegalArgumentException if no group has that id.
     */
    void join(int group);

    /**
     * Removes this cell from a group (a no-op if it is not a member), seen from the next tick on. A cell that dies
     * leaves all its groups at once.
     *
     * @param group id from {@link Organism#group(String)}.
     * @throws IllegalArgumentException if no group has that id.
     */
    void leave(int group);

    /**
     * Sends one message to every member of a group, on every worker: each member handles it exactly once, in the
     * next tick, through {@link Behaviour#onMessage} with this cell as the sender. Broadcasts are handed out before
     * the tick's ordinary messages, members in slot order, each member's broadcasts in send order. Only one record
     * per worker travels between workers, not a copy per member. A member that dies before handling a broadcast
     * counts it as a dead letter.
     *
     * @param group   id from {@link Organism#group(String)}.
     * @param type    of the message.
     * @param payload of the message.
     * @throws IllegalArgumentException if no group has that id.
     */
    void broadcast(int group, int type, long payload);

    /**
     * Next value of this cell's random stream, which is keyed by (run seed, slot, generation, tick): the same in
     * every run with the same seed, whatever the number of workers.
     *
     * @return 64 random bits.
     */
    long nextLong();

    /**
     * Next value of this cell's random stream as a double in [0, 1).
     *
     * @return a uniform double in [0, 1).
     */
    double nextDouble();
}
