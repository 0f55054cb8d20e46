package io.karyon.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a model's parameters for one run: its defaults, overridden by a scenario file, overridden by
 * {@code --set}. Immutable.
 */
public final class Parameters
{
    private final Map<String, Parameter> declared;
    private final Map<String, Object> values;

    private Parameters(final Map<String, Parameter> declared, final Map<String, Object> values)
    {
        this.declared = declared;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * A model's defaults with some values overridden.
     *
     * @param parameters declared by the model.
     * @param overrides  name to value (of any type {@link Parameter#check(Object)} accepts, or a {@code String} to
     *                   be parsed), applied in order.
     * @return the values.
     * @throws IllegalArgumentException naming the parameter, for an unknown name or a value that does not fit.
     */
    public static Parameters of(final List<Parameter> parameters, final Map<String, ?> overrides)
    {
        final Map<String, Parameter> declared = new LinkedHashMap<>();
        final Map<String, Object> values = new LinkedHashMap<>();
        for (final Parameter p : parameters)
        {
            if (null != declared.put(p.name(), p))
            {
                throw new IllegalArgumentException("parameter declared twice: " + p.name());
            }
            values.put(p.name(), p.defaultValue());
        }
        for (final Map.Entry<String, ?> e : overrides.entrySet())
        {
            final Parameter p = declared.get(e.getKey());
            if (null == p)
            {
                throw new IllegalArgumentException(e.getKey() + ": no such parameter; the model has " +
                    (declared.isEmpty() ? "none" : String.join(", ", declared.keySet())));
            }
            final Object value = e.getValue();
            values.put(p.name(), value instanceof String && Parameter.Type.TEXT != p.type() ?
                p.parse((String)value) : p.check(value));
        }
        return new Parameters(declared, values);
    }

    /**
     * The declaration of a parameter.
     *
     * @param name of the parameter.
     * @return its declaration.
     * @throws IllegalArgumentException if the model declares no such parameter.
     */
    public Parameter parameter(final String name)
    {
        final Parameter p = declared.get(name);
        if (null == p)
        {
            throw new IllegalArgumentException("no such parameter: " + name);
        }
        return p;
    }

    /**
     * An integer parameter's value.
     *
     * @param name of the parameter.
     * @return its value.
     */
    public long integer(final String name)
    {
        return (Long)typed(name, Parameter.Type.INTEGER);
    }

    /**
     * A number parameter's value.
     *
     * @param name of the parameter.
     * @return its value.
     */
    public double number(final String name)
    {
        return (Double)typed(name, Parameter.Type.NUMBER);
    }

    /**
     * A boolean parameter's value.
     *
     * @param name of the parameter.
     * @return its value.
     */
    public boolean bool(final String name)
    {
        return (Boolean)typed(name, Parameter.Type.BOOLEAN);
    }

    /**
     * A text parameter's value.
     *
     * @param name of the parameter.
     * @return its value.
     */
    public String text(final String name)
    {
        return (String)typed(name, Parameter.Type.TEXT);
    }

    private Object typed(final String name, final Parameter.Type type)
    {
        final Parameter p = parameter(name);
        if (type != p.type())
        {
            throw new IllegalArgumentException(name + " is " + p.type().expected() + ", not " + type.expected());
        }
        return values.get(name);
    }

    /**
     * Every value, in declaration order, for summaries and checkpoints.
     *
     * @return name to value, unmodifiable.
     */
    public Map<String, Object> asMap()
    {
        return values;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return values.toString();
    }
}
