#pragma once
// BenchArgs: the command-line options every benchmark takes (thread count, rounds, block
// length, where the Python reference is), so bench/run_bench.sh can set them alike.

#include <string>

#include "bench/interleave.h"

namespace forgetlab::bench {

struct BenchArgs {
    int threads = 2;  // torch intra-op threads, the same on both sides
    InterleaveOptions interleave;
    std::string python = "python3";
    std::string script = FORGETLAB_BENCH_REFERENCE_DIR "/torch_reference.py";
    std::string model = "default";  // bench_vs_python: "default" | "tiny"
    bool info = false;  // print the rows as information (a variant), not judged on target
};

// Parses --threads N --rounds N --block-seconds S --max-seconds S --python PATH
// --script PATH --model NAME --info. Prints usage and exits on anything else.
BenchArgs parseBenchArgs(int argc, char** argv);

}  // namespace forgetlab::bench
