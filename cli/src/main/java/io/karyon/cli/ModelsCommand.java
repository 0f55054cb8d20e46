package io.karyon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.Parameter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code karyon models}: the models {@code karyon run} can run (built in, and those in {@code --classpath} jars),
 * each with its description and parameters: name, type, default, range or choices, and documentation.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
        "Lists the models karyon run can run: built in, and those in the jars and folders of --classpath (or " +
            "KARYON_CLASSPATH) that list theirs in META-INF/services/io.karyon.model.Model.",
        "Each with its parameters: name, type, default, allowed values and what it does (--set NAME=VALUE)."
    })
public final class ModelsCommand implements Callable<Integer>
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = ModelDiscovery.CLASSPATH_OPTION, paramLabel = "PATH",
        description = "more jars and folders of models, separated by '${sys:path.separator}' (default: " +
            "$" + ModelDiscovery.CLASSPATH_ENV + ")")
    String classpath;

    @Option(names = "--json", description = "print the list as one JSON object: {\"models\": [...]}")
    boolean json;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final ModelCatalog catalog = ModelDiscovery.catalog(classpath);
        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            out.println(toJson(catalog.models()));
        }
        else
        {
            print(out, catalog.models());
        }
        out.flush();
        return Cli.EXIT_OK;
    }

    /**
     * The models as one JSON object: {@code {"models": [{"name", "description", "default_cells", "default_ticks",
     * "parameters": [{"name", "type", "default", "min", "max", "choices", "expected", "doc", "fixed"}]}]}}; min and
     * max only where bounded, choices only for a text parameter that has them.
     *
     * @param models to list.
     * @return the JSON text, one line.
     */
    static String toJson(final List<Model> models)
    {
        final ObjectNode root = MAPPER.createObjectNode();
        final ArrayNode list = root.putArray("models");
        for (final Model model : models)
        {
            final ObjectNode node = list.addObject();
            node.put("name", model.name());
            node.put("description", model.description());
            node.put("default_cells", model.defaultCells());
            node.put("default_ticks", model.defaultTicks());
            final ArrayNode parameters = node.putArray("parameters");
            for (final Parameter p : model.parameters())
            {
                parameter(parameters.addObject(), p);
            }
        }
        try
        {
            return MAPPER.writeValueAsString(root);
        }
        catch (final JsonProcessingException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void parameter(final ObjectNode node, final Parameter p)
    {
        node.put("name", p.name());
        node.put("type", p.type().label());
        node.set("default", MAPPER.valueToTree(p.defaultValue()));
        if (Parameter.Type.INTEGER == p.type())
        {
            if ((long)p.min() != Long.MIN_VALUE)
            {
                node.put("min", (long)p.min());
            }
            if ((long)p.max() != Long.MAX_VALUE)
            {
                node.put("max", (long)p.max());
            }
        }
        else if (Parameter.Type.NUMBER == p.type())
        {
            if (Double.isFinite(p.min()))
            {
                node.put("min", p.min());
            }
            if (Double.isFinite(p.max()))
            {
                node.put("max", p.max());
            }
        }
        if (!p.choices().isEmpty())
        {
            final ArrayNode choices = node.putArray("choices");
            p.choices().forEach(choices::add);
        }
        node.put("expected", p.expected());
        node.put("doc", p.doc());
        node.put("fixed", p.isFixed());
    }

    private static void print(final PrintWriter out, final List<Model> models)
    {
        if (models.isEmpty())
        {
            out.println("no models: add jars with --classpath or " + ModelDiscovery.CLASSPATH_ENV);
            return;
        }
        for (final Model model : models)
        {
            out.printf(Locale.ROOT, "%s: %s (default %,d cells, %,d ticks)%n", model.name(), model.description(),
                model.defaultCells(), model.defaultTicks());
            int nameWidth = 4;
            int defaultWidth = 7;
            int expectedWidth = 8;
            for (final Parameter p : model.parameters())
            {
                nameWidth = Math.max(nameWidth, p.name().length());
                defaultWidth = Math.max(defaultWidth, text(p.defaultValue()).length());
                expectedWidth = Math.max(expectedWidth, p.expected().length());
            }
            final String format = "  %-" + nameWidth + "s  %-7s  %-" + defaultWidth + "s  %-" + expectedWidth +
                "s  %s%n";
            for (final Parameter p : model.parameters())
            {
                out.printf(Locale.ROOT, format, p.name(), p.type().label(), text(p.defaultValue()), p.expected(),
                    p.doc() + (p.isFixed() ? " (fixed once set up)" : ""));
            }
        }
    }

    private static String text(final Object value)
    {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}
