package io.karyon.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.IntStream;

import static io.karyon.numa.Fixtures.ordered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CpuTest
{
    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
        # text as in the file   | CPUs, ascending
        '0-3,8,10-11'           | 0,1,2,3,8,10,11
        '0'                     | 0
        '0-0'                   | 0
        '5\n'                   | 5
        ' 0-1 '                 | 0,1
        '8,0-3'                 | 0,1,2,3,8
        '0-3,2-5'               | 0,1,2,3,4,5
        '65535'                 | 65535
        """)
    void shouldParseKernelCpulistsIntoAscendingCpus(final String text, final String expected)
    {
        assertArrayEquals(ordered(expected), Cpu.parseList(text.replace("\\n", "\n"), "test"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "\n", "  " })
    void shouldParseAnEmptyMaskAsNoCpus(final String text)
    {
        assertArrayEquals(new int[0], Cpu.parseList(text, "test"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
        # text          | bad element
        'x'             | x
        '0-3,x'         | x
        '3-1'           | 3-1
        '1-'            | 1-
        '-1'            | -1
        '0,,1'          | ''
        '0,'            | ''
        '1 2'           | 1 2
        '0-3:2/4'       | 0-3:2/4
        '1-2-3'         | 1-2-3
        '+1'            | +1
        '65536'         | 65536
        '0-99999999999' | 0-99999999999
        """)
    void shouldRejectMalformedCpulistsNamingTheSourceTheRuleAndTheBadElement(final String text, final String element)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Cpu.parseList(text, "/sys/devices/system/cpu/online"));

        assertEquals("/sys/devices/system/cpu/online: cpulist must be comma-separated CPU numbers or ranges N-M " +
            "with N <= M < 65536: bad \"" + element + "\" in \"" + text + "\"", ex.getMessage());
    }

    @ParameterizedTest(name = "{0} -> \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
        # CPUs, any order       | cpulist
        0,1,2,3,8,10,11         | 0-3,8,10-11
        11,10,8,3,2,1,0         | 0-3,8,10-11
        5                       | 5
        1,2                     | 1-2
        0,2,4                   | 0,2,4
        3,3,3                   | 3
        """)
    void shouldFormatCpusAsTheKernelWould(final String cpus, final String expected)
    {
        assertEquals(expected, Cpu.formatList(ordered(cpus)));
        assertArrayEquals(IntStream.of(ordered(cpus)).distinct().sorted().toArray(), Cpu.parseList(expected, "back"));
    }

    @Test
    void shouldFormatNoCpusAsEmptyText()
    {
        assertEquals("", Cpu.formatList(new int[0]));
    }
}
