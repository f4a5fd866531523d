// The two tasks of an experiment, each from its phase's source, and what its model needs
// to know of them (head outputs, input shape).
#include "engine/data/internal/experiment_tasks.h"

#include <algorithm>

#include "engine/data/fashion_mnist.h"
#include "engine/data/internal/image_tasks.h"
#include "engine/data/internal/text_tasks.h"

namespace forgetlab {

ExperimentTasks buildExperimentTasks(const ExperimentConfig& cfg) {
    ExperimentTasks t;
    if (isLanguageModel(cfg)) {
        const LanguageModelSetup lm = resolveLanguageModel(cfg.model);
        t.up = buildLanguageTask(cfg.upstream.task, lm, cfg.model, 0, cfg.upstreamSeed(),
                                 cfg.text_dir);
        t.down = buildLanguageTask(cfg.downstream.task, lm, cfg.model, 1, cfg.seed, cfg.text_dir);
        t.heads = {lm.arch.vocab_size};
        t.tokenizer = lm.tokenizer;
        t.tok = lm.tok;
        t.arch = lm.arch;
        return t;
    }
    // Images and tables: each phase from its own source (image_tasks.h), one read when the
    // two phases share it.
    const TaskConfig& upTask = cfg.upstream.task;
    const TaskConfig& downTask = cfg.downstream.task;
    const bool upFashion = taskSource(upTask) == "fashion-mnist";
    const bool downFashion = taskSource(downTask) == "fashion-mnist";
    std::shared_ptr<const FashionMnist> fashion;
    if (upFashion || downFashion) fashion = loadFashionMnist(cfg.data_dir);
    std::shared_ptr<const OwnSource> upOwn, downOwn;
    // A source both phases share is split once, by the pre-training's seed.
    if (!upFashion) upOwn = loadOwnSource(upTask, cfg.upstreamSeed());
    if (!downFashion)
        downOwn =
            upOwn && sameOwnSource(upTask, downTask) ? upOwn : loadOwnSource(downTask, cfg.seed);
    const InputShape fashionShape = InputShape::image(1, FashionMnist::kSide, FashionMnist::kSide);
    const InputShape upShape = upOwn ? upOwn->shape : fashionShape;
    const InputShape downShape = downOwn ? downOwn->shape : fashionShape;
    if (const std::string mismatch = inputShapeMismatch(cfg, upShape, downShape); !mismatch.empty())
        throw DataError(mismatch);
    const int sharedOutputs =
        std::max(upOwn ? upOwn->classes() : 10, downOwn ? downOwn->classes() : 10);
    auto build = [&](const TaskConfig& task, const std::shared_ptr<const OwnSource>& own,
                     int index) {
        const unsigned seed = index == 0 ? cfg.upstreamSeed() : cfg.seed;
        Task built = own ? buildOwnTask(*own, task, cfg.model, index, seed, sharedOutputs)
                         : buildFashionTask(*fashion, task, cfg.model, index, seed);
        if (cfg.model.head == "shared") built.num_outputs = sharedOutputs;
        return built;
    };
    t.up = build(upTask, upOwn, 0);
    t.down = build(downTask, downOwn, 1);
    t.input = upShape;
    t.heads = {t.up.num_outputs};
    if (cfg.model.head == "multi") t.heads.push_back(t.down.num_outputs);
    return t;
}

}  // namespace forgetlab
