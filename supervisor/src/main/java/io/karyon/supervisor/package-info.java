/**
 * The restart table: supervision of cells as in Erlang/OTP, without a Java object per child. Each supervisor is an
 * off-heap row of a {@link io.karyon.supervisor.RestartTable} holding its strategy (one_for_one, one_for_all,
 * rest_for_one, simple_one_for_one), its intensity and period with a sliding window of recent restart times, its
 * parent row and an ordered list of off-heap child entries (handle, restart type, last exit reason, cell or child
 * supervisor); {@link io.karyon.supervisor.RestartTableDescriptor} documents the layout. The table is a facade over
 * the OTP decisions ({@code RestartDecider}) and the four stores they use, each a class named for what it holds
 * ({@code SupervisorRows}, {@code ChildEntries}, {@code RestartWindows}, {@code ChildSlotMap}). A child exit yields a
 * reusable {@link io.karyon.supervisor.RestartDecision} (restart these, terminate those first, escalate to the
 * parent, or give up), and a {@link io.karyon.supervisor.RestartBudget} spreads a storm of restarts over ticks. The
 * module knows cells only as 64-bit handles whose low 32 bits are a slot; the engine gives them meaning.
 */
package io.karyon.supervisor;
