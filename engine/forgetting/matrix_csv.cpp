// CSV import and export of forgetting matrices (see forgetting_matrix.h for the rules).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>
#include <utility>

#include "engine/forgetting/forgetting_matrix.h"
#include "engine/forgetting/internal/forgetting_matrix_detail.h"

namespace forgetlab {

using detail::checkShape;
using detail::plural;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- CSV ------------------------------------------------------------------------------------

struct Cell {
    std::string text;  // without surrounding spaces and quotes
    bool quoted = false;
};

enum class CellKind { Number, Missing, NonFinite, Text };

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// Locale-independent (std::from_chars): a Qt application sets LC_NUMERIC from the
// environment, which would make strtod read "0,5" and reject "0.5".
CellKind classify(std::string_view s, double* value) {
    if (s.empty() || equalsNoCase(s, "na") || equalsNoCase(s, "nan")) return CellKind::Missing;
    std::string_view digits = s;
    if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (end != digits.data() + digits.size()) return CellKind::Text;
    if (ec == std::errc::result_out_of_range) return CellKind::NonFinite;
    if (ec != std::errc()) return CellKind::Text;
    if (!std::isfinite(v)) return CellKind::NonFinite;
    *value = v;
    return CellKind::Number;
}

// Auto detection: a quoted cell is a name even when its text looks like a number.
bool looksLikeValue(const Cell& c) {
    double v;
    const CellKind kind = classify(c.text, &v);
    return !c.quoted && (kind == CellKind::Number || kind == CellKind::Missing);
}

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
    while (!s.empty() && isBlank(s.back())) s.remove_suffix(1);
    return s;
}

std::vector<Cell> splitLine(std::string_view line, int64_t lineNo) {
    std::vector<Cell> cells;
    size_t pos = 0;
    for (;;) {
        Cell cell;
        while (pos < line.size() && isBlank(line[pos])) ++pos;
        const int64_t column = static_cast<int64_t>(cells.size()) + 1;
        if (pos < line.size() && line[pos] == '"') {
            cell.quoted = true;
            ++pos;
            bool closed = false;
            while (pos < line.size()) {
                if (line[pos] == '"') {
                    if (pos + 1 < line.size() && line[pos + 1] == '"') {
                        cell.text += '"';
                        pos += 2;
                        continue;
                    }
                    closed = true;
                    ++pos;
                    break;
                }
                cell.text += line[pos++];
            }
            if (!closed)
                throw MatrixError("line " + std::to_string(lineNo) + ", column " +
                                      std::to_string(column) +
                                      ": the quoted cell has no closing quote (a quoted cell "
                                      "must end with \" on the same line; write \"\" for a "
                                      "quote inside it)",
                                  lineNo, column);
            while (pos < line.size() && isBlank(line[pos])) ++pos;
            if (pos < line.size() && line[pos] != ',')
                throw MatrixError("line " + std::to_string(lineNo) + ", column " +
                                      std::to_string(column) +
                                      ": text after the closing quote of \"" + cell.text +
                                      "\" (put the whole cell inside the quotes)",
                                  lineNo, column);
        } else {
            const size_t end = std::min(line.find(',', pos), line.size());
            cell.text = std::string(trimmed(line.substr(pos, end - pos)));
            pos = end;
        }
        cells.push_back(std::move(cell));
        if (pos >= line.size()) break;
        ++pos;  // the comma
    }
    return cells;
}

struct CsvLine {
    int64_t number;
    std::vector<Cell> cells;
};

std::string quoteName(std::string name) {
    std::replace(name.begin(), name.end(), '\n', ' ');
    std::replace(name.begin(), name.end(), '\r', ' ');
    double v;
    const CellKind kind = classify(name, &v);
    const bool needsQuotes = name.empty() || kind == CellKind::Number ||
                             kind == CellKind::Missing || name.front() == '#' ||
                             isBlank(name.front()) || isBlank(name.back()) ||
                             name.find_first_of(",\"") != std::string::npos;
    if (!needsQuotes) return name;
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

void appendValue(std::string& out, double v) {
    if (std::isnan(v)) return;  // missing: empty cell
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 17);
    out.append(buf, ec == std::errc() ? end : buf);
}

}  // namespace

// ---- CSV ------------------------------------------------------------------------------------

ForgetMatrix parseMatrixCsv(const std::string& text, const CsvOptions& options) {
    std::string_view rest(text);
    if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);  // UTF-8 byte-order mark
    std::vector<CsvLine> lines;
    for (int64_t number = 1; !rest.empty(); ++number) {
        const size_t eol = std::min(rest.find('\n'), rest.size());
        std::string_view line = rest.substr(0, eol);
        rest.remove_prefix(std::min(eol + 1, rest.size()));
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::string_view content = trimmed(line);
        if (content.empty() || content.front() == '#') continue;
        lines.push_back({number, splitLine(line, number)});
    }
    if (lines.empty())
        throw MatrixError(
            "the file has no data: expected comma-separated rows of numbers, one task per line "
            "(blank lines and lines starting with # are skipped)");

    const std::vector<Cell>& first = lines.front().cells;
    bool header = options.header == CsvPart::Yes;
    if (options.header == CsvPart::Auto)
        header = std::any_of(first.begin() + 1, first.end(),
                             [](const Cell& c) { return !looksLikeValue(c); });
    const size_t dataBegin = header ? 1 : 0;
    if (dataBegin >= lines.size())
        throw MatrixError("line " + std::to_string(lines.front().number) +
                              " is a header row (example names) but no data rows follow: add "
                              "one line of comma-separated numbers per task",
                          lines.front().number);

    const size_t width = first.size();
    for (const CsvLine& l : lines) {
        if (l.cells.size() != width)
            throw MatrixError("line " + std::to_string(l.number) + " has " +
                                  plural(int64_t(l.cells.size()), "cell", "cells") + " but line " +
                                  std::to_string(lines.front().number) + " has " +
                                  std::to_string(width) +
                                  ": every row needs the same number of cells",
                              l.number);
    }

    bool names = options.row_names == CsvPart::Yes;
    if (options.row_names == CsvPart::Auto)
        names = std::any_of(lines.begin() + long(dataBegin), lines.end(),
                            [](const CsvLine& l) { return !looksLikeValue(l.cells.front()); });
    const size_t skip = names ? 1 : 0;
    if (width <= skip)
        throw MatrixError("line " + std::to_string(lines[dataBegin].number) +
                              " has a task name but no values: expected a name followed by "
                              "comma-separated numbers",
                          lines[dataBegin].number);

    ForgetMatrix z;
    z.rows = static_cast<int64_t>(lines.size() - dataBegin);
    z.cols = static_cast<int64_t>(width - skip);
    z.values.reserve(static_cast<size_t>(z.rows * z.cols));
    if (header)
        for (size_t c = skip; c < width; ++c) z.col_names.push_back(first[c].text);
    for (size_t li = dataBegin; li < lines.size(); ++li) {
        const CsvLine& l = lines[li];
        if (names) z.row_names.push_back(l.cells.front().text);
        for (size_t c = skip; c < width; ++c) {
            const Cell& cell = l.cells[c];
            double v = kNaN;
            const CellKind kind = classify(cell.text, &v);
            if (kind == CellKind::Number || kind == CellKind::Missing) {
                z.values.push_back(kind == CellKind::Number ? v : kNaN);
                continue;
            }
            const int64_t column = static_cast<int64_t>(c) + 1;
            throw MatrixError("line " + std::to_string(l.number) + ", column " +
                                  std::to_string(column) + ": \"" + cell.text + "\" is not " +
                                  (kind == CellKind::NonFinite ? "a finite number" : "a number") +
                                  " (missing values must be empty, NA or NaN)",
                              l.number, column);
        }
    }
    return z;
}

ForgetMatrix readMatrixCsv(const std::string& path, const CsvOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw MatrixError("cannot read " + path + ": " + std::strerror(errno) +
                          " (check the path and that the file is readable)");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw MatrixError("cannot read " + path + ": read error");
    try {
        return parseMatrixCsv(buffer.str(), options);
    } catch (const MatrixError& e) {
        throw MatrixError(path + ": " + e.what(), e.line(), e.column());
    }
}

std::string formatMatrixCsv(const ForgetMatrix& z) {
    checkShape(z);
    std::string out = "task";
    for (int64_t j = 0; j < z.cols; ++j) {
        out += ',';
        out +=
            quoteName(z.col_names.empty() ? "ex" + std::to_string(j + 1) : z.col_names[size_t(j)]);
    }
    out += '\n';
    out.reserve(out.size() + size_t(z.rows * (z.cols * 24 + 16)));
    for (int64_t i = 0; i < z.rows; ++i) {
        out += quoteName(z.row_names.empty() ? "task" + std::to_string(i + 1)
                                             : z.row_names[size_t(i)]);
        for (int64_t j = 0; j < z.cols; ++j) {
            out += ',';
            appendValue(out, z.at(i, j));
        }
        out += '\n';
    }
    return out;
}

void writeMatrixCsv(const ForgetMatrix& z, const std::string& path) {
    const std::string text = formatMatrixCsv(z);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw MatrixError("cannot write " + path + ": " + std::strerror(errno));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) throw MatrixError("cannot write " + path + ": write error (disk full?)");
}

}  // namespace forgetlab
