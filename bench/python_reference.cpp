#include "bench/python_reference.h"

#include <csignal>
#include <sstream>
#include <stdexcept>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace forgetlab::bench {

PythonReference::PythonReference(const std::string& python, const std::string& script,
                                 int threads) {
    std::signal(SIGPIPE, SIG_IGN);  // a dead child must surface as an error, not kill us
    int toChild[2], fromChild[2];
    if (pipe(toChild) != 0 || pipe(fromChild) != 0)
        throw std::runtime_error("python reference: pipe() failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, toChild[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fromChild[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, toChild[1]);
    posix_spawn_file_actions_addclose(&actions, fromChild[0]);
    const std::string threadArg = std::to_string(threads);
    std::vector<char*> argv = {const_cast<char*>(python.c_str()), const_cast<char*>(script.c_str()),
                               const_cast<char*>(threadArg.c_str()), nullptr};
    const int rc = posix_spawnp(&m_pid, python.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(toChild[0]);
    close(fromChild[1]);
    if (rc != 0) {
        close(toChild[1]);
        close(fromChild[0]);
        m_pid = -1;
        throw std::runtime_error("python reference: cannot start " + python);
    }
    m_toChild = fdopen(toChild[1], "w");
    m_fromChild = fdopen(fromChild[0], "r");
    const std::string hello = readLine();
    if (hello.rfind("ready ", 0) != 0)
        throw std::runtime_error("python reference: unexpected greeting '" + hello + "'");
    m_version = hello.substr(6);
}

PythonReference::~PythonReference() {
    if (m_toChild) {
        std::fputs("quit\n", m_toChild);
        std::fclose(m_toChild);
    }
    if (m_fromChild) std::fclose(m_fromChild);
    if (m_pid > 0) waitpid(m_pid, nullptr, 0);
}

std::string PythonReference::readLine() {
    std::string line;
    int c;
    while ((c = std::fgetc(m_fromChild)) != EOF && c != '\n') line.push_back(char(c));
    if (c == EOF && line.empty())
        throw std::runtime_error("python reference exited (see its stderr above)");
    return line;
}

std::vector<std::string> PythonReference::request(const std::string& line) {
    if (std::fprintf(m_toChild, "%s\n", line.c_str()) < 0 || std::fflush(m_toChild) != 0)
        throw std::runtime_error("python reference: cannot write to it (did it exit?)");
    const std::string answer = readLine();
    std::istringstream in(answer);
    std::string word;
    in >> word;
    if (word != "ok") throw std::runtime_error("python reference: " + answer);
    std::vector<std::string> words;
    while (in >> word) words.push_back(word);
    return words;
}

double PythonReference::setup(const std::string& id, const std::vector<int64_t>& sizes,
                              int64_t batch, uint64_t seed) {
    std::string list;
    for (size_t i = 0; i < sizes.size(); ++i) list += (i ? "," : "") + std::to_string(sizes[i]);
    const auto words = request("setup " + id + " " + list + " " + std::to_string(batch) + " " +
                               std::to_string(seed));
    if (words.empty()) throw std::runtime_error("python reference: setup gave no loss");
    return std::stod(words[0]);
}

double PythonReference::run(const std::string& id, int64_t steps) {
    const auto words = request("run " + id + " " + std::to_string(steps));
    if (words.empty()) throw std::runtime_error("python reference: run gave no time");
    return std::stod(words[0]);
}

}  // namespace forgetlab::bench
