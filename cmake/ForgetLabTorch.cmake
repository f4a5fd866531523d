# What the LibTorch that find_package(Torch) found asks of everything built beside it:
# the C++ standard its headers need, the libstdc++ ABI it was built with, and whether it
# has CUDA. Included right after find_package(Torch), before any target exists, so that
# cmake/ForgetLabFlags.cmake can put all three on forgetlab_flags (which every ForgetLab
# target links). Works with Debian's libtorch-dev 1.13 (CPU only), the official LibTorch
# 2.x zip and Python PyTorch's (-DTorch_DIR=.../share/cmake/Torch).
#
# Sets:
#   FORGETLAB_CXX_STANDARD_USED  17 unless these torch headers demand more (20, ...), or
#                           what -DFORGETLAB_CXX_STANDARD=N asks for (never less than needed)
#   FORGETLAB_TORCH_ABI     the -D_GLIBCXX_USE_CXX11_ABI=N flag of TORCH_CXX_FLAGS, or ""
#   FORGETLAB_TORCH_CUDA    ON when this LibTorch was built with CUDA
#   FORGETLAB_TORCH_VERSION "1.13.0", "2.11.0", ... (from Torch's version file or headers)

# ---- C++ standard -------------------------------------------------------------------
# Two signs, the larger wins: the `__cplusplus < NNNNNNL` guard at the top of
# torch/all.h (torch.h includes it; 1.13 asks for 201402L, 2.x for 201703L, newer ones
# for 202002L) and the CXX_STANDARD that TorchConfig.cmake puts on its torch target.
set(_flt_required 17)
set(_flt_all_h "")
foreach(_dir ${TORCH_INCLUDE_DIRS})
  if(EXISTS "${_dir}/torch/all.h")
    set(_flt_all_h "${_dir}/torch/all.h")
    break()
  endif()
endforeach()
if(_flt_all_h)
  file(STRINGS "${_flt_all_h}" _flt_guard REGEX "__cplusplus < [0-9]+L")
  if(_flt_guard MATCHES "__cplusplus < (20[0-9][0-9])[0-9][0-9]L")
    # 201402 -> 14, 201703 -> 17, 202002 -> 20, 202302 -> 23
    math(EXPR _flt_header_std "${CMAKE_MATCH_1} - 2000 + 0")
    if(_flt_header_std GREATER _flt_required)
      set(_flt_required ${_flt_header_std})
    endif()
  endif()
endif()
if(TARGET torch)
  get_target_property(_flt_target_std torch CXX_STANDARD)
  if(_flt_target_std MATCHES "^[0-9]+$" AND _flt_target_std GREATER _flt_required
     AND _flt_target_std LESS 90)
    set(_flt_required ${_flt_target_std})
  endif()
endif()
# Empty means "what the headers need" (17 at least); a number asks for that standard, which
# may be newer than needed but not older.
set(FORGETLAB_CXX_STANDARD "" CACHE STRING
  "C++ standard; empty: 17, or newer if the LibTorch headers demand it")
if(FORGETLAB_CXX_STANDARD STREQUAL "")
  set(FORGETLAB_CXX_STANDARD_USED ${_flt_required})
elseif(FORGETLAB_CXX_STANDARD LESS _flt_required)
  message(FATAL_ERROR
    "FORGETLAB_CXX_STANDARD is ${FORGETLAB_CXX_STANDARD} but this LibTorch's headers need "
    "C++${_flt_required} (${_flt_all_h}): configure with -DFORGETLAB_CXX_STANDARD= (empty, "
    "the default) or -DFORGETLAB_CXX_STANDARD=${_flt_required}")
else()
  set(FORGETLAB_CXX_STANDARD_USED ${FORGETLAB_CXX_STANDARD})
endif()
set(CMAKE_CXX_STANDARD ${FORGETLAB_CXX_STANDARD_USED})

# ---- libstdc++ ABI --------------------------------------------------------------------
# TorchConfig.cmake puts -D_GLIBCXX_USE_CXX11_ABI=N into TORCH_CXX_FLAGS (and onto the torch
# target's interface). N=0 only with pip wheels built before PyTorch moved to
# manylinux_2_28 (PyTorch 2.5 and older) and with the "pre-cxx11" LibTorch zips. Every
# ForgetLab target gets the same flag through forgetlab_flags, also those that never link
# torch, so no std::string crosses between two ABIs inside ForgetLab.
set(FORGETLAB_TORCH_ABI "")
if(TORCH_CXX_FLAGS MATCHES "-D_GLIBCXX_USE_CXX11_ABI=([01])")
  set(FORGETLAB_TORCH_ABI "-D_GLIBCXX_USE_CXX11_ABI=${CMAKE_MATCH_1}")
endif()

# ---- CUDA -----------------------------------------------------------------------------
# A CUDA LibTorch defines the imported targets torch_cuda / c10_cuda (Caffe2Targets.cmake)
# and lists c10_cuda in TORCH_CUDA_LIBRARIES / TORCH_LIBRARIES; a CPU-only one (Debian's)
# has none of them.
set(FORGETLAB_TORCH_CUDA OFF)
if(TARGET torch_cuda OR TARGET c10_cuda OR TORCH_CUDA_LIBRARIES)
  set(FORGETLAB_TORCH_CUDA ON)
else()
  foreach(_flt_lib ${TORCH_LIBRARIES})
    if(_flt_lib MATCHES "(^|/|lib)(c10_cuda|torch_cuda)([.]|$)")
      set(FORGETLAB_TORCH_CUDA ON)
    endif()
  endforeach()
endif()

# ---- version, for the configure summary ---------------------------------------------
set(FORGETLAB_TORCH_VERSION "${Torch_VERSION}")
if(NOT FORGETLAB_TORCH_VERSION)
  foreach(_dir ${TORCH_INCLUDE_DIRS})
    if(EXISTS "${_dir}/torch/version.h")
      file(STRINGS "${_dir}/torch/version.h" _flt_ver REGEX "define TORCH_VERSION \"")
      if(_flt_ver MATCHES "\"([^\"]+)\"")
        set(FORGETLAB_TORCH_VERSION "${CMAKE_MATCH_1}")
      endif()
      break()
    endif()
  endforeach()
endif()

if(FORGETLAB_TORCH_ABI STREQUAL "-D_GLIBCXX_USE_CXX11_ABI=0" AND (FORGETLAB_BUILD_TESTS OR FORGETLAB_BUILD_GUI))
  message(WARNING
    "This LibTorch uses the pre-C++11 libstdc++ ABI (_GLIBCXX_USE_CXX11_ABI=0) but Qt 6 is "
    "built with the C++11 one. ForgetLab compiles everything with ABI 0 to match torch; "
    "the engine and the CLI are fine, but Qt functions that take or return std:: strings "
    "or lists may fail to link or misbehave in the tests and the GUI. Use a LibTorch built "
    "with the C++11 ABI (PyTorch 2.6 or newer from pip, or the cxx11-abi LibTorch zip).")
endif()

message(STATUS "ForgetLab: LibTorch ${FORGETLAB_TORCH_VERSION} at ${TORCH_INSTALL_PREFIX}, "
               "CUDA ${FORGETLAB_TORCH_CUDA}, C++${FORGETLAB_CXX_STANDARD_USED}, "
               "${FORGETLAB_TORCH_ABI}")
unset(_flt_required)
unset(_flt_all_h)
unset(_flt_guard)
unset(_flt_header_std)
unset(_flt_target_std)
unset(_flt_lib)
unset(_flt_ver)
