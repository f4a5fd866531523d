#pragma once
// PythonReference: a reference script (bench/reference/torch_reference.py, gpt_reference.py)
// run as a child process that times work in Python PyTorch on request. Keeping it alive lets
// one benchmark alternate engine blocks and Python blocks without paying Python's start-up
// each time; while one side is timed, the other waits on a pipe and uses no CPU.

#include <cstdint>
#include <cstdio>
#include <string>
#include <sys/types.h>
#include <vector>

namespace forgetlab::bench {

class PythonReference {
public:
    // Starts `python script threads` and waits for it to report ready. Throws
    // std::runtime_error (with what the child said) if it cannot start or import torch.
    PythonReference(const std::string& python, const std::string& script, int threads);
    ~PythonReference();
    PythonReference(const PythonReference&) = delete;
    PythonReference& operator=(const PythonReference&) = delete;

    const std::string& torchVersion() const { return m_version; }
    pid_t pid() const { return m_pid; }

    // Builds model, optimizer and batch under `id` (same seed and draw order as EngineStep)
    // and runs one step; returns its loss.
    double setup(const std::string& id, const std::vector<int64_t>& sizes, int64_t batch,
                 uint64_t seed);
    // Runs `steps` steps of model `id`; returns the seconds Python measured for them.
    double run(const std::string& id, int64_t steps);

    // Sends one line of the script's protocol, returns the answer's words after "ok"; throws
    // std::runtime_error on "error" or EOF. For scripts with their own commands.
    std::vector<std::string> request(const std::string& line);

private:
    std::string readLine();

    pid_t m_pid = -1;
    FILE* m_toChild = nullptr;
    FILE* m_fromChild = nullptr;
    std::string m_version;
};

}  // namespace forgetlab::bench
