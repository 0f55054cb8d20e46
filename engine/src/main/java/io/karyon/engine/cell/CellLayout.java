package io.karyon.engine.cell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The declared state of a kind of cell: named fields of primitive types (and fixed arrays of them) turned into
 * aligned byte offsets once, when the layout is built.
 * <p>
 * Fields keep their declared order; each starts at a multiple of its element size, and the whole state is rounded up
 * to a multiple of 8 bytes. Behaviours read the offsets once (e.g. into {@code static final int} fields) and pass
 * them to {@link CellFlyweight}'s accessors.
 * <p>
 * <b>Note:</b> immutable once built; safe to share between threads.
 */
public final class CellLayout
{
    /**
     * Element types a field may have.
     */
    public enum FieldType
    {
        /** 8-byte signed integer. */
        LONG(8),
        /** 8-byte IEEE 754 double. */
        DOUBLE(8),
        /** 4-byte signed integer. */
        INT(4),
        /** 1-byte signed integer. */
        BYTE(1);

        private final int size;

        FieldType(final int size)
        {
            this.size = size;
        }

        /**
         * Size of one element in bytes.
         *
         * @return size of one element in bytes.
         */
        public int size()
        {
            return size;
        }

        /**
         * The field type of a Java primitive class.
         *
         * @param fieldName for the error message.
         * @param type      long.class, double.class, int.class or byte.class.
         * @return the field type.
         * @throws IllegalArgumentException for any other class.
         */
        public static FieldType of(final String fieldName, final Class<?> type)
        {
            if (long.class == type)
            {
                return LONG;
            }
            if (double.class == type)
            {
                return DOUBLE;
            }
            if (int.class == type)
            {
                return INT;
            }
            if (byte.class == type)
            {
                return BYTE;
            }
            throw new IllegalArgumentException("field '" + fieldName + "' has unsupported type " +
                (null == type ? "null" : type.getName()) + ": use long, double, int or byte");
        }
    }

    /**
     * One field of a layout.
     *
     * @param name   of the field.
     * @param type   of each element.
     * @param length number of elements, 1 for a scalar.
     * @param offset of the first element from the start of the state, in bytes.
     */
    public record Field(String name, FieldType type, int length, int offset)
    {
        /**
         * Offset of element {@code index} of an array field.
         *
         * @param index of the element.
         * @return its offset from the start of the state, in bytes.
         */
        public int offset(final int index)
        {
            return offset + index * type.size();
        }
    }

    private final Map<String, Field> fieldsByName;
    private final int stateLength;

    private CellLayout(final Map<String, Field> fieldsByName, final int stateLength)
    {
        this.fieldsByName = Collections.unmodifiableMap(fieldsByName);
        this.stateLength = stateLength;
    }

    /**
     * Starts a layout whose state may take up to {@link CellDescriptor#MAX_STATE_LENGTH} bytes.
     *
     * @return a new builder.
     */
    public static Builder builder()
    {
        return new Builder(CellDescriptor.MAX_STATE_LENGTH);
    }

    /**
     * Starts a layout whose state may take at most maxStateLength bytes (e.g. the organism's slot state length).
     *
     * @param maxStateLength limit on the state, in bytes.
     * @return a new builder.
     */
    public static Builder builder(final int maxStateLength)
    {
        if (maxStateLength <= 0 || maxStateLength > CellDescriptor.MAX_STATE_LENGTH)
        {
            throw new IllegalArgumentException("maxStateLength must be in 1.." + CellDescriptor.MAX_STATE_LENGTH +
                ": maxStateLength=" + maxStateLength);
        }
        return new Builder(maxStateLength);
    }

    /**
     * Length of the state in bytes: a multiple of 8.
     *
     * @return length of the state in bytes.
     */
    public int stateLength()
    {
        return stateLength;
    }

    /**
     * A field by name.
     *
     * @param name of the field.
     * @return the field.
     * @throws IllegalArgumentException if the layout has no such field.
     */
    public Field field(final String name)
    {
        final Field field = fieldsByName.get(name);
        if (null == field)
        {
            throw new IllegalArgumentException("layout has no field '" + name + "': fields=" + fieldsByName.keySet());
        }
        return field;
    }

    /**
     * Offset of a field from the start of the state.
     *
     * @param name of the field.
     * @return its offset in bytes.
     * @throws IllegalArgumentException if the layout has no such field.
     */
    public int offset(final String name)
    {
        return field(name).offset();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "CellLayout{stateLength=" + stateLength + ", fields=" + fieldsByName.values() + "}";
    }

    /**
     * Collects field declarations and computes their offsets in {@link #build()}.
     * <p>
     * <b>Note:</b> not threadsafe.
     */
    public static final class Builder
    {
        private final int maxStateLength;
        private final LinkedHashMap<String, Field> fields = new LinkedHashMap<>();
        private int nextOffset;

        private Builder(final int maxStateLength)
        {
            this.maxStateLength = maxStateLength;
        }

        /**
         * Declares a long field.
         *
         * @param name of the field.
         * @return this.
         */
        public Builder longField(final String name)
        {
            return field(name, FieldType.LONG, 1);
        }

        /**
         * Declares a double field.
         *
         * @param name of the field.
         * @return this.
         */
        public Builder doubleField(final String name)
        {
            return field(name, FieldType.DOUBLE, 1);
        }

        /**
         * Declares an int field.
         *
         * @param name of the field.
         * @return this.
         */
        public Builder intField(final String name)
        {
            return field(name, FieldType.INT, 1);
        }

        /**
         * Declares a byte field.
         *
         * @param name of the field.
         * @return this.
         */
        public Builder byteField(final String name)
        {
            return field(name, FieldType.BYTE, 1);
        }

        /**
         * Declares a field of a Java primitive type, e.g. {@code field("x", double.class)}.
         *
         * @param name of the field.
         * @param type long.class, double.class, int.class or byte.class.
         * @return this.
         * @throws IllegalArgumentException for any other type.
         */
        public Builder field(final String name, final Class<?> type)
        {
            return field(name, FieldType.of(name, type), 1);
        }

        /**
         * Declares a fixed-length array field, e.g. {@code array("neighbours", long.class, 4)}.
         *
         * @param name        of the field.
         * @param elementType long.class, double.class, int.class or byte.class.
         * @param length      number of elements, > 0.
         * @return this.
         */
        public Builder array(final String name, final Class<?> elementType, final int length)
        {
            return field(name, FieldType.of(name, elementType), length);
        }

        /**
         * Declares a field.
         *
         * @param name   of the field: not blank, not declared before.
         * @param type   of each element.
         * @param length number of elements, > 0.
         * @return this.
         * @throws IllegalArgumentException naming the field when it is a duplicate, has a bad length or would make
         *                                  the state longer than allowed.
         */
        public Builder field(final String name, final FieldType type, final int length)
        {
            if (null == name || name.isBlank())
            {
                throw new IllegalArgumentException("field name must not be blank: name='" + name + "'");
            }
            if (null == type)
            {
                throw new IllegalArgumentException("field '" + name + "' has unsupported type null");
            }
            if (fields.containsKey(name))
            {
                throw new IllegalArgumentException("duplicate field '" + name + "'");
            }
            if (length <= 0)
            {
                throw new IllegalArgumentException("field '" + name + "' must have length > 0: length=" + length);
            }
            final int size = type.size();
            final int offset = (nextOffset + size - 1) & -size;
            final long end = offset + (long)size * length;
            if (end > maxStateLength)
            {
                throw new IllegalArgumentException("field '" + name + "' ends at byte " + end +
                    ", past the maximum state length " + maxStateLength);
            }
            fields.put(name, new Field(name, type, length, offset));
            nextOffset = (int)end;
            return this;
        }

        /**
         * Computes the layout.
         *
         * @return the layout.
         * @throws IllegalArgumentException if no field was declared.
         */
        public CellLayout build()
        {
            if (fields.isEmpty())
            {
                throw new IllegalArgumentException("layout must declare at least one field");
            }
            final int stateLength = (nextOffset + 7) & -8;
            if (stateLength > maxStateLength)
            {
                final List<Field> list = new ArrayList<>(fields.values());
                throw new IllegalArgumentException("field '" + list.get(list.size() - 1).name() +
                    "' makes the state " + stateLength + " bytes once aligned to 8, past the maximum " +
                        maxStateLength);
            }
            return new CellLayout(new LinkedHashMap<>(fields), stateLength);
        }
    }
}
