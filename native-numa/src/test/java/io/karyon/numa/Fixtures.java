package io.karyon.numa;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The fixture machines under {@code src/test/resources/fixtures/<name>/{sys,proc,cgroup}}, and the ordered CPU lists
 * the tests write their expectations in.
 */
final class Fixtures
{
    static final String VM_2CPU = "vm-2cpu";
    static final String SERVER = "server-2s16c-smt";
    static final String WORKSTATION = "workstation-64c128t-4nodes";
    static final String RESTRICTED = "restricted-affinity";
    static final String NO_NODE_DIR = "no-node-dir";

    private Fixtures()
    {
    }

    static Path root(final String name)
    {
        final URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (null == url)
        {
            throw new IllegalArgumentException("fixture must exist under src/test/resources/fixtures: name=" + name);
        }
        try
        {
            return Path.of(url.toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static Topology read(final String name)
    {
        final Path root = root(name);
        return TopologyReader.read(root.resolve("sys"), root.resolve("proc"), root.resolve("cgroup"));
    }

    /**
     * An ordered CPU list: comma-separated numbers and ascending runs {@code N-M}, kept in the order written (unlike a
     * kernel cpulist, which is a set). {@code "0-2,16,3"} is 0, 1, 2, 16, 3.
     *
     * @param text the list.
     * @return the CPUs in order.
     */
    static int[] ordered(final String text)
    {
        return Arrays.stream(text.strip().split(","))
            .flatMapToInt((element) ->
            {
                final int dash = element.indexOf('-', 1);
                return 0 > dash ?
                    IntStream.of(Integer.parseInt(element.strip())) :
                    IntStream.rangeClosed(
                        Integer.parseInt(element.substring(0, dash).strip()),
                        Integer.parseInt(element.substring(dash + 1).strip()));
            })
            .toArray();
    }
}
