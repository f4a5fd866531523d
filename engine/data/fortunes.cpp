#include "engine/data/fortunes.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string_view>
#include <unordered_set>

namespace forgetlab {
namespace fs = std::filesystem;
namespace {

struct Language {
    const char* code;
    const char* subdir;  // below the root; empty for English
    const char* englishName;
    const char* package;
};

constexpr Language kLanguages[] = {
    {"en", "", "English", "fortunes"},
    {"de", "de", "German", "fortunes-de"},
    {"es", "es", "Spanish", "fortunes-es"},
};

const Language& findLanguage(const std::string& code) {
    for (const Language& l : kLanguages)
        if (code == l.code) return l;
    throw FortuneError("unknown fortune language \"" + code +
                       "\". Fix: use one of en (package fortunes), de (fortunes-de), "
                       "es (fortunes-es).");
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// Strict UTF-8 check: no overlong forms, no surrogates, nothing above U+10FFFF.
bool isValidUtf8(const std::string& s) {
    size_t i = 0;
    const size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        char32_t cp = 0, min = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return false;
        }
        if (i + extra >= n) return false;
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += 1 + extra;
    }
    return true;
}

std::string latin1ToUtf8(const std::string& s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += ch;
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Drops leading blank lines and trailing whitespace; keeps the first line's indentation.
std::string trimFortune(const std::string& s) {
    size_t first = 0;
    while (first < s.size() && isSpace(s[first])) ++first;
    if (first == s.size()) return {};
    const size_t lineStart = s.rfind('\n', first);
    const size_t begin = lineStart == std::string::npos ? 0 : lineStart + 1;
    size_t end = s.size();
    while (end > begin && isSpace(s[end - 1])) --end;
    return s.substr(begin, end - begin);
}

// Domain name -> file path for one directory.
std::map<std::string, std::string> domainFiles(const std::string& language,
                                               const std::string& root) {
    const Language& lang = findLanguage(language);
    const std::string dir = fortuneLanguageDir(language, root);
    const std::string fix = std::string(". Fix: install the Debian package ") + lang.package +
                            ": sudo apt install " + lang.package;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw FortuneError(std::string("no ") + lang.englishName + " fortunes: the directory " +
                           dir + " does not exist" + fix);
    std::map<std::string, std::string> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string fileName = it->path().filename().string();
        if (fileName.empty() || fileName[0] == '.' || endsWith(fileName, ".dat") ||
            endsWith(fileName, ".u8"))
            continue;
        std::error_code statEc;
        if (it->is_symlink(statEc) || !it->is_regular_file(statEc)) continue;
        std::string name = fileName;
        if (endsWith(name, ".fortunes") && name.size() > 9) name.resize(name.size() - 9);
        // Should two files share a short name, the second keeps its full file name.
        if (files.count(name)) name = fileName;
        files.emplace(name, it->path().string());
    }
    if (ec)
        throw FortuneError("cannot list " + dir + " (" + ec.message() +
                           "). Fix: check the directory's permissions.");
    if (files.empty())
        throw FortuneError(std::string("no ") + lang.englishName + " fortunes: " + dir +
                           " holds no fortune files" + fix);
    return files;
}

// Uniform integer in [0, bound) from 64-bit draws, by rejection (no modulo bias).
uint64_t uniformBelow(std::mt19937_64& rng, uint64_t bound) {
    const uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
    uint64_t x = 0;
    do {
        x = rng();
    } while (x < threshold);
    return x % bound;
}

}  // namespace

std::string fortuneLanguageDir(const std::string& language, const std::string& root) {
    const Language& lang = findLanguage(language);
    if (lang.subdir[0] == '\0') return root;
    return (fs::path(root) / lang.subdir).string();
}

std::vector<std::string> fortuneDomains(const std::string& language, const std::string& root) {
    std::vector<std::string> names;
    for (const auto& [name, file] : domainFiles(language, root)) names.push_back(name);
    return names;
}

std::vector<std::string> readFortuneFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FortuneError("cannot read " + path + " (" + std::strerror(errno) +
                           "). Fix: check the file's permissions or reinstall its package.");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw FortuneError("cannot read " + path +
                           ": read error. Fix: check that it is a regular file.");
    const std::string content = ss.str();

    std::vector<std::string> fortunes;
    std::string current;
    auto finish = [&] {
        std::string text = trimFortune(current);
        current.clear();
        if (text.empty()) return;
        if (!isValidUtf8(text)) text = latin1ToUtf8(text);
        fortunes.push_back(std::move(text));
    };
    size_t pos = 0;
    while (pos < content.size()) {
        size_t end = content.find('\n', pos);
        const bool lastLine = end == std::string::npos;
        if (lastLine) end = content.size();
        const std::string_view line(content.data() + pos, end - pos);
        if (line == "%" || line == "%\r")
            finish();
        else
            current.append(content, pos, end - pos + (lastLine ? 0 : 1));
        pos = end + 1;
    }
    finish();
    return fortunes;
}

std::vector<FortuneDomain> loadFortuneDomains(const std::string& language,
                                              const std::vector<std::string>& domains,
                                              const std::string& root) {
    const auto files = domainFiles(language, root);
    std::vector<std::string> wanted = domains;
    if (wanted.empty())
        for (const auto& [name, file] : files) wanted.push_back(name);
    std::vector<FortuneDomain> out;
    for (const std::string& name : wanted) {
        const auto it = files.find(name);
        if (it == files.end()) {
            std::vector<std::string> available;
            for (const auto& [n, f] : files) available.push_back(n);
            throw FortuneError("unknown " + language + " fortune domain \"" + name + "\" in " +
                               fortuneLanguageDir(language, root) +
                               ". Fix: use one of: " + joined(available));
        }
        out.push_back({name, it->second, readFortuneFile(it->second)});
    }
    std::sort(out.begin(), out.end(),
              [](const FortuneDomain& a, const FortuneDomain& b) { return a.name < b.name; });
    return out;
}

CorpusSplit loadFortuneCorpus(const std::string& language, const std::vector<std::string>& domains,
                              uint64_t seed, double testFraction, size_t maxExamples,
                              const std::string& root) {
    if (!(testFraction >= 0.0 && testFraction < 1.0))
        throw FortuneError("fortune corpus: testFraction " + std::to_string(testFraction) +
                           " is outside [0, 1). Fix: use a fraction such as 0.1.");
    std::vector<std::string> all;
    std::unordered_set<std::string> seen;
    for (FortuneDomain& d : loadFortuneDomains(language, domains, root))
        for (std::string& text : d.texts)
            if (seen.insert(text).second) all.push_back(std::move(text));

    std::mt19937_64 rng(seed);
    for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[uniformBelow(rng, i)]);
    if (maxExamples > 0 && all.size() > maxExamples) all.resize(maxExamples);

    const auto nTest =
        std::min(all.size(),
                 static_cast<size_t>(std::llround(testFraction * static_cast<double>(all.size()))));
    CorpusSplit split;
    split.test.assign(std::make_move_iterator(all.begin()),
                      std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(nTest)));
    split.train.assign(std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(nTest)),
                       std::make_move_iterator(all.end()));
    return split;
}

}  // namespace forgetlab
