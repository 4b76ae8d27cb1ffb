// The per-order path of the model does not allocate once the run has reached its working size:
// an order's payment and its charge are kept inline, every scheduled lambda fits sim::Callback's
// inline buffer, and per-payment rows reuse their map nodes.
//
// Counted with a replacement of the global operator new, for this test binary only (it counts and
// forwards to malloc; every other test is unaffected). The healthy baseline runs twice, for two
// traffic lengths: what the longer run allocates beyond the shorter, divided by its extra orders,
// is the per-order cost. Warm-up (tables and slabs growing to their working size, report series)
// cancels out. Before the inline representations this was 6 allocations per order.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "harness/scenario_loader.h"
#include "harness/world.h"

// AddressSanitizer brings its own operator new and delete (and checks that they pair up), so under
// it nothing is replaced and the test is skipped: the sanitizer build checks memory, this one
// counts.
#if defined(__SANITIZE_ADDRESS__)
#define PAYSIM_COUNT_ALLOCATIONS 0
#else
#define PAYSIM_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

#if PAYSIM_COUNT_ALLOCATIONS
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace harness {
namespace {

struct Counted {
  uint64_t allocations = 0;
  uint64_t orders = 0;
};

Counted run_baseline(const std::string& duration) {
  const LoadResult loaded =
      load_scenario_file(std::string(PAYSIM_SOURCE_DIR) + "/scenarios/healthy-baseline.yaml",
                         {{"traffic.rate", "100/s"}, {"duration", duration}});
  EXPECT_TRUE(loaded.ok());
  if (!loaded.ok()) return {};
  World world(*loaded.scenario);
  const uint64_t before = g_allocations.load();
  const reports::Report& report = world.run();
  return {g_allocations.load() - before, report.orders.created};
}

TEST(Allocation, SteadyStateOrdersDoNotAllocate) {
  if (!PAYSIM_COUNT_ALLOCATIONS) GTEST_SKIP() << "AddressSanitizer owns operator new in this build";
  const Counted short_run = run_baseline("1m");
  const Counted long_run = run_baseline("4m");
  ASSERT_GT(long_run.orders, short_run.orders + 10'000);
  const double per_order = static_cast<double>(long_run.allocations - short_run.allocations) /
                           static_cast<double>(long_run.orders - short_run.orders);
  RecordProperty("allocations_per_order", std::to_string(per_order));
  // A few growth steps of the kernel's and the tables' storage remain; one allocation per order
  // anywhere on the path would show as >= 1.
  EXPECT_LT(per_order, 0.05) << "short run: " << short_run.allocations << " allocations for "
                             << short_run.orders << " orders; long run: " << long_run.allocations
                             << " for " << long_run.orders;
}

}  // namespace
}  // namespace harness
