#include "sim/simulator.h"

#include "sim/internal/simulator_impl.h"

namespace sim {

template class BasicSimulator<internal::RadixHeapQueue>;
template class BasicSimulator<internal::BinaryHeapQueue>;

}  // namespace sim
