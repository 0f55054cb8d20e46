package io.karyon.engine;

/**
 * A snapshot of the counters of groups, broadcasts, monitors, links, timers and calls, taken between ticks. Their
 * dead letters are also counted in {@link Stats#deadLetters()}, and the messages cells handled in
 * {@link Stats#delivered()}.
 *
 * @param membershipChanges joins and leaves applied (a no-op join or leave is not a change; deaths are not counted).
 * @param broadcasts        broadcasts sent by cells.
 * @param memberDeliveries  broadcasts handed to a member.
 * @param memberDeadLetters broadcasts a member did not handle because it died first in the same tick.
 * @param monitors          monitor and link records held now (a link holds one on each side).
 * @param downs             DOWN messages sent (deaths of watched cells, and monitors of dead handles).
 * @param exits             EXIT signals sent to linked cells.
 * @param linkKills         cells that died because a linked cell died (they did not trap exits).
 * @param timersSet         timers set with {@link CellContext#sendAfter(long, long, int, long)}.
 * @param timersFired       timers that fired (their message was sent).
 * @param timersCancelled   timers cancelled before they fired.
 * @param calls             calls made.
 * @param callTimeouts      calls that got no reply in time (TIMEOUT sent).
 * @param lateReplies       replies that came after their call's timeout: dead letters.
 * @param timersWaiting     timers and call timeouts waiting now.
 */
public record SignalStats(
    long membershipChanges,
    long broadcasts,
    long memberDeliveries,
    long memberDeadLetters,
    long monitors,
    long downs,
    long exits,
    long linkKills,
    long timersSet,
    long timersFired,
    long timersCancelled,
    long calls,
    long callTimeouts,
    long lateReplies,
    long timersWaiting)
{
}
