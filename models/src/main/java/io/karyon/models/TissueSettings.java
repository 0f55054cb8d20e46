package io.karyon.models;

import io.karyon.model.Parameters;

/**
 * One run's values of {@link Tissue}'s parameters, checked together, and what follows from them: the lattice, the
 * sources, the founders per supervisor.
 * <p>
 * <b>Note:</b> immutable; threadsafe.
 */
final class TissueSettings
{
    final long cells;
    final TissueLattice lattice;
    final int sourceSpacing;
    final int sourcesPerAxis;
    final double sourceRate;
    final double initialNutrient;
    final double decay;
    final double diffusion;
    final double uptake;
    final double upkeep;
    final double initialEnergy;
    final double divisionThreshold;
    final double mutationRate;
    final double mutationSize;
    final double corruption;
    final double stressLevel;
    final double secretion;
    final double signalDecay;
    final double signalDiffusion;
    final double quorum;
    final long growthFactorEvery;
    final double growthFactor;
    final int supervisors;
    final int restartIntensity;

    /**
     * Checks the values together.
     *
     * @param p     the parameters' values, each already within its range.
     * @param cells founders asked for.
     * @throws IllegalArgumentException naming the parameter (or {@code cells}) whose value does not fit the others.
     */
    TissueSettings(final Parameters p, final long cells)
    {
        final long side = p.integer("lattice");
        final double density = p.number("density");
        if (cells < 1)
        {
            throw new IllegalArgumentException("cells: expected at least 1 founder, got " + cells);
        }
        final long derived = (long)Math.ceil(Math.sqrt(cells / density));
        final long resolved = 0 == side ? derived : side;
        if (resolved > TissueLattice.MAX_SIDE)
        {
            throw new IllegalArgumentException((0 == side ? "cells: " + cells + " founders at density " + density +
                " need a lattice side of " + derived : "lattice: side " + side) + ", more than the largest side, " +
                TissueLattice.MAX_SIDE);
        }
        if (resolved * resolved < cells)
        {
            throw new IllegalArgumentException("lattice: a side of " + side + " gives " + side * side +
                " sites, fewer than the " + cells + " founders (cells); at most one cell lives on a site");
        }
        this.cells = cells;
        this.lattice = new TissueLattice((int)resolved);
        this.sourceSpacing = (int)p.integer("source_spacing");
        this.sourcesPerAxis = lattice.sourcesPerAxis(sourceSpacing);
        this.sourceRate = p.number("source_rate");
        this.initialNutrient = p.number("initial_nutrient");
        this.decay = p.number("decay");
        this.diffusion = p.number("diffusion");
        this.uptake = p.number("uptake");
        this.upkeep = p.number("upkeep");
        this.initialEnergy = p.number("initial_energy");
        this.divisionThreshold = p.number("division_threshold");
        this.mutationRate = p.number("mutation_rate");
        this.mutationSize = p.number("mutation_size");
        this.corruption = p.number("corruption");
        this.stressLevel = p.number("stress_level");
        this.secretion = p.number("secretion");
        this.signalDecay = p.number("signal_decay");
        this.signalDiffusion = p.number("signal_diffusion");
        this.quorum = p.number("quorum");
        this.growthFactorEvery = p.integer("growth_factor_every");
        this.growthFactor = p.number("growth_factor");
        this.supervisors = (int)Math.min(p.integer("supervisors"), cells);
        this.restartIntensity = (int)p.integer("restart_intensity");
        if (initialEnergy >= divisionThreshold)
        {
            throw new IllegalArgumentException("initial_energy: expected less than division_threshold (" +
                divisionThreshold + "), got " + initialEnergy);
        }
    }

    /**
     * Nutrient sources: one per block.
     *
     * @return sourcesPerAxis squared.
     */
    int sources()
    {
        return sourcesPerAxis * sourcesPerAxis;
    }

    /**
     * First founder index of a supervisor's share: supervisor {@code k} has founders [first(k), first(k + 1)).
     *
     * @param supervisor 0 to supervisors.
     * @return the index.
     */
    long firstFounder(final int supervisor)
    {
        return cells * supervisor / supervisors;
    }

    /**
     * Nutrient every source deposits at tick 0: the initial nutrient over every site, plus the first tick's supply.
     *
     * @return the total.
     */
    double suppliedAtStart()
    {
        return initialNutrient * lattice.sites() + sourceRate * sources();
    }
}
