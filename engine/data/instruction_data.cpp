// Instruction examples from JSONL in the Alpaca, prompt/response and messages shapes
// (engine/data/text_sources.h), with every problem of a file found in one pass.

#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/data/internal/text_source_parts.h"
#include "engine/data/text_sources.h"

namespace forgetlab {
namespace {

using nlohmann::json;
using textsrc::FileLine;
using textsrc::Problems;

// One line's shape error; the reader adds "FILE:LINE: " before it.
struct ShapeError {
    std::string message;
};

// The string at key; `optional` keys may be absent or null (then "").
std::string stringField(const json& record, const char* key, bool optional = false) {
    const auto it = record.find(key);
    if (it == record.end() || (optional && it->is_null())) {
        if (optional) return {};
        throw ShapeError{std::string("no \"") + key + "\" field"};
    }
    if (!it->is_string())
        throw ShapeError{std::string("\"") + key + "\" is " +
                         textsrc::withArticle(it->type_name()) + ", expected a string"};
    return it->get<std::string>();
}

InstructionExample fromMessages(const json& messages) {
    if (!messages.is_array())
        throw ShapeError{"\"messages\" is " + textsrc::withArticle(messages.type_name()) +
                         ", expected an array of {\"role\", \"content\"} objects"};
    std::vector<ChatMessage> all;
    for (size_t i = 0; i < messages.size(); ++i) {
        const std::string at = "messages[" + std::to_string(i) + "]";
        const json& m = messages[i];
        if (!m.is_object())
            throw ShapeError{at + " is " + textsrc::withArticle(m.type_name()) +
                             ", expected an object with \"role\" and \"content\""};
        ChatMessage msg;
        try {
            msg.role = stringField(m, "role");
            msg.content = stringField(m, "content");
        } catch (const ShapeError& e) {
            throw ShapeError{at + ": " + e.message};
        }
        if (msg.role != "system" && msg.role != "user" && msg.role != "assistant")
            throw ShapeError{at + ".role is \"" + msg.role +
                             "\"; expected \"system\", \"user\" or \"assistant\""};
        if (msg.role == "system" && i != 0)
            throw ShapeError{at + " is a system message; a system message may only come first"};
        all.push_back(std::move(msg));
    }
    size_t last = all.size();
    for (size_t i = all.size(); i-- > 0;)
        if (all[i].role == "assistant") {
            last = i;
            break;
        }
    if (last == all.size())
        throw ShapeError{"\"messages\" has no assistant message (the response to train on)"};
    bool user = false;
    for (size_t i = 0; i < last; ++i) user = user || all[i].role == "user";
    if (!user)
        throw ShapeError{"\"messages\" has no user message before its last assistant message"};
    InstructionExample ex;
    ex.response = all[last].content;
    all.resize(last);
    ex.context = std::move(all);
    return ex;
}

InstructionExample parseRecord(const json& record) {
    if (!record.is_object())
        throw ShapeError{textsrc::withArticle(record.type_name()) +
                         ", expected a JSON object with instruction/output, prompt/response or "
                         "messages"};
    if (record.contains("messages")) return fromMessages(record["messages"]);
    if (record.contains("instruction")) {
        const std::string instruction = stringField(record, "instruction");
        const std::string input = stringField(record, "input", true);
        return singleTurnExample(instruction, stringField(record, "output"), input);
    }
    if (record.contains("prompt")) {
        const std::string prompt = stringField(record, "prompt");
        return singleTurnExample(prompt, stringField(record, "response"));
    }
    std::string keys;
    for (auto it = record.begin(); it != record.end(); ++it)
        keys += (keys.empty() ? "" : ", ") + it.key();
    throw ShapeError{"none of the known shapes (keys: " + (keys.empty() ? "none" : keys) +
                     "); expected \"instruction\" and \"output\" (\"input\" optional), "
                     "\"prompt\" and \"response\", or \"messages\""};
}

std::vector<InstructionExample> loadInstructionFile(const std::string& path,
                                                    TextSourceSummary* summary) {
    summary->path = path;
    Problems problems;
    std::vector<InstructionExample> out;
    std::vector<FileLine> lines;
    std::error_code ec;
    if (path.empty()) {
        problems.add("no path given: name a .jsonl file of instruction examples");
    } else if (!std::filesystem::is_regular_file(path, ec)) {
        problems.add(path +
                     (std::filesystem::exists(path, ec) ? " is not a file" : " does not exist") +
                     "; name a .jsonl file of instruction examples");
    } else if (textsrc::readLines(path, &lines, problems)) {
        summary->files = 1;
        for (const FileLine& l : lines) {
            if (!l.utf8_problem.empty()) problems.add(l.utf8_problem);
            if (!l.utf8_problem.empty() || textsrc::isBlank(l.text)) continue;
            const std::string where = path + ":" + std::to_string(l.number) + ": ";
            json record;
            try {
                record = json::parse(l.text);
            } catch (const json::parse_error& e) {
                problems.add(where + "not JSON (" + e.what() +
                             "); each line must be one JSON object");
                continue;
            }
            try {
                out.push_back(parseRecord(record));
            } catch (const ShapeError& e) {
                problems.add(where + e.message);
            }
        }
        if (out.empty() && problems.total() == 0)
            problems.add(path +
                         ": no examples (the file is empty or blank); the instruction "
                         "dataset is empty");
    }
    summary->examples = int64_t(out.size());
    problems.finish(*summary);
    return out;
}

}  // namespace

InstructionExample singleTurnExample(const std::string& prompt, const std::string& response,
                                     const std::string& input) {
    InstructionExample ex;
    ex.context.push_back({"user", prompt});
    ex.input = input;
    ex.response = response;
    return ex;
}

TextSourceSummary inspectInstructionFile(const std::string& path) {
    TextSourceSummary summary;
    loadInstructionFile(path, &summary);
    return summary;
}

std::vector<InstructionExample> readInstructionFile(const std::string& path) {
    TextSourceSummary summary;
    std::vector<InstructionExample> out = loadInstructionFile(path, &summary);
    if (!summary.ok()) textsrc::throwProblems(summary);
    return out;
}

}  // namespace forgetlab
