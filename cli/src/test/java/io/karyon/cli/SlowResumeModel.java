package io.karyon.cli;

import io.karyon.model.Setup;

/**
 * A test model whose set-up takes long only where the environment variable {@value #SLOW} is set (a resume's
 * processes, which the shards inherit it from): a run of it writes its checkpoints at once, and a test can signal the
 * resume of that run while its shards set the model up and restore their parts, as {@link SlowSetUpModel} waits.
 * Listed in the tests' {@code META-INF/services/io.karyon.model.Model}.
 */
public class SlowResumeModel extends TinyModel
{
    /** The environment variable that makes the set-up wait. */
    static final String SLOW = "KARYON_TEST_SLOW_SETUP";

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "slowresume";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "Cells that count, after a set-up of up to ten minutes where " + SLOW + " is set";
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        if (null != System.getenv(SLOW))
        {
            SlowSetUpModel.stall();
        }
        super.setUp(setup);
    }
}
