// forgetlab-cli generate: a stored language-model run continues a prompt.
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "engine/analysis/language_tools.h"

namespace forgetlab::cli {

int generateCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--run", true},
                         {"--prompt", true},
                         {"--tokens", true},
                         {"--temperature", true},
                         {"--seed", true},
                         {"--checkpoint", true},
                         {"--db", true},
                         {"--json", false}});
        if (!o.has("--run") || !o.has("--prompt"))
            throw UsageError{"generate needs --run ID and --prompt TEXT"};
        const long long seed = o.integer("--seed", 1);
        if (seed < 0) throw UsageError{"--seed must be >= 0"};
        const long long tokens = o.integer("--tokens", 100);
        const double temperature = number(o, "--temperature", 0.0);
        if (tokens < 1 || tokens > 4096) throw UsageError{"--tokens must be between 1 and 4096"};
        if (!(temperature >= 0)) throw UsageError{"--temperature must be >= 0 (0 = greedy)"};
        Store store(dbPath(o));
        const std::string tag = o.get("--checkpoint", "final");
        const std::string text = generateFromRun(store, o.integer("--run", 0), o.get("--prompt"),
                                                 int(tokens), temperature, uint64_t(seed), tag);
        if (o.has("--json"))
            std::cout << nlohmann::json{{"run_id", o.integer("--run", 0)},
                                        {"checkpoint", tag},
                                        {"prompt", o.get("--prompt")},
                                        {"continuation", text},
                                        {"temperature", temperature}}
                             .dump()
                      << std::endl;
        else
            std::cout << o.get("--prompt") << text << std::endl;
        return 0;
    });
}

}  // namespace forgetlab::cli
