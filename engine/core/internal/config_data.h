#pragma once
// Engine-internal, plain C++ (no torch). The data-source and benchmark parts of a
// configuration (task.source and its keys, eval.benchmarks): reading them from JSON,
// writing them back, and checking them — which opens every named file before a run is
// created, so all its problems are reported together (exit code 2 in the CLI).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/config.h"
#include "engine/core/internal/config_reader.h"

namespace forgetlab {

// The source keys of one task object.
void readTaskSource(ObjectReader& r, TaskConfig& task);
// Adds the source keys that differ from their defaults to a task's JSON, so configs and
// upstream cache keys from before task.source existed stay exactly as they were.
void addTaskSourceJson(const TaskConfig& task, nlohmann::json& j);

// eval.benchmarks (a list of objects) and eval.benchmark_every.
void readBenchmarks(ObjectReader& eval, EvalConfig& out, std::vector<ConfigError>& errors);
void addBenchmarksJson(const EvalConfig& eval, nlohmann::json& evalJson);

// Each phase's source (known, fits the model kind and task kind, its files readable with
// every problem named) and each benchmark (a file that reads, or a known built-in).
void validateDataSources(const ExperimentConfig& config, std::vector<ConfigError>& errors);

}  // namespace forgetlab
