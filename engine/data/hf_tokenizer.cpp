// HfTokenizer, a Hugging Face tokenizer.json with a BPE model (engine/data/hf_tokenizer.h):
// loading the file and reading its model (vocab, merges and their options), added tokens
// and post_processor, then encoding as the library does (added tokens split off, the
// normalizer, the pre-tokenizer, BPE per piece) and decoding through the decoder. The parts
// it assembles are in the hf_*.cpp files beside it, declared in
// engine/data/internal/hf_tokenizer_parts.h.
#include "engine/data/hf_tokenizer.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine/data/internal/hf_tokenizer_parts.h"
#include "engine/data/internal/tokenizer_text.h"

namespace forgetlab {

using namespace hf;

namespace {

std::string readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw TokenizerError("cannot read " + path + " (" + std::strerror(errno) +
                             "). Fix: point ForgetLab at the model folder that holds "
                             "tokenizer.json.");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw TokenizerError("cannot read " + path +
                             ": read error. Fix: check that it is a regular file.");
    return ss.str();
}

}  // namespace

// ---- HfTokenizer ----------------------------------------------------------------------------

struct HfTokenizer::Impl {
    std::string source;
    BpeModel model;
    std::vector<std::string> idToken;  // model vocabulary by id ("" for holes)
    std::vector<bool> hasToken;
    std::vector<AddedToken> added;
    std::unordered_map<int, size_t> addedById;
    std::unordered_map<std::string, int> addedByContent;
    Matcher rawMatcher, normalizedMatcher;
    std::unique_ptr<Normalizer> normalizer;
    std::unique_ptr<PreTokenizer> preTokenizer;
    std::unique_ptr<Decoder> decoder;
    int size = 0;
    int ppBos = -1, ppEos = -1;

    Pieces pipeline(const std::string& utf8) const {
        const std::string valid = text::replaceInvalidUtf8(utf8);
        Pieces pieces;
        if (valid.empty()) return pieces;
        pieces.push_back({fromOriginal(valid), -1});
        pieces = extract(std::move(pieces), rawMatcher, false);
        pieces = extract(std::move(pieces), normalizedMatcher, true);
        if (preTokenizer) preTokenizer->apply(pieces);
        return pieces;
    }

    // Splits every piece that is not an added token on `matcher` (normalizing it first when
    // `normalize`), keeping the added tokens it finds as pieces with their id.
    Pieces extract(Pieces pieces, const Matcher& matcher, bool normalize) const {
        Pieces out;
        for (Piece& p : pieces) {
            if (p.id >= 0) {
                out.push_back(std::move(p));
                continue;
            }
            if (normalize && normalizer) normalizer->apply(p.n);
            if (p.n.s.empty()) continue;
            for (Piece& q : splitAdded(p.n, matcher))
                if (!q.n.s.empty()) out.push_back(std::move(q));
        }
        return out;
    }

    // AddedVocabulary::find_matches and split_with_indices.
    Pieces splitAdded(const NString& n, const Matcher& matcher) const {
        Pieces out;
        const std::string& s = n.s;
        if (matcher.empty()) {
            out.push_back({n, -1});
            return out;
        }
        size_t startOffset = 0;
        for (const Matcher::Match& m : matcher.findAll(s)) {
            size_t start = m.begin, stop = m.end;
            const AddedToken& t = added[static_cast<size_t>(m.token)];
            if (t.singleWord) {
                const char32_t before = lastChar(s, start);
                char32_t after = kInvalid;
                if (stop < s.size()) charAt(s, stop, &after);
                const bool startSpace =
                    start == 0 || before == kInvalid || !text::isWordChar(before);
                const bool stopSpace =
                    stop == s.size() || after == kInvalid || !text::isWordChar(after);
                if (!startSpace || !stopSpace) continue;
            }
            if (t.lstrip) {
                size_t newStart = start;
                while (newStart > 0) {
                    const char32_t c = lastChar(s, newStart);
                    if (c == kInvalid || !text::isWhitespace(c)) break;
                    newStart -= text::utf8Encode(c).size();
                }
                start = std::max(newStart, startOffset);
            }
            if (t.rstrip) {
                while (stop < s.size()) {
                    char32_t c = 0;
                    const size_t len = charAt(s, stop, &c);
                    if (c == kInvalid || !text::isWhitespace(c)) break;
                    stop += len;
                }
            }
            if (start < startOffset) continue;  // inside what an earlier rstrip took
            if (startOffset < start) out.push_back({sliceOf(n, startOffset, start), -1});
            out.push_back({sliceOf(n, start, stop), t.id});
            startOffset = stop;
        }
        if (startOffset != s.size()) out.push_back({sliceOf(n, startOffset, s.size()), -1});
        return out;
    }

    bool tokenFor(int id, std::string* out) const {
        const auto a = addedById.find(id);
        if (a != addedById.end()) {
            *out = added[a->second].content;
            return true;
        }
        if (id >= 0 && static_cast<size_t>(id) < idToken.size() && hasToken[id]) {
            *out = idToken[id];
            return true;
        }
        return false;
    }
};

HfTokenizer::HfTokenizer(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
HfTokenizer::~HfTokenizer() = default;

std::unique_ptr<HfTokenizer> HfTokenizer::load(const std::string& tokenizerJsonPath) {
    return fromJson(readWholeFile(tokenizerJsonPath), tokenizerJsonPath);
}

std::unique_ptr<HfTokenizer> HfTokenizer::fromJson(const std::string& jsonText,
                                                   const std::string& source) {
    if (jsonText.rfind("version https://git-lfs", 0) == 0)
        throw TokenizerError(source +
                             " is a Git LFS pointer, not the tokenizer itself. Fix: fetch the "
                             "real file (git lfs pull in the model's clone) or download it "
                             "again.");
    json doc;
    try {
        doc = json::parse(jsonText);
    } catch (const json::parse_error& e) {
        if (e.byte >= jsonText.size())
            throw TokenizerError(source + " ends in the middle of its JSON (" +
                                 std::to_string(jsonText.size()) +
                                 " bytes): the file is truncated. Fix: copy or download "
                                 "tokenizer.json again; an interrupted download looks like "
                                 "this.");
        throw TokenizerError(source + " is not valid JSON (" + e.what() +
                             "). Fix: use the tokenizer.json that came with the model.");
    }
    const Reader r(source, jsonText);
    if (!doc.is_object())
        r.fail("top level", "expected a JSON object (a tokenizer.json), found a JSON " +
                                std::string(doc.type_name()));
    if (const json* v = r.get(doc, "version"))
        if (!v->is_string() || v->get<std::string>() != "1.0")
            r.fail("version", "unknown tokenizer.json version " + v->dump() + " (1.0 is known)",
                   kFixUnsupported);

    auto impl = std::make_unique<Impl>();
    impl->source = source;
    BpeModel& bpe = impl->model;
    bpe.source = source;

    // model
    const json* model = r.get(doc, "model");
    if (!model || !model->is_object()) r.fail("model", "is missing (no tokenizer model)");
    std::string type = "BPE";
    if (const json* t = r.get(*model, "type")) {
        if (!t->is_string()) r.fail("model.type", "expected a string, found " + t->dump());
        type = t->get<std::string>();
    } else if (!r.get(*model, "merges")) {
        r.fail("model.type", "is missing and the model has no merges, so it is not BPE",
               kFixUnsupported);
    }
    if (type != "BPE")
        r.fail("model.type",
               "model type " + inQuotes(type) + " is not supported (ForgetLab reads BPE models)",
               kFixUnsupported);
    if (const json* d = r.get(*model, "dropout")) {
        if (!d->is_number()) r.fail("model.dropout", "expected a number, found " + d->dump());
        if (d->get<double>() != 0.0)
            r.fail("model.dropout",
                   "BPE dropout " + d->dump() + " (random merges) is not supported",
                   "set \"dropout\": null (models are evaluated without dropout)");
    }
    for (const char* option : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (const json* v = r.get(*model, option))
            if (!v->is_string() || !v->get<std::string>().empty())
                r.fail(
                    std::string("model.") + option,
                    std::string("BPE with a ") + option + " (" + v->dump() + ") is not supported",
                    kFixUnsupported);
    if (const json* u = r.get(*model, "unk_token")) {
        if (!u->is_string()) r.fail("model.unk_token", "expected a string, found " + u->dump());
        bpe.unkToken = u->get<std::string>();
        bpe.hasUnk = true;
    }
    bpe.fuseUnk = r.boolean(*model, "model", "fuse_unk", false);
    bpe.byteFallback = r.boolean(*model, "model", "byte_fallback", false);
    bpe.ignoreMerges = r.boolean(*model, "model", "ignore_merges", false);

    const json* vocab = r.get(*model, "vocab");
    if (!vocab || !vocab->is_object())
        r.fail("model.vocab", "expected a JSON object mapping tokens to ids");
    int maxId = -1;
    for (auto it = vocab->begin(); it != vocab->end(); ++it) {
        const json& v = it.value();
        // Ids index a table, so an absurd one is refused rather than allocated.
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= (1 << 24))
            r.fail("model.vocab", "token " + inQuotes(it.key()) + " has id " + v.dump() +
                                      ", expected an integer id from 0 to 16777215");
        const int id = static_cast<int>(v.get<int64_t>());
        bpe.vocab.emplace(it.key(), id);
        maxId = std::max(maxId, id);
    }
    if (bpe.vocab.empty()) r.fail("model.vocab", "is empty");
    impl->idToken.assign(static_cast<size_t>(maxId) + 1, std::string());
    impl->hasToken.assign(static_cast<size_t>(maxId) + 1, false);
    for (const auto& [token, id] : bpe.vocab) {
        if (impl->hasToken[id])
            r.fail("model.vocab", "id " + std::to_string(id) + " is used by both " +
                                      inQuotes(impl->idToken[id]) + " and " + inQuotes(token) +
                                      "; every id must be unique");
        impl->idToken[id] = token;
        impl->hasToken[id] = true;
    }
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        const auto it = bpe.vocab.find(name);
        bpe.byteIds[b] = it == bpe.vocab.end() ? -1 : it->second;
    }

    const json* merges = r.get(*model, "merges");
    if (!merges || !merges->is_array())
        r.fail("model.merges", "expected an array of merges (\"a b\" or [\"a\", \"b\"])");
    int rank = 0;
    for (size_t i = 0; i < merges->size(); ++i) {
        const json& m = (*merges)[i];
        std::string left, right;
        if (m.is_string()) {
            const std::string line = m.get<std::string>();
            if (line.rfind("#version", 0) == 0) continue;
            const size_t space = line.find(' ');
            if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
                r.fail(r.mergeWhere(i),
                       "expected two tokens separated by one space (like "
                       "\"\xC4\xA0 t\"), found " +
                           inQuotes(line));
            left = line.substr(0, space);
            right = line.substr(space + 1);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            left = m[0].get<std::string>();
            right = m[1].get<std::string>();
        } else {
            r.fail(r.mergeWhere(i),
                   "expected two tokens (\"a b\" or [\"a\", \"b\"]), found " + m.dump());
        }
        const auto a = bpe.vocab.find(left), b = bpe.vocab.find(right);
        const auto c = bpe.vocab.find(left + right);
        for (const auto& [it, tok] : {std::make_pair(a, &left), std::make_pair(b, &right)})
            if (it == bpe.vocab.end())
                r.fail(r.mergeWhere(i), "token " + inQuotes(*tok) + " of the merge " +
                                            inQuotes(left + " " + right) +
                                            " is not in model.vocab");
        if (c == bpe.vocab.end())
            r.fail(r.mergeWhere(i), "the merge " + inQuotes(left + " " + right) + " makes " +
                                        inQuotes(left + right) + ", which is not in model.vocab");
        // A repeated pair takes its last rank, as the library's map does.
        bpe.merges[BpeModel::key(a->second, b->second)] = {rank++, c->second};
    }

    // added_tokens (AddedVocabulary::add_tokens: the model's id where the content is in the
    // vocabulary, otherwise the next id after the vocabulary, in file order)
    impl->size = maxId + 1;
    int nextId = static_cast<int>(bpe.vocab.size());
    if (const json* list = r.get(doc, "added_tokens")) {
        if (!list->is_array()) r.fail("added_tokens", "expected an array");
        for (size_t i = 0; i < list->size(); ++i) {
            const json& t = (*list)[i];
            const std::string path = "added_tokens[" + std::to_string(i) + "]";
            if (!t.is_object()) r.fail(path, "expected a JSON object");
            AddedToken a;
            a.content = r.string(t, path, "content");
            a.special = r.boolean(t, path, "special", false);
            a.singleWord = r.boolean(t, path, "single_word", false);
            a.lstrip = r.boolean(t, path, "lstrip", false);
            a.rstrip = r.boolean(t, path, "rstrip", false);
            a.normalized = r.boolean(t, path, "normalized", !a.special);
            if (a.content.empty()) continue;
            const auto known = impl->addedByContent.find(a.content);
            const auto inVocab = bpe.vocab.find(a.content);
            a.id = known != impl->addedByContent.end() ? known->second
                   : inVocab != bpe.vocab.end()        ? inVocab->second
                                                       : nextId++;
            impl->addedByContent[a.content] = a.id;
            const auto slot = impl->addedById.find(a.id);
            if (slot != impl->addedById.end()) {
                impl->added[slot->second] = a;
            } else {
                impl->addedById.emplace(a.id, impl->added.size());
                impl->added.push_back(a);
            }
            impl->size = std::max(impl->size, a.id + 1);
        }
    }

    if (const json* n = r.get(doc, "normalizer"))
        impl->normalizer = readNormalizer(r, *n, "normalizer");
    if (const json* p = r.get(doc, "pre_tokenizer"))
        impl->preTokenizer = readPreTokenizer(r, *p, "pre_tokenizer");
    if (const json* d = r.get(doc, "decoder")) impl->decoder = readDecoder(r, *d, "decoder");

    for (size_t k = 0; k < impl->added.size(); ++k) {
        const AddedToken& a = impl->added[k];
        if (!a.normalized) {
            impl->rawMatcher.add(a.content, static_cast<int>(k));
        } else {
            NString n = fromOriginal(a.content);
            if (impl->normalizer) impl->normalizer->apply(n);
            impl->normalizedMatcher.add(n.s, static_cast<int>(k));
        }
    }

    // post_processor: only which special token goes before and after a single sequence.
    std::function<void(const json&)> readProcessor = [&](const json& p) {
        if (!p.is_object()) return;
        const std::string t = p.value("type", std::string());
        auto single = [&](const json& item, int* slot) {
            if (!item.is_object() || !item.contains("SpecialToken")) return;
            const json& st = item["SpecialToken"];
            const std::string name = st.is_object() ? st.value("id", std::string()) : "";
            const json* specials = r.get(p, "special_tokens");
            if (!specials || !specials->is_object() || !specials->contains(name)) return;
            const json& ids = (*specials)[name].value("ids", json::array());
            if (ids.is_array() && ids.size() == 1 && ids[0].is_number_integer() && *slot < 0)
                *slot = ids[0].get<int>();
        };
        if (t == "TemplateProcessing") {
            const json* s = r.get(p, "single");
            if (s && s->is_array() && !s->empty()) {
                single(s->front(), &impl->ppBos);
                if (s->size() > 1) single(s->back(), &impl->ppEos);
            }
        } else if (t == "RobertaProcessing" || t == "BertProcessing") {
            for (const auto& [key, slot] :
                 {std::make_pair("cls", &impl->ppBos), std::make_pair("sep", &impl->ppEos)}) {
                const json* v = r.get(p, key);
                if (v && v->is_array() && v->size() == 2 && (*v)[1].is_number_integer() &&
                    *slot < 0)
                    *slot = (*v)[1].get<int>();
            }
        } else if (t == "Sequence") {
            if (const json* list = r.get(p, "processors"))
                if (list->is_array())
                    for (const json& q : *list) readProcessor(q);
        }
    };
    if (const json* p = r.get(doc, "post_processor")) readProcessor(*p);

    return std::unique_ptr<HfTokenizer>(new HfTokenizer(std::move(impl)));
}

std::vector<int> HfTokenizer::encode(const std::string& utf8) const {
    std::vector<int> ids;
    for (const Piece& p : m->pipeline(utf8)) {
        if (p.id >= 0) {
            ids.push_back(p.id);
            continue;
        }
        const std::vector<int> part = m->model.tokenize(p.n.s);
        ids.insert(ids.end(), part.begin(), part.end());
    }
    return ids;
}

std::vector<std::string> HfTokenizer::pieces(const std::string& utf8) const {
    std::vector<std::string> out;
    for (const Piece& p : m->pipeline(utf8)) out.push_back(p.n.s);
    return out;
}

std::string HfTokenizer::decode(const std::vector<int>& ids) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int id : ids) {
        std::string t;
        if (!m->tokenFor(id, &t))
            throw TokenizerError("tokenizer " + m->source + ": token id " + std::to_string(id) +
                                 (id >= 0 && id < m->size
                                      ? " has no token"
                                      : " is outside 0.." + std::to_string(m->size - 1)) +
                                 ". Fix: decode ids produced with this tokenizer.");
        tokens.push_back(std::move(t));
    }
    if (!m->decoder) {
        std::string out;
        for (size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
        return out;
    }
    m->decoder->apply(tokens);
    std::string out;
    for (const std::string& t : tokens) out += t;
    return out;
}

int HfTokenizer::vocabSize() const {
    return m->size;
}

std::string HfTokenizer::tokenString(int id) const {
    std::string t;
    return m->tokenFor(id, &t) ? t : std::string();
}

int HfTokenizer::tokenId(const std::string& token) const {
    const auto a = m->addedByContent.find(token);
    if (a != m->addedByContent.end()) return a->second;
    const auto v = m->model.vocab.find(token);
    return v == m->model.vocab.end() ? -1 : v->second;
}

bool HfTokenizer::isSpecial(int id) const {
    const auto a = m->addedById.find(id);
    return a != m->addedById.end() && m->added[a->second].special;
}

int HfTokenizer::postProcessorBos() const {
    return m->ppBos;
}

int HfTokenizer::postProcessorEos() const {
    return m->ppEos;
}

std::string HfTokenizer::describe() const {
    std::string options;
    const BpeModel& b = m->model;
    if (b.byteFallback) options += ", byte_fallback";
    if (b.ignoreMerges) options += ", ignore_merges";
    if (b.hasUnk) options += ", unk_token " + b.unkToken + (b.fuseUnk ? " (fused)" : "");
    return "BPE (" + std::to_string(b.vocab.size()) + " tokens, " +
           std::to_string(b.merges.size()) + " merges, " + std::to_string(m->added.size()) +
           " added" + options + "); normalizer " +
           (m->normalizer ? m->normalizer->name() : "none") + "; pre_tokenizer " +
           (m->preTokenizer ? m->preTokenizer->name() : "none") + "; decoder " +
           (m->decoder ? m->decoder->name() : "none");
}

}  // namespace forgetlab
