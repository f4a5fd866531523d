#include "engine/data/idx_reader.h"

#include <filesystem>
#include <fstream>
#include <memory>

#include <zlib.h>

namespace forgetlab {
namespace {

struct GzCloser {
    void operator()(gzFile f) const {
        if (f) gzclose(f);
    }
};
using GzPtr = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// Reads exactly n bytes; returns how many were read (less at end of file). Throws on a
// decompression error (corrupt gzip stream).
size_t readFully(gzFile f, uint8_t* out, size_t n, const std::string& path) {
    size_t done = 0;
    while (done < n) {
        const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - done, 1u << 30));
        const int got = gzread(f, out + done, chunk);
        if (got < 0) {
            int err = 0;
            const char* msg = gzerror(f, &err);
            throw DataError(path + ": corrupt gzip data (" + std::string(msg ? msg : "?") + ")");
        }
        if (got == 0) {
            // gzread returns 0 both at a clean EOF and for a truncated stream; gzerror
            // tells the two apart.
            int err = 0;
            gzerror(f, &err);
            if (err != Z_OK && err != Z_STREAM_END)
                throw DataError(path + ": corrupt or truncated gzip data");
            break;
        }
        done += static_cast<size_t>(got);
    }
    return done;
}

}  // namespace

IdxArray readIdx(const std::string& path) {
    if (!std::filesystem::exists(path)) throw DataError(path + ": file not found");
    GzPtr f(gzopen(path.c_str(), "rb"));
    if (!f) throw DataError(path + ": cannot open for reading");

    uint8_t header[4];
    if (readFully(f.get(), header, 4, path) != 4)
        throw DataError(path + ": truncated (no IDX header)");
    if (header[0] != 0 || header[1] != 0)
        throw DataError(path + ": not an IDX file (bad magic number)");
    if (header[2] != 0x08)
        throw DataError(path + ": unsupported IDX element type 0x" +
                        std::to_string(int(header[2])) + " (expected unsigned bytes, 0x08)");
    const int ndims = header[3];
    if (ndims < 1 || ndims > 4)
        throw DataError(path + ": implausible number of dimensions " + std::to_string(ndims));

    IdxArray out;
    uint64_t total = 1;
    for (int i = 0; i < ndims; ++i) {
        uint8_t b[4];
        if (readFully(f.get(), b, 4, path) != 4)
            throw DataError(path + ": truncated in the dimension sizes");
        const uint32_t d = (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) |
                           uint32_t(b[3]);
        if (d == 0 || d > 100000000u)
            throw DataError(path + ": implausible dimension size " + std::to_string(d));
        out.dims.push_back(d);
        total *= d;
        if (total > (uint64_t(1) << 33)) throw DataError(path + ": implausibly large array");
    }
    out.data.resize(total);
    const size_t got = readFully(f.get(), out.data.data(), total, path);
    if (got != total)
        throw DataError(path + ": truncated: header promises " + std::to_string(total) +
                        " bytes of data, file has " + std::to_string(got));
    uint8_t extra;
    if (readFully(f.get(), &extra, 1, path) != 0)
        throw DataError(path + ": corrupt: more data than the header's dimensions describe");
    return out;
}

IdxArray readIdxGz(const std::string& path) {
    return readIdx(path);
}

namespace {

std::vector<uint8_t> idxBytes(const IdxArray& array) {
    std::vector<uint8_t> buf = {0, 0, 0x08, static_cast<uint8_t>(array.dims.size())};
    for (int64_t d : array.dims) {
        const uint32_t u = static_cast<uint32_t>(d);
        buf.insert(buf.end(), {uint8_t(u >> 24), uint8_t(u >> 16), uint8_t(u >> 8), uint8_t(u)});
    }
    buf.insert(buf.end(), array.data.begin(), array.data.end());
    return buf;
}

}  // namespace

void writeIdx(const std::string& path, const IdxArray& array) {
    const std::vector<uint8_t> buf = idxBytes(array);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
    if (!out) throw DataError(path + ": write failed");
}

void writeIdxGz(const std::string& path, const IdxArray& array) {
    GzPtr f(gzopen(path.c_str(), "wb"));
    if (!f) throw DataError(path + ": cannot open for writing");
    const std::vector<uint8_t> buf = idxBytes(array);
    if (gzwrite(f.get(), buf.data(), static_cast<unsigned>(buf.size())) !=
        static_cast<int>(buf.size()))
        throw DataError(path + ": write failed");
}

}  // namespace forgetlab
