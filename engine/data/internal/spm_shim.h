#pragma once
// Engine-internal. Loads the SentencePiece module (engine/data/spm_shim/spm_shim.cpp, built
// as libforgetlab_spm.so) with dlopen(RTLD_LOCAL | RTLD_DEEPBIND), so libsentencepiece's
// private protobuf never meets the one LibTorch loads. Found, in order, through
// $FORGETLAB_SPM_MODULE, beside the executable, in ../lib/forgetlab/ from it, and at the
// path the build wrote it to.

#include <string>
#include <vector>

namespace forgetlab {

class SpmModule {
public:
    // Throws TokenizerError naming where it looked when the module cannot be loaded.
    static const SpmModule& instance();

    void* (*load)(const char* path, char* err, int errLen) = nullptr;
    void (*free)(void* handle) = nullptr;
    int (*pieceSize)(void* handle) = nullptr;
    int (*pieceKind)(void* handle, int id) = nullptr;  // 1 control, 2 unknown, 4 byte, 8 unused
    const char* (*idToPiece)(void* handle, int id) = nullptr;
    int (*encode)(void* handle, const char* text, size_t length, int* ids, int capacity, char* err,
                  int errLen) = nullptr;
    int (*decode)(void* handle, const int* ids, int count, char* text, int capacity, char* err,
                  int errLen) = nullptr;

private:
    SpmModule();
};

}  // namespace forgetlab
