package io.karyon.engine;

/**
 * What a behaviour may do to the world during a callback: learn the time, send, spawn, die, join and leave groups,
 * broadcast to a group, monitor and link to other cells, find supervised cells again after their restarts, set
 * timers, call and reply, and draw random numbers from its own deterministic stream.
 * <p>
 * <b>Finding a restarted cell, the Erlang way.</b> A restart gives a supervised cell a new handle (its old one is a
 * dead letter from then on), as a restarted Erlang process gets a new pid. What stays is its place among its
 * supervisor's children: its <em>child id</em> ({@link #childId()}; the driver has {@link Supervisor#childId(long)}),
 * a {@code long} that names it across all its restarts, as an OTP child spec's id does. A cell that holds another's
 * child id finds its current handle with {@link #child(long)}, as OTP code asks {@code supervisor:which_children/1};
 * the answer is the handle as of the start of this tick on every worker (what the previous tick's restarts, exits and
 * terminations made it), or says why there is none: {@link #CHILD_RESTARTING} (its restart is queued),
 * {@link #CHILD_STOPPED} (it exited and was not restarted), {@link #CHILD_SUPERVISOR_STOPPED} (its supervisor gave up
 * or was terminated) or {@link #CHILD_GONE} (it was removed and its place given to another child). And a cell can ask
 * to be told: {@link #monitorChild(long)} watches a supervised cell as {@link #monitor(long)} does, and after the
 * {@link Signals#DOWN} for a death its supervisor restarts it from, a {@link Signals#RESTARTED} message arrives
 * (sender = the new handle, payload = the reference) in the tick after the restart, and the monitor goes on
 * watching the new cell. These notices travel as the engine's other signals do, so they arrive in the same order on
 * any number of workers.
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
     * Result of {@link #send(long, int, long)}: the sender went past its mailbox limit
     * ({@link Context#mailboxLimit()}); the message was not sent, and the sender dies at the end of its visit with
     * reason {@link ExitReasons#MAILBOX_OVERFLOW}.
     */
    int OVERFLOW = -2;

    /**
     * Result of {@link #childId()} for a cell that is no supervisor's child.
     */
    long NO_CHILD = -1;

    /**
     * Answer of {@link #child(long)}: the child exited and its supervisor queued its restart, which has not happened by
     * the start of this tick (a restart budget may carry it over some ticks).
     */
    long CHILD_RESTARTING = -2;

    /**
     * Answer of {@link #child(long)}: the child exited and was not restarted (a transient child's normal exit, a
     * temporary child, or one whose restart its supervisor found no longer needed); its supervisor still runs, and may
     * start it again (a one-for-all or rest-for-one restart of its siblings).
     */
    long CHILD_STOPPED = -3;

    /**
     * Answer of {@link #child(long)}: the child's supervisor gave up (more restarts than its intensity allows) or its
     * parent terminated it, and the child with it; it comes back only if the supervisor is restarted.
     */
    long CHILD_SUPERVISOR_STOPPED = -4;

    /**
     * Answer of {@link #child(long)}: the child id names a child that was removed (a dynamic child that stopped), and
     * never will name a cell again.
     */
    long CHILD_GONE = -5;

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
     * @param type    of the message, >= 0 (negative types are the engine's, see {@link Signals}).
     * @param payload of the message.
     * @return {@link #SENT}, {@link #DEAD_LETTER} or {@link #OVERFLOW}.
     * @throws IllegalArgumentException for a negative type.
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
     * @param group id from {@link OrganismGroups#id(String)}.
     * @throws IllegalArgumentException if no group has that id.
     */
    void join(int group);

    /**
     * Removes this cell from a group (a no-op if it is not a member), seen from the next tick on. A cell that dies
     * leaves all its groups at once.
     *
     * @param group id from {@link OrganismGroups#id(String)}.
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
     * @param group   id from {@link OrganismGroups#id(String)}.
     * @param type    of the message.
     * @param payload of the message.
     * @throws IllegalArgumentException if no group has that id.
     */
    void broadcast(int group, int type, long payload);

    /**
     * Watches another cell: when it dies (any reason: a throw, {@link #die(int)}, a kill, its supervisor terminating
     * or restarting it), this cell receives a {@link Signals#DOWN} message in the next tick, sender = the watched
     * handle, payload = the returned reference with the exit reason in its low 8 bits ({@link Signals#ref(long)},
     * {@link Signals#reason(long)}). A handle already dead when the request arrives gives DOWN with reason
     * {@link ExitReasons#NOPROC}. The request travels as a message, so it is stored by the target's worker.
     *
     * @param target handle of the cell to watch.
     * @return the monitor reference, unique for this cell.
     * @throws IllegalArgumentException if the handle cannot name a cell.
     */
    long monitor(long target);

    /**
     * Watches a supervised cell across its restarts: as {@link #monitor(long)}, a {@link Signals#DOWN} when it dies;
     * then, if its supervisor restarts it, a {@link Signals#RESTARTED} message in the tick after the restart, sender =
     * the new cell's handle, payload = the reference, and the monitor goes on watching the new cell (the next DOWN
     * comes from it). A restart that never comes (the child is not restarted, or its supervisor gives up) sends
     * nothing more: {@link #child(long)} tells why. For a cell that is no supervisor's child it is
     * {@link #monitor(long)}. Undo it with {@link #demonitor(long, long)} on the handle being watched (a RESTARTED
     * already on its way still arrives).
     *
     * @param target handle of the cell to watch.
     * @return the monitor reference, unique for this cell.
     * @throws IllegalArgumentException if the handle cannot name a cell.
     */
    long monitorChild(long target);

    /**
     * This cell's child id: what names it among its supervisor's children across all its restarts (see the class
     * description); pass it to other cells, which find this cell's current handle with {@link #child(long)}.
     *
     * @return the child id (>= 0), or {@link #NO_CHILD} for a cell that is no supervisor's child (a cell a cell
     * spawned, or one spawned without a supervisor).
     */
    long childId();

    /**
     * The current handle of a supervised cell, by its child id: the same answer on every worker, as of the start of
     * this tick (the previous tick's exits, restarts and terminations are seen; this tick's are seen from the next).
     * In free-running mode, which has no ticks, the answer may lag.
     *
     * @param childId from {@link #childId()} or {@link Supervisor#childId(long)}.
     * @return the handle (> 0) while the child runs, else {@link #CHILD_RESTARTING}, {@link #CHILD_STOPPED},
     * {@link #CHILD_SUPERVISOR_STOPPED} or {@link #CHILD_GONE}.
     * @throws IllegalArgumentException if the id never named a child of this organism.
     */
    long child(long childId);

    /**
     * Links this cell with another, both ways: when either dies with a reason other than
     * {@link ExitReasons#NORMAL}, the other dies with the same reason, unless it traps exits, in which case it receives
     * a {@link Signals#EXIT} message (sender = the dead partner, payload = the reason). A normal exit only removes the
     * link (trapping cells still get the EXIT). Linking to a dead handle is an EXIT with reason
     * {@link ExitReasons#NOPROC}.
     *
     * @param target handle of the partner.
     * @throws IllegalArgumentException if the handle cannot name a cell.
     */
    void link(long target);

    /**
     * Stops watching a cell: no DOWN for this reference once the request has reached the watched cell's worker (a DOWN
     * already on its way, when the cell died first, still arrives).
     *
     * @param target handle that was monitored.
     * @param ref    the reference {@link #monitor(long)} returned.
     * @throws IllegalArgumentException if the handle cannot name a cell.
     */
    void demonitor(long target, long ref);

    /**
     * Removes a link, both ways: from here on neither cell's death affects the other (an exit signal already on its
     * way is ignored, since the link it was for is gone).
     *
     * @param target handle of the partner.
     * @throws IllegalArgumentException if the handle cannot name a cell.
     */
    void unlink(long target);

    /**
     * Whether this cell turns the deaths of linked cells into {@link Signals#EXIT} messages instead of dying with
     * them; a flag in the cell's header, off at spawn and restart.
     *
     * @param trap true to trap exits.
     */
    void trapExits(boolean trap);

    /**
     * Sends a message later: in tick mode the target handles it in tick {@code tick() + delay}; in free-running mode
     * after at least {@code delay} nanoseconds. The timer is kept by this worker's timer wheel until it fires or is
     * cancelled. A target dead by then makes the message a dead letter.
     *
     * @param target  handle.
     * @param delay   ticks (>= 1) in tick mode, nanoseconds (>= 0) in free-running mode.
     * @param type    of the message, >= 0.
     * @param payload of the message.
     * @return the timer id, for {@link #cancelTimer(long)}.
     * @throws IllegalArgumentException for a bad handle, delay or type.
     */
    long sendAfter(long target, long delay, int type, long payload);

    /**
     * Cancels a timer of a cell of this worker (normally this cell's) that has not fired: its message is never sent.
     *
     * @param timerId from {@link #sendAfter(long, long, int, long)}.
     * @return false if it fired already, was cancelled, or is not this worker's.
     */
    boolean cancelTimer(long timerId);

    /**
     * Sends a request that the target answers with {@link #reply(int, long)}: it carries this cell's handle (the
     * sender, which is the reply-to) and a call id (in the record's type field, see {@link Signals}). The reply
     * reaches this cell's {@link Behaviour#onMessage} with the replier's type and {@link #callId()} = the returned id.
     * If no reply was handled before tick {@code tick() + timeout} (in free-running mode: within {@code timeout}
     * nanoseconds), this cell receives {@link Signals#TIMEOUT} with the call id as payload instead, in that tick; a
     * reply arriving after that is a dead letter.
     *
     * @param target  handle of the callee.
     * @param type    of the request, 0..{@link Signals#MAX_CALL_TYPE}.
     * @param payload of the request.
     * @param timeout ticks (tick mode) or nanoseconds (free-running), >= 1.
     * @return the call id, 0..4095, unique among this cell's outstanding calls.
     * @throws IllegalArgumentException for a bad handle, type or timeout.
     */
    int call(long target, int type, long payload, long timeout);

    /**
     * The call id of the message being handled: a request (then {@link #reply(int, long)} answers it) or a reply to
     * this cell's call; {@link Signals#TIMEOUT} also carries it. -1 for any other message.
     *
     * @return the call id or -1.
     */
    int callId();

    /**
     * Answers the call being handled.
     *
     * @param type    of the reply, 0..{@link Signals#MAX_CALL_TYPE}.
     * @param payload of the reply.
     * @throws IllegalStateException if the message being handled is not a call.
     */
    void reply(int type, long payload);

    /**
     * Answers a call later, from any callback: the caller is the request's sender, the id its {@link #callId()}.
     *
     * @param caller  handle of the caller.
     * @param callId  of the request.
     * @param type    of the reply, 0..{@link Signals#MAX_CALL_TYPE}.
     * @param payload of the reply.
     */
    void reply(long caller, int callId, int type, long payload);

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

    /**
     * Number of edges of this cell: the handles its set-up ({@link OrganismEdges#connect(Cohort, EdgeGenerator)}) or
     * the driver ({@link OrganismEdges#set(long, long[])}) gave it, kept off-heap beside its state.
     *
     * @return edge count, 0 for a cell with none.
     */
    int edgeCount();

    /**
     * One of this cell's edges, without allocating.
     *
     * @param i index, 0 to {@link #edgeCount()} - 1.
     * @return the target handle (it may have gone stale: a send to it is then a dead letter).
     * @throws IndexOutOfBoundsException if {@code i} is out of range.
     */
    long edge(int i);

    /**
     * Switches this cell to another behaviour, as an Erlang process changes the function it loops in: from the next
     * callback on, the cell runs that behaviour; it is stepped every tick from the next tick on if the behaviour has a
     * tick step, and never otherwise (an idle behaviour costs nothing until a message arrives). It is counted under
     * the new behaviour by {@link Organism#countOf(short)} at once. A restart brings back its genotype's behaviour.
     *
     * @param behaviourId from {@link Organism#behaviourId(String)} or {@link Organism#registerBehaviour}.
     * @throws IllegalArgumentException if no behaviour has that id.
     */
    void become(short behaviourId);
}
