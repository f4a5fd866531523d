#include "engine/data/internal/spm_shim.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "engine/data/tokenizer.h"

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> candidates() {
    std::vector<std::string> out;
    if (const char* env = std::getenv("FORGETLAB_SPM_MODULE"); env && *env) out.push_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        out.push_back((exe.parent_path() / "libforgetlab_spm.so").string());
        out.push_back((exe.parent_path() / ".." / "lib" / "forgetlab" / "libforgetlab_spm.so")
                          .lexically_normal()
                          .string());
    }
#ifdef FORGETLAB_SPM_BUILD_PATH
    out.push_back(FORGETLAB_SPM_BUILD_PATH);
#endif
    return out;
}

}  // namespace

SpmModule::SpmModule() {
    std::string tried, lastError;
    void* lib = nullptr;
    for (const std::string& path : candidates()) {
        if (!fs::exists(path)) {
            tried += "\n  " + path + " (absent)";
            continue;
        }
        lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
        if (lib) break;
        const char* e = ::dlerror();
        tried += "\n  " + path + " (" + (e ? e : "cannot load") + ")";
    }
    if (!lib)
        throw TokenizerError(
            "reading tokenizer.model needs ForgetLab's SentencePiece module "
            "libforgetlab_spm.so, which was not found; looked at:" +
            tried +
            "\nFix: build the forgetlab_spm target (make builds it) "
            "or set FORGETLAB_SPM_MODULE to its path");
    auto sym = [&](const char* name) {
        void* p = ::dlsym(lib, name);
        if (!p)
            throw TokenizerError(std::string("libforgetlab_spm.so lacks ") + name +
                                 ": it is from another ForgetLab version; rebuild it");
        return p;
    };
    load = reinterpret_cast<decltype(load)>(sym("fl_spm_load"));
    free = reinterpret_cast<decltype(free)>(sym("fl_spm_free"));
    pieceSize = reinterpret_cast<decltype(pieceSize)>(sym("fl_spm_piece_size"));
    pieceKind = reinterpret_cast<decltype(pieceKind)>(sym("fl_spm_piece_kind"));
    idToPiece = reinterpret_cast<decltype(idToPiece)>(sym("fl_spm_id_to_piece"));
    encode = reinterpret_cast<decltype(encode)>(sym("fl_spm_encode"));
    decode = reinterpret_cast<decltype(decode)>(sym("fl_spm_decode"));
}

const SpmModule& SpmModule::instance() {
    static const SpmModule module;  // a failed load throws again on the next call
    return module;
}

}  // namespace forgetlab
