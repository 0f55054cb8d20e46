package io.karyon.engine.internal;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;

import java.nio.file.Path;

import static io.karyon.engine.cell.CellDescriptor.STATUS_ALIVE;

/**
 * Run in a second JVM by {@link ArenaTest}: opens an arena file and prints one line per live cell.
 */
final class ArenaDump
{
    private ArenaDump()
    {
    }

    static String line(final CellFlyweight cell)
    {
        return Handle.toString(cell.handle()) + " " + cell.getLong(0) + " " + cell.getDouble(8);
    }

    public static void main(final String[] args)
    {
        try (Arena arena = Arena.open(Path.of(args[0])))
        {
            final CellFlyweight cell = new CellFlyweight();
            for (int c = 0; c < arena.chunkBound(); c++)
            {
                if (!arena.hasChunk(c))
                {
                    continue;
                }
                for (int i = 0; i < arena.highWater(c); i++)
                {
                    arena.wrap(cell, (c << arena.chunkShift()) | i);
                    if (STATUS_ALIVE == cell.status())
                    {
                        System.out.println(line(cell));
                    }
                }
            }
        }
    }
}
