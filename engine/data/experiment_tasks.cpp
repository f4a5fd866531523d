#include "engine/data/internal/experiment_tasks.h"

#include "engine/data/fashion_mnist.h"
#include "engine/data/internal/text_tasks.h"

namespace forgetlab {

ExperimentTasks buildExperimentTasks(const ExperimentConfig& cfg) {
    ExperimentTasks t;
    if (isLanguageModel(cfg)) {
        const LanguageModelSetup lm = resolveLanguageModel(cfg.model);
        t.up = buildTextTask(cfg.upstream.task, lm, cfg.model.context, 0, cfg.seed, cfg.text_dir);
        t.down =
            buildTextTask(cfg.downstream.task, lm, cfg.model.context, 1, cfg.seed, cfg.text_dir);
        t.heads = {lm.arch.vocab_size};
        t.tokenizer = lm.tokenizer;
        t.tok = lm.tok;
        t.arch = lm.arch;
        return t;
    }
    auto data = loadFashionMnist(cfg.data_dir);
    t.up = buildFashionTask(*data, cfg.upstream.task, cfg.model, 0, cfg.seed);
    t.down = buildFashionTask(*data, cfg.downstream.task, cfg.model, 1, cfg.seed);
    t.heads = {t.up.num_outputs};
    if (cfg.model.head == "multi") t.heads.push_back(t.down.num_outputs);
    return t;
}

}  // namespace forgetlab
