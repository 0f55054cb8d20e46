/**
 * Workers and how they meet: Agrona agents run one per thread (or shared, or invoked by a test), pinned to CPUs;
 * idle strategies chosen by name; the tick barrier of padded sequences; single-producer/single-consumer channels
 * with a spill buffer so a full ring never loses a record. Nothing here knows of cells.
 */
package io.karyon.scheduler;
