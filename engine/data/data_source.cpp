// One entry point per question (inspect, read, preview) over the three kinds of own data,
// and the helpers their readers share.

#include <algorithm>

#include "engine/data/data_files.h"
#include "engine/data/internal/data_file_parts.h"

namespace forgetlab {
namespace datafiles {

void throwIfProblems(const DataSummary& summary) {
    if (summary.problems.empty()) return;
    std::string message;
    for (const auto& p : summary.problems) message += (message.empty() ? "" : "\n") + p;
    throw DataError(message);
}

std::vector<int64_t> countClasses(const std::vector<int64_t>& labels, int classes) {
    std::vector<int64_t> counts(std::max(classes, 0), 0);
    for (int64_t l : labels)
        if (l >= 0 && l < classes) ++counts[l];
    return counts;
}

std::string emptyClassesNote(const std::vector<int64_t>& classCounts) {
    std::vector<size_t> empty;
    for (size_t c = 0; c < classCounts.size(); ++c)
        if (classCounts[c] == 0) empty.push_back(c);
    if (empty.empty()) return {};
    std::string list;
    for (size_t i = 0; i < empty.size() && i < 10; ++i)
        list += (i ? ", " : "") + std::to_string(empty[i]);
    if (empty.size() > 10) list += " and " + std::to_string(empty.size() - 10) + " more";
    return (empty.size() == 1 ? "class " + list + " has" : "classes " + list + " have") +
           " no examples (integer labels are the class ids 0.." +
           std::to_string(classCounts.size() - 1) + ")";
}

std::vector<int64_t> previewIndices(const std::vector<int64_t>& labels, int classes,
                                    int maxExamples) {
    std::vector<std::vector<int64_t>> byClass(std::max(classes, 0));
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= 0 && labels[i] < classes) byClass[labels[i]].push_back(int64_t(i));
    std::vector<int64_t> chosen;
    const size_t want = static_cast<size_t>(std::max(maxExamples, 0));
    for (size_t round = 0; chosen.size() < want; ++round) {
        bool any = false;
        for (const auto& members : byClass) {
            if (round >= members.size()) continue;
            any = true;
            chosen.push_back(members[round]);
            if (chosen.size() == want) break;
        }
        if (!any) break;
    }
    return chosen;
}

LabeledData selectExamples(const LabeledData& data, const std::vector<int64_t>& indices) {
    LabeledData out;
    out.summary = data.summary;
    out.summary.count = static_cast<int64_t>(indices.size());
    out.summary.test_count = 0;
    const int64_t f = data.summary.features;
    for (int64_t i : indices) {
        out.values.insert(out.values.end(), data.example(i), data.example(i) + f);
        out.labels.push_back(data.labels[i]);
    }
    out.summary.class_counts = countClasses(out.labels, out.summary.classes());
    return out;
}

}  // namespace datafiles

DataSource dataSourceOf(const TaskConfig& task) {
    const std::string src = taskSource(task);
    DataSource ds;
    ds.kind = src == "images" ? DataSourceKind::ImageFolder
              : src == "csv"  ? DataSourceKind::Csv
              : src == "idx"  ? DataSourceKind::Idx
                              : throw DataError("source " + src +
                                                " is not an image folder, a CSV table or an "
                                                 "IDX pair");
    ds.path = task.path;
    ds.image_size = std::clamp(task.image_size, 4, 256);
    ds.channels = task.channels == 3 ? 3 : 1;
    ds.label_column = task.label_column;
    return ds;
}

DataSummary inspectDataSource(const DataSource& source) {
    switch (source.kind) {
        case DataSourceKind::ImageFolder:
            return inspectImageFolder(source.path, source.image_size, source.channels);
        case DataSourceKind::Csv:
            return inspectCsvDataset(source.path, source.label_column);
        case DataSourceKind::Idx:
            return inspectIdxDataset(source.path);
    }
    throw DataError("unknown data source kind");
}

LabeledData readDataSource(const DataSource& source) {
    switch (source.kind) {
        case DataSourceKind::ImageFolder:
            return readImageFolder(source.path, source.image_size, source.channels);
        case DataSourceKind::Csv:
            return readCsvDataset(source.path, source.label_column);
        case DataSourceKind::Idx:
            return readIdxDataset(source.path);
    }
    throw DataError("unknown data source kind");
}

LabeledData previewDataSource(const DataSource& source, int maxExamples) {
    if (source.kind == DataSourceKind::ImageFolder)
        return datafiles::previewImageFolder(source.path, source.image_size, source.channels,
                                             maxExamples);
    // A table or an IDX pair is read whole anyway to be checked; choosing is then free.
    const LabeledData all = readDataSource(source);
    return datafiles::selectExamples(
        all, datafiles::previewIndices(all.labels, all.summary.classes(), maxExamples));
}

}  // namespace forgetlab
