#pragma once
// Text corpora from the Debian fortune packages: `fortunes` (English, the upstream
// domain), `fortunes-de` and `fortunes-es` (German and Spanish, downstream domains). Each
// fortune file is a smaller domain and each fortune one example.
//
// Layout (Debian): English files in <root>, German in <root>/de, Spanish in <root>/es,
// root = /usr/share/games/fortunes. Fortunes are separated by lines consisting of a single
// "%". Next to each text file lie a .dat index and a .u8 symlink; only the plain text
// files are read (.dat, .u8, symlinks, directories such as off/ and hidden files are
// skipped).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace forgetlab {

inline constexpr const char* kDefaultFortuneRoot = "/usr/share/games/fortunes";

// A fortune package is missing, a domain is unknown or a file is unreadable. The message
// names the directory or file and says how to fix it.
class FortuneError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One fortune file. name is the file name without a ".fortunes" suffix (the Spanish
// package names its files "amistad.fortunes"); file is the full path.
struct FortuneDomain {
    std::string name;
    std::string file;
    std::vector<std::string> texts;
};

struct CorpusSplit {
    std::vector<std::string> train;
    std::vector<std::string> test;
};

// The directory holding a language's fortune files: "en" -> root, "de" -> root/de,
// "es" -> root/es. Throws FortuneError for another language.
std::string fortuneLanguageDir(const std::string& language,
                               const std::string& root = kDefaultFortuneRoot);

// The domain names available for "en", "de" or "es", sorted. Throws FortuneError naming
// the directory and the Debian package to install when there are none.
std::vector<std::string> fortuneDomains(const std::string& language,
                                        const std::string& root = kDefaultFortuneRoot);

// The fortunes of one file, in file order. Each is trimmed (leading blank lines and
// trailing whitespace removed; the indentation of the first line is kept, it matters for
// ASCII art and verse) and empty ones are dropped. A fortune that is not valid UTF-8 is
// taken to be Latin-1 and converted to UTF-8 (older packages shipped Latin-1 files).
// Throws FortuneError when the file cannot be read.
std::vector<std::string> readFortuneFile(const std::string& path);

// Reads the named domains (empty = all) of a language, sorted by name. Throws
// FortuneError for an unknown domain, listing the available ones.
std::vector<FortuneDomain> loadFortuneDomains(const std::string& language,
                                              const std::vector<std::string>& domains,
                                              const std::string& root = kDefaultFortuneRoot);

// All fortunes of the named domains (empty = all), exact duplicates removed (so the same
// fortune never lands in both train and test), shuffled by seed, cut to maxExamples
// (0 = all), then split: the first round(testFraction * n) go to test, the rest to
// train. The shuffle is a Fisher-Yates driven by std::mt19937_64 with a fixed way of
// drawing indices, so the split is the same for a seed on every platform and standard
// library (std::shuffle's draws are implementation-defined). testFraction must be in
// [0, 1).
CorpusSplit loadFortuneCorpus(const std::string& language, const std::vector<std::string>& domains,
                              uint64_t seed, double testFraction, size_t maxExamples,
                              const std::string& root = kDefaultFortuneRoot);

}  // namespace forgetlab
