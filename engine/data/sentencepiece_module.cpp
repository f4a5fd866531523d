// forgetlab_sentencepiece: Debian's libsentencepiece behind a C interface, loaded at run time
// by engine/data/sentencepiece_tokenizer.cpp (engine/data/internal/sentencepiece_module.h
// says why it is a module of its own).
#include "engine/data/internal/sentencepiece_module.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>

#define FL_SPM_EXPORT __attribute__((visibility("default")))

struct FlSpm {
    sentencepiece::SentencePieceProcessor sp;
};

namespace {

char* copyOf(const std::string& s) {
    char* out = static_cast<char*>(std::malloc(s.size() + 1));
    if (out) {
        std::memcpy(out, s.data(), s.size());
        out[s.size()] = '\0';
    }
    return out;
}

}  // namespace

extern "C" {

FL_SPM_EXPORT int fl_spm_api_version(void) {
    return FORGETLAB_SPM_API_VERSION;
}

FL_SPM_EXPORT FlSpm* fl_spm_load(const char* path, char** error) {
    try {
        auto* model = new FlSpm;
        const auto status = model->sp.Load(path);
        if (!status.ok()) {
            *error = copyOf(status.ToString());
            delete model;
            return nullptr;
        }
        return model;
    } catch (const std::exception& e) {
        *error = copyOf(e.what());
        return nullptr;
    }
}

FL_SPM_EXPORT void fl_spm_close(FlSpm* model) {
    delete model;
}

FL_SPM_EXPORT int fl_spm_piece_size(const FlSpm* model) {
    return model->sp.GetPieceSize();
}

FL_SPM_EXPORT int fl_spm_encode(const FlSpm* model, const char* text, size_t length, int** ids,
                                char** error) {
    try {
        std::vector<int> out;
        const auto status = model->sp.Encode(std::string(text, length), &out);
        if (!status.ok()) {
            *error = copyOf(status.ToString());
            return -1;
        }
        *ids = static_cast<int*>(std::malloc((out.size() + 1) * sizeof(int)));
        if (!*ids) {
            *error = copyOf("out of memory");
            return -1;
        }
        if (!out.empty()) std::memcpy(*ids, out.data(), out.size() * sizeof(int));
        return static_cast<int>(out.size());
    } catch (const std::exception& e) {
        *error = copyOf(e.what());
        return -1;
    }
}

FL_SPM_EXPORT char* fl_spm_decode(const FlSpm* model, const int* ids, size_t count, size_t* length,
                                  char** error) {
    try {
        std::string text;
        const auto status = model->sp.Decode(std::vector<int>(ids, ids + count), &text);
        if (!status.ok()) {
            *error = copyOf(status.ToString());
            return nullptr;
        }
        *length = text.size();
        return copyOf(text);
    } catch (const std::exception& e) {
        *error = copyOf(e.what());
        return nullptr;
    }
}

FL_SPM_EXPORT const char* fl_spm_id_to_piece(const FlSpm* model, int id, size_t* length) {
    const std::string& piece = model->sp.IdToPiece(id);
    *length = piece.size();
    return piece.data();
}

FL_SPM_EXPORT int fl_spm_piece_to_id(const FlSpm* model, const char* piece, size_t length) {
    return model->sp.PieceToId(std::string(piece, length));
}

FL_SPM_EXPORT int fl_spm_piece_kind(const FlSpm* model, int id) {
    return (model->sp.IsControl(id) ? 1 : 0) | (model->sp.IsUnknown(id) ? 2 : 0) |
           (model->sp.IsByte(id) ? 4 : 0);
}

FL_SPM_EXPORT void fl_spm_free(void* memory) {
    std::free(memory);
}

}  // extern "C"
