#pragma once
// A person's own text for the language models (issue 15, task.source = files | instruction |
// generated): plain text from .txt files or a JSONL text field, instruction data in the common
// JSONL shapes, the chat templates that turn an instruction example into the text a model
// sees (SCIENCE.md section 7), and generated question -> answer pairs for demonstrations.
// Read into plain C++ that the task builder tokenizes (engine/data/internal/
// instruction_tasks.h), that config validation checks before a run is created and that the
// GUI previews with the tokens that count for the loss highlighted. No torch here, so the CLI,
// the GUI and tests use it alike. Errors are DataError (idx_reader.h).
//
// Conventions
// - Text files: `path` is a .jsonl file (one JSON object a line, the text in `field`), a
//   folder (every regular file in it whose name ends in ".txt", any case, byte-wise sorted by
//   name, not in subfolders; names starting with '.' are skipped) or any other file, read as
//   text. Every file must be UTF-8 (a leading byte-order mark is dropped, "\r\n" reads as
//   "\n"). Examples: "line" = every line that is not blank; "paragraph" = runs of non-blank
//   lines separated by blank lines (joined with "\n"); "document" = a whole .txt file or a
//   whole JSONL record. Trailing white space of each example is removed, leading indentation
//   kept, and blank examples dropped. A JSONL record is split like a file.
// - Instruction JSONL, one example a line (blank lines skipped), in one of three shapes,
//   told apart per line by its keys:
//     {"instruction", "input" (optional), "output"}   Alpaca
//     {"prompt", "response"}
//     {"messages": [{"role": "system"|"user"|"assistant", "content": "..."}, ...]}
//   Messages: the last assistant message is the response, everything before it the prompt
//   (earlier assistant turns are rendered into the prompt and not trained on); messages after
//   the last assistant message are ignored, since nothing would train on them. A system
//   message may only come first, and at least one user message must precede the response.
// - Templates render the prompt; the response follows it verbatim (chatml: then
//   "<|im_end|>", which is part of the response and so trained: it teaches the model to
//   stop). Single-turn prompts are exactly SCIENCE.md's. Multi-turn and system messages,
//   which SCIENCE.md does not fix, follow each format's own conventions:
//     alpaca  the system message, if any, replaces the preamble sentence; each user turn is
//             "### Instruction:\n{c}\n\n" (the input, if any, then "### Input:\n{i}\n\n"),
//             each earlier assistant turn "### Response:\n{c}\n\n"; then "### Response:\n".
//     tulu    "<|system|>\n{c}\n", "<|user|>\n{c}\n", "<|assistant|>\n{c}\n"; then
//             "<|assistant|>\n".
//     chatml  "<|im_start|>{role}\n{c}<|im_end|>\n" per message; then
//             "<|im_start|>assistant\n".
//     llama2  "[INST] {c} [/INST] " per user turn (the system message as
//             "<<SYS>>\n{s}\n<</SYS>>\n\n" before the first user message's text), "{c} " per
//             earlier assistant turn. The BOS/EOS tokens Meta puts between turns are not
//             inserted: only the tokenizer's own BOS starts the sequence.
//     plain   "{c}\n" per message (system included).
//   Under every template but alpaca an Alpaca input is appended to its instruction as
//   "{instruction}\n\n{input}".
// - Tokens: prompt and response are tokenized separately and the ids concatenated
//   (BOS first when the tokenizer's configuration adds one, EOS after the response when it
//   adds one), so the tokens that count for the loss are exactly the response's. This is
//   also how the model is prompted at generation time (the prompt's tokens alone); a BPE
//   merge across the boundary, which joint tokenization could make, never happens.
// - Truncation: a sequence of more than context + 1 tokens keeps its first context + 1 (the
//   prompt's start is kept; the response's end is cut) and counts as truncated. When no
//   response token is left to predict (the prompt alone fills the context, or the response
//   has no tokens) the example is dropped and counted: keeping the sequence's tail instead
//   would train on an answer to a question the model cannot see, and an example with no
//   counted token has no log-perplexity.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/data/idx_reader.h"
#include "engine/data/tokenizer.h"

namespace forgetlab {

// ---- What a file holds, for validation and the GUI ----------------------------------------

// Counts and every problem of a text or instruction source, without throwing for the data's
// problems. At most kMaxListedProblems problems are listed; the last entry then says how
// many more there were.
struct TextSourceSummary {
    std::string path;
    int64_t examples = 0;
    int64_t files = 0;                  // files read (a folder's .txt files; 1 otherwise)
    std::vector<std::string> notes;     // skips made, in words; not errors
    std::vector<std::string> problems;  // each names the file (line, byte offset) and the fix
    bool ok() const { return problems.empty(); }
};
inline constexpr size_t kMaxListedProblems = 20;

// ---- Plain text ---------------------------------------------------------------------------

enum class TextSplit { Line, Paragraph, Document };

// "line", "paragraph", "document". Throws DataError listing them for another name.
TextSplit parseTextSplit(const std::string& name);
std::string textSplitName(TextSplit split);

// Reads the texts at `path` as the conventions above say; `field` is the JSONL text field.
// inspect reports problems (a missing path, an unreadable file, non-UTF-8 bytes with file,
// line and byte offset, a JSONL line that is not JSON or lacks a string `field`, with file
// and line, no examples at all); read throws DataError listing them one per line.
TextSourceSummary inspectTextFiles(const std::string& path, TextSplit split,
                                   const std::string& field = "text");
std::vector<std::string> readTextFiles(const std::string& path, TextSplit split,
                                       const std::string& field = "text");

// ---- Instruction data ---------------------------------------------------------------------

struct ChatMessage {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

// One example: what comes before the response (an optional system message first, then the
// turns, usually ending with the user's) and the response the loss counts.
struct InstructionExample {
    std::vector<ChatMessage> context;
    std::string input;  // Alpaca's optional input, belonging to the last user message
    std::string response;
};

// An example from a single prompt (one user message).
InstructionExample singleTurnExample(const std::string& prompt, const std::string& response,
                                     const std::string& input = "");

// Reads a JSONL file in the shapes above. inspect reports every problem (a line that is not
// JSON, lacks the fields of every shape or has a field of the wrong type, an unknown role, a
// misplaced system message: file and line; non-UTF-8 bytes: file, line and byte offset; an
// empty file); read throws DataError listing them one per line.
TextSourceSummary inspectInstructionFile(const std::string& path);
std::vector<InstructionExample> readInstructionFile(const std::string& path);

// ---- Templates ----------------------------------------------------------------------------

enum class InstructionTemplate { Alpaca, Tulu, ChatMl, Llama2, Plain };

// "alpaca", "tulu", "chatml", "llama2", "plain", in that order.
const std::vector<std::string>& instructionTemplateNames();
std::string instructionTemplateName(InstructionTemplate t);
// Throws DataError listing the supported names (and "model") for another name.
InstructionTemplate parseInstructionTemplate(const std::string& name);

// The template a Hugging Face chat_template (Jinja source) recognisably is, by its markers:
// "<|im_start|>" chatml, "[INST]" llama2, "<|user|>" with "<|assistant|>" tulu,
// "### Instruction" alpaca (checked in that order); nullopt for anything else.
std::optional<InstructionTemplate> recogniseChatTemplate(const std::string& chatTemplate);
// The template of a model folder's tokenizer_config.json chat_template (a string, or a list
// of {name, template} of which "default" or else the first is taken). Throws DataError naming
// the file when it is missing or has no chat_template, or when the template is none of ours.
InstructionTemplate modelFolderTemplate(const std::string& modelDir);
// `name` as parseInstructionTemplate, or "model": the folder's own (modelFolderTemplate).
InstructionTemplate resolveInstructionTemplate(const std::string& name,
                                               const std::string& modelDir);

// An example as text: the loss counts the characters [prompt.size(), text().size()).
// BOS and EOS are tokens, not text, so they do not appear here.
struct RenderedInstruction {
    std::string prompt;
    std::string response;  // chatml: with "<|im_end|>"
    std::string text() const { return prompt + response; }
};
RenderedInstruction renderInstruction(const InstructionExample& example, InstructionTemplate t);

// An example as token ids, cut to the context as the conventions above say. In the model's
// rows (input = ids[0..n-2], target = ids[1..n-1]) the target positions that count are
// firstCountedTarget() .. ids.size() - 2; all others are padding for the loss.
struct TokenizedInstruction {
    std::vector<int> ids;       // at most context + 1: BOS?, prompt, response, EOS?
    size_t response_begin = 0;  // ids[response_begin..] are the response's
    size_t full_length = 0;     // tokens before truncation
    bool truncated = false;     // full_length > context + 1
    bool dropped = false;       // no response token left to predict: the example is left out
    size_t firstCountedTarget() const { return response_begin > 0 ? response_begin - 1 : 0; }
    size_t countedTargets() const;  // response tokens that are predicted (0 when dropped)
};
TokenizedInstruction tokenizeInstruction(const InstructionExample& example, InstructionTemplate t,
                                         const TokenizerSetup& tok, int context);

// What the GUI's preview shows: the rendered text, the byte span of it that counts for the
// loss after truncation ([loss_begin, loss_end); empty when dropped; the end found by
// decoding the kept response tokens, so exact for byte-level tokenizers and approximate for
// SentencePiece's), and the token counts.
struct InstructionPreview {
    std::string text;
    size_t loss_begin = 0, loss_end = 0;
    size_t tokens = 0;          // before truncation, BOS/EOS included
    size_t counted_tokens = 0;  // tokens the loss counts
    bool truncated = false, dropped = false;
};
InstructionPreview previewInstruction(const InstructionExample& example, InstructionTemplate t,
                                      const TokenizerSetup& tok, int context);

// ---- Generated instruction data (task.source = generated) ---------------------------------

// "arithmetic".
const std::vector<std::string>& instructionGeneratorNames();
// `count` distinct examples of the named generator, the same for a seed on every platform
// (a std::mt19937_64 with a fixed way of drawing, not std::uniform_int_distribution).
// arithmetic: "What is {a} + {b}?" (a, b in 0..99), "What is {a} - {b}?" (0 <= b <= a <= 99),
// "What is {a} * {b}?" (a, b in 0..12) and "What is {a} / {b}?" (b in 1..12, exact quotient
// in 0..12), the operation drawn uniformly, the response the result in decimal ("95").
// Throws DataError for an unknown generator (listing them), count 0, or more examples than
// the generator has distinct questions.
std::vector<InstructionExample> generateInstructions(const std::string& generator, size_t count,
                                                     uint64_t seed);

}  // namespace forgetlab
