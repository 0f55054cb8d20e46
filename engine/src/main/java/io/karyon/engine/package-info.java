/**
 * The organism: behaviours, genotypes, messages and ticks over the off-heap cells of {@code io.karyon.engine.cell}.
 * {@link io.karyon.engine.Organism} is the facade a driver uses, with three handles reached from it for what fewer
 * callers need: {@link io.karyon.engine.OrganismGroups} (groups and broadcasts from outside),
 * {@link io.karyon.engine.OrganismEdges} (the cells' edges) and {@link io.karyon.engine.OrganismWorkers} (where the
 * workers run). {@link io.karyon.engine.Context} holds one organism's settings.
 * <p>
 * A tick delivers the messages sent in the previous tick (and those sent from outside since), then advances every
 * live cell that has a tick step. Each worker owns whole families of chunks, so a cell is only ever written by one
 * thread; workers meet at a barrier after every tick and hand each other the tick's messages there, in bulk.
 * Messages reach each cell in an order that does not depend on the number of workers (by sender slot, then send
 * order; messages from outside last), and every cell's random numbers come from a stream keyed by (seed, slot,
 * generation, tick): with {@link io.karyon.engine.Placement#FILL} a run is a function of its seed, bit for bit,
 * whatever the number of workers.
 * <p>
 * Behind the facade, each concern has a package-private class that owns its state: {@code Workforce} (the slices,
 * their wiring, the worker threads and the barrier the driver moves them with), {@code Lifecycle} (open, closed,
 * started, failed: the checks each driver call makes), {@code Families} (which worker owns which chunks, and where a
 * cell spawned from outside goes), {@code SupervisionHomes} (the dealing of supervisors to supervision homes),
 * {@code Registry} (behaviours and genotypes), {@code Cohorts} and {@code Edges} (cells spawned and connected in bulk,
 * and the edge lists), {@code WorkerJobs} (jobs run on every worker between ticks), {@code GroupDirectory} (group
 * names and the driver's view of membership, kept per worker by {@code Groups}), {@code DriverMail} (messages from
 * outside) and {@code Census} (stats and the digest). Each worker's own state is a {@code Slice}.
 */
package io.karyon.engine;
