// forgetlab-cli generate and score: a stored language-model run or a Hugging Face model
// folder continues a prompt; a folder scores a text (summed next-token NLL).
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "engine/analysis/language_tools.h"

namespace forgetlab::cli {

int generateCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--run", true},
                         {"--model", true},
                         {"--prompt", true},
                         {"--tokens", true},
                         {"--temperature", true},
                         {"--top-p", true},
                         {"--seed", true},
                         {"--checkpoint", true},
                         {"--device", true},
                         {"--db", true},
                         {"--json", false}});
        if (o.has("--run") == o.has("--model") || !o.has("--prompt"))
            throw UsageError{"generate needs one of --run ID or --model DIR, and --prompt TEXT"};
        if (o.has("--model") && o.has("--checkpoint"))
            throw UsageError{"--checkpoint goes with --run (a folder has one set of weights)"};
        const long long seed = o.integer("--seed", 1);
        if (seed < 0) throw UsageError{"--seed must be >= 0"};
        const long long tokens = o.integer("--tokens", 100);
        const double temperature = number(o, "--temperature", 0.0);
        const double topP = number(o, "--top-p", 1.0);
        if (tokens < 1 || tokens > 4096) throw UsageError{"--tokens must be between 1 and 4096"};
        if (!(temperature >= 0)) throw UsageError{"--temperature must be >= 0 (0 = greedy)"};
        if (!(topP > 0 && topP <= 1)) throw UsageError{"--top-p must be in (0, 1]"};
        const std::string prompt = o.get("--prompt");
        std::string text;
        nlohmann::json out = {{"prompt", prompt}, {"temperature", temperature}, {"top_p", topP}};
        if (o.has("--model")) {
            TextGeneration g;
            g.tokens = int(tokens);
            g.temperature = temperature;
            g.top_p = topP;
            g.seed = uint64_t(seed);
            text = generateFromFolder(o.get("--model"), prompt, g, o.get("--device", "cpu"));
            out["model"] = o.get("--model");
        } else {
            if (topP != 1.0) throw UsageError{"--top-p goes with --model for now"};
            Store store(dbPath(o));
            const std::string tag = o.get("--checkpoint", "final");
            text = generateFromRun(store, o.integer("--run", 0), prompt, int(tokens), temperature,
                                   uint64_t(seed), tag);
            out["run_id"] = o.integer("--run", 0);
            out["checkpoint"] = tag;
        }
        out["continuation"] = text;
        if (o.has("--json"))
            std::cout << out.dump() << std::endl;
        else
            std::cout << prompt << text << std::endl;
        return 0;
    });
}

int scoreCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--model", true},
                         {"--text", true},
                         {"--file", true},
                         {"--device", true},
                         {"--json", false}});
        if (!o.has("--model") || o.has("--text") == o.has("--file"))
            throw UsageError{"score needs --model DIR and one of --text TEXT or --file FILE"};
        std::string text = o.get("--text", "");
        if (o.has("--file")) {
            std::ifstream in(o.get("--file"), std::ios::binary);
            if (!in) throw UsageError{o.get("--file") + ": cannot open"};
            std::stringstream ss;
            ss << in.rdbuf();
            text = ss.str();
        }
        const TextScore s = scoreText(o.get("--model"), text, o.get("--device", "cpu"));
        if (o.has("--json")) {
            std::cout << nlohmann::json{{"model", o.get("--model")},
                                        {"nll_sum", s.nll_sum},
                                        {"tokens", s.tokens},
                                        {"mean_log_ppl", s.mean_log_ppl},
                                        {"perplexity", std::exp(s.mean_log_ppl)},
                                        {"bos_added", s.bos_added},
                                        {"tokenizer", s.tokenizer}}
                             .dump()
                      << std::endl;
        } else {
            std::cout << "nll_sum " << s.nll_sum << " nats over " << s.tokens
                      << " scored tokens; mean log-perplexity " << s.mean_log_ppl << " (perplexity "
                      << std::exp(s.mean_log_ppl) << ")\n"
                      << (s.bos_added ? "BOS was added (tokenizer_config.json add_bos_token)"
                                      : "no BOS added (the tokenizer's configuration adds none)")
                      << "; tokenizer " << s.tokenizer << std::endl;
        }
        return 0;
    });
}

}  // namespace forgetlab::cli
