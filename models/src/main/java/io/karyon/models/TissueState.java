package io.karyon.models;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;

/**
 * The state of {@link Tissue}'s cells and sources, and the integrity check of a cell's state.
 * <p>
 * A tissue cell (behaviours {@code cell} and {@code stem}), 48 bytes:
 * <ul>
 *   <li>{@code energy}: what it has; it dies (starves) below 0;</li>
 *   <li>{@code trait}: its uptake capacity, inherited and mutated; it also scales its upkeep;</li>
 *   <li>{@code uptake}: the nutrient it took in its last tick (0 for a cell that did not eat);</li>
 *   <li>{@code site}: where it lives, {@link #NO_SITE} for a daughter not yet placed or a reborn stem cell;</li>
 *   <li>{@code lineage}: the founder it descends from, {@link #NO_LINEAGE} for a reborn cell and its descendants;</li>
 *   <li>{@code check}: a hash of site, lineage and trait, which {@link #isIntact(CellFlyweight)} checks;</li>
 *   <li>{@code claim}: a stem cell's claimed site, {@link #NO_SITE} if none;</li>
 *   <li>{@code divisions}: daughters it has had;</li>
 *   <li>{@code member}: 1 once it joined the growth-factor group.</li>
 * </ul>
 * A source: {@code site} and the block {@code x0, y0, x1, y1} it fills with the initial nutrient at tick 0, and
 * {@code broadcaster} (1 for the one source that broadcasts the growth factor).
 */
final class TissueState
{
    /** No site: a cell not placed yet. */
    static final int NO_SITE = -1;
    /** No founder: a reborn cell's lineage. */
    static final int NO_LINEAGE = -1;

    /** A tissue cell's state. */
    static final CellLayout CELL = CellLayout.builder()
        .doubleField("energy")
        .doubleField("trait")
        .doubleField("uptake")
        .intField("site")
        .intField("lineage")
        .intField("check")
        .intField("claim")
        .intField("divisions")
        .byteField("member")
        .build();

    /** A nutrient source's state. */
    static final CellLayout SOURCE = CellLayout.builder()
        .intField("site")
        .intField("x0")
        .intField("y0")
        .intField("x1")
        .intField("y1")
        .byteField("broadcaster")
        .build();

    static final int ENERGY = CELL.offset("energy");
    static final int TRAIT = CELL.offset("trait");
    static final int UPTAKE = CELL.offset("uptake");
    static final int SITE = CELL.offset("site");
    static final int LINEAGE = CELL.offset("lineage");
    static final int CHECK = CELL.offset("check");
    static final int CLAIM = CELL.offset("claim");
    static final int DIVISIONS = CELL.offset("divisions");
    static final int MEMBER = CELL.offset("member");

    static final int SOURCE_SITE = SOURCE.offset("site");
    static final int X0 = SOURCE.offset("x0");
    static final int Y0 = SOURCE.offset("y0");
    static final int X1 = SOURCE.offset("x1");
    static final int Y1 = SOURCE.offset("y1");
    static final int BROADCASTER = SOURCE.offset("broadcaster");

    /** Bytes of state a slot needs for either kind. */
    static final int STATE_LENGTH = Math.max(CELL.stateLength(), SOURCE.stateLength());

    private TissueState()
    {
    }

    /**
     * The check of a cell's identity fields: a 32-bit mix of site, lineage and the trait's bits.
     *
     * @param site    the cell's site.
     * @param lineage its lineage.
     * @param trait   its trait.
     * @return the check value.
     */
    static int check(final int site, final int lineage, final double trait)
    {
        long z = (long)site << 32 | (lineage & 0xFFFF_FFFFL);
        z ^= Double.doubleToRawLongBits(trait) * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        z ^= z >>> 31;
        return (int)(z ^ (z >>> 32));
    }

    /**
     * Writes a cell's identity fields and their check.
     *
     * @param cell    the cell.
     * @param site    its site.
     * @param lineage its lineage.
     * @param trait   its trait.
     */
    static void identity(final CellFlyweight cell, final int site, final int lineage, final double trait)
    {
        cell.putInt(SITE, site);
        cell.putInt(LINEAGE, lineage);
        cell.putDouble(TRAIT, trait);
        cell.putInt(CHECK, check(site, lineage, trait));
    }

    /**
     * Whether a cell's check matches its identity fields.
     *
     * @param cell the cell.
     * @return false if the state is corrupt.
     */
    static boolean isIntact(final CellFlyweight cell)
    {
        return cell.getInt(CHECK) == check(cell.getInt(SITE), cell.getInt(LINEAGE), cell.getDouble(TRAIT));
    }
}
