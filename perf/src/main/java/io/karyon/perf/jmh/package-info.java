/**
 * JMH micro-benchmarks of the engine's hot paths: slot access through the flyweight, messages within and across
 * workers, the tick barrier, a supervisor restart decision, a channel round trip and an organism's close. All but
 * {@code MatrixBenchmark} check after every iteration that they did the work they claim (a counter, a sum, or every
 * cell against a plain loop) and throw {@link java.lang.IllegalStateException} if not. They are shaded into
 * {@code perf/target/benchmarks.jar} and run with {@code scripts/jmh} (or {@code java -jar
 * perf/target/benchmarks.jar}); every class also has a {@code main} that runs just that class. Forks get the
 * project's JVM flags from the parent pom, written into the jar by the build ({@link io.karyon.perf.jmh.JmhFlags}),
 * and run without Agrona's bounds checks.
 */
package io.karyon.perf.jmh;
