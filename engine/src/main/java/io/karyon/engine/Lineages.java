package io.karyon.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The lineages of one worker's families: a family a lineage outgrew is followed by further families of its class,
 * in a chain from its root (the family the driver added). For each chain it keeps where the last spawn found room
 * (the hint), lowered when a slot of an earlier family in the chain is freed, so that a spawn searches from there
 * rather than from the root: the search a spawn makes is bounded whatever the chain's length.
 * <p>
 * A family that is in no chain is its own root, alone, and costs nothing here: the arrays cover only the families
 * that are in a chain, and grow as chains do.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class Lineages
{
    /** For each family: its root + 1, or 0 for a root (or a family in no chain). */
    private int[] rootPlusOne = new int[0];
    /** For each family: the next family of its chain + 1, or 0 for the last. */
    private int[] nextPlusOne = new int[0];
    /** For each family: its place in its chain, 0 for the root. */
    private int[] place = new int[0];
    /** For each root: the family + 1 a spawn looks for room in first, or 0 for the root itself. */
    private int[] hintPlusOne = new int[0];

    /**
     * The root of a family's chain: itself, unless a lineage outgrew another family into it.
     */
    int rootOf(final int family)
    {
        return family < rootPlusOne.length && 0 != rootPlusOne[family] ? rootPlusOne[family] - 1 : family;
    }

    /**
     * The family of a chain a spawn looks for room in first.
     */
    int hintOf(final int root)
    {
        return root < hintPlusOne.length && 0 != hintPlusOne[root] ? hintPlusOne[root] - 1 : root;
    }

    /**
     * The family after one in its chain, or -1 for the last.
     */
    int nextOf(final int family)
    {
        return family < nextPlusOne.length ? nextPlusOne[family] - 1 : -1;
    }

    /**
     * Records where a spawn of a chain found room.
     */
    void hint(final int root, final int family)
    {
        if (root != family || root < hintPlusOne.length)
        {
            ensure(Math.max(root, family));
            hintPlusOne[root] = family + 1;
        }
    }

    /**
     * Appends a family to a chain after its last family.
     */
    void link(final int root, final int last, final int family)
    {
        ensure(Math.max(last, family));
        nextPlusOne[last] = family + 1;
        rootPlusOne[family] = root + 1;
        place[family] = place[last] + 1;
    }

    /**
     * A slot of a family was freed: the chain's hint goes back to it if it comes earlier.
     */
    void freed(final int family)
    {
        if (family >= place.length)
        {
            return;  // a family in no chain: nothing to keep
        }
        final int root = rootOf(family);
        final int hint = hintOf(root);
        if (place[family] < place[hint])
        {
            hintPlusOne[root] = family + 1;
        }
    }

    /**
     * Checkpoint: writes a family's entry (root, next, place and hint, all 0 for a family in no chain). A family's
     * class, and so its owner, is the same for any worker count, so its entry goes with its block.
     */
    void write(final DataOutput out, final int family) throws IOException
    {
        final boolean kept = family < place.length;
        out.writeInt(kept ? rootPlusOne[family] : 0);
        out.writeInt(kept ? nextPlusOne[family] : 0);
        out.writeInt(kept ? place[family] : 0);
        out.writeInt(kept ? hintPlusOne[family] : 0);
    }

    /**
     * Checkpoint restore: reads a family's entry as {@link #write} wrote it.
     */
    void read(final DataInput in, final int family) throws IOException
    {
        final int root = in.readInt();
        final int next = in.readInt();
        final int at = in.readInt();
        final int hint = in.readInt();
        if (0 != (root | next | at | hint))
        {
            ensure(family);
            rootPlusOne[family] = root;
            nextPlusOne[family] = next;
            place[family] = at;
            hintPlusOne[family] = hint;
        }
    }

    /**
     * Checkpoint restore: forgets every chain.
     */
    void clear()
    {
        rootPlusOne = new int[0];
        nextPlusOne = new int[0];
        place = new int[0];
        hintPlusOne = new int[0];
    }

    private void ensure(final int family)
    {
        if (family >= place.length)
        {
            final int length = Math.max(family + 1, place.length * 2);
            rootPlusOne = Arrays.copyOf(rootPlusOne, length);
            nextPlusOne = Arrays.copyOf(nextPlusOne, length);
            place = Arrays.copyOf(place, length);
            hintPlusOne = Arrays.copyOf(hintPlusOne, length);
        }
    }
}
