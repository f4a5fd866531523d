#pragma once
// Resizing images to the one square size a model takes (task.image_size), written out so the
// result is defined exactly and testable by hand: per axis, an area average when shrinking
// (every source pixel counts by how much of it an output pixel covers, so small details are
// averaged instead of aliased) and bilinear interpolation between pixel centres when
// enlarging (OpenCV's INTER_AREA rule). The two axes are resized one after the other.

namespace forgetlab {

// src holds `channels` planes of srcHeight x srcWidth floats ([C, H, W], row-major); dst
// receives channels planes of dstHeight x dstWidth. All sizes must be at least 1.
void resizeImage(const float* src, int channels, int srcHeight, int srcWidth, float* dst,
                 int dstHeight, int dstWidth);

}  // namespace forgetlab
