package io.karyon.model;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutputsTest
{
    @Test
    void shouldPrintIntegralValuesWithoutAFractionAndNaNAsNothing()
    {
        assertEquals("0", Outputs.number(0.0));
        assertEquals("0", Outputs.number(-0.0));
        assertEquals("-42", Outputs.number(-42));
        assertEquals("0.1", Outputs.number(0.1));
        assertEquals("1.0E15", Outputs.number(1e15));
        assertEquals("", Outputs.number(Double.NaN));
        assertEquals("Infinity", Outputs.number(Double.POSITIVE_INFINITY));
    }

    @Test
    void shouldPrintNumbersThatReadBackToTheSameBits()
    {
        final Random random = new Random(14);
        for (int i = 0; i < 100_000; i++)
        {
            final double value = Double.longBitsToDouble(random.nextLong());
            if (!Double.isNaN(value))
            {
                assertEquals(Double.doubleToLongBits(0.0 == value ? 0.0 : value),
                    Double.doubleToLongBits(Double.parseDouble(Outputs.number(value))), Outputs.number(value));
            }
        }
    }

    @Test
    void shouldWriteNonFiniteSummaryNumbersAsNull()
    {
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("a", Double.NaN);
        summary.put("b", Map.of("c", 1L));
        summary.put("d", 0.5);
        assertEquals("{\"a\":null,\"b\":{\"c\":1},\"d\":0.5}", Outputs.json(summary, false));
        assertEquals("  a  -\n  b  c=1\n  d  0.500000\n", Outputs.text(summary));
    }
}
