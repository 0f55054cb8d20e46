package io.karyon.engine;

/**
 * A snapshot of the counters of groups and broadcasts, taken between ticks. Their dead letters are also counted in
 * {@link Stats#deadLetters()}, and member deliveries in {@link Stats#delivered()}.
 *
 * @param membershipChanges joins and leaves applied (a no-op join or leave is not a change; deaths are not counted).
 * @param broadcasts        broadcasts sent by cells.
 * @param memberDeliveries  broadcasts handed to a member.
 * @param memberDeadLetters broadcasts a member did not handle because it died first in the same tick.
 */
public record SignalStats(
    long membershipChanges,
    long broadcasts,
    long memberDeliveries,
    long memberDeadLetters)
{
}
