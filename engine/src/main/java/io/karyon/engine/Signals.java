package io.karyon.engine;

/**
 * The message types the engine reserves, and how their fields are read. User message types are >= 0; every negative
 * type belongs to the engine, and {@link CellContext#send(long, int, long)} refuses them.
 * <p>
 * A message record is fixed (target, sender, payload, 32-bit type), so the engine's messages carry their extra fields
 * in the type and the payload:
 * <pre>
 *   type bit 31 = 1: an engine message; bits 30..28: kind
 *     kind 0: a signal, bits 27..0 its code: DOWN, EXIT, TIMEOUT, and the (de)monitor and (un)link requests
 *     kind 1: a call request, bits 27..16 the call id, bits 15..0 the caller's message type (0..65535)
 *     kind 2: a reply, bits 27..16 the call id, bits 15..0 the reply's message type (0..65535)
 *   DOWN:    sender = the watched cell's handle, payload = monitor reference | exit reason (low 8 bits)
 *   EXIT:    sender = the linked cell that died, payload = its exit reason
 *   TIMEOUT: sender = the caller itself, payload = the call id that got no reply in time
 *   RESTARTED: sender = a watched child's new handle, payload = the monitor reference (top bit set: it follows)
 * </pre>
 * A call request reaches the callee's {@link Behaviour#onMessage} with the caller's own type, sender = the caller (the
 * reply-to handle) and {@link CellContext#callId()} = the call id; a reply reaches the caller with the replier's type
 * and {@link CellContext#callId()} = the id {@link CellContext#call(long, int, long, long)} returned.
 */
public final class Signals
{
    /**
     * A monitored cell died: sender is its handle, {@link #ref(long)} and {@link #reason(long)} read the payload.
     */
    public static final int DOWN = 0x8000_0001;

    /**
     * A linked cell died, delivered only to cells that trap exits: sender is its handle, the payload its exit reason.
     */
    public static final int EXIT = 0x8000_0002;

    /**
     * A call got no reply in time: the payload is the call id.
     */
    public static final int TIMEOUT = 0x8000_0003;

    /**
     * A supervised cell watched with {@link CellContext#monitorChild(long)} was restarted after the death its DOWN
     * told of: sender is the new cell's handle (the monitor now watches it), the payload the monitor reference.
     */
    public static final int RESTARTED = 0x8000_0004;

    /**
     * Largest message type a call or a reply may carry.
     */
    public static final int MAX_CALL_TYPE = 0xFFFF;

    /** The top bit of a monitor reference that follows its cell across restarts (never set in a plain one). */
    static final long FOLLOW = Long.MIN_VALUE;
    static final int MONITOR_REQUEST = 0x8000_0010;
    static final int LINK_REQUEST = 0x8000_0011;
    static final int UNLINK_REQUEST = 0x8000_0012;
    static final int DEMONITOR_REQUEST = 0x8000_0013;
    static final int KIND_MASK = 0xF000_0000;
    static final int CALL_KIND = 0x9000_0000;
    static final int REPLY_KIND = 0xA000_0000;
    static final int CALL_ID_SHIFT = 16;
    static final int CALL_ID_MASK = 0xFFF;
    static final int REASON_MASK = 0xFF;

    private Signals()
    {
    }

    /**
     * The monitor reference of a {@link #DOWN} payload, as {@link CellContext#monitor(long)} returned it.
     *
     * @param payload of a DOWN message.
     * @return the reference.
     */
    public static long ref(final long payload)
    {
        return payload & ~(long)REASON_MASK;
    }

    /**
     * The exit reason of a {@link #DOWN} or {@link #EXIT} payload.
     *
     * @param payload of the message.
     * @return an exit reason code, see {@link ExitReasons}.
     */
    public static int reason(final long payload)
    {
        return (int)(payload & REASON_MASK);
    }

    static int call(final int callId, final int type)
    {
        return CALL_KIND | (callId << CALL_ID_SHIFT) | type;
    }

    static int reply(final int callId, final int type)
    {
        return REPLY_KIND | (callId << CALL_ID_SHIFT) | type;
    }

    static int callId(final int type)
    {
        return (type >>> CALL_ID_SHIFT) & CALL_ID_MASK;
    }
}
