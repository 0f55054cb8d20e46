package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class JsonTest
{
    private static final long SEED = 0x5EEDL;
    private static final int SAMPLES = 10_000;

    @Test
    void shouldWriteAnEmptyObject()
    {
        assertEquals("{}", new Json().toString());
    }

    @Test
    void shouldKeepFieldsInTheOrderAdded()
    {
        final String json = new Json()
            .field("zeta", 1)
            .field("alpha", "a")
            .field("mid", true)
            .field("last", false)
            .field("ratio", 2.5)
            .toString();

        assertEquals("{\"zeta\":1,\"alpha\":\"a\",\"mid\":true,\"last\":false,\"ratio\":2.5}", json);
    }

    @Test
    void shouldCloseTheObjectEachTimeItIsRead()
    {
        final Json json = new Json().field("a", 1);
        assertEquals("{\"a\":1}", json.toString());

        json.field("b", 2);
        assertEquals("{\"a\":1,\"b\":2}", json.toString());
    }

    static Stream<Arguments> escapedStrings()
    {
        return Stream.of(
            arguments("plain", "plain"),
            arguments("", ""),
            arguments("say \"hi\"", "say \\\"hi\\\""),
            arguments("C:\\cells\\", "C:\\\\cells\\\\"),
            arguments("a\nb", "a\\u000ab"),
            arguments("\t\r\b\f", "\\u0009\\u000d\\u0008\\u000c"),
            arguments("\u0000\u001f", "\\u0000\\u001f"),
            arguments("\u0020\u007f caf\u00e9 \u2603", "\u0020\u007f caf\u00e9 \u2603"));
    }

    @ParameterizedTest
    @MethodSource("escapedStrings")
    void shouldEscapeQuotesBackslashesAndControlCharacters(final String value, final String escaped)
    {
        assertEquals("{\"s\":\"" + escaped + "\"}", new Json().field("s", value).toString());
    }

    @Test
    void shouldEscapeFieldNames()
    {
        assertEquals("{\"a\\\"b\\u000a\":1}", new Json().field("a\"b\n", 1).toString());
    }

    @Test
    void shouldWriteAnyStringOnOneLineAndReadItBack()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < SAMPLES; i++)
        {
            // Half the characters from the ASCII range, where the escapes are, half from anywhere in UTF-16.
            final char[] chars = new char[random.nextInt(12)];
            for (int k = 0; k < chars.length; k++)
            {
                chars[k] = (char)(random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            final String value = new String(chars);
            final String json = new Json().field("s", value).toString();

            assertFalse(json.chars().anyMatch((c) -> c < 0x20), json);
            assertTrue(json.startsWith("{\"s\":\"") && json.endsWith("\"}"), json);
            assertEquals(value, CommandRun.parse(json).get("s").textValue(), json);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 1, -42, 2000, Long.MAX_VALUE, Long.MIN_VALUE })
    void shouldWriteIntegersAsIntegers(final long value)
    {
        assertEquals("{\"n\":" + value + "}", new Json().field("n", value).toString());
    }

    static Stream<Arguments> formattedDoubles()
    {
        return Stream.of(
            // Whole values below 1e15 are written as integers, however large.
            arguments(2.0, "2"),
            arguments(-3.0, "-3"),
            arguments(-0.0, "0"),
            arguments(5.18e7, "51800000"),
            // Any other finite value: 6 significant digits, shortest form, exponent as e7 / e-12.
            arguments(1.93, "1.93"),
            arguments(0.0058, "0.0058"),
            arguments(1.0 / 3.0, "0.333333"),
            arguments(-2.5, "-2.5"),
            arguments(0.99999, "0.99999"),
            arguments(705472.07421875, "705472"),
            arguments(51_812_345.5, "5.18123e7"),
            arguments(1_731_000.5, "1.731e6"),
            arguments(-2_500_000_000.5, "-2.5e9"),
            arguments(1e15, "1e15"),
            arguments(1e20, "1e20"),
            arguments(1.5e-5, "0.000015"),
            arguments(2.5e-12, "2.5e-12"),
            arguments(Double.MAX_VALUE, "1.79769e308"));
    }

    @ParameterizedTest
    @MethodSource("formattedDoubles")
    void shouldWriteDoublesWithAtMostSixSignificantDigits(final double value, final String expected)
    {
        assertEquals("{\"x\":" + expected + "}", new Json().field("x", value).toString());
    }

    @ParameterizedTest
    @ValueSource(doubles = { Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY })
    void shouldWriteNonFiniteDoublesAsNull(final double value)
    {
        assertEquals("{\"x\":null,\"y\":1}", new Json().field("x", value).field("y", 1).toString());
    }

    @ParameterizedTest
    @ValueSource(doubles = {
        0.0005, 0.00099999, 0.00105, 123456.789, 999_999.99999, 1e-300, -1e300, Double.MIN_VALUE, 1.79e308,
            Double.MAX_VALUE, -Double.MAX_VALUE })
    void shouldWriteEdgeDoublesAsJsonNumbersCloseToTheValue(final double value)
    {
        assertJsonNumberCloseTo(value, new Json().field("x", value).toString());
    }

    @Test
    void shouldWriteEveryFiniteDoubleAsAJsonNumberCloseToTheValue()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < SAMPLES; i++)
        {
            // Alternately any bit pattern, and a value of 1e-9 to 1e18 in magnitude, where the formats switch.
            final double value = 0 == (i & 1) ?
                Double.longBitsToDouble(random.nextLong()) :
                (random.nextBoolean() ? -1 : 1) * random.nextDouble() * Math.pow(10, random.nextInt(-9, 19));
            if (Double.isFinite(value))
            {
                assertJsonNumberCloseTo(value, new Json().field("x", value).toString());
            }
        }
    }

    @Test
    void shouldWriteMapFieldsInIterationOrder()
    {
        final Map<String, Long> deaths = new LinkedHashMap<>();
        deaths.put("starved", 3L);
        deaths.put("old \"age\"", 1L);
        deaths.put("killed", 0L);

        final String json = new Json()
            .field("deaths", 4)
            .field("deaths_by_reason", deaths)
            .field("alive", 7)
            .toString();

        assertEquals(
            "{\"deaths\":4,\"deaths_by_reason\":{\"starved\":3,\"old \\\"age\\\"\":1,\"killed\":0},\"alive\":7}", json);
    }

    @Test
    void shouldWriteAnEmptyMapAsAnEmptyObject()
    {
        assertEquals("{\"m\":{},\"n\":1}", new Json().field("m", Map.of()).field("n", 1).toString());
    }

    private static void assertJsonNumberCloseTo(final double value, final String json)
    {
        assertTrue(json.startsWith("{\"x\":") && json.endsWith("}"), json);
        // Jackson reads only what RFC 8259 allows as a number (no leading zeros, no "1.", no NaN).
        final JsonNode number = CommandRun.parse(json).get("x");
        assertTrue(number.isNumber(), () -> value + " written as " + json);

        // 6 significant digits: within half a unit of the 6th digit; the last factor allows for the rounding of the
        // subtraction itself.
        final double error = Math.abs(number.doubleValue() - value);
        final double allowed = 5e-6 * Math.abs(value) * (1 + 1e-9);
        assertTrue(error <= allowed, () -> value + " written as " + json);
    }
}
