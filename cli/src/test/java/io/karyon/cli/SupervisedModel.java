package io.karyon.cli;

import io.karyon.model.Parameter;

import java.util.List;

/**
 * A test model that declares the ring's supervision parameters (what {@code --supervisors} and the other shorthand
 * flags set) and otherwise counts as {@link TinyModel} does.
 */
public class SupervisedModel extends TinyModel
{
    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "supervised";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return List.of(
            Parameter.integer("step", 1, 1, 100, "added to each count every tick"),
            Parameter.integer("supervisors", 0, 0, 1_000_000, "supervisors"),
            Parameter.integer("fanout", 100, 1, (1 << 20) - 1, "supervisors per top-level one"),
            Parameter.bool("spread", false, "spread the tree"),
            Parameter.text("strategy", "one_for_one", "strategy", "one_for_one", "one_for_all", "rest_for_one"),
            Parameter.integer("intensity", 100, 0, (1 << 20) - 1, "restarts allowed per period"),
            Parameter.integer("period", 10, 1, Long.MAX_VALUE, "the intensity's window"),
            Parameter.text("restart", "permanent", "restart type", "permanent", "transient", "temporary"));
    }
}
