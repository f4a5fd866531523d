#pragma once
// Reader for IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or not:
// magic 0x0000 <type> <ndims>, ndims big-endian int32 sizes, then the unsigned bytes.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace forgetlab {

// A data file is missing, truncated or corrupt. The message names the file.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct IdxArray {
    std::vector<int64_t> dims;
    std::vector<uint8_t> data;  // row-major, product(dims) bytes
};

// Reads and validates one IDX file of unsigned bytes (type 0x08), gzip-compressed or plain:
// zlib tells them apart by the content, whatever the name. Throws DataError.
IdxArray readIdx(const std::string& path);
// The same; the name Fashion-MNIST's loader has always used.
IdxArray readIdxGz(const std::string& path);

// Writes an IDX file of unsigned bytes, gzip-compressed (used by tests and tools).
void writeIdxGz(const std::string& path, const IdxArray& array);
// Writes it uncompressed, as MNIST's files are once gunzipped.
void writeIdx(const std::string& path, const IdxArray& array);

}  // namespace forgetlab
