package io.karyon.engine;

import java.util.Locale;

/**
 * Where a cell spawned from outside the organism goes. Cells spawned by cells always go beside their parent: into the
 * parent's chunk, else the first chunk of its family with room, so families stay on one worker.
 */
public enum Placement
{
    /**
     * The lowest free slot. Families of chunks are dealt to workers in turn, so slots, random streams and the final
     * digest are the same for any number of workers.
     */
    FILL,
    /**
     * One worker after another, cell by cell: neighbours spawned in a row land on different workers, which spreads
     * messaging over the workers. Slots then depend on the number of workers, and so do random streams and digests.
     */
    ROUND_ROBIN;

    /**
     * The placement of a name: "fill" or "round-robin".
     *
     * @param name of the placement.
     * @return the placement.
     * @throws IllegalArgumentException for any other name.
     */
    public static Placement of(final String name)
    {
        switch (null == name ? "" : name.toLowerCase(Locale.ROOT))
        {
            case "fill":
                return FILL;
            case "round-robin":
                return ROUND_ROBIN;
            default:
                throw new IllegalArgumentException("placement must be fill or round-robin: placement=" + name);
        }
    }

    /**
     * The name the command line uses.
     *
     * @return "fill" or "round-robin".
     */
    public String label()
    {
        return this == FILL ? "fill" : "round-robin";
    }
}
