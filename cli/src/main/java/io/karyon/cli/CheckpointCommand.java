package io.karyon.cli;

import io.karyon.engine.checkpoint.CheckpointException;
import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.model.ModelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code karyon checkpoint inspect CHECKPOINT}: the header of a checkpoint and its sections, every checksum verified.
 */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    description = "Looks at checkpoints (karyon run --checkpoint-every K --out DIR writes them).",
    subcommands = { CheckpointCommand.Inspect.class, CommandLine.HelpCommand.class })
public final class CheckpointCommand implements Runnable
{
    @Spec
    CommandSpec spec;

    /**
     * Without a subcommand: fail, naming them.
     */
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: inspect or help");
    }

    /**
     * {@code karyon checkpoint inspect CHECKPOINT [--json]}.
     */
    @Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a checkpoint's header (format and engine version, model, parameters, seed, parent, tick, cells, " +
                "workers at writing) and its sections, after verifying every section's checksum.",
            "A bad file (truncated, corrupt, another format) exits 2 with one line naming it and the first bad " +
                "section."
        })
    public static final class Inspect implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @CommandLine.Parameters(index = "0", paramLabel = "CHECKPOINT", description = "a .kcp file")
        String checkpoint;

        @Option(names = "--json", description = "print the header as one JSON object")
        boolean json;

        /**
         * {@inheritDoc}
         */
        public Integer call()
        {
            final Path file;
            try
            {
                file = Path.of(checkpoint);
            }
            catch (final InvalidPathException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for CHECKPOINT: not a file name, was '" + checkpoint + "'");
            }
            final CheckpointHeader header;
            try
            {
                header = Checkpoints.inspect(file);
            }
            catch (final CheckpointException ex)
            {
                throw new ModelException(ex.getMessage(), ModelException.EXIT_USAGE, ex);
            }
            final PrintWriter out = spec.commandLine().getOut();
            out.print(json ? json(file, header) + "\n" : text(file, header));
            out.flush();
            return Cli.EXIT_OK;
        }

        static String json(final Path file, final CheckpointHeader header)
        {
            final List<Map<String, Object>> sections = new ArrayList<>();
            for (final CheckpointHeader.Section s : header.sections())
            {
                final Map<String, Object> section = new LinkedHashMap<>();
                section.put("name", s.name());
                section.put("offset", s.offset());
                section.put("length", s.length());
                section.put("checksum", hex(s.checksum()));
                sections.add(section);
            }
            return new Json()
                .field("file", file.toString())
                .field("format_version", header.formatVersion())
                .field("engine_version", header.engineVersion())
                .field("model", header.meta().model())
                .value("parameters", header.meta().parameters())
                .field("seed", header.meta().seed())
                .value("parent", header.meta().parent())
                .field("tick", header.tick())
                .field("cells", header.cellCount())
                .field("workers", header.workerCount())
                .value("sections", sections)
                .field("verified", true)
                .toString();
        }

        static String text(final Path file, final CheckpointHeader header)
        {
            final StringBuilder params = new StringBuilder();
            header.meta().parameters().forEach((k, v) -> params.append(params.length() > 0 ? " " : "").append(k)
                .append('=').append(v));
            final StringBuilder text = new StringBuilder();
            line(text, "checkpoint", file.toString());
            line(text, "format", Integer.toString(header.formatVersion()));
            line(text, "engine", header.engineVersion());
            line(text, "model", header.meta().model());
            line(text, "parameters", 0 == params.length() ? "-" : params.toString());
            line(text, "seed", Long.toString(header.meta().seed()));
            line(text, "parent", null == header.meta().parent() ? "-" : header.meta().parent());
            line(text, "tick", Long.toString(header.tick()));
            line(text, "cells", Long.toString(header.cellCount()));
            line(text, "workers", Integer.toString(header.workerCount()));
            long bytes = 0;
            for (final CheckpointHeader.Section s : header.sections())
            {
                bytes += s.length();
            }
            line(text, "sections", header.sections().size() + ", " + bytes + " bytes, every checksum verified");
            for (final CheckpointHeader.Section s : header.sections())
            {
                text.append(String.format(Locale.ROOT, "    %-24s %14d bytes at %-14d %s%n", s.name(), s.length(),
                    s.offset(), hex(s.checksum())));
            }
            return text.toString();
        }

        private static void line(final StringBuilder text, final String name, final String value)
        {
            text.append(String.format(Locale.ROOT, "  %-11s %s%n", name, value));
        }

        private static String hex(final long checksum)
        {
            return String.format(Locale.ROOT, "0x%08x", checksum);
        }
    }
}
