// profile_step: runs the engine's training step in a loop for a profiler (perf, valgrind),
// without the timing harness. Not part of the table.
//   profile_step [default|tiny] [none|sam|asam] [batch] [steps] [threads]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/engine_step.h"

using namespace forgetlab::bench;

int main(int argc, char** argv) {
    const std::string model = argc > 1 ? argv[1] : "default";
    StepSpec spec;
    if (model == "tiny") spec.sizes = {2, 16, 16, 2};
    spec.optimizer.sam = argc > 2 ? argv[2] : "none";
    if (argc > 3) spec.batch = std::atoll(argv[3]);
    const long steps = argc > 4 ? std::atol(argv[4]) : 2000;
    torch::set_num_threads(argc > 5 ? std::atoi(argv[5]) : 2);
    EngineStep step(spec);
    const double seconds = step.run(steps);
    std::printf("%s sam=%s batch %lld: %ld steps in %.3f s (%.1f steps/s), loss %.5f\n",
                model.c_str(), spec.optimizer.sam.c_str(), static_cast<long long>(spec.batch),
                steps, seconds, steps / seconds, step.step());
    return 0;
}
