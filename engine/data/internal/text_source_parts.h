#pragma once
// Helpers shared by the text-file and instruction-file readers (engine/data/text_files.cpp,
// instruction_data.cpp): reading a file into numbered lines while checking UTF-8, collecting
// problems up to the listed limit, and turning a summary's problems into one DataError, so
// both readers word their file, line and byte-offset messages alike. Plain C++.

#include <cstddef>
#include <string>
#include <vector>

#include "engine/data/text_sources.h"

namespace forgetlab::textsrc {

// Problems as they are found; finish() moves them into a summary, capped at
// kMaxListedProblems with a last entry saying how many more there were.
class Problems {
public:
    void add(std::string message);
    size_t total() const { return m_total; }
    void finish(TextSourceSummary& summary);

private:
    std::vector<std::string> m_listed;
    size_t m_total = 0;
};

struct FileLine {
    size_t number = 0;  // 1-based
    size_t offset = 0;  // byte offset of the line's first byte in the file
    std::string text;   // without "\n" or "\r\n"
    // Non-empty when the line is not UTF-8: "FILE:LINE: not UTF-8 at byte offset N ..."
    // (offset from the start of the file), for the caller to add in line order.
    std::string utf8_problem;
};

// The lines of a file: a leading UTF-8 byte-order mark is dropped, "\r\n" ends a line like
// "\n". Returns false, with a problem, when the file cannot be read.
bool readLines(const std::string& path, std::vector<FileLine>* lines, Problems& problems);

// Only spaces, tabs, "\r", "\v" and "\f" (or nothing).
bool isBlank(const std::string& s);
// s without trailing ASCII white space.
std::string trimEnd(const std::string& s);

// A JSON type name with its article, for messages: "an array", "a number", "null".
std::string withArticle(const std::string& typeName);

// Throws DataError whose message lists the summary's problems, one per line.
[[noreturn]] void throwProblems(const TextSourceSummary& summary);

}  // namespace forgetlab::textsrc
