// Plain text for the language models from .txt files, folders of them or a JSONL text field
// (engine/data/text_sources.h), and the line reading and problem collection the instruction
// reader shares (engine/data/internal/text_source_parts.h).

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/data/internal/text_source_parts.h"
#include "engine/data/internal/tokenizer_text.h"
#include "engine/data/text_sources.h"

namespace forgetlab {
namespace textsrc {

namespace fs = std::filesystem;

void Problems::add(std::string message) {
    if (m_listed.size() < kMaxListedProblems) m_listed.push_back(std::move(message));
    ++m_total;
}

void Problems::finish(TextSourceSummary& summary) {
    for (std::string& p : m_listed) summary.problems.push_back(std::move(p));
    if (m_total > m_listed.size())
        summary.problems.push_back("... and " + std::to_string(m_total - m_listed.size()) +
                                   " more problems in " + summary.path);
    m_listed.clear();
    m_total = 0;
}

bool readLines(const std::string& path, std::vector<FileLine>* lines, Problems& problems) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    if (in) buffer << in.rdbuf();
    if (!in || in.bad()) {
        problems.add(path + ": cannot be read; check that it is a readable file");
        return false;
    }
    const std::string data = buffer.str();
    size_t pos = data.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    size_t number = 1;
    while (pos < data.size()) {
        size_t end = data.find('\n', pos);
        if (end == std::string::npos) end = data.size();
        FileLine line;
        line.number = number++;
        line.offset = pos;
        line.text = data.substr(pos, end - pos);
        if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
        for (size_t i = 0; i < line.text.size();) {
            const size_t n = text::utf8Sequence(line.text, i);
            if (n == 0) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02X", unsigned(uint8_t(line.text[i])));
                line.utf8_problem = path + ":" + std::to_string(line.number) +
                                    ": not UTF-8 at byte offset " +
                                    std::to_string(line.offset + i) + " (byte " + hex +
                                    "); save the file as UTF-8 (for Latin-1: iconv -f latin1 -t "
                                    "utf-8)";
                break;
            }
            i += n;
        }
        lines->push_back(std::move(line));
        pos = end + 1;
    }
    return true;
}

bool isBlank(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
    });
}

std::string trimEnd(const std::string& s) {
    size_t n = s.size();
    while (n > 0 && std::isspace(static_cast<unsigned char>(s[n - 1]))) --n;
    return s.substr(0, n);
}

std::string withArticle(const std::string& typeName) {
    if (typeName == "null") return "null";
    const bool vowel =
        !typeName.empty() && std::string("aeiou").find(typeName[0]) != std::string::npos;
    return (vowel ? "an " : "a ") + typeName;
}

void throwProblems(const TextSourceSummary& summary) {
    std::string message;
    for (const std::string& p : summary.problems) message += (message.empty() ? "" : "\n") + p;
    throw DataError(message);
}

}  // namespace textsrc

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using textsrc::FileLine;
using textsrc::Problems;

// Splits lines of text (a file's or a JSONL record's) into examples.
void splitLines(const std::vector<std::string>& lines, TextSplit split,
                std::vector<std::string>* out) {
    std::string current;
    auto flush = [&] {
        std::string t = textsrc::trimEnd(current);
        if (!textsrc::isBlank(t)) out->push_back(std::move(t));
        current.clear();
    };
    for (const std::string& line : lines) {
        const bool blank = textsrc::isBlank(line);
        if (split == TextSplit::Line) {
            if (!blank) out->push_back(textsrc::trimEnd(line));
        } else if (split == TextSplit::Paragraph) {
            if (blank) {
                flush();
            } else {
                current += (current.empty() ? "" : "\n") + line;
            }
        } else if (!(blank && current.empty())) {  // documents keep inner blank lines
            current += (current.empty() ? "" : "\n") + line;
        }
    }
    flush();
}

void readTextFile(const std::string& path, TextSplit split, std::vector<std::string>* out,
                  Problems& problems) {
    std::vector<FileLine> lines;
    if (!textsrc::readLines(path, &lines, problems)) return;
    std::vector<std::string> texts;
    for (FileLine& l : lines) {
        if (!l.utf8_problem.empty()) problems.add(l.utf8_problem);
        texts.push_back(l.utf8_problem.empty() ? std::move(l.text) : std::string());
    }
    splitLines(texts, split, out);
}

void readTextJsonl(const std::string& path, TextSplit split, const std::string& field,
                   std::vector<std::string>* out, Problems& problems) {
    std::vector<FileLine> lines;
    if (!textsrc::readLines(path, &lines, problems)) return;
    for (const FileLine& l : lines) {
        if (!l.utf8_problem.empty()) problems.add(l.utf8_problem);
        if (!l.utf8_problem.empty() || textsrc::isBlank(l.text)) continue;
        const std::string where = path + ":" + std::to_string(l.number);
        json record;
        try {
            record = json::parse(l.text);
        } catch (const json::parse_error& e) {
            problems.add(where + ": not JSON (" + e.what() +
                         "); each line must be one JSON object");
            continue;
        }
        if (!record.is_object()) {
            problems.add(where + ": " + textsrc::withArticle(record.type_name()) +
                         ", expected an object with a \"" + field + "\" string");
            continue;
        }
        const auto it = record.find(field);
        if (it == record.end()) {
            problems.add(where + ": no \"" + field + "\" field; set the text field's name");
            continue;
        }
        if (!it->is_string()) {
            problems.add(where + ": \"" + field + "\" is " + textsrc::withArticle(it->type_name()) +
                         ", expected a string");
            continue;
        }
        std::vector<std::string> recordLines;
        std::istringstream text(it->get<std::string>());
        for (std::string line; std::getline(text, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            recordLines.push_back(std::move(line));
        }
        splitLines(recordLines, split, out);
    }
}

bool endsWithLower(std::string s, const std::string& suffix) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Reads everything it can and records every problem.
std::vector<std::string> loadTextFiles(const std::string& path, TextSplit split,
                                       const std::string& field, TextSourceSummary* summary) {
    summary->path = path;
    Problems problems;
    std::vector<std::string> out;
    std::error_code ec;
    if (path.empty()) {
        problems.add("no path given: name a .txt file, a folder of .txt files or a .jsonl file");
    } else if (fs::is_directory(path, ec)) {
        std::vector<std::string> names;
        size_t skipped = 0;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            const std::string name = entry.path().filename().string();
            if (name.empty() || name[0] == '.') continue;
            std::error_code fe;
            if (entry.is_regular_file(fe) && endsWithLower(name, ".txt"))
                names.push_back(name);
            else
                ++skipped;
        }
        if (ec) problems.add(path + ": cannot list the folder (" + ec.message() + ")");
        std::sort(names.begin(), names.end());
        for (const std::string& name : names)
            readTextFile((fs::path(path) / name).string(), split, &out, problems);
        summary->files = int64_t(names.size());
        if (skipped > 0)
            summary->notes.push_back("skipped " + std::to_string(skipped) + " entries of " + path +
                                     " that are not .txt files (subfolders are not read)");
        if (names.empty() && !ec)
            problems.add(path +
                         ": the folder has no .txt files; put the texts in files "
                         "ending in .txt");
    } else if (fs::exists(path, ec)) {
        summary->files = 1;
        if (endsWithLower(path, ".jsonl"))
            readTextJsonl(path, split, field, &out, problems);
        else
            readTextFile(path, split, &out, problems);
    } else {
        problems.add(path +
                     " does not exist; name a .txt file, a folder of .txt files or a "
                     ".jsonl file");
    }
    if (out.empty() && problems.total() == 0)
        problems.add(path + ": no examples (every " + textSplitName(split) +
                     " is blank); the text source is empty");
    summary->examples = int64_t(out.size());
    problems.finish(*summary);
    return out;
}

}  // namespace

TextSplit parseTextSplit(const std::string& name) {
    if (name == "line") return TextSplit::Line;
    if (name == "paragraph") return TextSplit::Paragraph;
    if (name == "document") return TextSplit::Document;
    throw DataError("unknown text split '" + name + "'; use line, paragraph or document");
}

std::string textSplitName(TextSplit split) {
    switch (split) {
        case TextSplit::Line:
            return "line";
        case TextSplit::Paragraph:
            return "paragraph";
        case TextSplit::Document:
            return "document";
    }
    return "?";
}

TextSourceSummary inspectTextFiles(const std::string& path, TextSplit split,
                                   const std::string& field) {
    TextSourceSummary summary;
    loadTextFiles(path, split, field, &summary);
    return summary;
}

std::vector<std::string> readTextFiles(const std::string& path, TextSplit split,
                                       const std::string& field) {
    TextSourceSummary summary;
    std::vector<std::string> out = loadTextFiles(path, split, field, &summary);
    if (!summary.ok()) textsrc::throwProblems(summary);
    return out;
}

}  // namespace forgetlab
