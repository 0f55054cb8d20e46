package example.predatorprey;

import io.karyon.engine.Context;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;

import java.util.Map;

/**
 * Runs the predator-prey model the way an embedder does, through {@link ModelRun}, and prints one line: patches,
 * ticks, workers, prey, predators, messages and the digest.
 */
public final class Main
{
    private Main()
    {
    }

    /**
     * Runs it.
     *
     * @param args ticks (default 1000) and workers (default 0: one per core).
     */
    public static void main(final String[] args)
    {
        final long ticks = args.length > 0 ? Long.parseLong(args[0]) : 1000;
        final int workers = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        // backoff: the example shares its cores with whatever else runs; spin is for a machine of its own.
        final Context context = new Context().workerCount(workers).idleStrategy("backoff");
        try
        {
            final ModelRun.Result result = ModelRun.builder(new PredatorPreyModel())
                .context(context).seed(7).ticks(ticks).progress(Progress.NONE).run();
            final Map<String, Object> s = result.summary();
            final long prey = Math.round(((Number)s.get("prey")).doubleValue());
            final long predators = Math.round(((Number)s.get("predators")).doubleValue());
            System.out.println("predator-prey: " + s.get("cells") + " patches, " + s.get("ticks") + " ticks on " +
                s.get("workers") + " workers: prey " + prey + ", predators " + predators + ", messages " +
                s.get("delivered") + ", digest " + Long.toHexString(result.digest()));
        }
        catch (final ModelException ex)
        {
            System.err.println("predator-prey: " + ex.getMessage());
            System.exit(ex.exitCode());
        }
    }
}
