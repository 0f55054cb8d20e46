package io.karyon.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One parameter of a {@link Model}: name, type, default, allowed range (or choices), one line of documentation, and
 * whether it may change when a run is resumed from a checkpoint with new values ({@link #fixed()}).
 * <p>
 * Values are {@code Long} (integer), {@code Double} (number), {@code Boolean} or {@code String} (text).
 */
public final class Parameter
{
    /**
     * The kind of a parameter's value.
     */
    public enum Type
    {
        /** A whole number, a {@code long}. */
        INTEGER("an integer"),
        /** A real number, a {@code double}. */
        NUMBER("a number"),
        /** {@code true} or {@code false}. */
        BOOLEAN("true or false"),
        /** A string, optionally one of a list of choices. */
        TEXT("a string");

        private final String expected;

        Type(final String expected)
        {
            this.expected = expected;
        }

        /**
         * How an error message names what was expected, e.g. "a number".
         *
         * @return the phrase.
         */
        public String expected()
        {
            return expected;
        }

        /**
         * Lower-case name, as {@code karyon models} prints it.
         *
         * @return the name.
         */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String name;
    private final Type type;
    private final Object defaultValue;
    private final double min;
    private final double max;
    private final List<String> choices;
    private final String doc;
    private final boolean fixed;

    private Parameter(
        final String name,
        final Type type,
        final Object defaultValue,
        final double min,
        final double max,
        final List<String> choices,
        final String doc,
        final boolean fixed)
    {
        if (!name.matches("[a-z][a-z0-9_]*"))
        {
            throw new IllegalArgumentException("parameter name must be lower case letters, digits and '_', " +
                "starting with a letter: " + name);
        }
        if (min > max)
        {
            throw new IllegalArgumentException(name + ": min > max: [" + min + ", " + max + "]");
        }
        this.name = name;
        this.type = type;
        this.min = min;
        this.max = max;
        this.choices = choices;
        this.doc = Objects.requireNonNull(doc, "doc");
        this.fixed = fixed;
        this.defaultValue = defaultValue;
        final String problem = problem(defaultValue);
        if (null != problem)
        {
            throw new IllegalArgumentException(name + ": default " + problem);
        }
    }

    /**
     * An integer parameter.
     *
     * @param name         lower case, digits and '_'.
     * @param defaultValue within the range.
     * @param min          smallest allowed.
     * @param max          largest allowed.
     * @param doc          one line.
     * @return the parameter.
     */
    public static Parameter integer(
        final String name, final long defaultValue, final long min, final long max, final String doc)
    {
        return new Parameter(name, Type.INTEGER, defaultValue, min, max, List.of(), doc, false);
    }

    /**
     * A real-number parameter.
     *
     * @param name         lower case, digits and '_'.
     * @param defaultValue within the range.
     * @param min          smallest allowed.
     * @param max          largest allowed.
     * @param doc          one line.
     * @return the parameter.
     */
    public static Parameter number(
        final String name, final double defaultValue, final double min, final double max, final String doc)
    {
        return new Parameter(name, Type.NUMBER, defaultValue, min, max, List.of(), doc, false);
    }

    /**
     * A true/false parameter.
     *
     * @param name         lower case, digits and '_'.
     * @param defaultValue the default.
     * @param doc          one line.
     * @return the parameter.
     */
    public static Parameter bool(final String name, final boolean defaultValue, final String doc)
    {
        return new Parameter(name, Type.BOOLEAN, defaultValue, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            List.of(), doc, false);
    }

    /**
     * A text parameter, one of a list of choices (none: any string).
     *
     * @param name         lower case, digits and '_'.
     * @param defaultValue the default, one of the choices if there are any.
     * @param doc          one line.
     * @param choices      allowed values, or none for any.
     * @return the parameter.
     */
    public static Parameter text(final String name, final String defaultValue, final String doc,
        final String... choices)
    {
        return new Parameter(name, Type.TEXT, defaultValue, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            List.copyOf(Arrays.asList(choices)), doc, false);
    }

    /**
     * The same parameter, marked as fixed once the run is set up: a resumed run may not change it.
     *
     * @return a fixed copy.
     */
    public Parameter fixed()
    {
        return new Parameter(name, type, defaultValue, min, max, choices, doc, true);
    }

    /**
     * Name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Type.
     *
     * @return the type.
     */
    public Type type()
    {
        return type;
    }

    /**
     * Default value: a {@code Long}, {@code Double}, {@code Boolean} or {@code String}.
     *
     * @return the default.
     */
    public Object defaultValue()
    {
        return defaultValue;
    }

    /**
     * Smallest allowed value of a numeric parameter.
     *
     * @return min, -infinity if none.
     */
    public double min()
    {
        return min;
    }

    /**
     * Largest allowed value of a numeric parameter.
     *
     * @return max, +infinity if none.
     */
    public double max()
    {
        return max;
    }

    /**
     * Allowed values of a text parameter.
     *
     * @return the choices, empty for any string.
     */
    public List<String> choices()
    {
        return choices;
    }

    /**
     * One line of documentation.
     *
     * @return the doc.
     */
    public String doc()
    {
        return doc;
    }

    /**
     * Whether the value is fixed once the run is set up (a resumed run may not change it).
     *
     * @return true if fixed.
     */
    public boolean isFixed()
    {
        return fixed;
    }

    /**
     * What the parameter accepts, as error messages say it: "a number in [0, 1]", "an integer in [1, 1000]",
     * "one of [a, b]".
     *
     * @return the phrase.
     */
    public String expected()
    {
        switch (type)
        {
            case INTEGER:
                return type.expected() + range((long)min, (long)max, Long.MIN_VALUE, Long.MAX_VALUE);
            case NUMBER:
                return type.expected() + (Double.isInfinite(min) && Double.isInfinite(max) ? "" :
                    " in [" + format(min) + ", " + format(max) + "]");
            case TEXT:
                return choices.isEmpty() ? type.expected() : "one of " + choices;
            default:
                return type.expected();
        }
    }

    private static String range(final long min, final long max, final long lowest, final long highest)
    {
        return lowest == min && highest == max ? "" : " in [" + min + ", " + max + "]";
    }

    private static String format(final double value)
    {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long)value) :
            Double.toString(value);
    }

    /**
     * Converts a value read from text (a {@code --set NAME=VALUE}) to this parameter's type and checks it.
     *
     * @param text as given.
     * @return the value, of the parameter's Java type.
     * @throws IllegalArgumentException with "NAME: expected ..., got ..." if it does not fit.
     */
    public Object parse(final String text)
    {
        final String trimmed = text.trim();
        final Object value;
        switch (type)
        {
            case INTEGER:
                value = parseInteger(trimmed);
                break;
            case NUMBER:
                value = parseNumber(trimmed);
                break;
            case BOOLEAN:
                value = "true".equals(trimmed) ? Boolean.TRUE : "false".equals(trimmed) ? Boolean.FALSE : null;
                break;
            default:
                value = text;
        }
        if (null == value)
        {
            throw new IllegalArgumentException(name + ": expected " + expected() + ", got \"" + text + "\"");
        }
        return check(value);
    }

    private static Long parseInteger(final String text)
    {
        try
        {
            return Long.valueOf(text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    private static Double parseNumber(final String text)
    {
        try
        {
            final double value = Double.parseDouble(text.replace("_", ""));
            return Double.isNaN(value) ? null : value;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    /**
     * Checks a value of any Java type against this parameter (an integral {@code Number} is accepted for a number
     * parameter and converted).
     *
     * @param value to check.
     * @return the value, converted to the parameter's Java type.
     * @throws IllegalArgumentException with "NAME: expected ..., got ..." if it does not fit.
     */
    public Object check(final Object value)
    {
        final Object converted = convert(value);
        final String problem = problem(converted);
        if (null != problem)
        {
            throw new IllegalArgumentException(name + ": " + problem);
        }
        return converted;
    }

    private Object convert(final Object value)
    {
        if (Type.NUMBER == type && (value instanceof Long || value instanceof Integer))
        {
            return ((Number)value).doubleValue();
        }
        if (Type.INTEGER == type && value instanceof Integer)
        {
            return ((Integer)value).longValue();
        }
        return value;
    }

    private String problem(final Object value)
    {
        final boolean ok;
        switch (type)
        {
            case INTEGER:
                ok = value instanceof Long && (Long)value >= min && (Long)value <= max;
                break;
            case NUMBER:
                ok = value instanceof Double && (Double)value >= min && (Double)value <= max;
                break;
            case BOOLEAN:
                ok = value instanceof Boolean;
                break;
            default:
                ok = value instanceof String && (choices.isEmpty() || choices.contains(value));
        }
        return ok ? null : "expected " + expected() + ", got " + describe(value);
    }

    private static String describe(final Object value)
    {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return name + " (" + type.label() + ", default " + describe(defaultValue) + ", " + expected() + "): " + doc;
    }
}
