// forgetlab-cli compare (stored runs side by side), wiseft, and the --seeds aggregate.
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "engine/analysis/run_analysis.h"
#include "engine/analysis/wise_ft.h"
#include "engine/sessions/seed_set.h"

namespace forgetlab::cli {
namespace {

using nlohmann::json;

// Mean and sample standard deviation of each numeric field shared by all objects.
json meanAndStdOfFields(const std::vector<json>& items) {
    json mean = json::object(), sd = json::object();
    if (items.empty()) return {{"mean", mean}, {"std", sd}};
    for (auto it = items.front().begin(); it != items.front().end(); ++it) {
        if (!it.value().is_number() || it.key() == "run_id" || it.key() == "seed") continue;
        std::vector<double> v;
        for (const auto& x : items)
            if (x.contains(it.key()) && x[it.key()].is_number())
                v.push_back(x[it.key()].get<double>());
        if (v.size() != items.size()) continue;
        const MeanStd ms = meanAndStd(v);
        mean[it.key()] = ms.mean;
        sd[it.key()] = ms.std;
    }
    return {{"mean", mean}, {"std", sd}};
}

std::vector<int64_t> parseIds(const std::string& text) {
    std::vector<int64_t> ids;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ',')) {
        try {
            size_t pos = 0;
            const long long id = std::stoll(part, &pos);
            if (pos != part.size() || id <= 0) throw std::invalid_argument("bad");
            ids.push_back(id);
        } catch (const std::exception&) {
            throw UsageError{"--runs expects run ids separated by commas, e.g. 3,4,7; got '" +
                             part + "'"};
        }
    }
    if (ids.empty()) throw UsageError{"--runs needs at least one run id"};
    return ids;
}

}  // namespace

std::string seedsJson(const std::vector<RunSummary>& runs) {
    std::vector<json> items;
    for (const auto& r : runs) items.push_back(json::parse(summaryToJson(r)));
    json out = meanAndStdOfFields(items);
    out["seeds"] = runs.size();
    out["runs"] = items;
    return out.dump();
}

int compareCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--runs", true}, {"--db", true}, {"--json", false}});
        if (!o.has("--runs")) throw UsageError{"compare needs --runs ID,ID,..."};
        Store store(dbPath(o));
        std::vector<json> rows;
        for (int64_t id : parseIds(o.get("--runs"))) {
            const RunInfo r = store.run(id);
            json row = r.summary_json.empty() ? json::object()
                                              : json::parse(r.summary_json, nullptr, false);
            if (!row.is_object()) row = json::object();
            row["run_id"] = r.id;
            row["name"] = r.name;
            row["status"] = r.status;
            row["seed"] = r.seed;
            const json cfg = json::parse(r.config_json, nullptr, false);
            if (cfg.is_object() && cfg.contains("downstream"))
                row["optimizer"] = cfg["downstream"]["optimizer"].value("name", "") +
                                   (cfg["downstream"]["optimizer"].value("sam", "none") == "none"
                                        ? ""
                                        : "+" + cfg["downstream"]["optimizer"].value("sam", ""));
            rows.push_back(row);
        }
        if (o.has("--json")) {
            std::cout << json{{"runs", rows}}.dump() << std::endl;
            return 0;
        }
        std::cout << std::left << std::setw(6) << "id" << std::setw(28) << "name" << std::setw(11)
                  << "status" << std::setw(12) << "forgetting"
                  << "downstream acc\n";
        for (const auto& r : rows) {
            std::cout << std::left << std::setw(6) << r["run_id"].get<int64_t>() << std::setw(28)
                      << r["name"].get<std::string>() << std::setw(11)
                      << r["status"].get<std::string>() << std::fixed << std::setprecision(3)
                      << std::setw(12) << r.value("forgetting", 0.0)
                      << r.value("downstream_acc_after", 0.0) << "\n";
        }
        return 0;
    });
}

int wiseftCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--run", true},
                         {"--alpha", true},
                         {"--curve", true},
                         {"--apply", false},
                         {"--checkpoint", true},
                         {"--subset", true},
                         {"--db", true},
                         {"--json", false}});
        if (!o.has("--run") || o.has("--alpha") == o.has("--curve"))
            throw UsageError{"wiseft needs --run ID and exactly one of --alpha A or --curve N"};
        if (o.has("--apply") && !o.has("--alpha")) throw UsageError{"--apply needs --alpha"};
        Store store(dbPath(o));
        const int64_t runId = o.integer("--run", 0);
        const int64_t step = o.integer("--checkpoint", -1);
        const int subset = static_cast<int>(o.integer("--subset", 1000));
        const ModelSource src = modelSourceForRun(store, runId, step);
        json out;
        if (o.has("--curve")) {
            json pts = json::array();
            for (const auto& p :
                 wiseFtCurve(src, static_cast<int>(o.integer("--curve", 11)), subset))
                pts.push_back({{"alpha", p.alpha},
                               {"up_acc", p.up_acc},
                               {"down_acc", p.down_acc},
                               {"up_loss", p.up_loss},
                               {"down_loss", p.down_loss}});
            out = {{"run_id", runId}, {"curve", pts}};
        } else {
            const double alpha = number(o, "--alpha", 0.5);
            const WiseFtPoint p = wiseFtPoint(src, alpha, subset);
            out = {{"run_id", runId},        {"alpha", p.alpha},     {"up_acc", p.up_acc},
                   {"down_acc", p.down_acc}, {"up_loss", p.up_loss}, {"down_loss", p.down_loss}};
            if (o.has("--apply")) {
                out["derived_run_id"] = wiseFtApply(store, runId, alpha, subset, step);
                std::cerr << "stored as run " << out["derived_run_id"].get<int64_t>() << "\n";
            }
        }
        std::cout << (o.has("--json") ? out.dump() : out.dump(2)) << std::endl;
        return 0;
    });
}

}  // namespace forgetlab::cli
