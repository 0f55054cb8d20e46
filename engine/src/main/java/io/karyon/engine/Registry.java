package io.karyon.engine;

import io.karyon.engine.cell.CellLayout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kinds of cell an organism knows: its behaviours by name and id, and its genotypes by name. Each time one is
 * added, every slice gets the new table as an array it indexes by id, so a worker never looks a name up.
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it, while no tick runs.
 */
final class Registry
{
    private final List<Behaviour> behaviours = new ArrayList<>();
    private final Map<String, Short> behaviourIds = new HashMap<>();
    private final Map<String, Genotype> genotypes = new LinkedHashMap<>();
    private final Slice[] slices;
    private final int stateLength;

    /**
     * @param stateLength of the arena's slots: no genotype's layout may be longer.
     */
    Registry(final Slice[] slices, final int stateLength)
    {
        this.slices = slices;
        this.stateLength = stateLength;
    }

    /**
     * Registers a behaviour under a new name.
     *
     * @throws IllegalArgumentException if the name is taken or blank, or the behaviour null.
     */
    short registerBehaviour(final String name, final Behaviour behaviour)
    {
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
        final Behaviour[] array = behaviours.toArray(new Behaviour[0]);
        for (final Slice slice : slices)
        {
            slice.behaviours(array);
        }
        return id;
    }

    /**
     * Declares a genotype whose initial state starts zeroed.
     *
     * @throws IllegalArgumentException naming what is wrong.
     */
    Genotype genotype(final String name, final CellLayout layout, final String behaviour)
    {
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
        if (layout.stateLength() > stateLength)
        {
            throw new IllegalArgumentException("genotype '" + name + "' has a layout of " + layout.stateLength() +
                " bytes, more than the slot's state length " + stateLength + " (" +
                Configuration.STATE_LENGTH_PROP_NAME + ")");
        }
        final Genotype genotype = new Genotype(name, genotypes.size(), behaviourId, layout, stateLength);
        genotypes.put(name, genotype);
        final Genotype[] array = genotypes.values().toArray(new Genotype[0]);
        for (final Slice slice : slices)
        {
            slice.genotypes(array);
        }
        return genotype;
    }

    /**
     * The declared genotypes, by id.
     */
    Genotype[] genotypes()
    {
        return genotypes.values().toArray(new Genotype[0]);
    }

    /**
     * Names of the registered behaviours, by id.
     */
    String[] behaviourNames()
    {
        final String[] names = new String[behaviours.size()];
        behaviourIds.forEach((name, id) -> names[id] = name);
        return names;
    }

    /**
     * Names of the genotypes whose cells start with a behaviour, in the order declared.
     */
    List<String> genotypesWith(final short behaviourId)
    {
        final List<String> names = new ArrayList<>();
        for (final Genotype genotype : genotypes.values())
        {
            if (genotype.behaviourId() == behaviourId)
            {
                names.add(genotype.name());
            }
        }
        return names;
    }

    /**
     * The id of a registered behaviour.
     *
     * @throws IllegalArgumentException if no behaviour has that name.
     */
    short behaviourId(final String name)
    {
        final Short id = behaviourIds.get(name);
        if (null == id)
        {
            throw new IllegalArgumentException("unknown behaviour '" + name + "': registered=" + behaviourIds.keySet());
        }
        return id;
    }

    /**
     * @throws IllegalArgumentException if no behaviour has that id.
     */
    void checkBehaviourId(final String operation, final short id)
    {
        if (id < 0 || id >= behaviours.size())
        {
            throw new IllegalArgumentException(operation + ": no behaviour has id " + id + " (" + behaviours.size() +
                " registered)");
        }
    }

    /**
     * @throws IllegalArgumentException if the genotype is null or not declared here.
     */
    void checkOwn(final String operation, final Genotype genotype)
    {
        if (null == genotype || genotypes.get(genotype.name()) != genotype)
        {
            throw new IllegalArgumentException(operation + ": genotype " + genotype + " is not this organism's");
        }
    }
}
