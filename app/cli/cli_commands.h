#pragma once
// The verbs of forgetlab-cli. Each takes the arguments after the verb and returns the
// process exit code: 0 success, 1 failure at run time, 2 bad usage or configuration,
// 3 the run diverged (NaN/Inf loss).

#include <string>
#include <vector>

namespace forgetlab::cli {

using Args = std::vector<std::string>;

int runCommand(const Args& args);
int presetsCommand(const Args& args);
int runsCommand(const Args& args);
int exportCommand(const Args& args);
int landscapeCommand(const Args& args);
int hessianCommand(const Args& args);
int compareCommand(const Args& args);
int wiseftCommand(const Args& args);
int matrixCommand(const Args& args);
int generateCommand(const Args& args);
int scoreCommand(const Args& args);
int benchmarkCommand(const Args& args);
int devicesCommand(const Args& args);
int tokenizeCommand(const Args& args);

void printUsage();

}  // namespace forgetlab::cli
