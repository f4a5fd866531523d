#include "engine/train/internal/resume_state.h"

#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "forgetlab-resume";
constexpr int64_t kVersion = 1;

// The summary fields a runner keeps while it fine-tunes (the rest is computed at the end).
const std::pair<const char*, double RunSummary::*> kSummaryDoubles[] = {
    {"upstream_acc_before", &RunSummary::upstream_acc_before},
    {"upstream_acc_after", &RunSummary::upstream_acc_after},
    {"downstream_acc_after", &RunSummary::downstream_acc_after},
    {"sharpness_last", &RunSummary::sharpness_last},
    {"hessian_lmax_last", &RunSummary::hessian_lmax_last},
    {"example_forgetting_mean", &RunSummary::example_forgetting_mean},
    {"example_forgotten_fraction", &RunSummary::example_forgotten_fraction},
    {"upstream_logppl_before", &RunSummary::upstream_logppl_before},
    {"upstream_logppl_after", &RunSummary::upstream_logppl_after},
    {"downstream_logppl_after", &RunSummary::downstream_logppl_after},
    {"wall_seconds", &RunSummary::wall_seconds},
    {"benchmark_acc_before", &RunSummary::benchmark_acc_before},
    {"benchmark_acc_after", &RunSummary::benchmark_acc_after},
};
const std::pair<const char*, int64_t RunSummary::*> kSummaryInts[] = {
    {"steps", &RunSummary::steps},
    {"examples_tracked", &RunSummary::examples_tracked},
    {"trainable_parameters", &RunSummary::trainable_parameters},
    {"truncated_examples", &RunSummary::truncated_examples},
    {"dropped_examples", &RunSummary::dropped_examples},
};
const std::pair<const char*, bool RunSummary::*> kSummaryBools[] = {
    {"upstream_from_cache", &RunSummary::upstream_from_cache},
    {"language", &RunSummary::language},
};

std::string joinLines(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? "\n" : "") + items[i];
    return out;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> out;
    if (text.empty()) return out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

template <class T>
torch::Tensor vectorTensor(const std::vector<T>& v, torch::Dtype dtype) {
    torch::Tensor t = torch::empty({static_cast<int64_t>(v.size())}, dtype);
    if (!v.empty()) std::memcpy(t.data_ptr(), v.data(), v.size() * sizeof(T));
    return t;
}

template <class T>
std::vector<T> tensorVector(const torch::Tensor& t) {
    const torch::Tensor c = t.to(torch::kCPU).contiguous();
    std::vector<T> v(static_cast<size_t>(c.numel()));
    if (!v.empty()) std::memcpy(v.data(), c.data_ptr(), v.size() * sizeof(T));
    return v;
}

// The CPU's generator, and the run's CUDA device's when there is one.
std::vector<std::pair<std::string, at::Generator>> generators(const torch::Device& device) {
    std::vector<std::pair<std::string, at::Generator>> out;
    out.emplace_back("rng_cpu", at::globalContext().defaultGenerator(torch::kCPU));
    if (device.is_cuda() && torch::cuda::is_available())
        out.emplace_back("rng_cuda", at::globalContext().defaultGenerator(device));
    return out;
}

}  // namespace

std::string resumeFileName(int64_t step) {
    return "resume-step-" + std::to_string(step) + ".pt";
}

void removeResumeFiles(const std::string& dir) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.path().filename().string().rfind("resume-step-", 0) == 0)
            files.push_back(entry.path());
    for (const fs::path& f : files) fs::remove(f, ec);
}

void writeResumeFile(const std::string& file, const ResumeState& state, torch::nn::Module& model,
                     const torch::optim::Optimizer& optimizer, const torch::Device& device) {
    torch::NoGradGuard noGrad;
    torch::serialize::OutputArchive a;
    a.write("format", c10::IValue(std::string(kFormat)));
    a.write("version", c10::IValue(kVersion));
    a.write("step", c10::IValue(state.step));
    a.write("base_lr", c10::IValue(state.base_lr));
    std::vector<std::string> knobNames;
    std::vector<double> knobValues;
    for (const Knob& k : state.knobs) {
        knobNames.push_back(k.name);
        knobValues.push_back(k.value);
    }
    a.write("knob_names", c10::IValue(joinLines(knobNames)));
    a.write("knob_values", vectorTensor(knobValues, torch::kFloat64), true);
    a.write("sampler", c10::IValue(state.sampler));
    a.write("replay", c10::IValue(state.replay));
    a.write("threads", c10::IValue(static_cast<int64_t>(state.threads)));
    for (const auto& [name, field] : kSummaryDoubles)
        a.write(std::string("s_") + name, c10::IValue(state.summary.*field));
    for (const auto& [name, field] : kSummaryInts)
        a.write(std::string("s_") + name, c10::IValue(state.summary.*field));
    for (const auto& [name, field] : kSummaryBools)
        a.write(std::string("s_") + name, c10::IValue(state.summary.*field));
    a.write("s_replay_selection", c10::IValue(state.summary.replay_selection));
    a.write("s_benchmarks_before", c10::IValue(state.summary.benchmarks_before));
    a.write("s_benchmarks_after", c10::IValue(state.summary.benchmarks_after));
    a.write("tracked", vectorTensor(state.tracked, torch::kInt64), true);
    a.write("loss_before", vectorTensor(state.loss_before, torch::kFloat32), true);
    a.write("replay_indices", vectorTensor(state.replay_indices, torch::kInt64), true);

    // Weights and buffers by position (their dotted names are not archive keys), with the
    // names kept to check them against the model that loads them.
    std::vector<std::string> names;
    int64_t i = 0;
    for (const auto& p : model.named_parameters(/*recurse=*/true)) {
        names.push_back(p.key());
        a.write("p" + std::to_string(i++), p.value().detach().to(torch::kCPU), true);
    }
    a.write("param_names", c10::IValue(joinLines(names)));
    names.clear();
    i = 0;
    for (const auto& b : model.named_buffers(/*recurse=*/true)) {
        names.push_back(b.key());
        a.write("b" + std::to_string(i++), b.value().detach().to(torch::kCPU), true);
    }
    a.write("buffer_names", c10::IValue(joinLines(names)));

    torch::serialize::OutputArchive opt;
    optimizer.save(opt);
    a.write("optimizer", opt);
    for (auto& [key, gen] : generators(device)) {
        std::lock_guard<std::mutex> lock(gen.mutex());
        a.write(key, gen.get_state(), true);
    }

    fs::create_directories(fs::path(file).parent_path());
    const std::string partial = file + ".partial";
    a.save_to(partial);
    fs::rename(partial, file);  // atomic: the name only ever points at a whole file
}

ResumeFile::ResumeFile(const std::string& file, const torch::Device& device)
    : m_file(file), m_device(device) {
    auto fail = [&](const std::string& why) {
        return std::runtime_error("the resume point " + file + " " + why);
    };
    if (!fs::exists(file)) throw fail("does not exist (deleted or moved?)");
    try {
        m_archive.load_from(file, device);
    } catch (const c10::Error& e) {
        throw fail(std::string("cannot be read: ") + e.what_without_backtrace());
    }
    c10::IValue v;
    if (!m_archive.try_read("format", v) || !v.isString() || v.toStringRef() != kFormat)
        throw fail("is not a ForgetLab resume point");
    m_archive.read("version", v);
    if (v.toInt() != kVersion)
        throw fail("has version " + std::to_string(v.toInt()) + "; this ForgetLab reads " +
                   std::to_string(kVersion));
    m_archive.read("step", v);
    m_state.step = v.toInt();
    m_archive.read("base_lr", v);
    m_state.base_lr = v.toDouble();
    m_archive.read("knob_names", v);
    const std::vector<std::string> knobNames = splitLines(v.toStringRef());
    torch::Tensor t;
    m_archive.read("knob_values", t, true);
    const std::vector<double> knobValues = tensorVector<double>(t);
    if (knobNames.size() != knobValues.size()) throw fail("has damaged knob records");
    for (size_t k = 0; k < knobNames.size(); ++k)
        m_state.knobs.push_back({knobNames[k], knobValues[k]});
    m_archive.read("sampler", v);
    m_state.sampler = v.toStringRef();
    m_archive.read("replay", v);
    m_state.replay = v.toStringRef();
    m_archive.read("threads", v);
    m_state.threads = static_cast<int>(v.toInt());
    for (const auto& [name, field] : kSummaryDoubles)
        if (m_archive.try_read(std::string("s_") + name, v)) m_state.summary.*field = v.toDouble();
    // Fields added later (benchmarks, truncation counts) keep their defaults when a resume
    // point from before them lacks them.
    for (const auto& [name, field] : kSummaryInts)
        if (m_archive.try_read(std::string("s_") + name, v)) m_state.summary.*field = v.toInt();
    for (const auto& [name, field] : kSummaryBools) {
        m_archive.read(std::string("s_") + name, v);
        m_state.summary.*field = v.toBool();
    }
    m_archive.read("s_replay_selection", v);
    m_state.summary.replay_selection = v.toStringRef();
    if (m_archive.try_read("s_benchmarks_before", v))
        m_state.summary.benchmarks_before = v.toStringRef();
    if (m_archive.try_read("s_benchmarks_after", v))
        m_state.summary.benchmarks_after = v.toStringRef();
    m_archive.read("tracked", t, true);
    m_state.tracked = tensorVector<int64_t>(t);
    m_archive.read("loss_before", t, true);
    m_state.loss_before = tensorVector<float>(t);
    m_archive.read("replay_indices", t, true);
    m_state.replay_indices = tensorVector<int64_t>(t);
}

void ResumeFile::restore(torch::nn::Module& model, torch::optim::Optimizer& optimizer) {
    torch::NoGradGuard noGrad;
    auto fill = [&](const char* prefix, const char* namesKey,
                    const torch::OrderedDict<std::string, torch::Tensor>& into) {
        c10::IValue v;
        m_archive.read(namesKey, v);
        const std::vector<std::string> names = splitLines(v.toStringRef());
        if (names.size() != into.size())
            throw std::runtime_error("the resume point " + m_file + " holds " +
                                     std::to_string(names.size()) +
                                     " tensors where the model has " + std::to_string(into.size()) +
                                     ": it was written for another model");
        for (size_t i = 0; i < names.size(); ++i) {
            const auto& item = into[i];
            torch::Tensor saved;
            m_archive.read(prefix + std::to_string(i), saved, true);
            if (names[i] != item.key() || !saved.sizes().equals(item.value().sizes()))
                throw std::runtime_error("the resume point " + m_file + " has " + names[i] +
                                         " where the model has " + item.key() +
                                         ": it was written for another model");
            item.value().copy_(saved);
        }
    };
    fill("p", "param_names", model.named_parameters(/*recurse=*/true));
    fill("b", "buffer_names", model.named_buffers(/*recurse=*/true));
    torch::serialize::InputArchive opt;
    m_archive.read("optimizer", opt);
    optimizer.load(opt);
    for (auto& [key, gen] : generators(m_device)) {
        torch::Tensor st;
        if (!m_archive.try_read(key, st, true)) continue;  // written on another kind of device
        std::lock_guard<std::mutex> lock(gen.mutex());
        gen.set_state(st.to(torch::kCPU));
    }
}

}  // namespace forgetlab
