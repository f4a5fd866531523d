#include "engine/data/sentencepiece_tokenizer.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <type_traits>

#include "engine/data/internal/sentencepiece_module.h"

// CMake passes where the module is built and installed (engine/CMakeLists.txt).
#ifndef FORGETLAB_SENTENCEPIECE_MODULE_NAME
#define FORGETLAB_SENTENCEPIECE_MODULE_NAME "libforgetlab_sentencepiece.so"
#endif
#ifndef FORGETLAB_SENTENCEPIECE_MODULE_BUILD
#define FORGETLAB_SENTENCEPIECE_MODULE_BUILD ""
#endif
#ifndef FORGETLAB_SENTENCEPIECE_MODULE_INSTALLED
#define FORGETLAB_SENTENCEPIECE_MODULE_INSTALLED ""
#endif

namespace forgetlab {
namespace {

// The module's functions, loaded once (engine/data/internal/sentencepiece_module.h).
struct ModuleApi {
    decltype(&fl_spm_load) load = nullptr;
    decltype(&fl_spm_close) close = nullptr;
    decltype(&fl_spm_piece_size) pieceSize = nullptr;
    decltype(&fl_spm_encode) encode = nullptr;
    decltype(&fl_spm_decode) decode = nullptr;
    decltype(&fl_spm_id_to_piece) idToPiece = nullptr;
    decltype(&fl_spm_piece_to_id) pieceToId = nullptr;
    decltype(&fl_spm_piece_kind) pieceKind = nullptr;
    decltype(&fl_spm_free) free = nullptr;
    std::string problem;  // why it could not be loaded ("" when it was)
};

std::string executableDir() {
    char buffer[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n <= 0) return {};
    return std::filesystem::path(std::string(buffer, static_cast<size_t>(n)))
        .parent_path()
        .string();
}

const ModuleApi& moduleApi() {
    static const ModuleApi api = [] {
        ModuleApi a;
        std::vector<std::string> candidates;
        if (const char* env = std::getenv("FORGETLAB_SENTENCEPIECE_MODULE"))
            if (*env) candidates.emplace_back(env);
        const std::string exe = executableDir();
        if (!exe.empty()) candidates.push_back(exe + "/" FORGETLAB_SENTENCEPIECE_MODULE_NAME);
        for (const char* p :
             {FORGETLAB_SENTENCEPIECE_MODULE_BUILD, FORGETLAB_SENTENCEPIECE_MODULE_INSTALLED})
            if (*p) candidates.emplace_back(p);
        std::string tried;
        for (const std::string& path : candidates) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(path, ec)) {
                tried += "\n  " + path + " (not there)";
                continue;
            }
            // Local and deep-bound: the module's own protobuf copy stays out of the process's
            // symbol namespace (see sentencepiece_module.h).
            void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
            if (!lib) {
                tried += "\n  " + path + " (" + dlerror() + ")";
                continue;
            }
            auto version =
                reinterpret_cast<decltype(&fl_spm_api_version)>(dlsym(lib, "fl_spm_api_version"));
            if (!version || version() != FORGETLAB_SPM_API_VERSION) {
                tried += "\n  " + path + " (built from another ForgetLab version)";
                dlclose(lib);
                continue;
            }
            auto get = [&](auto& fn, const char* name) {
                fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
                return fn != nullptr;
            };
            if (get(a.load, "fl_spm_load") && get(a.close, "fl_spm_close") &&
                get(a.pieceSize, "fl_spm_piece_size") && get(a.encode, "fl_spm_encode") &&
                get(a.decode, "fl_spm_decode") && get(a.idToPiece, "fl_spm_id_to_piece") &&
                get(a.pieceToId, "fl_spm_piece_to_id") && get(a.pieceKind, "fl_spm_piece_kind") &&
                get(a.free, "fl_spm_free"))
                return a;  // the library stays loaded for the life of the process
            tried += "\n  " + path + " (a function is missing)";
            dlclose(lib);
            a = ModuleApi();
        }
        a.problem = "the SentencePiece module " FORGETLAB_SENTENCEPIECE_MODULE_NAME
                    " could not be loaded; tried:" +
                    tried +
                    "\nFix: build the target forgetlab_sentencepiece (it is built with the "
                    "engine) and install it with ForgetLab, or point "
                    "FORGETLAB_SENTENCEPIECE_MODULE at it.";
        return a;
    }();
    return api;
}

std::string takeMessage(const ModuleApi& api, char* message) {
    std::string s = message ? message : "unknown error";
    api.free(message);
    return s;
}

}  // namespace

struct SentencePieceTokenizer::Impl {
    const ModuleApi& api = moduleApi();
    FlSpm* model = nullptr;
    std::string source;
    int size = 0;
    std::vector<unsigned char> special;  // per id: control or unknown
    // Control and unknown pieces, longest first (text is split on them).
    std::vector<std::pair<std::string, int>> specials;

    ~Impl() {
        if (model) api.close(model);
    }

    [[noreturn]] void failed(const char* what, const std::string& message) const {
        throw TokenizerError("SentencePiece tokenizer " + source + ": " + what + " failed (" +
                             message +
                             "). Fix: check the text, or use the tokenizer.model that came "
                             "with the model.");
    }

    std::string piece(int id) const {
        size_t length = 0;
        const char* p = api.idToPiece(model, id, &length);
        return std::string(p, length);
    }

    void encodeStretch(const std::string& text, std::vector<int>& ids) const {
        if (text.empty()) return;
        int* out = nullptr;
        char* error = nullptr;
        const int n = api.encode(model, text.data(), text.size(), &out, &error);
        if (n < 0) failed("encoding", takeMessage(api, error));
        ids.insert(ids.end(), out, out + n);
        api.free(out);
    }
};

SentencePieceTokenizer::SentencePieceTokenizer(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::load(const std::string& modelPath) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(modelPath, ec))
        throw TokenizerError("cannot read " + modelPath +
                             " (no such file). Fix: point ForgetLab at the model folder that "
                             "holds tokenizer.model.");
    auto impl = std::make_unique<Impl>();
    impl->source = modelPath;
    const ModuleApi& api = impl->api;
    if (!api.problem.empty()) throw TokenizerError("cannot read " + modelPath + ": " + api.problem);
    char* error = nullptr;
    impl->model = api.load(modelPath.c_str(), &error);
    if (!impl->model)
        throw TokenizerError(modelPath + " is not a SentencePiece model (" +
                             takeMessage(api, error) +
                             "). Fix: use the tokenizer.model that came with the model; a "
                             "truncated download or a Git LFS pointer looks like this (git "
                             "lfs pull).");
    impl->size = api.pieceSize(impl->model);
    impl->special.assign(static_cast<size_t>(std::max(impl->size, 0)), 0);
    for (int id = 0; id < impl->size; ++id)
        if (api.pieceKind(impl->model, id) & 3) {
            impl->special[id] = 1;
            const std::string piece = impl->piece(id);
            if (!piece.empty()) impl->specials.emplace_back(piece, id);
        }
    std::stable_sort(impl->specials.begin(), impl->specials.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    return std::unique_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer(std::move(impl)));
}

std::vector<int> SentencePieceTokenizer::encode(const std::string& utf8) const {
    std::vector<int> ids;
    size_t start = 0;  // of the stretch not yet encoded
    for (size_t i = 0; i < utf8.size();) {
        int found = -1;
        size_t length = 0;
        for (const auto& [piece, id] : m->specials)
            if (utf8.compare(i, piece.size(), piece) == 0) {
                found = id;
                length = piece.size();
                break;
            }
        if (found < 0) {
            ++i;
            continue;
        }
        m->encodeStretch(utf8.substr(start, i - start), ids);
        ids.push_back(found);
        i += length;
        start = i;
    }
    m->encodeStretch(utf8.substr(start), ids);
    return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int>& ids) const {
    std::string out;
    std::vector<int> run;
    auto flush = [&] {
        if (run.empty()) return;
        size_t length = 0;
        char* error = nullptr;
        char* text = m->api.decode(m->model, run.data(), run.size(), &length, &error);
        if (!text) m->failed("decoding", takeMessage(m->api, error));
        out.append(text, length);
        m->api.free(text);
        run.clear();
    };
    for (int id : ids) {
        if (id < 0 || id >= vocabSize())
            throw TokenizerError("SentencePiece tokenizer " + m->source + ": token id " +
                                 std::to_string(id) + " is outside 0.." +
                                 std::to_string(vocabSize() - 1) +
                                 ". Fix: decode ids produced with this tokenizer.");
        if (isSpecial(id)) {
            flush();
            out += m->piece(id);
        } else {
            run.push_back(id);
        }
    }
    flush();
    return out;
}

int SentencePieceTokenizer::vocabSize() const {
    return m->size;
}

std::string SentencePieceTokenizer::tokenString(int id) const {
    if (id < 0 || id >= vocabSize()) return {};
    return m->piece(id);
}

int SentencePieceTokenizer::tokenId(const std::string& token) const {
    // The module answers the unknown id for a piece that is not there.
    const int id = m->api.pieceToId(m->model, token.data(), token.size());
    return id >= 0 && id < vocabSize() && m->piece(id) == token ? id : -1;
}

bool SentencePieceTokenizer::isSpecial(int id) const {
    return id >= 0 && id < vocabSize() && m->special[id];
}

}  // namespace forgetlab
