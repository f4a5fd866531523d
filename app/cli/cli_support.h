#pragma once
// Shared pieces of the forgetlab-cli verbs: option parsing, usage errors, exit codes.

#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/cli/cli_commands.h"
#include "engine/core/cancel_token.h"
#include "engine/data/tokenizer.h"
#include "engine/models/model_folder.h"
#include "engine/store/store.h"

namespace forgetlab::cli {

// The one cancel of the CLI: Ctrl+C (and SIGTERM where installed) cancels this process-wide
// token. A run or sweep stops through RunControl(interruptToken()) (status stopped, final
// checkpoint written); an analysis polls it within one evaluation. The token exists before
// main, so the handler only sets an atomic.
const CancelToken& interruptToken();
void cancelOnInterrupt(bool terminateToo);

// Thrown for bad usage; main turns it into exit code 2.
struct UsageError {
    std::string message;
};

// Parses "--name value" and "--flag" options; rejects unknown ones.
class Options {
public:
    Options(const Args& args, std::map<std::string, bool> known) {
        for (size_t i = 0; i < args.size(); ++i) {
            const std::string& a = args[i];
            auto it = known.find(a);
            if (it == known.end()) {
                std::string list;
                for (const auto& [k, _] : known) list += " " + k;
                throw UsageError{"unknown option '" + a + "'; options here:" + list};
            }
            if (it->second) {  // takes a value
                if (i + 1 >= args.size()) throw UsageError{a + " needs a value"};
                m_values[a] = args[++i];
            } else {
                m_values[a] = "";
            }
        }
    }
    bool has(const std::string& k) const { return m_values.count(k) > 0; }
    std::string get(const std::string& k, const std::string& def = "") const {
        auto it = m_values.find(k);
        return it == m_values.end() ? def : it->second;
    }
    long long integer(const std::string& k, long long def) const {
        if (!has(k)) return def;
        const std::string v = get(k);
        try {
            size_t pos = 0;
            long long x = std::stoll(v, &pos);
            if (pos != v.size()) throw std::invalid_argument("trailing");
            return x;
        } catch (const std::exception&) {
            throw UsageError{k + " expects an integer, got '" + v + "'"};
        }
    }

private:
    std::map<std::string, std::string> m_values;
};

inline double number(const Options& o, const std::string& k, double def) {
    if (!o.has(k)) return def;
    const std::string v = o.get(k);
    try {
        size_t pos = 0;
        const double x = std::stod(v, &pos);
        if (pos != v.size()) throw std::invalid_argument("trailing");
        return x;
    } catch (const std::exception&) {
        throw UsageError{k + " expects a number, got '" + v + "'"};
    }
}

// Several seeds of one configuration: each summary plus the mean and standard deviation
// of the numeric fields (cli_compare.cpp).
std::string seedsJson(const std::vector<RunSummary>& runs);

inline std::string dbPath(const Options& o) {
    return o.get("--db", Store::defaultPath());
}

// Runs a verb, turning exceptions into messages and exit codes (2 usage or bad input files:
// a model folder, a tokenizer; 1 failure).
inline int guarded(const std::function<int()>& fn) {
    try {
        return fn();
    } catch (const UsageError& e) {
        std::cerr << "forgetlab-cli: " << e.message << "\n";
        return 2;
    } catch (const ModelFolderError& e) {
        std::cerr << "forgetlab-cli: " << e.what() << "\n";
        return 2;
    } catch (const TokenizerError& e) {
        std::cerr << "forgetlab-cli: " << e.what() << "\n";
        return 2;
    } catch (const std::invalid_argument& e) {  // bad input the engine refused (a prompt…)
        std::cerr << "forgetlab-cli: " << e.what() << "\n";
        return 2;
    } catch (const StoreError& e) {
        std::cerr << "forgetlab-cli: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "forgetlab-cli: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace forgetlab::cli
