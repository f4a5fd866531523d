// A C interface over Debian's libsentencepiece, built as its own module and loaded with
// dlopen(RTLD_LOCAL | RTLD_DEEPBIND) (engine/data/internal/spm_shim.h). libsentencepiece
// carries its own copy of protobuf-lite with exported symbols, and LibTorch loads the
// system libprotobuf: linked into one executable the two resolve to each other's functions
// and crash during static initialisation. Kept apart like this, each uses its own.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>

namespace {

void setError(char* err, int errLen, const std::string& text) {
    if (!err || errLen <= 0) return;
    std::strncpy(err, text.c_str(), size_t(errLen) - 1);
    err[errLen - 1] = '\0';
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* fl_spm_load(const char* path, char* err, int errLen) {
    auto sp = std::make_unique<sentencepiece::SentencePieceProcessor>();
    const auto status = sp->Load(path);
    if (!status.ok()) {
        setError(err, errLen, status.ToString());
        return nullptr;
    }
    return sp.release();
}

__attribute__((visibility("default"))) void fl_spm_free(void* handle) {
    delete static_cast<sentencepiece::SentencePieceProcessor*>(handle);
}

__attribute__((visibility("default"))) int fl_spm_piece_size(void* handle) {
    return static_cast<sentencepiece::SentencePieceProcessor*>(handle)->GetPieceSize();
}

// 1 control, 2 unknown, 4 byte, 8 unused; 0 a normal piece.
__attribute__((visibility("default"))) int fl_spm_piece_kind(void* handle, int id) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    return (sp->IsControl(id) ? 1 : 0) | (sp->IsUnknown(id) ? 2 : 0) | (sp->IsByte(id) ? 4 : 0) |
           (sp->IsUnused(id) ? 8 : 0);
}

// The piece's text, valid while the model is loaded.
__attribute__((visibility("default"))) const char* fl_spm_id_to_piece(void* handle, int id) {
    return static_cast<sentencepiece::SentencePieceProcessor*>(handle)->IdToPiece(id).c_str();
}

// Encodes text into at most `capacity` ids; returns how many there are (call again with a
// larger buffer when that exceeds capacity), or -1 with err set.
__attribute__((visibility("default"))) int fl_spm_encode(void* handle, const char* text,
                                                         size_t length, int* ids, int capacity,
                                                         char* err, int errLen) {
    std::vector<int> out;
    const auto status = static_cast<sentencepiece::SentencePieceProcessor*>(handle)->Encode(
        std::string(text, length), &out);
    if (!status.ok()) {
        setError(err, errLen, status.ToString());
        return -1;
    }
    for (size_t i = 0; i < out.size() && int(i) < capacity; ++i) ids[i] = out[i];
    return int(out.size());
}

// Decodes ids into at most `capacity` bytes; returns the length (call again when larger),
// or -1 with err set.
__attribute__((visibility("default"))) int fl_spm_decode(void* handle, const int* ids, int count,
                                                         char* text, int capacity, char* err,
                                                         int errLen) {
    std::string out;
    const auto status = static_cast<sentencepiece::SentencePieceProcessor*>(handle)->Decode(
        std::vector<int>(ids, ids + count), &out);
    if (!status.ok()) {
        setError(err, errLen, status.ToString());
        return -1;
    }
    if (int(out.size()) <= capacity) std::memcpy(text, out.data(), out.size());
    return int(out.size());
}

}  // extern "C"
