/**
 * The command line shared by every {@code karyon} subcommand: one-line errors and exit codes, JSON report lines, and
 * {@code karyon run}.
 */
package io.karyon.cli;
