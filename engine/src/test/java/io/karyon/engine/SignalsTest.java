package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Monitors, links, timers and calls: DOWN with the right reason in the next tick, links with and without trapping
 * exits, timers fired in the right tick and never after cancel, call timeouts and late replies as dead letters, and
 * the same result for any number of workers.
 */
class SignalsTest
{
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("downs").longField("downSender").longField("downReason").longField("downRef").longField("downTick")
        .longField("monitorRef")
        .longField("exits").longField("exitSender").longField("exitReason")
        .longField("timerId").longField("firedTick").longField("fired").longField("cancelled")
        .longField("callId").longField("replies").longField("reply").longField("replyCallId")
        .longField("timeouts").longField("timeoutCallId").longField("timeoutTick")
        .longField("silent").longField("heldCaller").longField("heldCallId")
        .longField("hash").longField("callTimeout")
        .build();
    static final int DOWNS = LAYOUT.offset("downs");
    static final int DOWN_SENDER = LAYOUT.offset("downSender");
    static final int DOWN_REASON = LAYOUT.offset("downReason");
    static final int DOWN_REF = LAYOUT.offset("downRef");
    static final int DOWN_TICK = LAYOUT.offset("downTick");
    static final int MONITOR_REF = LAYOUT.offset("monitorRef");
    static final int EXITS = LAYOUT.offset("exits");
    static final int EXIT_SENDER = LAYOUT.offset("exitSender");
    static final int EXIT_REASON = LAYOUT.offset("exitReason");
    static final int TIMER_ID = LAYOUT.offset("timerId");
    static final int FIRED_TICK = LAYOUT.offset("firedTick");
    static final int FIRED = LAYOUT.offset("fired");
    static final int CANCELLED = LAYOUT.offset("cancelled");
    static final int CALL_ID = LAYOUT.offset("callId");
    static final int REPLIES = LAYOUT.offset("replies");
    static final int REPLY = LAYOUT.offset("reply");
    static final int REPLY_CALL_ID = LAYOUT.offset("replyCallId");
    static final int TIMEOUTS = LAYOUT.offset("timeouts");
    static final int TIMEOUT_CALL_ID = LAYOUT.offset("timeoutCallId");
    static final int TIMEOUT_TICK = LAYOUT.offset("timeoutTick");
    static final int SILENT = LAYOUT.offset("silent");
    static final int HELD_CALLER = LAYOUT.offset("heldCaller");
    static final int HELD_CALL_ID = LAYOUT.offset("heldCallId");
    static final int HASH = LAYOUT.offset("hash");
    static final int CALL_TIMEOUT_FIELD = LAYOUT.offset("callTimeout");

    static final int MONITOR = 1;
    static final int LINK = 2;
    static final int TRAP = 3;
    static final int DIE = 4;
    static final int TIMER = 5;
    static final int CANCEL = 6;
    static final int TICKED = 7;
    static final int CALL = 8;
    static final int PING = 9;
    static final int PONG = 10;
    static final int REPLY_LATER = 11;
    static final int BAD_TIMER = 12;
    static final int DEMONITOR = 13;
    static final int UNLINK = 14;
    static final long CALL_TIMEOUT = 3;

    /**
     * Obeys the driver's commands and records every engine message it gets.
     */
    static final class Actor implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(HASH, Slice.mix(cell.getLong(HASH) * 31 + type * 7L + sender * 3 + payload + context.tick()));
            switch (type)
            {
                case MONITOR -> cell.putLong(MONITOR_REF, context.monitor(payload));
                case LINK -> context.link(payload);
                case DEMONITOR -> context.demonitor(payload, cell.getLong(MONITOR_REF));
                case UNLINK -> context.unlink(payload);
                case TRAP -> context.trapExits(0 != payload);
                case DIE -> context.die((int)payload);
                case TIMER -> cell.putLong(TIMER_ID, context.sendAfter(context.self(), payload, TICKED, 0));
                case CANCEL -> cell.putLong(CANCELLED, context.cancelTimer(cell.getLong(TIMER_ID)) ? 1 : 0);
                case BAD_TIMER -> context.sendAfter(context.self(), 0, TICKED, 0);
                case TICKED ->
                {
                    cell.putLong(FIRED, cell.getLong(FIRED) + 1);
                    cell.putLong(FIRED_TICK, context.tick());
                    if (0 != payload)
                    {
                        context.reply(cell.getLong(HELD_CALLER), (int)cell.getLong(HELD_CALL_ID), PONG, 99);
                    }
                }
                case CALL -> cell.putLong(CALL_ID, context.call(payload, PING, 41,
                    0 == cell.getLong(CALL_TIMEOUT_FIELD) ? CALL_TIMEOUT : cell.getLong(CALL_TIMEOUT_FIELD)));
                case PING ->
                {
                    if (0 == cell.getLong(SILENT))
                    {
                        context.reply(PONG, payload + 1);
                    }
                    else if (2 == cell.getLong(SILENT))
                    {
                        // Answers too late: after the caller's timeout.
                        cell.putLong(HELD_CALLER, sender);
                        cell.putLong(HELD_CALL_ID, context.callId());
                        context.sendAfter(context.self(), CALL_TIMEOUT + 1, TICKED, 1);
                    }
                }
                case PONG ->
                {
                    cell.putLong(REPLIES, cell.getLong(REPLIES) + 1);
                    cell.putLong(REPLY, payload);
                    cell.putLong(REPLY_CALL_ID, context.callId());
                }
                case Signals.DOWN ->
                {
                    cell.putLong(DOWNS, cell.getLong(DOWNS) + 1);
                    cell.putLong(DOWN_SENDER, sender);
                    cell.putLong(DOWN_REASON, Signals.reason(payload));
                    cell.putLong(DOWN_REF, Signals.ref(payload));
                    cell.putLong(DOWN_TICK, context.tick());
                }
                case Signals.EXIT ->
                {
                    cell.putLong(EXITS, cell.getLong(EXITS) + 1);
                    cell.putLong(EXIT_SENDER, sender);
                    cell.putLong(EXIT_REASON, payload);
                }
                case Signals.TIMEOUT ->
                {
                    cell.putLong(TIMEOUTS, cell.getLong(TIMEOUTS) + 1);
                    cell.putLong(TIMEOUT_CALL_ID, payload);
                    cell.putLong(TIMEOUT_TICK, context.tick());
                }
                default -> throw new IllegalStateException("unexpected type " + type);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    private final Organism organism = Organism.launch(new Context().workerCount(2)
        .threadingMode(ThreadingMode.INVOKER).chunkShift(6).stateLength(LAYOUT.stateLength())
        .placement(Placement.ROUND_ROBIN).restartBudget(100));
    private final Genotype genotype;

    SignalsTest()
    {
        organism.registerBehaviour("actor", new Actor());
        genotype = organism.genotype("actor", LAYOUT, "actor");
    }

    @AfterEach
    void close()
    {
        organism.close();
    }

    private long get(final long handle, final int field)
    {
        return organism.cell(handle).getLong(field);
    }

    @Test
    void shouldSendDownWithTheReasonAndRefInTheTickAfterTheDeathAcrossWorkers()
    {
        final int starved = organism.exitReason("starved");
        final long watcher = organism.spawn(genotype);
        final long watched = organism.spawn(genotype);
        assertNotEquals(Slice.owner(Handle.slot(watcher), 6, 2), Slice.owner(Handle.slot(watched), 6, 2));

        organism.send(watcher, MONITOR, watched);
        organism.run(2);
        assertEquals(1, organism.signalStats().monitors(), "the request is stored by the watched cell's worker");
        organism.send(watched, DIE, starved);
        organism.run(1);
        final long deathTick = organism.ticks() - 1;
        assertEquals(0, get(watcher, DOWNS), "not before the next tick");
        organism.run(1);

        assertEquals(1, get(watcher, DOWNS));
        assertEquals(deathTick + 1, get(watcher, DOWN_TICK));
        assertEquals(watched, get(watcher, DOWN_SENDER));
        assertEquals(starved, get(watcher, DOWN_REASON));
        assertEquals(get(watcher, MONITOR_REF), get(watcher, DOWN_REF));
        assertNotEquals(0, get(watcher, MONITOR_REF));
        assertEquals(0, organism.signalStats().monitors(), "the record went with the watched cell");
        organism.run(3);
        assertEquals(1, get(watcher, DOWNS), "once");
    }

    @Test
    void shouldSendDownWithNoprocForADeadHandleAndKilledForAKill()
    {
        final long watcher = organism.spawn(genotype);
        final long dead = organism.spawn(genotype);
        final long killed = organism.spawn(genotype);
        organism.kill(dead);
        organism.send(watcher, MONITOR, dead);
        organism.run(3);
        assertEquals(1, get(watcher, DOWNS));
        assertEquals(ExitReasons.NOPROC, get(watcher, DOWN_REASON));
        assertEquals(dead, get(watcher, DOWN_SENDER));
        assertEquals("noproc", organism.exitReasons().name(ExitReasons.NOPROC));

        organism.send(watcher, MONITOR, killed);
        organism.run(2);
        organism.kill(killed);
        organism.run(1);
        assertEquals(2, get(watcher, DOWNS));
        assertEquals(ExitReasons.KILLED, get(watcher, DOWN_REASON));
        assertEquals(killed, get(watcher, DOWN_SENDER));
        assertEquals(0, organism.stats().deadLetters());
    }

    @Test
    void shouldSendDownWhenASupervisedCellIsRestarted()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10, 100);
        final long child = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        final long watcher = organism.spawn(genotype);
        organism.send(watcher, MONITOR, child);
        organism.run(2);
        organism.send(child, 999, 0);  // an unknown type: the behaviour throws
        organism.run(2);
        assertEquals(1, organism.stats().restarts());
        assertEquals(1, get(watcher, DOWNS));
        assertEquals(ExitReasons.EXCEPTION, get(watcher, DOWN_REASON));
        assertEquals(child, get(watcher, DOWN_SENDER));
    }

    @Test
    void shouldSendDownWithShutdownWhenASupervisorTerminatesASibling()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ALL, 10, 100);
        final long failing = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        final long sibling = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        final long watcher = organism.spawn(genotype);
        organism.send(watcher, MONITOR, sibling);
        organism.run(2);
        organism.send(failing, 999, 0);  // throws: one_for_all terminates the sibling
        organism.run(2);
        assertFalse(organism.isAlive(sibling));
        assertEquals(1, get(watcher, DOWNS));
        assertEquals(ExitReasons.SHUTDOWN, get(watcher, DOWN_REASON));
        assertEquals(sibling, get(watcher, DOWN_SENDER));
    }

    @Test
    void shouldNotTellAWatcherThatDemonitoredNorAPartnerThatUnlinked()
    {
        final int starved = organism.exitReason("starved");
        final long watcher = organism.spawn(genotype);
        final long watched = organism.spawn(genotype);
        final long partner = organism.spawn(genotype);
        organism.send(watcher, MONITOR, watched);
        organism.send(watcher, TRAP, 1);
        organism.send(watcher, LINK, partner);
        organism.run(2);
        assertEquals(3, organism.signalStats().monitors());
        organism.send(watcher, DEMONITOR, watched);
        organism.send(watcher, UNLINK, partner);
        organism.run(2);
        assertEquals(0, organism.signalStats().monitors(), "every record is gone");

        organism.send(watched, DIE, starved);
        organism.send(partner, DIE, starved);
        organism.run(3);
        assertTrue(organism.isAlive(watcher));
        assertEquals(0, get(watcher, DOWNS));
        assertEquals(0, get(watcher, EXITS));
    }

    @Test
    void shouldIgnoreAnExitSignalThatCrossedAnUnlink()
    {
        final int starved = organism.exitReason("starved");
        final long a = organism.spawn(genotype);
        final long b = organism.spawn(genotype);
        organism.send(a, LINK, b);
        organism.run(2);
        organism.send(b, DIE, starved);      // b's EXIT is on its way in the tick a unlinks
        organism.send(a, UNLINK, b);
        organism.run(3);
        assertTrue(organism.isAlive(a));
        assertEquals(0, organism.signalStats().linkKills());
    }

    @Test
    void shouldKillTheLinkedPartnerWithTheSameReasonButNotOnANormalExit()
    {
        final int starved = organism.exitReason("starved");
        final long a = organism.spawn(genotype);
        final long b = organism.spawn(genotype);
        final long c = organism.spawn(genotype);
        final long d = organism.spawn(genotype);
        organism.send(a, LINK, b);
        organism.send(c, LINK, d);
        organism.run(2);
        assertEquals(4, organism.signalStats().monitors(), "a link is held on both sides");

        organism.send(b, DIE, starved);
        organism.send(d, DIE, ExitReasons.NORMAL);
        organism.run(3);
        assertFalse(organism.isAlive(a), "a died with its partner");
        assertEquals(2L, organism.stats().deathsByReason().get("starved"));
        assertEquals(1, organism.signalStats().linkKills());
        assertTrue(organism.isAlive(c), "a normal exit does not kill");
        assertEquals(0, get(c, EXITS));
        assertEquals(0, organism.signalStats().monitors());
    }

    @Test
    void shouldTurnALinkedDeathIntoAnExitMessageWhenTrapping()
    {
        final long a = organism.spawn(genotype);
        final long b = organism.spawn(genotype);
        organism.send(a, TRAP, 1);
        organism.send(a, LINK, b);
        organism.run(2);
        organism.kill(b);
        organism.run(1);
        assertTrue(organism.isAlive(a));
        assertEquals(1, get(a, EXITS));
        assertEquals(b, get(a, EXIT_SENDER));
        assertEquals(ExitReasons.KILLED, get(a, EXIT_REASON));

        // Linking to a dead handle: EXIT noproc, trapped here; without trapping it kills.
        final long c = organism.spawn(genotype);
        organism.send(a, LINK, b);
        organism.send(c, LINK, b);
        organism.run(3);
        assertEquals(2, get(a, EXITS));
        assertEquals(ExitReasons.NOPROC, get(a, EXIT_REASON));
        assertFalse(organism.isAlive(c));
        assertEquals(1L, organism.stats().deathsByReason().get("noproc"));
    }

    @Test
    void shouldFireATimerInExactlyTheRightTickAndNeverAfterCancel()
    {
        final long a = organism.spawn(genotype);
        final long b = organism.spawn(genotype);
        organism.run(5);
        organism.send(a, TIMER, 7);      // set in tick 5: handled in tick 12
        organism.send(b, TIMER, 4);      // set in tick 5, cancelled in tick 6
        organism.run(1);
        organism.send(b, CANCEL, 0);
        organism.run(6);                 // ticks 6..11
        assertEquals(0, get(a, FIRED));
        organism.run(1);                 // tick 12
        assertEquals(1, get(a, FIRED));
        assertEquals(12, get(a, FIRED_TICK));
        assertEquals(1, get(b, CANCELLED));
        organism.run(20);
        assertEquals(0, get(b, FIRED), "never after cancel");
        organism.send(a, CANCEL, 0);
        organism.run(1);
        assertEquals(0, get(a, CANCELLED), "a fired timer cannot be cancelled");

        final SignalStats signals = organism.signalStats();
        assertEquals(2, signals.timersSet());
        assertEquals(1, signals.timersFired());
        assertEquals(1, signals.timersCancelled());
        assertEquals(0, signals.timersWaiting());
    }

    @Test
    void shouldFireTimersAcrossTheWheelAndCountATimerForADeadTargetAsADeadLetter()
    {
        final long a = organism.spawn(genotype);
        organism.send(a, TIMER, 3000);   // more than one turn of the wheel
        organism.run(3000);
        assertEquals(0, get(a, FIRED));
        organism.run(1);
        assertEquals(3000, get(a, FIRED_TICK));

        organism.send(a, TIMER, 2);
        organism.run(1);
        final long before = organism.stats().deadLetters();
        organism.kill(a);
        organism.run(3);
        assertEquals(before + 1, organism.stats().deadLetters());
    }

    @Test
    void shouldReplyToACallWithItsIdAndTimeOutWhenNoReplyComes()
    {
        final long caller = organism.spawn(genotype);
        final long callee = organism.spawn(genotype);
        final long silent = organism.spawn(genotype);
        organism.cell(silent).putLong(SILENT, 1);
        organism.send(caller, CALL, callee);
        organism.run(3);  // call in tick 0, request handled in 1, reply handled in 2
        assertEquals(1, get(caller, REPLIES));
        assertEquals(42, get(caller, REPLY));
        assertEquals(get(caller, CALL_ID), get(caller, REPLY_CALL_ID));
        organism.run(5);
        assertEquals(0, get(caller, TIMEOUTS), "a call that got its reply does not time out");

        final long callTick = organism.ticks();
        organism.send(caller, CALL, silent);
        organism.run(CALL_TIMEOUT);
        assertEquals(0, get(caller, TIMEOUTS));
        organism.run(1);
        assertEquals(1, get(caller, TIMEOUTS));
        assertEquals(callTick + CALL_TIMEOUT, get(caller, TIMEOUT_TICK));
        assertEquals(get(caller, CALL_ID), get(caller, TIMEOUT_CALL_ID));
        final SignalStats signals = organism.signalStats();
        assertEquals(2, signals.calls());
        assertEquals(1, signals.callTimeouts());
        assertEquals(0, signals.timersWaiting());
    }

    @Test
    void shouldCountAReplyAfterTheTimeoutAsADeadLetter()
    {
        final long caller = organism.spawn(genotype);
        final long late = organism.spawn(genotype);
        organism.cell(late).putLong(SILENT, 2);
        organism.send(caller, CALL, late);
        organism.run(10);
        assertEquals(1, get(caller, TIMEOUTS));
        assertEquals(0, get(caller, REPLIES), "the late reply is not handed over");
        assertEquals(1, get(late, FIRED), "the late reply was sent");
        assertEquals(1, organism.signalStats().lateReplies());
        assertEquals(1, organism.stats().deadLetters());
    }

    @Test
    void shouldRejectBadInputNamingIt()
    {
        final long a = organism.spawn(genotype);
        assertEquals("send: message types < 0 are the engine's (see Signals): type=-3",
            assertThrows(IllegalArgumentException.class, () -> organism.send(a, -3, 0)).getMessage());
        organism.send(a, BAD_TIMER, 0);
        organism.run(1);
        assertFalse(organism.isAlive(a), "a behaviour passing a bad delay dies of it");
        final String[] error = new String[1];
        organism.readErrors((count, first, last, text) -> error[0] = text);
        assertTrue(error[0].contains("sendAfter: delay must be >= 1 tick: delay=0"), error[0]);
    }

    @Test
    @Timeout(60)
    void shouldMonitorTimeAndCallInFreeRunningMode()
    {
        try (Organism free = Organism.launch(new Context().workerCount(2).idleStrategy("backoff").freeRunning(true)
            .chunkShift(6).stateLength(LAYOUT.stateLength()).placement(Placement.ROUND_ROBIN)))
        {
            free.registerBehaviour("actor", new Actor());
            final Genotype actor = free.genotype("actor", LAYOUT, "actor");
            final long a = free.spawn(actor);
            final long b = free.spawn(actor);
            final long c = free.spawn(actor);
            free.cell(a).putLong(CALL_TIMEOUT_FIELD, TimeUnit.SECONDS.toNanos(10));
            free.send(a, MONITOR, b);
            free.send(a, CALL, c);
            free.send(c, TIMER, TimeUnit.MILLISECONDS.toNanos(20));
            assertTrue(free.awaitQuiescence(TimeUnit.SECONDS.toNanos(20)));
            free.send(b, DIE, ExitReasons.NORMAL);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // At least one run after b's death is sent, however early the 20 ms timer fired: a busy machine can
            // stretch the first run past 20 ms, and the death and its DOWN must still be handled.
            do
            {
                assertTrue(free.awaitQuiescence(TimeUnit.SECONDS.toNanos(20)));
            }
            while (free.signalStats().timersFired() < 1 && System.nanoTime() - deadlineNs < 0);
            assertEquals(1, free.cell(c).getLong(FIRED), "the timer fired after its duration");
            assertEquals(1, free.cell(a).getLong(DOWNS));
            assertEquals(ExitReasons.NORMAL, free.cell(a).getLong(DOWN_REASON));
            assertEquals(1, free.cell(a).getLong(REPLIES));
            assertEquals(42, free.cell(a).getLong(REPLY));
        }
    }

    @Test
    @Timeout(60)
    void shouldBroadcastToEveryMemberInFreeRunningMode()
    {
        try (Organism free = Organism.launch(new Context().workerCount(2).idleStrategy("backoff").freeRunning(true)
            .chunkShift(6).placement(Placement.ROUND_ROBIN)))
        {
            free.registerBehaviour("commanded", new GroupsTest.Commanded());
            final Genotype genotype = free.genotype("commanded", GroupsTest.LAYOUT, "commanded");
            final int group = free.groups().id("g");
            final long broadcaster = free.spawn(genotype);
            final long[] members = new long[2_000];
            for (int i = 0; i < members.length; i++)
            {
                members[i] = free.spawn(genotype);
                free.groups().join(members[i], group);
            }
            free.send(broadcaster, GroupsTest.CMD_BROADCAST, group);
            free.groups().broadcast(group, GroupsTest.SIGNAL, 3);
            assertTrue(free.awaitQuiescence(TimeUnit.SECONDS.toNanos(20)));
            for (final long member : members)
            {
                assertEquals(2, free.cell(member).getLong(GroupsTest.COUNT));
            }
            assertEquals(0, free.cell(broadcaster).getLong(GroupsTest.COUNT));
            assertEquals(2L * members.length, free.signalStats().memberDeliveries());
        }
    }

    @Test
    void shouldLogTheLatestDeadLettersOfEveryKindWithinItsBound()
    {
        try (Organism logged = Organism.launch(new Context().workerCount(1).threadingMode(ThreadingMode.INVOKER)
            .chunkShift(6).stateLength(LAYOUT.stateLength()).deadLetterLogLength(4)))
        {
            logged.registerBehaviour("actor", new Actor());
            logged.registerBehaviour("commanded", new GroupsTest.Commanded());
            final Genotype actor = logged.genotype("actor", LAYOUT, "actor");
            final Genotype commanded = logged.genotype("commanded", LAYOUT, "commanded");
            final int group = logged.groups().id("g");
            final long a = logged.spawn(actor);
            final long dead = logged.spawn(actor);
            final long late = logged.spawn(actor);
            final long broadcaster = logged.spawn(commanded);
            final long member = logged.spawn(commanded);
            logged.groups().join(member, group);
            logged.cell(late).putLong(SILENT, 2);
            logged.kill(dead);

            logged.send(dead, TICKED, 1);                                         // stale handle, dropped
            logged.send(dead, TICKED, 2);                                         // stale handle, kept
            logged.send(broadcaster, GroupsTest.CMD_BROADCAST_FATAL_THEN_SIGNAL, group);  // dead member
            logged.send(a, TIMER, 5);
            logged.send(a, CALL, late);                                           // late reply, tick 5
            logged.run(1);
            logged.send(a, CANCEL, 0);                                            // cancelled timer
            logged.run(10);

            final List<String> seen = new ArrayList<>();
            final int read = logged.readDeadLetters((worker, kind, tick, target, sender, type, payload) ->
                seen.add(DeadLetters.kindName(kind) + "@" + tick + ":" + (kind == DeadLetters.STALE_HANDLE ?
                Handle.toString(target) + "/" + payload : "")));
            assertEquals(4, read, "the log keeps the latest 4");
            // Tick 1: broadcasts are handed out before the tick's messages. The late reply is sent in tick 5.
            assertEquals(List.of("stale-handle@0:" + Handle.toString(dead) + "/2", "dead-member@1:",
                "cancelled-timer@1:", "late-reply@6:"), seen);
            assertEquals(5, logged.stats().deadLetters(), "all are counted");
        }
        final ConfigurationException bad = assertThrows(ConfigurationException.class,
            () -> new Context().deadLetterLogLength(-1).conclude());
        assertEquals(Configuration.DEAD_LETTER_LOG_LENGTH_PROP_NAME + " must be in 0..1048576: deadLetterLogLength=-1",
            bad.getMessage());
    }

    /**
     * Cells that monitor, link, set and cancel timers, call each other and die at random: a web of signals.
     */
    static final class Web implements Behaviour
    {
        private final long[] cells;

        Web(final long[] cells)
        {
            this.cells = cells;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final double p = context.nextDouble();
            final long other = cells[(int)((context.nextLong() >>> 1) % cells.length)];
            if (p < 0.01)
            {
                cell.putLong(MONITOR_REF, context.monitor(other));
            }
            else if (p < 0.015)
            {
                context.link(other);
            }
            else if (p < 0.02)
            {
                context.trapExits(0 == (context.nextLong() & 1));
            }
            else if (p < 0.04)
            {
                cell.putLong(TIMER_ID, context.sendAfter(other, 1 + (context.nextLong() >>> 1) % 9, TICKED, 0));
            }
            else if (p < 0.05)
            {
                final long cancelled = context.cancelTimer(cell.getLong(TIMER_ID)) ? 1 : 0;
                cell.putLong(CANCELLED, cell.getLong(CANCELLED) + cancelled);
            }
            else if (p < 0.07)
            {
                context.call(other, PING, context.tick(), 1 + (context.nextLong() >>> 1) % 4);
            }
            else if (p < 0.073)
            {
                context.die(ExitReasons.KILLED);
            }
            else if (p < 0.076)
            {
                context.unlink(other);
            }
            else if (p < 0.079)
            {
                context.demonitor(other, cell.getLong(MONITOR_REF));
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(HASH, Slice.mix(cell.getLong(HASH) * 31 + type * 7L + sender * 3 + payload + context.tick()));
            if (PING == type && 0 != (payload & 1))
            {
                context.reply(PONG, payload);
            }
        }
    }

    private static long webDigest(final int workers)
    {
        try (Organism organism = Organism.launch(new Context().workerCount(workers)
            .threadingMode(ThreadingMode.INVOKER).chunkShift(6).stateLength(LAYOUT.stateLength()).seed(11)))
        {
            final int n = 6_000;
            final long[] cells = new long[n];
            organism.registerBehaviour("web", new Web(cells));
            final Genotype genotype = organism.genotype("web", LAYOUT, "web");
            for (int i = 0; i < n; i++)
            {
                // Unsupervised: supervised cells are placed on their supervisor's worker, so their slots (and
                // handles) depend on the number of workers.
                cells[i] = organism.spawn(genotype);
            }
            organism.run(40);
            final Stats stats = organism.stats();
            final SignalStats signals = organism.signalStats();
            assertTrue(signals.downs() > 100 && signals.exits() > 10 && signals.linkKills() > 0 &&
                signals.timersFired() > 100 && signals.timersCancelled() > 0 && signals.callTimeouts() > 100 &&
                signals.calls() > signals.callTimeouts(), signals.toString());
            return Slice.mix(organism.digest() + Arrays.hashCode(new long[]{ stats.alive(), stats.delivered(),
                stats.deadLetters(), stats.deaths(), stats.restarts(), signals.downs(), signals.exits(),
                signals.linkKills(), signals.timersFired(), signals.timersCancelled(), signals.calls(),
                signals.callTimeouts(), signals.lateReplies(), signals.monitors(), signals.timersWaiting() }));
        }
    }

    @Test
    @Timeout(120)
    void shouldGiveTheSameResultForAnyNumberOfWorkers()
    {
        final long expected = webDigest(1);
        for (final int workers : new int[]{ 2, 3, 4 })
        {
            assertEquals(expected, webDigest(workers), workers + " workers");
        }
    }
}
