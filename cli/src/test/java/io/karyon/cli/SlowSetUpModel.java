package io.karyon.cli;

import io.karyon.model.ModelException;
import io.karyon.model.Setup;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test model whose set-up takes long: it says so on stderr ({@value #LINE} and the process's id) and waits up to
 * ten minutes before it sets up {@link TinyModel}'s cells, as a model of millions of cells takes seconds, so that a
 * test can signal a sharded run while its shards set the model up. Listed in the tests'
 * {@code META-INF/services/io.karyon.model.Model}.
 */
public class SlowSetUpModel extends TinyModel
{
    /** The start of the line each process prints as its set-up starts. */
    static final String LINE = "slowsetup: setting up in pid ";

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "slowsetup";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "Cells that count, after a set-up of up to ten minutes";
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        stall();
        super.setUp(setup);
    }

    /**
     * Says that the set-up starts ({@value #LINE} and the process's id, on stderr) and waits up to ten minutes.
     *
     * @throws ModelException if interrupted.
     */
    static void stall()
    {
        System.err.println(LINE + ProcessHandle.current().pid());
        System.err.flush();
        try
        {
            new CountDownLatch(1).await(10, TimeUnit.MINUTES);  // the test ends the run long before
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ModelException("slowsetup: interrupted", ModelException.EXIT_FAILURE, ex);
        }
    }
}
