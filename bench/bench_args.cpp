#include "bench/bench_args.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace forgetlab::bench {

namespace {

[[noreturn]] void usage(const char* program) {
    std::fprintf(stderr,
                 "usage: %s [--threads N] [--rounds N] [--block-seconds S] [--max-seconds S]\n"
                 "          [--python PATH] [--script PATH] [--model default|tiny] [--info]\n",
                 program);
    std::exit(2);
}

}  // namespace

BenchArgs parseBenchArgs(int argc, char** argv) {
    BenchArgs args;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--info") {
            args.info = true;
            continue;
        }
        if (i + 1 >= argc) usage(argv[0]);
        const std::string value = argv[++i];
        try {
            if (flag == "--threads")
                args.threads = std::stoi(value);
            else if (flag == "--rounds")
                args.interleave.rounds = std::stoi(value);
            else if (flag == "--block-seconds")
                args.interleave.blockSeconds = std::stod(value);
            else if (flag == "--max-seconds")
                args.interleave.maxSeconds = std::stod(value);
            else if (flag == "--python")
                args.python = value;
            else if (flag == "--script")
                args.script = value;
            else if (flag == "--model")
                args.model = value;
            else
                usage(argv[0]);
        } catch (const std::exception&) {
            usage(argv[0]);
        }
    }
    if (args.threads < 1 || args.interleave.rounds < 1 || !(args.interleave.blockSeconds > 0))
        usage(argv[0]);
    return args;
}

}  // namespace forgetlab::bench
