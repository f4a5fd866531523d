# forgetlab_flags: the one place for the project's warning and language flags. Every
# ForgetLab target links it (PRIVATE), so a flag is changed here and nowhere else.
# The C++ standard, the libstdc++ ABI and FORGETLAB_TORCH_CUDA come from the LibTorch found
# (cmake/ForgetLabTorch.cmake, included before this file).
add_library(forgetlab_flags INTERFACE)
target_compile_features(forgetlab_flags INTERFACE cxx_std_${FORGETLAB_CXX_STANDARD_USED})
if(FORGETLAB_TORCH_ABI)
  target_compile_options(forgetlab_flags INTERFACE ${FORGETLAB_TORCH_ABI})
endif()
# Defined (as 1) only when this LibTorch has CUDA: engine code tests it with #if or #ifdef.
if(FORGETLAB_TORCH_CUDA)
  target_compile_definitions(forgetlab_flags INTERFACE FORGETLAB_TORCH_CUDA=1)
endif()
# -Wno-unused-parameter: LibTorch's and Qt's virtual interfaces name parameters that an
# override often does not need.
target_compile_options(forgetlab_flags INTERFACE -Wall -Wextra -Wno-unused-parameter)

# forgetlab_add_sources(TARGET FOLDER file...): adds the files of one concept folder to a
# layer's library and shows them as that folder in IDEs.
function(forgetlab_add_sources target folder)
  set(files)
  foreach(f ${ARGN})
    list(APPEND files ${CMAKE_CURRENT_SOURCE_DIR}/${folder}/${f})
  endforeach()
  target_sources(${target} PRIVATE ${files})
  source_group(${folder} FILES ${files})
endfunction()
