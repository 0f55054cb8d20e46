package io.karyon.engine;

import io.karyon.engine.cell.Arena;
import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import org.agrona.BufferUtil;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorConsumer;
import org.agrona.concurrent.errors.ErrorLogReader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A colony of cells: owns their arena, behaviours, genotypes, exit reasons and counters, and advances them tick by
 * tick.
 * <p>
 * A tick delivers the messages sent in the previous tick (and those sent from outside since), then advances every
 * live cell that has a tick step. Messages from one sender to one target arrive in send order; every cell's random
 * numbers come from a stream keyed by (seed, slot, generation, tick), so a run is a function of its seed.
 * <p>
 * <b>Note:</b> not threadsafe: one thread drives an organism (launch, register, spawn, send, tick, stats, close).
 */
public final class Organism implements AutoCloseable
{
    private final Context context;
    private final Arena arena;
    private final ExitReasons reasons = new ExitReasons();
    private final ByteBuffer errorLogMemory;
    private final UnsafeBuffer errorLogBuffer;
    private final Slice slice;
    private final CellFlyweight driverCell = new CellFlyweight();
    private final List<Behaviour> behaviours = new ArrayList<>();
    private final Map<String, Short> behaviourIds = new HashMap<>();
    private final Map<String, Genotype> genotypes = new LinkedHashMap<>();
    private boolean closed;

    private Organism(final Context context, final Arena arena)
    {
        this.context = context;
        this.arena = arena;
        this.errorLogMemory = ByteBuffer.allocateDirect(context.errorLogLength());
        this.errorLogBuffer = new UnsafeBuffer(errorLogMemory);
        this.slice = new Slice(arena, reasons, context.seed(),
            new DistinctErrorLog(errorLogBuffer, SystemEpochClock.INSTANCE));
    }

    /**
     * Launches an empty organism.
     *
     * @param context settings; concluded here if it was not yet.
     * @return the organism.
     * @throws ConfigurationException for a bad setting.
     */
    public static Organism launch(final Context context)
    {
        if (!context.isConcluded())
        {
            context.conclude();
        }
        final Arena arena = null == context.arenaFile() ?
            Arena.inMemory(context.stateLength(), context.chunkShift()) :
            Arena.create(context.arenaFile(), context.stateLength(), context.chunkShift());
        return new Organism(context, arena);
    }

    /**
     * The settings it was launched with.
     *
     * @return the concluded context.
     */
    public Context context()
    {
        return context;
    }

    /**
     * The arena holding the cells.
     *
     * @return the arena.
     */
    public Arena arena()
    {
        return arena;
    }

    /**
     * The exit reason table.
     *
     * @return exit reasons.
     */
    public ExitReasons exitReasons()
    {
        return reasons;
    }

    /**
     * Registers a user exit reason, or returns the code it has.
     *
     * @param name of the reason.
     * @return its code, for {@link CellContext#die(int)}.
     */
    public int exitReason(final String name)
    {
        return reasons.register(name);
    }

    /**
     * Registers a behaviour under a name.
     *
     * @param name      unique name.
     * @param behaviour shared by every cell of the kinds that use it.
     * @return its id.
     * @throws IllegalArgumentException if the name is taken or blank.
     */
    public short registerBehaviour(final String name, final Behaviour behaviour)
    {
        ensureOpen();
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("behaviour name must not be blank: name='" + name + "'");
        }
        if (null == behaviour)
        {
            throw new IllegalArgumentException("behaviour '" + name + "' must not be null");
        }
        if (behaviourIds.containsKey(name))
        {
            throw new IllegalArgumentException("behaviour '" + name + "' is registered already");
        }
        if (behaviours.size() == Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("too many behaviours: at most " + Short.MAX_VALUE);
        }
        final short id = (short)behaviours.size();
        behaviours.add(behaviour);
        behaviourIds.put(name, id);
        slice.behaviours(behaviours.toArray(new Behaviour[0]));
        return id;
    }

    /**
     * Declares a genotype: a named kind of cell with a layout and a behaviour, whose initial state starts zeroed.
     *
     * @param name      unique name.
     * @param layout    of the state; must fit in the slot's state length.
     * @param behaviour name of a registered behaviour.
     * @return the genotype, to set initial values on and spawn from.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public Genotype genotype(final String name, final CellLayout layout, final String behaviour)
    {
        ensureOpen();
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("genotype name must not be blank: name='" + name + "'");
        }
        if (genotypes.containsKey(name))
        {
            throw new IllegalArgumentException("genotype '" + name + "' is declared already");
        }
        final Short behaviourId = behaviourIds.get(behaviour);
        if (null == behaviourId)
        {
            throw new IllegalArgumentException("genotype '" + name + "' names unknown behaviour '" + behaviour +
                "': registered=" + behaviourIds.keySet());
        }
        if (layout.stateLength() > arena.stateLength())
        {
            throw new IllegalArgumentException("genotype '" + name + "' has a layout of " + layout.stateLength() +
                " bytes, more than the slot's state length " + arena.stateLength() + " (" +
                Configuration.STATE_LENGTH_PROP_NAME + ")");
        }
        final Genotype genotype = new Genotype(name, genotypes.size(), behaviourId, layout, arena.stateLength());
        genotypes.put(name, genotype);
        return genotype;
    }

    /**
     * Spawns a cell from outside a tick, in the lowest free slot; it is advanced from the next tick on.
     *
     * @param genotype to copy into the slot.
     * @return the cell's handle.
     */
    public long spawn(final Genotype genotype)
    {
        ensureOpen();
        return slice.spawnExternal(genotype);
    }

    /**
     * Points the driver's flyweight at a live cell, to read or write its state between ticks.
     *
     * @param handle of a live cell.
     * @return the flyweight, valid until the next call.
     * @throws IllegalArgumentException if the handle is stale or names no cell.
     */
    public CellFlyweight cell(final long handle)
    {
        ensureOpen();
        final int slot = Handle.slot(handle);
        if (!arena.exists(slot))
        {
            throw new IllegalArgumentException("handle " + Handle.toString(handle) + " names no cell: slot " +
                Integer.toUnsignedString(slot) + " was never used");
        }
        arena.wrap(driverCell, slot);
        if (CellDescriptor.STATUS_ALIVE != driverCell.status() || driverCell.generation() != Handle.generation(handle))
        {
            throw new IllegalArgumentException("handle " + Handle.toString(handle) + " is stale: slot " + slot +
                " holds generation " + driverCell.generation() + " with status " + driverCell.status());
        }
        return driverCell;
    }

    /**
     * Whether a handle names a live cell.
     *
     * @param handle to check.
     * @return true if the cell is alive.
     */
    public boolean isAlive(final long handle)
    {
        ensureOpen();
        return slice.isLive(handle);
    }

    /**
     * Kills a cell from outside, counted under {@link ExitReasons#KILLED}; its slot is freed at once.
     *
     * @param handle of the cell.
     * @return false if the handle was already stale.
     */
    public boolean kill(final long handle)
    {
        ensureOpen();
        return slice.kill(handle, ExitReasons.KILLED);
    }

    /**
     * Sends a message from outside (sender {@link Handle#NULL_HANDLE}); it is handled in the next tick, after the
     * messages that cells sent in the previous one.
     *
     * @param target  handle.
     * @param type    of the message.
     * @param payload of the message.
     * @return {@link CellContext#SENT} or {@link CellContext#DEAD_LETTER} for the null handle.
     */
    public int send(final long target, final int type, final long payload)
    {
        ensureOpen();
        return slice.sendExternal(target, type, payload);
    }

    /**
     * Runs one tick.
     */
    public void tick()
    {
        ensureOpen();
        slice.advance();
    }

    /**
     * Runs a number of ticks.
     *
     * @param ticks to run, >= 0.
     */
    public void run(final long ticks)
    {
        if (ticks < 0)
        {
            throw new IllegalArgumentException("ticks must be >= 0: ticks=" + ticks);
        }
        for (long i = 0; i < ticks; i++)
        {
            tick();
        }
    }

    /**
     * Ticks completed so far.
     *
     * @return the number of the next tick.
     */
    public long ticks()
    {
        return slice.currentTick();
    }

    /**
     * A snapshot of the counters.
     *
     * @return stats.
     */
    public Stats stats()
    {
        ensureOpen();
        final Map<String, Long> byReason = new LinkedHashMap<>();
        for (int i = 0; i < ExitReasons.MAX_REASONS; i++)
        {
            if (0 != slice.deaths[i])
            {
                byReason.put(reasons.name(i), slice.deaths[i]);
            }
        }
        return new Stats(slice.currentTick(), arena.live(), slice.spawned, slice.updates, slice.sent,
            slice.delivered, slice.deadLetters, slice.pendingMessages(), slice.deathsTotal,
            java.util.Collections.unmodifiableMap(byReason), slice.errorsNotLogged);
    }

    /**
     * A 64-bit hash over every live cell's slot, generation, behaviour and state, taken in slot order: the same for
     * the same run whatever the number of workers, and different (but for hash collisions) when any cell differs.
     *
     * @return the digest.
     */
    public long digest()
    {
        ensureOpen();
        final CellFlyweight cell = new CellFlyweight();
        final int words = arena.stateLength() >>> 3;
        long hash = 0x4B415259_4F4E0001L;
        for (int c = 0; c < arena.chunkCount(); c++)
        {
            final int highWater = arena.highWater(c);
            for (int i = 0; i < highWater; i++)
            {
                final int slot = (c << arena.chunkShift()) | i;
                arena.wrap(cell, slot);
                if (CellDescriptor.STATUS_ALIVE != cell.status())
                {
                    continue;
                }
                hash = Slice.mix(hash + cell.handle());
                hash = Slice.mix(hash + cell.behaviourId());
                for (int w = 0; w < words; w++)
                {
                    hash = Slice.mix(hash + cell.getLong(w << 3));
                }
            }
        }
        return hash;
    }

    /**
     * Reads the distinct errors behaviours threw: one observation per distinct stack trace, with its count and
     * first and last time seen.
     *
     * @param consumer of each distinct error.
     * @return the number of distinct errors.
     */
    public int readErrors(final ErrorConsumer consumer)
    {
        ensureOpen();
        return ErrorLogReader.read(errorLogBuffer, consumer);
    }

    /**
     * Names of the registered behaviours, by id.
     *
     * @return behaviour names.
     */
    public String[] behaviourNames()
    {
        final String[] names = new String[behaviours.size()];
        behaviourIds.forEach((name, id) -> names[id] = name);
        return names;
    }

    /**
     * Releases the arena (a file-backed arena is forced to disk and stays on it) and the error log.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        arena.force();
        arena.close();
        BufferUtil.free(errorLogMemory);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("organism is closed");
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Organism{" + context + ", behaviours=" + Arrays.toString(behaviourNames()) + "}";
    }
}
