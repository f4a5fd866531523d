// Benchmark files (MMLU CSV, JSONL), k-shot prompts and what a score picks.
#include "engine/measure/benchmark.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

// Problems of one file, reported together (up to a screenful), so a user fixes them in one go.
class Problems {
public:
    explicit Problems(std::string file) : m_file(std::move(file)) {}
    void add(int line, const std::string& what) {
        ++m_count;
        if (m_count <= kShown) m_text += "\n  " + m_file + ":" + std::to_string(line) + ": " + what;
    }
    void throwIfAny() const {
        if (m_count == 0) return;
        std::string msg = m_file + ": " + std::to_string(m_count) + " problem" +
                          (m_count == 1 ? "" : "s") + " in the benchmark file:" + m_text;
        if (m_count > kShown) msg += "\n  … and " + std::to_string(m_count - kShown) + " more";
        throw BenchmarkError(msg);
    }

private:
    static constexpr int kShown = 12;
    std::string m_file, m_text;
    int m_count = 0;
};

// The byte offset of the first ill-formed UTF-8 sequence in s, or npos.
size_t invalidUtf8At(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const size_t len = c < 0x80           ? 1
                           : (c >> 5) == 0x6  ? 2
                           : (c >> 4) == 0xE  ? 3
                           : (c >> 3) == 0x1E ? 4
                                              : 0;
        if (len == 0 || i + len > s.size()) return i;
        for (size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
        if (len > 1) {  // overlong forms, surrogates, beyond U+10FFFF
            const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
            if ((len == 2 && c < 0xC2) || (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) ||
                (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90) || c > 0xF4)
                return i;
        }
        i += len;
    }
    return std::string::npos;
}

std::string readWholeFile(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw BenchmarkError(path + ": no such benchmark file (check the path)");
    if (fs::is_directory(path, ec))
        throw BenchmarkError(path + " is a folder: give a benchmark file (.csv or .jsonl)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw BenchmarkError(path + ": cannot read the benchmark file (permissions?)");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    return text;
}

struct CsvRecord {
    std::vector<std::string> fields;
    int line = 0;  // where the record starts
};

// RFC 4180 with Python csv's leniency: quoted fields may hold commas, newlines and "" for a
// quote; a quote inside an unquoted field, or text after a closing quote, is kept as it is.
// Rows end at \n, \r\n or \r outside quotes; blank rows are skipped.
std::vector<CsvRecord> parseCsv(const std::string& text, Problems& problems) {
    std::vector<CsvRecord> rows;
    CsvRecord row;
    std::string field;
    int line = 1;
    row.line = 1;
    bool rowHasContent = false;
    size_t i = 0;
    auto endRow = [&] {
        row.fields.push_back(field);
        field.clear();
        if (rowHasContent || row.fields.size() > 1) rows.push_back(row);
        row = CsvRecord();
        rowHasContent = false;
    };
    while (i < text.size()) {
        const char c = text[i];
        if (c == '"' && field.empty()) {
            const int opened = line;
            rowHasContent = true;
            ++i;
            bool closed = false;
            while (i < text.size()) {
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (text[i] == '\n') ++line;
                field += text[i++];
            }
            if (!closed) {
                problems.add(opened, "a quoted field opened on this line is never closed");
                return rows;
            }
            continue;
        }
        if (c == ',') {
            row.fields.push_back(field);
            field.clear();
            ++i;
            continue;
        }
        if (c == '\n' || c == '\r') {
            i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
            endRow();
            row.line = ++line;
            continue;
        }
        rowHasContent = true;
        field += c;
        ++i;
    }
    if (rowHasContent || !row.fields.empty()) endRow();
    return rows;
}

// "A" -> 0 … "Z" -> 25 (either case, surrounding white space ignored); -1 otherwise.
int letterIndex(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t\r\n");
    const size_t b = s.find_last_not_of(" \t\r\n");
    if (a == std::string::npos || a != b) return -1;
    const char c = s[a];
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a';
    return -1;
}

std::string letter(size_t i) {
    return std::string(1, char('A' + i));
}

std::string stemOf(const std::string& path) {
    return fs::path(path).stem().string();
}

std::vector<BenchmarkItem> readMmluCsv(const std::string& path, const std::string& text) {
    Problems problems(path);
    const std::vector<CsvRecord> rows = parseCsv(text, problems);
    std::vector<BenchmarkItem> items;
    const size_t width = rows.empty() ? 0 : rows.front().fields.size();
    for (const CsvRecord& r : rows) {
        const size_t n = r.fields.size();
        if (n < 4) {
            problems.add(r.line,
                         "a question with fewer than 2 choices (" + std::to_string(n) +
                             " fields; a row is: question, choices A, B, …, answer letter)");
            continue;
        }
        if (n != width) {
            problems.add(r.line, "the row has " + std::to_string(n) +
                                     " fields but the first row has " + std::to_string(width) +
                                     " (an unquoted comma?)");
            continue;
        }
        const size_t choices = n - 2;
        if (choices > 26) {
            problems.add(r.line, std::to_string(choices) + " choices; at most 26 (A to Z)");
            continue;
        }
        bool utf8 = true;
        for (const std::string& f : r.fields)
            if (const size_t at = invalidUtf8At(f); at != std::string::npos) {
                problems.add(r.line, "not UTF-8 (byte " + std::to_string(at) + " of a field)");
                utf8 = false;
                break;
            }
        if (!utf8) continue;
        const int answer = letterIndex(r.fields.back());
        if (answer < 0 || size_t(answer) >= choices) {
            problems.add(r.line, "answer '" + r.fields.back() + "' is out of range: the row has " +
                                     std::to_string(choices) + " choices (A to " +
                                     letter(choices - 1) + ")");
            continue;
        }
        BenchmarkItem item;
        item.context = r.fields[0] + "\n";
        for (size_t c = 0; c < choices; ++c) {
            item.context += letter(c) + ". " + r.fields[1 + c] + "\n";
            item.choices.push_back(" " + letter(c));
        }
        item.context += "Answer:";
        item.answer = answer;
        item.where = path + ":" + std::to_string(r.line);
        items.push_back(std::move(item));
    }
    problems.throwIfAny();
    return items;
}

std::vector<BenchmarkItem> readJsonl(const std::string& path, const std::string& text) {
    using json = nlohmann::json;
    Problems problems(path);
    std::vector<BenchmarkItem> items;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        if (const size_t at = invalidUtf8At(line); at != std::string::npos) {
            problems.add(number, "not UTF-8 (byte offset " + std::to_string(at) + " of the line)");
            continue;
        }
        json j;
        try {
            j = json::parse(line);
        } catch (const json::parse_error& e) {
            problems.add(number, std::string("not JSON (") + e.what() + ")");
            continue;
        }
        if (!j.is_object()) {
            problems.add(number,
                         "not a JSON object; each line is {\"question\": …, \"choices\": "
                         "[…], \"answer\": …}");
            continue;
        }
        std::string missing;
        for (const char* k : {"question", "choices", "answer"})
            if (!j.contains(k)) missing += std::string(missing.empty() ? "" : ", ") + k;
        if (!missing.empty()) {
            problems.add(number,
                         "missing " + missing + " (each line needs question, choices and answer)");
            continue;
        }
        if (!j["question"].is_string()) {
            problems.add(number, "\"question\" must be a string");
            continue;
        }
        const json& choices = j["choices"];
        if (!choices.is_array() || !std::all_of(choices.begin(), choices.end(),
                                                [](const json& c) { return c.is_string(); })) {
            problems.add(number, "\"choices\" must be an array of strings");
            continue;
        }
        if (choices.size() < 2) {
            problems.add(number, "a question with fewer than 2 choices (" +
                                     std::to_string(choices.size()) + ")");
            continue;
        }
        const json& a = j["answer"];
        long long answer = -1;
        if (a.is_number_integer()) {
            answer = a.get<long long>();
        } else if (a.is_string()) {
            answer = letterIndex(a.get<std::string>());
            if (answer < 0) {
                problems.add(number, "\"answer\" '" + a.get<std::string>() +
                                         "' is neither an index nor a letter A, B, …");
                continue;
            }
        } else {
            problems.add(number,
                         "\"answer\" must be an index from 0 or a letter (\"A\", \"B\", …)");
            continue;
        }
        if (answer < 0 || size_t(answer) >= choices.size()) {
            problems.add(number, "answer " + a.dump() + " is out of range: " +
                                     std::to_string(choices.size()) + " choices (index 0 to " +
                                     std::to_string(choices.size() - 1) + ")");
            continue;
        }
        BenchmarkItem item;
        item.context = "Question: " + j["question"].get<std::string>() + "\nAnswer:";
        for (const json& c : choices) item.choices.push_back(" " + c.get<std::string>());
        item.answer = int(answer);
        item.where = path + ":" + std::to_string(number);
        items.push_back(std::move(item));
    }
    problems.throwIfAny();
    return items;
}

uint64_t mixSeed(uint64_t seed, uint64_t index) {
    // splitmix64 of both, so neighbouring items get unrelated shot draws.
    uint64_t z = seed * 0x9E3779B97F4A7C15ULL + index + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

bool sameItem(const BenchmarkItem& a, const BenchmarkItem& b) {
    return a.context == b.context && a.choices == b.choices;
}

}  // namespace

std::vector<BenchmarkItem> readBenchmarkFile(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (ext != ".csv" && ext != ".jsonl")
        throw BenchmarkError(path + ": unknown benchmark format '" + ext +
                             "'; use .csv (the MMLU layout: question, choices, answer letter) or "
                             ".jsonl (question, choices, answer)");
    const std::string text = readWholeFile(path);
    std::vector<BenchmarkItem> items =
        ext == ".csv" ? readMmluCsv(path, text) : readJsonl(path, text);
    if (items.empty())
        throw BenchmarkError(path + ": the benchmark is empty (no questions in the file)");
    return items;
}

std::string solvedExample(const BenchmarkItem& item) {
    return item.context + item.choices.at(size_t(item.answer));
}

std::vector<size_t> drawShots(const BenchmarkItem& item, size_t itemIndex,
                              const std::vector<BenchmarkItem>& pool, int k, uint64_t seed) {
    if (k <= 0) return {};
    std::vector<size_t> candidates;
    for (size_t j = 0; j < pool.size(); ++j)
        if (!sameItem(pool[j], item)) candidates.push_back(j);
    if (candidates.size() < size_t(k))
        throw BenchmarkError(item.where + ": " + std::to_string(k) +
                             " shots asked for but the shots file " + "has only " +
                             std::to_string(candidates.size()) +
                             " other questions; lower shots or name a larger shots_file");
    std::mt19937_64 rng(mixSeed(seed, itemIndex));
    // Partial Fisher-Yates with a fixed way of drawing (std::uniform_int_distribution's draws
    // differ between standard libraries).
    for (size_t i = 0; i < size_t(k); ++i) {
        const size_t j = i + size_t(rng() % uint64_t(candidates.size() - i));
        std::swap(candidates[i], candidates[j]);
    }
    candidates.resize(size_t(k));
    return candidates;
}

std::string buildShotPrompt(const BenchmarkItem& item, const std::vector<BenchmarkItem>& shots) {
    std::string prompt;
    for (const BenchmarkItem& s : shots) prompt += solvedExample(s) + "\n\n";
    return prompt + item.context;
}

PreparedBenchmark prepareBenchmark(const BenchmarkSpec& spec,
                                   const std::vector<std::string>* heldOut) {
    PreparedBenchmark out;
    out.shots = spec.shots;
    if (spec.shots < 0) throw BenchmarkError("benchmark shots must be >= 0 (0 = zero-shot)");
    std::vector<BenchmarkItem> pool;
    bool poolIsItems = true;
    if (!spec.builtin.empty()) {
        if (spec.builtin != "fortune-cloze")
            throw BenchmarkError("unknown built-in benchmark '" + spec.builtin +
                                 "'; the built-in one is fortune-cloze");
        if (!spec.file.empty() || !spec.shots_file.empty())
            throw BenchmarkError(
                "a benchmark is either a file or built in: give file or builtin, not both");
        if (spec.items < 1) throw BenchmarkError("benchmark items must be >= 1");
        out.name = spec.name.empty() ? "cloze-" + spec.language : spec.name;
        out.source = "fortune-cloze:" + spec.language;
        const std::vector<std::string> texts =
            heldOut
                ? *heldOut
                : loadFortuneCorpus(spec.language, {}, spec.seed, 0.0, 0, spec.fortune_root).train;
        FortuneClozeOptions o;
        o.items = spec.items;
        o.seed = spec.seed;
        o.max_bytes = spec.max_bytes;
        o.name = out.name;
        out.items = makeFortuneCloze(texts, o);
    } else {
        if (spec.file.empty())
            throw BenchmarkError(
                "a benchmark needs a file (.csv in the MMLU layout or .jsonl) or "
                "builtin fortune-cloze");
        out.name = spec.name.empty() ? stemOf(spec.file) : spec.name;
        out.source = spec.file;
        out.items = readBenchmarkFile(spec.file);
        if (!spec.shots_file.empty() && spec.shots_file != spec.file) {
            pool = readBenchmarkFile(spec.shots_file);
            poolIsItems = false;
        }
    }
    const std::vector<BenchmarkItem>& shotPool = poolIsItems ? out.items : pool;
    const std::string shotSource = poolIsItems ? out.source : spec.shots_file;
    const size_t available = shotPool.size() - (poolIsItems ? 1 : 0);
    if (size_t(spec.shots) > available)
        throw BenchmarkError("benchmark " + out.name + ": " + std::to_string(spec.shots) +
                             " shots but " + shotSource + " has only " + std::to_string(available) +
                             (poolIsItems ? " questions besides the one asked" : " questions") +
                             "; lower shots or name a larger shots_file");
    if (spec.shots > 0) {
        std::vector<std::string> prompts(out.items.size());
        for (size_t i = 0; i < out.items.size(); ++i) {
            std::vector<BenchmarkItem> shots;
            for (size_t j : drawShots(out.items[i], i, shotPool, spec.shots, spec.seed))
                shots.push_back(shotPool[j]);
            prompts[i] = buildShotPrompt(out.items[i], shots);
        }
        // Contexts change only now, so every shot shows its own question without shots.
        for (size_t i = 0; i < out.items.size(); ++i) out.items[i].context = std::move(prompts[i]);
    }
    return out;
}

ChoicePick pickChoices(const std::vector<double>& ll, const std::vector<std::string>& choices) {
    ChoicePick p;
    double best = 0, bestNorm = 0;
    for (size_t i = 0; i < ll.size() && i < choices.size(); ++i) {
        const double norm = ll[i] / double(std::max<size_t>(1, choices[i].size()));
        if (p.acc < 0 || ll[i] > best) {
            best = ll[i];
            p.acc = int(i);
        }
        if (p.acc_norm < 0 || norm > bestNorm) {
            bestNorm = norm;
            p.acc_norm = int(i);
        }
    }
    return p;
}

}  // namespace forgetlab
