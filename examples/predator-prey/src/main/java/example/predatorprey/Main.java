package example.predatorprey;

import io.karyon.engine.Context;

/**
 * Runs the predator-prey model and prints one line: ticks, workers, prey, predators, messages and the digest.
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
        final PredatorPrey.Parameters parameters = PredatorPrey.Parameters.defaults();
        // backoff: the example shares its cores with whatever else runs; spin is for a machine of its own.
        final Context context = new Context().seed(7).workerCount(workers).idleStrategy("backoff");
        try (PredatorPrey model = new PredatorPrey(context, parameters))
        {
            model.run(ticks);
            System.out.println("predator-prey: " + parameters.patches() + " patches, " + ticks + " ticks on " +
                model.workerCount() + " workers: prey " + model.prey() + ", predators " + model.predators() +
                ", messages " + model.stats().delivered() + ", digest " + Long.toHexString(model.digest()));
        }
    }
}
