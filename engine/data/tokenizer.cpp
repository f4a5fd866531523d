#include "engine/data/tokenizer.h"

#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/data/internal/tokenizer_text.h"

namespace forgetlab {
namespace {

constexpr int kUnicodeTableSize = 256 + 68;  // highest GPT-2 byte symbol is U+0143

struct ByteTables {
    std::array<char32_t, 256> toUnicode{};
    std::array<std::string, 256> symbol;
    std::array<int, kUnicodeTableSize> toByte{};  // code point -> byte, -1 if none
};

const ByteTables& byteTables() {
    static const ByteTables tables = [] {
        ByteTables t;
        t.toByte.fill(-1);
        int next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
            t.toUnicode[b] = static_cast<char32_t>(printable ? b : next++);
            t.symbol[b] = text::utf8Encode(t.toUnicode[b]);
            t.toByte[t.toUnicode[b]] = b;
        }
        return t;
    }();
    return tables;
}

// Decodes one UTF-8 code point at s[i]; advances i. Returns false on invalid UTF-8.
bool nextCodePoint(const std::string& s, size_t& i, char32_t& cp) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    if (c < 0x80) {
        cp = c;
    } else if ((c & 0xE0) == 0xC0) {
        cp = c & 0x1F;
        extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F;
        extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
        cp = c & 0x07;
        extra = 3;
    } else {
        return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (cc & 0x3F);
    }
    i += 1 + extra;
    return true;
}

std::string hexByte(unsigned char b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", b);
    return buf;
}

std::string codePointName(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

// Quotes a token or line for an error message, shortening very long ones.
std::string inQuotes(const std::string& s) {
    return "\"" + (s.size() > 80 ? s.substr(0, 80) + "..." : s) + "\"";
}

std::string readWholeFile(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw TokenizerError("cannot read " + path + " (" + std::strerror(errno) +
                             "). Fix: point the tokenizer at the model's " + what +
                             " (it sits next to the model weights).");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw TokenizerError("cannot read " + path + ": read error. Fix: check that it is a " +
                             "regular file (the model's " + what + ").");
    return ss.str();
}

}  // namespace

// ---- ByteTokenizer ------------------------------------------------------------------------

std::vector<int> ByteTokenizer::encode(const std::string& utf8) const {
    std::vector<int> ids;
    ids.reserve(utf8.size());
    for (char c : utf8) ids.push_back(static_cast<unsigned char>(c));
    return ids;
}

std::string ByteTokenizer::decode(const std::vector<int>& ids) const {
    std::string out;
    out.reserve(ids.size());
    for (int id : ids) {
        if (id < 0 || id > 255)
            throw TokenizerError("byte tokenizer: token id " + std::to_string(id) +
                                 " is outside 0..255. Fix: decode ids produced by the byte "
                                 "tokenizer (a model with vocab_size 256).");
        out += static_cast<char>(id);
    }
    return out;
}

std::string ByteTokenizer::tokenString(int id) const {
    if (id < 0 || id > 255) return {};
    if (id >= 33 && id <= 126) return std::string(1, static_cast<char>(id));
    return "<" + hexByte(static_cast<unsigned char>(id)) + ">";
}

int Tokenizer::tokenId(const std::string& token) const {
    for (int id = 0; id < vocabSize(); ++id)
        if (tokenString(id) == token) return id;
    return -1;
}

// ---- GPT-2 byte table and pre-tokenizer ---------------------------------------------------

char32_t gpt2ByteToUnicode(unsigned char byte) {
    return byteTables().toUnicode[byte];
}

std::string gpt2ByteSymbol(unsigned char byte) {
    return byteTables().symbol[byte];
}

std::vector<std::string> gpt2PreTokenize(const std::string& text) {
    std::vector<std::string> pieces;
    size_t covered = 0;  // text[0, covered) is in pieces
    for (const auto& [begin, end] : text::gpt2Regex().findAll(text)) {
        // Only ill-formed bytes are left between two matches: every valid character is a
        // letter, a number, white space or something else, and the regex takes each.
        if (begin > covered) pieces.push_back(text.substr(covered, begin - covered));
        if (end > begin) pieces.push_back(text.substr(begin, end - begin));
        covered = end;
    }
    if (covered < text.size()) pieces.push_back(text.substr(covered));
    return pieces;
}

// ---- Gpt2BpeTokenizer ---------------------------------------------------------------------

Gpt2BpeTokenizer::Gpt2BpeTokenizer(const std::map<std::string, int>& vocab,
                                   const MergeList& merges) {
    std::vector<Merge> list;
    list.reserve(merges.size());
    for (size_t i = 0; i < merges.size(); ++i)
        list.push_back({merges[i].first, merges[i].second, "merges[" + std::to_string(i) + "]"});
    init(vocab, list, "vocab");
}

std::unique_ptr<Gpt2BpeTokenizer> Gpt2BpeTokenizer::load(const std::string& vocabJsonPath,
                                                         const std::string& mergesTxtPath,
                                                         int expectedVocabSize) {
    using nlohmann::json;
    const std::string vocabText = readWholeFile(vocabJsonPath, "vocab.json");
    const std::string fixVocab =
        " Fix: use the vocab.json that came with the model (GPT-2 style: "
        "{\"token\": id, ...}).";

    // nlohmann keeps the last of duplicate keys silently; count them while parsing.
    std::set<std::string> keys;
    std::string duplicateKey;
    json::parser_callback_t onEvent = [&](int depth, json::parse_event_t event, json& parsed) {
        if (depth == 1 && event == json::parse_event_t::key && parsed.is_string()) {
            if (!keys.insert(parsed.get<std::string>()).second && duplicateKey.empty())
                duplicateKey = parsed.get<std::string>();
        }
        return true;
    };
    json doc;
    try {
        doc = json::parse(vocabText, onEvent);
    } catch (const json::exception& e) {
        throw TokenizerError(vocabJsonPath + " is not valid JSON (" + e.what() + ")." + fixVocab);
    }
    if (!doc.is_object())
        throw TokenizerError(vocabJsonPath +
                             ": expected a JSON object mapping token strings to "
                             "integer ids, found a JSON " +
                             std::string(doc.type_name()) + "." + fixVocab);
    if (!duplicateKey.empty())
        throw TokenizerError(vocabJsonPath + ": token " + inQuotes(duplicateKey) +
                             " appears more than once." + fixVocab);
    std::map<std::string, int> vocab;
    const auto n = static_cast<int64_t>(doc.size());
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const json& v = it.value();
        if (!v.is_number_integer())
            throw TokenizerError(vocabJsonPath + ": token " + inQuotes(it.key()) + " has value " +
                                 v.dump() + ", expected an integer id." + fixVocab);
        const int64_t id =
            v.is_number_unsigned()
                ? static_cast<int64_t>(std::min<uint64_t>(v.get<uint64_t>(), INT64_MAX))
                : v.get<int64_t>();
        if (id < 0 || id >= n)
            throw TokenizerError(vocabJsonPath + ": token " + inQuotes(it.key()) + " has id " +
                                 std::to_string(id) + " but the file has " + std::to_string(n) +
                                 " entries, so ids must be 0.." + std::to_string(n - 1) + "." +
                                 fixVocab);
        vocab.emplace(it.key(), static_cast<int>(id));
    }
    if (expectedVocabSize > 0 && expectedVocabSize != n)
        throw TokenizerError(vocabJsonPath + " has " + std::to_string(n) +
                             " entries but config.json says vocab_size " +
                             std::to_string(expectedVocabSize) +
                             ": the tokenizer files do not belong to this model. Fix: use the "
                             "vocab.json and merges.txt shipped with the model, or correct "
                             "vocab_size in config.json.");

    const std::string mergesText = readWholeFile(mergesTxtPath, "merges.txt");
    std::vector<Merge> merges;
    size_t pos = 0;
    int lineNo = 0;
    while (pos < mergesText.size()) {
        size_t end = mergesText.find('\n', pos);
        if (end == std::string::npos) end = mergesText.size();
        std::string line = mergesText.substr(pos, end - pos);
        pos = end + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (lineNo == 1 && line.rfind("#version", 0) == 0) continue;
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        const size_t space = line.find(' ');
        const std::string where = mergesTxtPath + ":" + std::to_string(lineNo);
        if (space == std::string::npos || space == 0 || space + 1 == line.size() ||
            line.find_first_of(" \t", space + 1) != std::string::npos)
            throw TokenizerError(where +
                                 ": expected two symbols separated by one space (like "
                                 "\"Ġ t\"), found " +
                                 inQuotes(line) +
                                 ". Fix: use the merges.txt that came with the model.");
        merges.push_back({line.substr(0, space), line.substr(space + 1), where});
    }

    std::unique_ptr<Gpt2BpeTokenizer> tok(new Gpt2BpeTokenizer());
    tok->init(vocab, merges, vocabJsonPath);
    return tok;
}

void Gpt2BpeTokenizer::init(const std::map<std::string, int>& vocab,
                            const std::vector<Merge>& merges, const std::string& vocabSource) {
    const ByteTables& tables = byteTables();
    const std::string fix = " Fix: use the vocab.json and merges.txt that came with the model.";
    m_vocabSource = vocabSource;
    const auto n = static_cast<int64_t>(vocab.size());
    if (n == 0) throw TokenizerError(vocabSource + " is empty." + fix);
    m_idToken.assign(vocab.size(), std::string());
    m_idBytes.assign(vocab.size(), std::string());
    std::vector<bool> used(vocab.size(), false);
    for (const auto& [token, id] : vocab) {
        if (id < 0 || id >= n)
            throw TokenizerError(vocabSource + ": token " + inQuotes(token) + " has id " +
                                 std::to_string(id) + " but there are " + std::to_string(n) +
                                 " entries, so ids must be 0.." + std::to_string(n - 1) + "." +
                                 fix);
        if (used[id])
            throw TokenizerError(vocabSource + ": id " + std::to_string(id) + " is used by both " +
                                 inQuotes(m_idToken[id]) + " and " + inQuotes(token) +
                                 "; every id must be unique." + fix);
        used[id] = true;
        m_idToken[id] = token;
        std::string bytes;
        for (size_t i = 0; i < token.size();) {
            char32_t cp = 0;
            if (!nextCodePoint(token, i, cp))
                throw TokenizerError(vocabSource + ": token " + inQuotes(token) +
                                     " is not valid UTF-8." + fix);
            if (cp >= static_cast<char32_t>(kUnicodeTableSize) || tables.toByte[cp] < 0)
                throw TokenizerError(vocabSource + ": token " + inQuotes(token) + " contains " +
                                     codePointName(cp) +
                                     ", which is not a GPT-2 byte symbol; a byte-level BPE "
                                     "vocabulary holds byte symbols only." +
                                     fix);
            bytes += static_cast<char>(tables.toByte[cp]);
        }
        m_idBytes[id] = std::move(bytes);
        m_vocab.emplace(token, id);
    }
    for (int b = 0; b < 256; ++b) {
        const auto it = m_vocab.find(tables.symbol[b]);
        m_byteId[b] = it == m_vocab.end() ? -1 : it->second;
    }
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const Merge& m = merges[rank];
        if (m.left.empty() || m.right.empty() || m.left.find(' ') != std::string::npos ||
            m.right.find(' ') != std::string::npos)
            throw TokenizerError(m.where +
                                 ": a merge needs two non-empty symbols without "
                                 "spaces, found " +
                                 inQuotes(m.left + " " + m.right) + "." + fix);
        for (const std::string* part :
             {&m.left, &m.right, static_cast<const std::string*>(nullptr)}) {
            const std::string symbol = part ? *part : m.left + m.right;
            if (!m_vocab.count(symbol))
                throw TokenizerError(m.where + ": merge " + inQuotes(m.left + " " + m.right) +
                                     (part ? ": symbol " : ": its result ") + inQuotes(symbol) +
                                     " is not in the vocabulary (" + vocabSource +
                                     "). Fix: use the merges.txt that belongs to this "
                                     "vocab.json.");
        }
        // The first occurrence of a pair defines its rank.
        m_mergeRank.emplace(m.left + " " + m.right, static_cast<int>(rank));
    }
}

std::vector<std::string> Gpt2BpeTokenizer::bpe(const std::string& piece) const {
    const ByteTables& tables = byteTables();
    std::vector<std::string> symbols;
    symbols.reserve(piece.size());
    for (char c : piece) symbols.push_back(tables.symbol[static_cast<unsigned char>(c)]);
    std::string key;
    while (symbols.size() > 1) {
        int bestRank = INT_MAX;
        size_t best = 0;
        for (size_t k = 0; k + 1 < symbols.size(); ++k) {
            key.assign(symbols[k]).append(1, ' ').append(symbols[k + 1]);
            const auto it = m_mergeRank.find(key);
            if (it != m_mergeRank.end() && it->second < bestRank) {
                bestRank = it->second;
                best = k;
            }
        }
        if (bestRank == INT_MAX) break;
        // Merge every occurrence of the best pair, left to right (as GPT-2 does).
        const std::string left = symbols[best], right = symbols[best + 1];
        std::vector<std::string> merged;
        merged.reserve(symbols.size());
        for (size_t k = 0; k < symbols.size(); ++k) {
            if (k + 1 < symbols.size() && symbols[k] == left && symbols[k + 1] == right) {
                merged.push_back(left + right);
                ++k;
            } else {
                merged.push_back(std::move(symbols[k]));
            }
        }
        symbols = std::move(merged);
    }
    return symbols;
}

std::vector<int> Gpt2BpeTokenizer::encode(const std::string& utf8) const {
    std::vector<int> ids;
    for (const std::string& piece : gpt2PreTokenize(utf8)) {
        for (const std::string& symbol : bpe(piece)) {
            const auto it = m_vocab.find(symbol);
            if (it != m_vocab.end()) {
                ids.push_back(it->second);
                continue;
            }
            // Merge results are checked against the vocabulary when loading, so only a
            // single byte symbol can be missing.
            size_t i = 0;
            char32_t cp = 0;
            nextCodePoint(symbol, i, cp);
            const int byte =
                cp < static_cast<char32_t>(kUnicodeTableSize) ? byteTables().toByte[cp] : -1;
            throw TokenizerError(
                "cannot encode byte " +
                (byte >= 0 ? hexByte(static_cast<unsigned char>(byte)) : std::string("?")) +
                ": its GPT-2 symbol " + inQuotes(symbol) + " is not in the vocabulary (" +
                m_vocabSource +
                "). Fix: use a vocab.json that holds all 256 byte symbols (GPT-2's does), "
                "or the byte tokenizer.");
        }
    }
    return ids;
}

std::string Gpt2BpeTokenizer::decode(const std::vector<int>& ids) const {
    std::string out;
    for (int id : ids) {
        if (id < 0 || id >= vocabSize())
            throw TokenizerError("gpt2-bpe tokenizer (" + m_vocabSource + "): token id " +
                                 std::to_string(id) + " is outside 0.." +
                                 std::to_string(vocabSize() - 1) +
                                 ". Fix: decode ids produced with this vocabulary.");
        out += m_idBytes[id];
    }
    return out;
}

const std::string& Gpt2BpeTokenizer::token(int id) const {
    if (id < 0 || id >= vocabSize())
        throw TokenizerError("gpt2-bpe tokenizer (" + m_vocabSource + "): token id " +
                             std::to_string(id) + " is outside 0.." +
                             std::to_string(vocabSize() - 1) + ".");
    return m_idToken[id];
}

std::string Gpt2BpeTokenizer::tokenString(int id) const {
    if (id < 0 || id >= vocabSize()) return {};
    return m_idToken[id];
}

int Gpt2BpeTokenizer::tokenId(const std::string& token) const {
    const auto it = m_vocab.find(token);
    return it == m_vocab.end() ? -1 : it->second;
}

}  // namespace forgetlab
