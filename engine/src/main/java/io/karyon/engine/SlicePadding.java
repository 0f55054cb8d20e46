package io.karyon.engine;

/**
 * Padding in front of fields that one worker writes: its {@link Slice}'s counters and each of its mechanisms
 * ({@link Visit}, {@link Mailboxes}, {@link Calls}, ...). The workers' slices are built one after another on the
 * launching thread, so their objects lie side by side in the heap; without these 64 bytes the tail of one worker's
 * object and the hot fields of the next worker's would share a cache line, and every write would bounce it between
 * the cores (about half a microsecond a transfer on these machines).
 */
@SuppressWarnings("unused")
abstract class WorkerPadding
{
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
}

/**
 * A worker's counters: written by the worker only, read by the driver once a run has completed (the tick barrier
 * orders the two).
 */
abstract class SliceCounters extends WorkerPadding
{
    long updates;
    long sent;
    long delivered;
    long deadLetters;
    long spawned;
    long deathsTotal;
    long crossWorker;
    long spilled;
    long restarts;
    long escalations;
    long errorsNotLogged;
    long downsSent;
    long exitsSent;
    long linkKills;
}

/**
 * Padding behind a {@link Slice}'s counters.
 */
@SuppressWarnings("unused")
abstract class SliceRhsPadding extends SliceCounters
{
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
}
