package io.karyon.engine;

import java.util.Map;

/**
 * A snapshot of an organism's counters, taken between ticks.
 *
 * @param ticks          ticks completed.
 * @param alive          cells alive now.
 * @param spawned        cells spawned since launch.
 * @param updates        tick steps run (cell-updates).
 * @param sent           messages accepted for delivery.
 * @param delivered      messages handed to a live cell.
 * @param deadLetters    messages whose target was dead, stale or null, messages left to a cell that died,
 *                       broadcasts a dying member missed, cancelled timers' messages and replies after a timeout
 *                       (see {@link DeadLetters} for the optional log).
 * @param pending        messages sent and not yet delivered (they arrive in the next tick); a broadcast in flight
 *                       counts once, whatever the worker count.
 * @param deaths         cells that died, all reasons.
 * @param deathsByReason deaths per exit reason name, only reasons with deaths, in code order.
 * @param crossWorker    messages sent by a cell on one worker to a cell on another.
 * @param spilled        messages that found their ring full and waited in the sender's spill buffer (free-running).
 * @param restarts       supervised cells restarted.
 * @param restartsByReason restarts per exit reason name of the exit each restart followed, only reasons with
 *                       restarts, in code order; a sibling restarted by {@code one_for_all} or {@code rest_for_one}
 *                       counts under {@code shutdown}.
 * @param escalations    supervisors that gave up and were handled by their parent.
 * @param pendingRestarts restarts decided and waiting for a later tick's budget.
 * @param errorsNotLogged behaviour exceptions that did not fit in the distinct error log.
 */
public record Stats(
    long ticks,
    long alive,
    long spawned,
    long updates,
    long sent,
    long delivered,
    long deadLetters,
    long pending,
    long deaths,
    Map<String, Long> deathsByReason,
    long crossWorker,
    long spilled,
    long restarts,
    Map<String, Long> restartsByReason,
    long escalations,
    long pendingRestarts,
    long errorsNotLogged)
{
}
