// forgetlab-cli: runs ForgetLab experiments without a display.
#include <cstring>
#include <iostream>

#include "app/cli/cli_commands.h"

int main(int argc, char** argv) {
    using namespace forgetlab::cli;
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
        !std::strcmp(argv[1], "help")) {
        printUsage();
        return argc < 2 ? 2 : 0;
    }
    const std::string verb = argv[1];
    const Args args(argv + 2, argv + argc);
    if (verb == "run") return runCommand(args);
    if (verb == "presets") return presetsCommand(args);
    if (verb == "runs") return runsCommand(args);
    if (verb == "export") return exportCommand(args);
    if (verb == "landscape") return landscapeCommand(args);
    if (verb == "hessian") return hessianCommand(args);
    if (verb == "compare") return compareCommand(args);
    if (verb == "wiseft") return wiseftCommand(args);
    if (verb == "matrix") return matrixCommand(args);
    if (verb == "generate") return generateCommand(args);
    if (verb == "score") return scoreCommand(args);
    if (verb == "benchmark") return benchmarkCommand(args);
    if (verb == "devices") return devicesCommand(args);
    if (verb == "tokenize") return tokenizeCommand(args);
    std::cerr << "forgetlab-cli: unknown command '" << verb << "'\n\n";
    printUsage();
    return 2;
}
