package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.scheduler.TickBarrier;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The driver's watch over the workers while it waits for them at the barrier: a worker that has not finished its tick
 * (free-running: the batch it was in when asked to stop) within the deadline is reported, in one line naming the
 * worker, the tick, and the cell it is visiting with that cell's handle, behaviour and genotype; its stack goes with
 * the report.
 * <p>
 * It costs the workers nothing. The progress it reads is what the workers already publish for the barrier (the
 * number of ticks each has finished, or the epoch it acknowledged), and the cell is the one the worker's flyweight is
 * wrapped over, which every visit already writes: a behaviour that never returns leaves it there. Whether the worker
 * is inside a behaviour at all is read from its stack, taken once, when the deadline has passed: a frame of
 * {@link Visit} or {@link TickSweep} that calls a behaviour names the cell; without one (a tick phase, or the
 * engine's own code) no cell is named.
 * <p>
 * The deadline runs from the moment the driver saw the laggard's tick begin (all workers having finished the tick
 * before), to within the driver's idle period (1 ms).
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it. It reads the workers' flyweights and slices without
 * synchronisation, which is sound only for a worker that has not moved for the whole deadline.
 */
final class Watchdog
{
    private static final String VISIT = Visit.class.getName();
    private static final String SWEEP = TickSweep.class.getName();

    private final long deadlineNs;
    private final TickBarrier barrier;
    private final TickBarrier phaseBarrier;
    private final Slice[] slices;
    private final Arena arena;
    private final boolean freeRunning;
    private final CellFlyweight scratch = new CellFlyweight();
    private Registry registry;
    private boolean watching;
    private long awaited;
    private long lowest;
    private long sinceNs;

    /**
     * @param deadlineNs   how long a tick may take; 0 for off.
     * @param phaseBarrier the barrier of the tick phase, or null.
     */
    Watchdog(final long deadlineNs, final TickBarrier barrier, final TickBarrier phaseBarrier, final Slice[] slices,
        final Arena arena, final boolean freeRunning)
    {
        this.deadlineNs = deadlineNs;
        this.barrier = barrier;
        this.phaseBarrier = phaseBarrier;
        this.slices = slices;
        this.arena = arena;
        this.freeRunning = freeRunning;
    }

    /**
     * Names behaviours and genotypes in reports; until set, reports give ids.
     */
    void registry(final Registry registry)
    {
        this.registry = registry;
    }

    long deadlineNs()
    {
        return deadlineNs;
    }

    /**
     * The driver starts waiting for every worker's sequence to reach a value: in tick mode the target tick, in
     * free-running mode the epoch of a stop.
     */
    void begin(final long awaited, final long nowNs)
    {
        this.watching = deadlineNs > 0;
        this.awaited = awaited;
        this.lowest = lowestSequence();
        this.sinceNs = nowNs;
    }

    /**
     * Whether the driver is waiting with the watchdog on.
     */
    boolean isWatching()
    {
        return watching;
    }

    /**
     * The driver stops waiting.
     */
    void end()
    {
        watching = false;
    }

    /**
     * Checks the deadline, while the driver waits.
     *
     * @return null while every worker is within the deadline, else the report of the first that is not.
     */
    KaryonException check(final long nowNs)
    {
        if (!watching)
        {
            return null;
        }
        final long low = lowestSequence();
        if (low != lowest)
        {
            lowest = low;
            sinceNs = nowNs;
            return null;
        }
        if (low >= awaited || nowNs - sinceNs < deadlineNs)
        {
            return null;
        }
        watching = false;
        return report(low);
    }

    private long lowestSequence()
    {
        long low = Long.MAX_VALUE;
        for (int w = 0; w < slices.length; w++)
        {
            low = Math.min(low, barrier.finished(w));
        }
        return low;
    }

    /**
     * The report of the workers whose sequence is still {@code low}: the one that is visiting a cell if any (the
     * others may only be waiting for it), else the first that has not finished the tick phase, else the first.
     */
    private KaryonException report(final long low)
    {
        final List<Integer> late = new ArrayList<>();
        for (int w = 0; w < slices.length; w++)
        {
            if (barrier.finished(w) == low)
            {
                late.add(w);
            }
        }
        int worker = -1;
        StackTraceElement[] stack = null;
        int visitFrame = -1;
        for (final int w : late)
        {
            // Workers sharing a thread share its stack: the one in its tick is the one visiting.
            final StackTraceElement[] trace = stackOf(w);
            final int frame = visitFrame(trace);
            if (frame > 0 && slices[w].inTick)
            {
                worker = w;
                stack = trace;
                visitFrame = frame;
                break;
            }
        }
        for (int i = 0; i < late.size() && worker < 0; i++)
        {
            final int w = late.get(i);
            if (null != phaseBarrier && phaseBarrier.finished(w) <= low)
            {
                worker = w;
            }
        }
        if (worker < 0)
        {
            worker = late.get(0);
        }
        if (null == stack)
        {
            stack = stackOf(worker);
        }
        final Slice slice = slices[worker];
        final long tick = freeRunning ? slice.tick : low;
        final String role = "karyon-worker-" + worker;
        final StringBuilder line = new StringBuilder(200)
            .append("watchdog: ").append(role).append(" has not finished ")
            .append(freeRunning ? "its batch in pass " : "tick ").append(tick)
            .append(" within ").append(seconds(deadlineNs)).append(" s: ");
        if (visitFrame > 0)
        {
            describeCell(line, slice, stack[visitFrame - 1]);
        }
        else
        {
            line.append(null == phaseBarrier || freeRunning ? "it is in the engine's code, at " :
                "it is in the tick phase or the engine's code, at ")
                .append(0 == stack.length ? "an unknown place" : frame(stack[0]));
        }
        if (late.size() > 1)
        {
            line.append("; ").append(late.size() - 1).append(" more worker(s) have not finished either");
        }
        line.append("; organism stopped, the worker's thread abandoned (Java cannot stop a running behaviour)");
        // The cause carries the same line, so that the error log's record reads on its own.
        final String report = line.toString();
        return new KaryonException(KaryonException.Category.FATAL, report, new WorkerStack(report, stack));
    }

    /**
     * The cell the worker's flyweight is over: handle, behaviour, genotype, and the behaviour's method it is in.
     */
    private void describeCell(final StringBuilder line, final Slice slice, final StackTraceElement callee)
    {
        final int slot = slice.visiting.slot();
        final CellFlyweight cell = arena.wrap(scratch, slot);
        final short behaviourId = cell.behaviourId();
        line.append("cell ").append(Handle.toString(cell.handle()))
            .append(" is in ").append(callee.getMethodName()).append(" (").append(frame(callee)).append(")")
            .append(", behaviour ").append(behaviourName(behaviourId))
            .append(", genotype ").append(genotypeName(behaviourId));
    }

    private String behaviourName(final short id)
    {
        final String[] names = null == registry ? new String[0] : registry.behaviourNames();
        return id >= 0 && id < names.length ? "'" + names[id] + "'" : "#" + id;
    }

    /**
     * A cell does not record its genotype: the genotype whose cells start with its behaviour, if only one does.
     */
    private String genotypeName(final short behaviourId)
    {
        final List<String> names = null == registry ? List.of() : registry.genotypesWith(behaviourId);
        if (1 == names.size())
        {
            return "'" + names.get(0) + "'";
        }
        return names.isEmpty() ? "unknown (none starts with this behaviour)" :
            "one of '" + String.join("', '", names) + "'";
    }

    private StackTraceElement[] stackOf(final int worker)
    {
        final Thread thread = barrier.thread(worker);
        return null == thread ? new StackTraceElement[0] : thread.getStackTrace();
    }

    /**
     * The topmost frame in which the engine calls a behaviour (a {@link TickSweep}'s step, a {@link Visit}'s step,
     * dispatch, integrity check, or a message in a visit of mail in order), or -1.
     */
    static int visitFrame(final StackTraceElement[] stack)
    {
        for (int i = 1; i < stack.length; i++)
        {
            final String type = stack[i].getClassName();
            final String method = stack[i].getMethodName();
            if (SWEEP.equals(type) && "stepWith".equals(method) ||
                VISIT.equals(type) && ("step".equals(method) || "dispatch".equals(method) ||
                "isIntact".equals(method) ||
                // visitInOrder calls onMessage itself, and the engine's own code too
                "visitInOrder".equals(method) && "onMessage".equals(stack[i - 1].getMethodName())))
            {
                return i;
            }
        }
        return -1;
    }

    private static String frame(final StackTraceElement frame)
    {
        return frame.getClassName() + "." + frame.getMethodName() +
            (null == frame.getFileName() ? "" : "(" + frame.getFileName() + ":" + frame.getLineNumber() + ")");
    }

    private static String seconds(final long ns)
    {
        return String.format(Locale.ROOT, "%.3f", ns / 1e9).replaceAll("\\.?0+$", "");
    }

    /**
     * A stuck worker's stack, as the cause of the watchdog's report: its trace is the worker's, not the driver's.
     */
    static final class WorkerStack extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        WorkerStack(final String message, final StackTraceElement[] stack)
        {
            super(message, null, false, true);
            setStackTrace(stack);
        }
    }
}
