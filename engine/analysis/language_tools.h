#pragma once
// What a user does with a stored language-model run besides looking at it: take the
// fine-tuned weights to other tools in the Hugging Face GPT-2 layout, and let the model
// continue a prompt. Plain C++ (no torch) for the CLI and the GUI.

#include <cstdint>
#include <string>

namespace forgetlab {

class Store;

// Writes dir/model.safetensors and dir/config.json (GPT-2 names; LoRA was already folded
// in when the run stored its checkpoints) from the run's checkpoint `tag` ("final",
// "pretrained", "step-N"), plus vocab.json and merges.txt when the run used the bpe
// tokenizer. Throws std::runtime_error naming the run, the tag or the file when the run
// is not a language model or the checkpoint is missing.
void exportRunAsGpt2(Store& store, int64_t runId, const std::string& dir,
                     const std::string& tag = "final");

// The continuation of `prompt` by the run's checkpoint `tag`: `tokens` new tokens, greedy
// for temperature 0, else sampled with the seed. Invalid UTF-8 shows as U+FFFD. Throws
// std::runtime_error for a prompt that is empty or does not fit the context.
std::string generateFromRun(Store& store, int64_t runId, const std::string& prompt, int tokens,
                            double temperature, uint64_t seed, const std::string& tag = "final");

}  // namespace forgetlab
