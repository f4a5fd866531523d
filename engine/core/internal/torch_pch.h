#pragma once
// Precompiled header for engine translation units (internal; never include from public
// headers). Keeps the LibTorch include cost to one compile.
#include <torch/torch.h>
