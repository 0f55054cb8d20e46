package io.karyon.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A scenario file: which model to run, its parameters, and how to run it, in TOML.
 * <pre>
 *   model = "sir"                 # optional: the command line's model (or its default) otherwise
 *
 *   [parameters]                  # the model's, checked against what it declares
 *   beta = 0.04
 *   contacts = 10
 *
 *   [run]
 *   cells = 1_000_000             # 1 to 2^31-1
 *   ticks = 300                   # >= 1; the model's default otherwise
 *   seed = 42
 *   workers = 2                   # 0: one per physical core
 *
 *   [outputs]
 *   out = "results"               # a folder, relative to this file's folder
 *   every = 1                     # observe every K ticks, >= 1
 *   snapshot_every = 100          # >= 0; 0: a snapshot at the end only
 *
 *   [checkpoint]                  # read and checked; used by checkpoints
 *   every = 1000                  # ticks, >= 1
 *   keep = 3                      # >= 1
 * </pre>
 * Every key is optional; dotted keys ({@code run.cells = 5}) and inline tables ({@code run = { cells = 5 }}) are
 * the same as sections. Anything else, a value of the wrong type or out of range, or malformed TOML is a
 * {@link ScenarioException} whose one-line message names the file, the line and the key. Immutable.
 */
public final class Scenario
{
    /** Largest {@code run.cells}. */
    public static final long MAX_CELLS = Integer.MAX_VALUE;
    /** Largest {@code run.workers} (the engine's {@link io.karyon.engine.Context#MAX_WORKERS}). */
    public static final long MAX_WORKERS = io.karyon.engine.Context.MAX_WORKERS;

    private static final TomlMapper MAPPER = new TomlMapper();
    private static final List<String> SECTIONS = List.of("model", "parameters", "run", "outputs", "checkpoint");
    private static final List<String> RUN_KEYS = List.of("cells", "ticks", "seed", "workers");
    private static final List<String> OUTPUT_KEYS = List.of("out", "every", "snapshot_every");
    private static final List<String> CHECKPOINT_KEYS = List.of("every", "keep");

    private final String file;
    private final Path folder;
    private final ScenarioLines lines;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, Long> values = new LinkedHashMap<>();
    private String model;
    private String out;

    private Scenario(final String file, final Path folder, final ScenarioLines lines)
    {
        this.file = file;
        this.folder = folder;
        this.lines = lines;
    }

    /**
     * Reads a scenario file.
     *
     * @param file to read; errors name it as given.
     * @return the scenario.
     * @throws ScenarioException if it cannot be read, or is not a valid scenario (one line naming file, line, key).
     */
    public static Scenario read(final Path file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException | SecurityException ex)
        {
            throw new ScenarioException(file.toString(), 1, null, "cannot read the file: " + ex);
        }
        return parse(file.toString(), file.toAbsolutePath().getParent(), bytes);
    }

    /**
     * Reads a scenario from bytes, as if from a file.
     *
     * @param file   name errors give.
     * @param folder against which a relative {@code outputs.out} is resolved; null: as written.
     * @param bytes  the file's content, UTF-8.
     * @return the scenario.
     * @throws ScenarioException if it is not a valid scenario (one line naming file, line, key).
     */
    public static Scenario parse(final String file, final Path folder, final byte[] bytes)
    {
        final String text = decode(file, bytes);
        final ScenarioLines lines = ScenarioLines.of(text);
        final JsonNode root;
        try
        {
            root = MAPPER.readTree(text);
        }
        catch (final JacksonException ex)
        {
            throw malformed(file, lines, ex);
        }
        final Scenario scenario = new Scenario(file, folder, lines);
        if (null != root)
        {
            scenario.readRoot(root);
        }
        return scenario;
    }

    private static String decode(final String file, final byte[] bytes)
    {
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        try
        {
            return decoder.decode(in).toString();
        }
        catch (final CharacterCodingException ex)
        {
            // The decoder stops at the bad byte: the line is one more than the newlines before it.
            int line = 1;
            for (int i = 0; i < in.position() && i < bytes.length; i++)
            {
                line += '\n' == bytes[i] ? 1 : 0;
            }
            throw new ScenarioException(file, line, null, "expected UTF-8 text, got a byte that is not");
        }
    }

    private static ScenarioException malformed(final String file, final ScenarioLines lines, final JacksonException ex)
    {
        final String message = null == ex.getOriginalMessage() ? ex.getClass().getSimpleName() :
            ex.getOriginalMessage().lines().findFirst().orElse("");
        final JsonLocation location = ex.getLocation();
        int line = null == location || location.getLineNr() < 1 ? 1 : location.getLineNr();
        if (message.startsWith("Duplicate key") && lines.duplicateLine() > 0)
        {
            // Jackson reports it after the value, on the next line; the key is where it is written.
            line = lines.duplicateLine();
        }
        return new ScenarioException(file, line, null, "malformed TOML: " + message);
    }

    private void readRoot(final JsonNode root)
    {
        for (final Map.Entry<String, JsonNode> e : root.properties())
        {
            final String key = e.getKey();
            final JsonNode value = e.getValue();
            switch (key)
            {
                case "model":
                    if (!value.isTextual() || value.textValue().isBlank())
                    {
                        throw error(List.of(key), "expected a model name (a string), got " + describe(value));
                    }
                    model = value.textValue();
                    break;
                case "parameters":
                    for (final Map.Entry<String, JsonNode> p : table(key, value).entrySet())
                    {
                        parameters.put(p.getKey(), toJava(p.getValue()));
                    }
                    break;
                case "run":
                    readRun(table(key, value));
                    break;
                case "outputs":
                    readOutputs(table(key, value));
                    break;
                case "checkpoint":
                    final Map<String, JsonNode> checkpoint = table(key, value);
                    unknownKeys(key, checkpoint, CHECKPOINT_KEYS);
                    integer(key, "every", checkpoint, 1, Long.MAX_VALUE);
                    integer(key, "keep", checkpoint, 1, Integer.MAX_VALUE);
                    break;
                default:
                    throw error(List.of(key), "unknown key, expected one of " + String.join(", ", SECTIONS));
            }
        }
    }

    private void readRun(final Map<String, JsonNode> run)
    {
        unknownKeys("run", run, RUN_KEYS);
        integer("run", "cells", run, 1, MAX_CELLS);
        integer("run", "ticks", run, 1, Long.MAX_VALUE);
        integer("run", "seed", run, Long.MIN_VALUE, Long.MAX_VALUE);
        integer("run", "workers", run, 0, MAX_WORKERS);
    }

    private void readOutputs(final Map<String, JsonNode> outputs)
    {
        unknownKeys("outputs", outputs, OUTPUT_KEYS);
        final JsonNode folderNode = outputs.get("out");
        if (null != folderNode)
        {
            if (!folderNode.isTextual() || folderNode.textValue().isBlank() || folderNode.textValue().indexOf(0) >= 0)
            {
                throw error(List.of("outputs", "out"), "expected a folder name (a string), got " +
                    describe(folderNode));
            }
            out = folderNode.textValue();
        }
        integer("outputs", "every", outputs, 1, Integer.MAX_VALUE);
        integer("outputs", "snapshot_every", outputs, 0, Integer.MAX_VALUE);
    }

    private Map<String, JsonNode> table(final String key, final JsonNode value)
    {
        if (!value.isObject())
        {
            throw error(List.of(key), "expected a table ([" + key + "]), got " + describe(value));
        }
        final Map<String, JsonNode> entries = new LinkedHashMap<>();
        for (final Map.Entry<String, JsonNode> e : value.properties())
        {
            entries.put(e.getKey(), e.getValue());
        }
        return entries;
    }

    private void unknownKeys(final String section, final Map<String, JsonNode> table, final List<String> known)
    {
        for (final String key : table.keySet())
        {
            if (!known.contains(key))
            {
                throw error(List.of(section, key), "unknown key, expected one of " + String.join(", ", known));
            }
        }
    }

    private void integer(
        final String section, final String key, final Map<String, JsonNode> table, final long min, final long max)
    {
        final JsonNode node = table.get(key);
        if (null == node)
        {
            return;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max)
        {
            final String range = Long.MIN_VALUE == min && Long.MAX_VALUE == max ? "" :
                Long.MAX_VALUE == max ? " >= " + min : " in [" + min + ", " + max + "]";
            throw error(List.of(section, key), "expected an integer" + range + ", got " + describe(node));
        }
        values.put(section + "." + key, node.longValue());
    }

    /**
     * A TOML value as {@link Parameter#check(Object)} takes it: an integer as a Long (a BigInteger if it does not
     * fit), a float as a Double, true/false, a string; arrays and tables as lists and maps, which no parameter takes.
     */
    private static Object toJava(final JsonNode node)
    {
        if (node.isIntegralNumber())
        {
            return node.canConvertToLong() ? (Object)node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber())
        {
            final double value = node.doubleValue();
            // 1e400 is valid TOML and no double: keep it as written, which no number parameter accepts.
            return Double.isInfinite(value) && node.isBigDecimal() ? (Object)node.decimalValue() : (Object)value;
        }
        if (node.isBoolean())
        {
            return node.booleanValue();
        }
        if (node.isTextual())
        {
            return node.textValue();
        }
        if (node.isArray())
        {
            final List<Object> list = new ArrayList<>();
            node.elements().forEachRemaining((e) -> list.add(toJava(e)));
            return list;
        }
        final Map<String, Object> map = new LinkedHashMap<>();
        for (final Map.Entry<String, JsonNode> e : node.properties())
        {
            map.put(e.getKey(), toJava(e.getValue()));
        }
        return map;
    }

    private static String describe(final JsonNode node)
    {
        if (node.isTextual())
        {
            return "\"" + node.textValue() + "\"";
        }
        if (node.isObject())
        {
            return "a table";
        }
        if (node.isArray())
        {
            return "an array";
        }
        return node.asText();
    }

    /**
     * An error about a key of this file, on the line the key is written (its section's, if the key is implied).
     *
     * @param path    of the key, e.g. {@code ["run", "cells"]}; its last part is what the message names, with the
     *                section for keys other than parameters.
     * @param problem what is wrong.
     * @return the exception, to throw.
     */
    private ScenarioException error(final List<String> path, final String problem)
    {
        final boolean parameter = path.size() == 2 && "parameters".equals(path.get(0));
        return new ScenarioException(file, lineOf(path), parameter ? path.get(1) : String.join(".", path), problem);
    }

    private int lineOf(final List<String> path)
    {
        final int section = path.size() > 1 ? lines.line(path.subList(0, 1), 1) : 1;
        return lines.line(path, section);
    }

    /**
     * An error about a key of this file, for a check made by its reader (the command line): e.g. an unknown model.
     *
     * @param key     dotted, as {@code model} or {@code run.cells}; a parameter by its own name.
     * @param problem what is wrong.
     * @return the exception, to throw.
     */
    public ScenarioException error(final String key, final String problem)
    {
        final List<String> path = key.contains(".") ? List.of(key.split("\\.", 2)) : SECTIONS.contains(key) ?
            List.of(key) : List.of("parameters", key);
        return error(path, problem);
    }

    /**
     * The file, as named when read.
     *
     * @return the file name.
     */
    public String file()
    {
        return file;
    }

    /**
     * The model's name.
     *
     * @return the name, or empty if the file names none.
     */
    public Optional<String> model()
    {
        return Optional.ofNullable(model);
    }

    /**
     * The {@code [parameters]} as written, unchecked: a Long, Double, Boolean or String each, or what no parameter
     * takes (a list, a map, an integer or a float too large).
     *
     * @return name to value, in file order, unmodifiable.
     */
    public Map<String, Object> parameters()
    {
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * The {@code [parameters]} checked against a model's declarations, each converted to its parameter's type.
     *
     * @param model whose parameters these are.
     * @return name to value, in file order.
     * @throws ScenarioException naming the line and key of an unknown parameter or a value that does not fit.
     */
    public Map<String, Object> parameters(final Model model)
    {
        final Map<String, Parameter> declared = new LinkedHashMap<>();
        for (final Parameter p : model.parameters())
        {
            declared.put(p.name(), p);
        }
        final Map<String, Object> checked = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : parameters.entrySet())
        {
            final Parameter p = declared.get(e.getKey());
            if (null == p)
            {
                throw error(List.of("parameters", e.getKey()), "no such parameter; the model " + model.name() +
                    " has " + (declared.isEmpty() ? "none" : String.join(", ", declared.keySet())));
            }
            try
            {
                checked.put(p.name(), p.check(e.getValue()));
            }
            catch (final IllegalArgumentException ex)
            {
                final String message = String.valueOf(ex.getMessage());
                final String prefix = p.name() + ": ";
                throw error(List.of("parameters", p.name()),
                    message.startsWith(prefix) ? message.substring(prefix.length()) : message);
            }
        }
        return checked;
    }

    /**
     * {@code run.cells}.
     *
     * @return cells, or empty.
     */
    public OptionalLong cells()
    {
        return optional("run.cells");
    }

    /**
     * {@code run.ticks}.
     *
     * @return ticks, or empty.
     */
    public OptionalLong ticks()
    {
        return optional("run.ticks");
    }

    /**
     * {@code run.seed}.
     *
     * @return the seed, or empty.
     */
    public OptionalLong seed()
    {
        return optional("run.seed");
    }

    /**
     * {@code run.workers}.
     *
     * @return workers (0: one per physical core), or empty.
     */
    public OptionalInt workers()
    {
        return optionalInt("run.workers");
    }

    /**
     * {@code outputs.out}, resolved against the file's folder when relative.
     *
     * @return the folder, or empty.
     */
    public Optional<Path> out()
    {
        if (null == out)
        {
            return Optional.empty();
        }
        final Path path = Path.of(out);
        return Optional.of(null == folder ? path : folder.resolve(path));
    }

    /**
     * {@code outputs.every}.
     *
     * @return K, or empty.
     */
    public OptionalInt every()
    {
        return optionalInt("outputs.every");
    }

    /**
     * {@code outputs.snapshot_every}.
     *
     * @return K (0: at the end only), or empty.
     */
    public OptionalInt snapshotEvery()
    {
        return optionalInt("outputs.snapshot_every");
    }

    /**
     * {@code checkpoint.every}.
     *
     * @return ticks between checkpoints, or empty.
     */
    public OptionalLong checkpointEvery()
    {
        return optional("checkpoint.every");
    }

    /**
     * {@code checkpoint.keep}.
     *
     * @return checkpoints kept, or empty.
     */
    public OptionalInt checkpointKeep()
    {
        return optionalInt("checkpoint.keep");
    }

    private OptionalLong optional(final String key)
    {
        final Long value = values.get(key);
        return null == value ? OptionalLong.empty() : OptionalLong.of(value);
    }

    private OptionalInt optionalInt(final String key)
    {
        final Long value = values.get(key);
        return null == value ? OptionalInt.empty() : OptionalInt.of(value.intValue());
    }
}
