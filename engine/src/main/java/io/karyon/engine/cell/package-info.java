/**
 * The cell as a struct: layouts turned into offsets, the slot header, arenas of slots in off-heap chunks (anonymous
 * or memory-mapped), the flyweight that reads and writes a slot in place, and handles (generation and slot).
 * Nothing here knows of ticks, messages or behaviours.
 */
package io.karyon.engine.cell;
