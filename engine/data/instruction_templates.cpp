// The instruction templates of SCIENCE.md section 7 (alpaca, tulu, chatml, llama2, plain),
// rendering an example into prompt and response text, and recognising a model folder's own
// chat_template as one of them (engine/data/text_sources.h).

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/data/text_sources.h"

namespace forgetlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kAlpacaPreamble =
    "Below is an instruction that describes a task. Write a response that appropriately "
    "completes the request.";
const char* kAlpacaPreambleInput =
    "Below is an instruction that describes a task, paired with an input that provides "
    "further context. Write a response that appropriately completes the request.";

std::string supportedList() {
    std::string s;
    for (const std::string& n : instructionTemplateNames()) s += (s.empty() ? "" : ", ") + n;
    return s;
}

// The index of the last user message (the one an Alpaca input belongs to); size() if none.
size_t lastUser(const std::vector<ChatMessage>& context) {
    for (size_t i = context.size(); i-- > 0;)
        if (context[i].role == "user") return i;
    return context.size();
}

std::string renderAlpaca(const InstructionExample& ex) {
    const std::vector<ChatMessage>& c = ex.context;
    const bool system = !c.empty() && c[0].role == "system";
    std::string out = system             ? c[0].content
                      : ex.input.empty() ? kAlpacaPreamble
                                         : kAlpacaPreambleInput;
    out += "\n\n";
    const size_t lu = lastUser(c);
    for (size_t i = system ? 1 : 0; i < c.size(); ++i) {
        if (c[i].role == "user") {
            out += "### Instruction:\n" + c[i].content + "\n\n";
            if (i == lu && !ex.input.empty()) out += "### Input:\n" + ex.input + "\n\n";
        } else {
            out += "### Response:\n" + c[i].content + "\n\n";
        }
    }
    return out + "### Response:\n";
}

std::string renderPrompt(const InstructionExample& ex, InstructionTemplate t) {
    if (t == InstructionTemplate::Alpaca) return renderAlpaca(ex);
    const size_t lu = lastUser(ex.context);
    std::string out, system;
    bool firstUser = true;
    for (size_t i = 0; i < ex.context.size(); ++i) {
        const ChatMessage& m = ex.context[i];
        const std::string content =
            i == lu && !ex.input.empty() ? m.content + "\n\n" + ex.input : m.content;
        switch (t) {
            case InstructionTemplate::Tulu:
                out += "<|" + m.role + "|>\n" + content + "\n";
                break;
            case InstructionTemplate::ChatMl:
                out += "<|im_start|>" + m.role + "\n" + content + "<|im_end|>\n";
                break;
            case InstructionTemplate::Llama2:
                if (m.role == "system") {
                    system = "<<SYS>>\n" + content + "\n<</SYS>>\n\n";
                } else if (m.role == "user") {
                    out += "[INST] " + (firstUser ? system : std::string()) + content + " [/INST] ";
                    firstUser = false;
                } else {
                    out += content + " ";
                }
                break;
            case InstructionTemplate::Plain:
            case InstructionTemplate::Alpaca:
                out += content + "\n";
                break;
        }
    }
    if (t == InstructionTemplate::Tulu) out += "<|assistant|>\n";
    if (t == InstructionTemplate::ChatMl) out += "<|im_start|>assistant\n";
    return out;
}

bool readWhole(const fs::path& file, std::string* out) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    std::ostringstream b;
    b << in.rdbuf();
    *out = b.str();
    return true;
}

// A chat_template value: a string, or a list of {name, template} ("default", else the first).
std::string templateSource(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string first;
        for (const json& entry : value) {
            if (!entry.is_object() || !entry.contains("template") || !entry["template"].is_string())
                continue;
            const std::string src = entry["template"].get<std::string>();
            if (entry.value("name", std::string()) == "default") return src;
            if (first.empty()) first = src;
        }
        return first;
    }
    return {};
}

}  // namespace

const std::vector<std::string>& instructionTemplateNames() {
    static const std::vector<std::string> names = {"alpaca", "tulu", "chatml", "llama2", "plain"};
    return names;
}

std::string instructionTemplateName(InstructionTemplate t) {
    return instructionTemplateNames()[static_cast<size_t>(t)];
}

InstructionTemplate parseInstructionTemplate(const std::string& name) {
    const std::vector<std::string>& names = instructionTemplateNames();
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return static_cast<InstructionTemplate>(i);
    throw DataError("unknown instruction template '" + name + "'; supported: " + supportedList() +
                    ", or model (the model folder's own chat_template when it is one of these)");
}

std::optional<InstructionTemplate> recogniseChatTemplate(const std::string& src) {
    const auto has = [&](const char* marker) { return src.find(marker) != std::string::npos; };
    if (has("<|im_start|>")) return InstructionTemplate::ChatMl;
    if (has("[INST]")) return InstructionTemplate::Llama2;
    if (has("<|user|>") && has("<|assistant|>")) return InstructionTemplate::Tulu;
    if (has("### Instruction")) return InstructionTemplate::Alpaca;
    return std::nullopt;
}

InstructionTemplate modelFolderTemplate(const std::string& modelDir) {
    const fs::path dir(modelDir);
    const fs::path cfgFile = dir / "tokenizer_config.json";
    std::string src, from, text;
    if (readWhole(cfgFile, &text)) {
        json cfg;
        try {
            cfg = json::parse(text);
        } catch (const json::parse_error& e) {
            throw DataError(cfgFile.string() + ": not JSON (" + e.what() +
                            "); use the tokenizer_config.json that came with the model");
        }
        if (cfg.is_object() && cfg.contains("chat_template")) {
            src = templateSource(cfg["chat_template"]);
            from = cfgFile.string();
        }
    }
    // Newer transformers versions save the template beside tokenizer_config.json.
    if (src.empty() && readWhole(dir / "chat_template.jinja", &text)) {
        src = text;
        from = (dir / "chat_template.jinja").string();
    }
    if (src.empty() && readWhole(dir / "chat_template.json", &text)) {
        try {
            const json j = json::parse(text);
            if (j.is_object() && j.contains("chat_template"))
                src = templateSource(j["chat_template"]);
        } catch (const json::parse_error&) {
        }
        from = (dir / "chat_template.json").string();
    }
    if (src.empty())
        throw DataError(modelDir + ": the model folder has no chat template (no chat_template in " +
                        cfgFile.string() +
                        ", no chat_template.jinja); name the template: " + supportedList());
    if (const auto t = recogniseChatTemplate(src)) return *t;
    throw DataError(from + ": the chat_template is none of " + supportedList() +
                    " (looked for <|im_start|>, [INST], <|user|> with <|assistant|>, "
                    "### Instruction); name one of them instead of model");
}

InstructionTemplate resolveInstructionTemplate(const std::string& name,
                                               const std::string& modelDir) {
    if (name != "model") return parseInstructionTemplate(name);
    if (modelDir.empty())
        throw DataError(
            "instruction template 'model' needs a model folder with a chat template; "
            "name the template instead: " +
            supportedList());
    return modelFolderTemplate(modelDir);
}

RenderedInstruction renderInstruction(const InstructionExample& example, InstructionTemplate t) {
    RenderedInstruction r;
    r.prompt = renderPrompt(example, t);
    r.response = example.response;
    if (t == InstructionTemplate::ChatMl) r.response += "<|im_end|>";
    return r;
}

}  // namespace forgetlab
