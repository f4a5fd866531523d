// A CSV table as a labelled dataset: a small RFC 4180 parser (quoted fields, "" escapes,
// CRLF) that keeps every record's line number for the error messages, locale-independent
// number parsing (the GUI sets the user's locale, in which strtod may want a decimal comma),
// and the label rule of data_files.h.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "engine/data/data_files.h"
#include "engine/data/internal/data_file_parts.h"

namespace forgetlab {
namespace {

struct Record {
    int64_t line = 0;  // 1-based line the record starts on
    std::vector<std::string> fields;
    bool blank() const { return fields.size() == 1 && fields[0].empty(); }
};

std::string trim(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Splits the text into records. Structural problems (a quote never closed, text after a
// closing quote) are reported with their line.
std::vector<Record> parseRecords(const std::string& text, const std::string& path,
                                 datafiles::ProblemList& problems) {
    std::vector<Record> records;
    size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // a UTF-8 byte-order mark
    int64_t line = 1;
    const size_t n = text.size();
    while (i < n) {
        Record rec;
        rec.line = line;
        bool endOfRecord = false;
        while (!endOfRecord) {
            std::string field;
            size_t start = i;
            while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
            if (i < n && text[i] == '"') {
                const int64_t quoteLine = line;
                ++i;
                bool closed = false;
                while (i < n) {
                    if (text[i] == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
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
                    problems.add(path + ": line " + std::to_string(quoteLine) +
                                 ": a quoted field is never closed (a \" without its partner)");
                    return records;
                }
                while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
                if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                    problems.add(path + ": line " + std::to_string(line) + ", field " +
                                 std::to_string(rec.fields.size() + 1) +
                                 ": text after the closing quote of a quoted field");
                while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') ++i;
            } else {
                i = start;
                while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                    field += text[i++];
                field = trim(field);
            }
            rec.fields.push_back(std::move(field));
            if (i < n && text[i] == ',') {
                ++i;
            } else {
                if (i < n && text[i] == '\r') ++i;
                if (i < n && text[i] == '\n') ++i;
                ++line;
                endOfRecord = true;
            }
        }
        records.push_back(std::move(rec));
    }
    return records;
}

// Parses a feature value; returns an error description (empty on success).
std::string parseNumber(const std::string& text, float& out) {
    if (text.empty()) return "is empty (a missing value): fill it in or drop the row";
    const char* b = text.data();
    const char* e = b + text.size();
    if (*b == '+' && e - b > 1) ++b;  // from_chars refuses an explicit plus sign
    double v = 0;
    const auto [end, ec] = std::from_chars(b, e, v, std::chars_format::general);
    const std::string quoted = "\"" + text + "\"";
    if (ec == std::errc::result_out_of_range)
        return quoted + " is out of range (too large or too small for a 32-bit float)";
    if (ec != std::errc() || end != e) return quoted + " is not a number";
    if (!std::isfinite(v)) return quoted + " is not a finite number";
    if (std::fabs(v) > std::numeric_limits<float>::max())
        return quoted + " is out of range (too large for a 32-bit float)";
    out = static_cast<float>(v);
    return {};
}

bool isClassId(const std::string& label) {
    return !label.empty() && std::all_of(label.begin(), label.end(),
                                         [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + ("\"" + n + "\"");
    return out;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Reads and checks the whole table, collecting every problem.
LabeledData loadCsv(const std::string& path, const std::string& labelColumn) {
    LabeledData data;
    DataSummary& s = data.summary;
    s.path = path;
    datafiles::ProblemList problems;
    const auto finish = [&]() -> LabeledData {
        problems.moveInto(s.problems);
        return std::move(data);
    };
    if (path.empty()) {
        problems.add("no CSV file given: set the path to a .csv file");
        return finish();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        problems.add(path + ": cannot open the file (missing or unreadable)");
        return finish();
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    std::vector<Record> records = parseRecords(text, path, problems);
    // Blank lines carry nothing; ones between rows are counted in a note.
    size_t first = 0;
    while (first < records.size() && records[first].blank()) ++first;
    while (!records.empty() && records.back().blank()) records.pop_back();
    if (first >= records.size()) {
        problems.add(path +
                     ": the file is empty: a CSV needs a header row with the column "
                     "names, then one row per example");
        return finish();
    }
    std::vector<std::string> header = records[first].fields;
    const size_t columns = header.size();
    if (columns == 1 &&
        (header[0].find(';') != std::string::npos || header[0].find('\t') != std::string::npos)) {
        const char sep = header[0].find(';') != std::string::npos ? ';' : '\t';
        problems.add(path + ": line " + std::to_string(records[first].line) +
                     ": the header is one column \"" + header[0] +
                     "\": columns must be separated by commas, and this file looks " +
                     (sep == ';' ? "semicolon" : "tab") + "-separated");
        return finish();
    }

    int labelIndex = -1;
    for (size_t c = 0; c < columns; ++c)
        if (header[c] == labelColumn) {
            if (labelIndex >= 0)
                problems.add(path + ": the label column \"" + labelColumn +
                             "\" appears twice (columns " + std::to_string(labelIndex + 1) +
                             " and " + std::to_string(c + 1) + "); rename one");
            else
                labelIndex = static_cast<int>(c);
        }
    if (labelIndex < 0) {
        std::string hint;
        for (const auto& h : header)
            if (!labelColumn.empty() && lower(h) == lower(labelColumn))
                hint = " (did you mean \"" + h + "\"?)";
        problems.add(labelColumn.empty()
                         ? path + ": no label column given; the columns are: " + joined(header)
                         : path + ": no column named \"" + labelColumn + "\"" + hint +
                               "; the columns are: " + joined(header));
    }
    for (size_t c = 0; c < columns; ++c)
        if (static_cast<int>(c) != labelIndex) s.feature_names.push_back(header[c]);
    if (labelIndex >= 0 && columns == 1)
        problems.add(path + ": has no feature columns, only the label column \"" + labelColumn +
                     "\"");
    s.features = static_cast<int>(s.feature_names.size());

    const auto where = [&](const Record& r, size_t c) {
        return path + ": line " + std::to_string(r.line) + ", column " + std::to_string(c + 1) +
               " (\"" + header[c] + "\"): ";
    };
    std::vector<std::string> labelText;
    std::vector<int64_t> labelLine;
    int64_t blankLines = 0;
    for (size_t r = first + 1; r < records.size(); ++r) {
        const Record& rec = records[r];
        if (rec.blank()) {
            ++blankLines;
            continue;
        }
        ++s.count;
        if (rec.fields.size() != columns) {
            problems.add(path + ": line " + std::to_string(rec.line) + ": has " +
                         std::to_string(rec.fields.size()) + " fields but the header has " +
                         std::to_string(columns) + " columns");
            continue;
        }
        // Without a label column every column's role is unknown: only the shape is checked.
        if (labelIndex < 0) continue;
        for (size_t c = 0; c < columns; ++c) {
            if (static_cast<int>(c) == labelIndex) continue;
            float v = 0;
            const std::string error = parseNumber(rec.fields[c], v);
            if (!error.empty()) problems.add(where(rec, c) + error);
            data.values.push_back(v);
        }
        const std::string& label = rec.fields[labelIndex];
        if (label.empty()) problems.add(where(rec, labelIndex) + "the label is empty");
        labelText.push_back(label);
        labelLine.push_back(rec.line);
    }
    if (blankLines)
        s.notes.push_back(datafiles::plural(blankLines, "empty line") + " between rows " +
                          (blankLines == 1 ? "was" : "were") + " skipped");
    if (s.count == 0) problems.add(path + ": has a header but no rows");

    // The label rule (data_files.h): all non-negative integers are class ids, else names.
    const bool ids = !labelText.empty() && std::all_of(labelText.begin(), labelText.end(),
                                                       [](const auto& l) { return isClassId(l); });
    if (ids) {
        int64_t maxId = -1;
        for (size_t i = 0; i < labelText.size(); ++i) {
            int64_t id = 0;
            const auto& t = labelText[i];
            const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
            if (ec != std::errc() || id >= datafiles::kMaxClasses) {
                problems.add(path + ": line " + std::to_string(labelLine[i]) + ": the label " + t +
                             " is too large for a class id: integer labels are the class "
                             "ids 0..max, at most " +
                             std::to_string(datafiles::kMaxClasses - 1) +
                             "; write labels as names (e.g. \"c" + t + "\") to number them");
                id = -1;
            }
            data.labels.push_back(id);
            maxId = std::max(maxId, id);
        }
        for (int64_t c = 0; c <= maxId; ++c) s.class_names.push_back(std::to_string(c));
    } else {
        std::map<std::string, int64_t> names;  // sorted byte-wise
        for (const auto& l : labelText) names.emplace(l, 0);
        if (static_cast<int64_t>(names.size()) > datafiles::kMaxClasses)
            problems.add(path + ": the label column \"" + labelColumn + "\" has " +
                         std::to_string(names.size()) + " different labels; at most " +
                         std::to_string(datafiles::kMaxClasses) + " classes");
        for (auto& [name, id] : names) {
            id = s.classes();
            s.class_names.push_back(name);
        }
        for (const auto& l : labelText) data.labels.push_back(names[l]);
    }
    s.class_counts = datafiles::countClasses(data.labels, s.classes());
    if (ids) {
        const std::string empty = datafiles::emptyClassesNote(s.class_counts);
        if (!empty.empty()) s.notes.push_back(empty);
    }
    if (s.features && s.count > datafiles::kMaxValues / s.features)
        problems.add(path + ": " + std::to_string(s.count) + " rows of " +
                     std::to_string(s.features) + " features need more than 8 GiB");
    return finish();
}

}  // namespace

DataSummary inspectCsvDataset(const std::string& path, const std::string& labelColumn) {
    return loadCsv(path, labelColumn).summary;
}

LabeledData readCsvDataset(const std::string& path, const std::string& labelColumn) {
    LabeledData data = loadCsv(path, labelColumn);
    datafiles::throwIfProblems(data.summary);
    return data;
}

}  // namespace forgetlab
