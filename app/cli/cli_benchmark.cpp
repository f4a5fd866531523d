// forgetlab-cli benchmark: scores one multiple-choice benchmark (a file in the MMLU CSV
// layout or JSONL, or the built-in fortune cloze) once, on a stored language-model run or
// a Hugging Face model folder. The benchmark is checked before anything loads, so a bad
// file exits 2 having touched nothing.
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "engine/analysis/language_tools.h"

namespace forgetlab::cli {

int benchmarkCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--run", true},
                         {"--model", true},
                         {"--checkpoint", true},
                         {"--file", true},
                         {"--shots-file", true},
                         {"--builtin", true},
                         {"--language", true},
                         {"--items", true},
                         {"--max-bytes", true},
                         {"--shots", true},
                         {"--seed", true},
                         {"--name", true},
                         {"--device", true},
                         {"--db", true},
                         {"--json", false}});
        if (o.has("--run") == o.has("--model"))
            throw UsageError{"benchmark needs one of --run ID or --model DIR"};
        if (o.has("--file") == o.has("--builtin"))
            throw UsageError{
                "benchmark needs one of --file FILE (.csv in the MMLU layout or "
                ".jsonl) or --builtin fortune-cloze"};
        if (o.has("--model") && o.has("--checkpoint"))
            throw UsageError{"--checkpoint goes with --run (a folder has one set of weights)"};
        if (o.has("--run") && o.has("--device"))
            throw UsageError{"--device goes with --model (a run's model scores on the CPU)"};
        if (o.has("--file") && (o.has("--language") || o.has("--items") || o.has("--max-bytes")))
            throw UsageError{"--language, --items and --max-bytes go with --builtin"};
        if (o.has("--builtin") && o.has("--shots-file"))
            throw UsageError{"--shots-file goes with --file (the cloze draws shots from itself)"};
        BenchmarkSpec spec;
        spec.file = o.get("--file");
        spec.shots_file = o.get("--shots-file");
        spec.builtin = o.get("--builtin");
        spec.language = o.get("--language", "en");
        spec.name = o.get("--name");
        const long long shots = o.integer("--shots", 0);
        const long long items = o.integer("--items", 100);
        const long long seed = o.integer("--seed", 1234);
        const long long maxBytes = o.integer("--max-bytes", spec.max_bytes);
        if (maxBytes < 24 || maxBytes > 100000)
            throw UsageError{"--max-bytes must be between 24 and 100000"};
        spec.max_bytes = int(maxBytes);
        if (shots < 0 || shots > 100) throw UsageError{"--shots must be between 0 and 100"};
        if (items < 1 || items > 100000) throw UsageError{"--items must be between 1 and 100000"};
        if (seed < 0) throw UsageError{"--seed must be >= 0"};
        spec.shots = int(shots);
        spec.items = int(items);
        spec.seed = uint64_t(seed);

        nlohmann::json out;
        BenchmarkResult r;
        if (o.has("--model")) {
            r = benchmarkFolder(o.get("--model"), spec, o.get("--device", "cpu"));
            out["model"] = o.get("--model");
        } else {
            const long long runId = o.integer("--run", 0);
            const std::string tag = o.get("--checkpoint", "final");
            // A bad file is refused before the database is opened (opening it may migrate it
            // or mark crashed runs), so nothing stored is touched.
            if (spec.builtin.empty()) prepareBenchmark(spec);
            Store store(dbPath(o));
            // By default the items the run's own benchmark curve scored.
            if (!o.has("--seed") && !o.has("--max-bytes"))
                spec = asTheRunScoredIt(store, runId, spec);
            r = benchmarkRun(store, runId, spec, tag);
            out["run_id"] = runId;
            out["checkpoint"] = tag;
        }
        out["name"] = r.name;
        if (!spec.file.empty()) {
            out["file"] = spec.file;
            if (!spec.shots_file.empty()) out["shots_file"] = spec.shots_file;
        } else {
            out["builtin"] = spec.builtin;
            out["language"] = spec.language;
            out["max_bytes"] = spec.max_bytes;
        }
        out["items"] = r.items;
        out["acc"] = r.acc;
        out["acc_norm"] = r.acc_norm;
        out["shots"] = r.shots;
        out["seed"] = spec.seed;
        out["truncated"] = r.truncated;
        std::cerr << "benchmark " << r.name << ": " << r.items << " questions, " << r.shots
                  << "-shot"
                  << (r.truncated ? ", " + std::to_string(r.truncated) +
                                        " prompts cut from the left to fit the context"
                                  : std::string())
                  << "\n";
        if (o.has("--json"))
            std::cout << out.dump() << std::endl;
        else
            std::cout << r.name << ": acc " << r.acc << "  acc_norm " << r.acc_norm << "  ("
                      << r.items << " items, " << r.shots << "-shot)" << std::endl;
        return 0;
    });
}

}  // namespace forgetlab::cli
