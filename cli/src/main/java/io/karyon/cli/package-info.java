/**
 * The {@code karyon} command, the product launcher ({@code cli/target/karyon.jar}): {@code run}, {@code topology},
 * {@code matrix} and {@code report}; what every subcommand shares (one-line errors and exit codes, defaults from the
 * engine's {@code Configuration}, worker options) and the one-line JSON reports. {@code bench} adds itself from perf.
 */
package io.karyon.cli;
