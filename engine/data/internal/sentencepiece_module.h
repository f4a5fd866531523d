#pragma once
// The C interface of forgetlab_sentencepiece, the module that holds Debian's libsentencepiece
// (engine/data/sentencepiece_module.cpp). engine/data/sentencepiece_tokenizer.cpp loads it
// with dlopen(RTLD_LOCAL | RTLD_DEEPBIND) instead of linking libsentencepiece, because that
// library carries its own copy of protobuf 3.14 with every symbol exported: in a process that
// also has libprotobuf 3.21 (Debian's LibTorch loads it through ONNX) the two copies bind to
// each other and the process crashes before main. Loaded locally and deep-bound, the module's
// protobuf stays its own. Only C types cross this interface, so the module is also free of
// the libstdc++ ABI a LibTorch build may impose on the engine.

#include <stddef.h>

extern "C" {

// Bumped whenever a signature below changes.
#define FORGETLAB_SPM_API_VERSION 1

typedef struct FlSpm FlSpm;

int fl_spm_api_version(void);
// nullptr on failure, with *error set to a message (free it with fl_spm_free).
FlSpm* fl_spm_load(const char* path, char** error);
void fl_spm_close(FlSpm* model);
int fl_spm_piece_size(const FlSpm* model);
// The number of ids, stored in *ids (free with fl_spm_free); -1 with *error on failure.
int fl_spm_encode(const FlSpm* model, const char* text, size_t length, int** ids, char** error);
// The text (free with fl_spm_free), its length in *length; nullptr with *error on failure.
char* fl_spm_decode(const FlSpm* model, const int* ids, size_t count, size_t* length, char** error);
// The piece of an id, valid as long as the model; its length in *length.
const char* fl_spm_id_to_piece(const FlSpm* model, int id, size_t* length);
// The id of a piece (the unknown id when it is not one).
int fl_spm_piece_to_id(const FlSpm* model, const char* piece, size_t length);
// Bit 1: control piece (<s>, </s>), bit 2: the unknown piece, bit 4: a byte piece.
int fl_spm_piece_kind(const FlSpm* model, int id);
void fl_spm_free(void* memory);
}
