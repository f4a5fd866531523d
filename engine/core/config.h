#pragma once
// ExperimentConfig: everything that defines a run, parsed from and written to JSON.
// Plain C++ (no torch, no Qt) so the CLI, the GUI and tests share one definition.

#include <string>
#include <vector>

namespace forgetlab {

// A task built from Fashion-MNIST: a set of classes, optionally with permuted pixels, and
// optionally transformed (rotated images, noisy inputs, permuted labels): the task
// families a forgetting-matrix sweep draws its rows from.
struct TaskConfig {
    std::string kind = "classes";  // "classes" | "permuted"
    std::vector<int> classes = {0, 1, 2, 3, 4};
    int permutation_seed = 1;  // for "permuted": seed of the pixel permutation
    int train_size = 5000;     // examples drawn (deterministically from the seed)
    int test_size = 1000;
    // Transforms (after the fields above, so positional initialisers keep working).
    double rotation = 0.0;           // degrees, counter-clockwise about the image centre
    double noise = 0.0;              // std of Gaussian noise added to the standardised pixels
    int label_permutation_seed = 0;  // 0 = labels as they are; else a seeded shuffle of classes
    // Text tasks (kind "text", for model.kind "gpt"): the fortunes of a language ("en",
    // "de", "es"), optionally only some of its files (domains; empty = all). Each fortune is
    // one example; train_size and test_size cap the counts, drawn from the seed.
    std::string language = "en";
    std::vector<std::string> domains;
    // Where the examples come from (docs/data.md); "" = by kind: fortunes for text, else
    // fashion-mnist. Text sources (kind "text"): fortunes | files (path: a .txt file, a
    // folder of them or a .jsonl with text_field; examples by split) | instruction (path: a
    // .jsonl of Alpaca, prompt/response or messages records, rendered with chat_template;
    // only response tokens count) | generated (generator's question -> answer pairs, as
    // instructions). Image sources (kind classes / permuted): fashion-mnist | images (path:
    // one subfolder per class; image_size, channels) | csv (path; label_column) | idx (path:
    // an images file or a folder of train-/t10k- pairs).
    std::string source;
    std::string path;
    std::string split = "paragraph";       // files: line | paragraph | document
    std::string text_field = "text";       // files: the text field of a .jsonl
    std::string chat_template = "alpaca";  // alpaca | tulu | chatml | llama2 | plain | model
    std::string generator = "arithmetic";  // generated
    int image_size = 28;                   // images: side after resizing
    int channels = 1;                      // images: 1 grey, 3 RGB
    std::string label_column = "label";    // csv
};

// The task's source with the default by kind filled in.
std::string taskSource(const TaskConfig& task);
// fortunes, files, instruction, generated: examples for a language model.
bool isTextSource(const std::string& source);
// instruction, generated: prompt/response pairs where only the response counts.
bool isInstructionSource(const std::string& source);

struct ModelConfig {
    std::string kind = "mlp";  // "mlp" | "cnn" | "gpt" (decoder-only transformer on text)
    std::vector<int> hidden = {256, 256};
    std::string activation = "relu";       // "relu" | "tanh" | "gelu"
    std::vector<int> channels = {16, 32};  // cnn: conv channels
    std::string head = "shared";           // "shared" (class-incremental) | "multi" (per task)
    // gpt: a decoder-only language model. With a checkpoint (a Hugging Face model folder:
    // config.json + model.safetensors or a sharded index) the family and every size come
    // from its config.json; without one, `family` with the size fields below builds one.
    std::string family = "gpt2";  // gpt2 | llama | mistral | qwen2 | gpt_neox | olmo | olmo2
    int n_layer = 4;
    int n_head = 4;
    int n_embd = 128;
    int context = 128;  // tokens per example (n_positions)
    // "auto": the checkpoint folder's tokenizer (tokenizer.json, tokenizer.model or
    // vocab.json + merges.txt), byte when there is no checkpoint or the folder has none;
    // "byte"; "bpe" (GPT-2 vocab.json + merges.txt); "hf" (a folder's tokenizer, required).
    std::string tokenizer = "auto";
    std::string tokenizer_dir;  // bpe / hf: the tokenizer's folder ("" = checkpoint)
    std::string checkpoint;     // "" = train from scratch on the upstream task
    // Recompute each block's activations in the backward pass (less memory, ~1/3 slower).
    bool gradient_checkpointing = false;
    // LoRA for the fine-tuning phase (0 = off): base weights frozen, adapters trained.
    int lora_rank = 0;
    double lora_alpha = 16;
    // Module names (loraTargetsOf the family); empty = the family's defaults.
    std::vector<std::string> lora_targets;
};

struct OptimizerConfig {
    std::string name = "sgd";  // "sgd" | "adam" | "adamw"
    double lr = 0.05;
    double momentum = 0.9;  // sgd
    bool nesterov = false;  // sgd
    double weight_decay = 0.0;
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // adam, adamw
    std::string sam = "none";                       // "none" | "sam" | "asam"
    double rho = 0.05;
    double asam_eta = 0.01;
    std::string schedule = "constant";  // "constant" | "cosine"
    int warmup_steps = 0;               // linear warm-up before the schedule
    double grad_clip = 0.0;             // max global L2 norm of the gradient, 0 = off
};

struct PhaseConfig {
    TaskConfig task;
    OptimizerConfig optimizer;
    int steps = 500;
    int batch_size = 64;
    // Upstream only: the seed of the pre-training (initial weights, the upstream split and
    // batch order); -1 = the experiment's seed. Fixed, every seed of a seed set fine-tunes one
    // pre-trained model, as the SAM study does.
    int64_t seed = -1;
};

// One benchmark: a file (MMLU CSV layout or JSONL) or a built-in ("fortune-cloze": endings
// of held-out upstream fortunes in `language`, `items` questions). shots_file: where the k
// solved examples come from ("" = the same file, never the item itself).
struct BenchmarkConfig {
    std::string name;
    std::string file;
    int shots = 0;
    std::string shots_file;
    std::string builtin;
    std::string language = "en";
    int items = 100;
};

struct EvalConfig {
    int every = 20;           // test loss/accuracy + SAM sharpness every k steps
    int hessian_every = 100;  // Hessian top eigenvalue every K steps (0 = off)
    int probe_size = 256;     // probe set for sharpness and Hessian (downstream train data)
    double sharpness_rho = 0.05;
    int hessian_max_iters = 100;
    double hessian_tol = 1e-3;
    int hessian_topk = 1;  // eigenvalues tracked every hessian_every steps (1..5)
    int trace_every = 0;   // Hutchinson trace every N steps (0 = off)
    int trace_samples = 20;
    int checkpoint_every = 0;  // fine-tuning checkpoints every N steps (0 = only final)
    // Per-example forgetting (SCIENCE.md section 5): the loss of each of this many fixed,
    // seeded upstream training examples, recorded before fine-tuning, at checkpoints and
    // after. 0 = off.
    int example_losses = 1000;
    // Language models: every samples_every fine-tuning steps (and at step 0) each prompt is
    // continued greedily and with samples_temperature, samples_tokens new tokens. 0 = off.
    int samples_every = 50;
    std::vector<std::string> samples_prompts = {"The meaning of life is", "Das Leben ist"};
    int samples_tokens = 60;
    double samples_temperature = 0.8;
    // Multiple-choice benchmarks (SCIENCE.md section 7) scored before fine-tuning, every
    // benchmark_every steps (0 = only before and after) and at the end.
    std::vector<BenchmarkConfig> benchmarks;
    int benchmark_every = 0;
};

// Anti-forgetting strategies for the fine-tuning phase (SCIENCE.md section 4). Each is
// off at its zero value and combines with every optimizer (SAM included) and each other.
struct StrategyConfig {
    double replay_ratio = 0.0;  // fraction of each batch drawn from stored upstream examples
    int replay_buffer = 1000;   // upstream training examples kept for replay (at most all)
    double ewc_lambda = 0.0;    // lambda/2 sum F_i (w_i - w*_i)^2
    int ewc_samples = 200;      // upstream examples for the diagonal empirical Fisher
    double l2sp_lambda = 0.0;   // lambda/2 ||w - w_pre||^2
    double lwf_lambda = 0.0;    // weight of distilling the pre-trained model's outputs
    double lwf_temperature = 2.0;
    // Which upstream examples replay keeps: "random" (a seeded draw from the upstream
    // training set) or "targeted": the replay_buffer tracked examples (eval.example_losses)
    // with the highest forgetting predicted for this downstream task by completing a
    // stored forgetting matrix from replay_probe probed examples, measured after
    // replay_probe_steps steps of fine-tuning a copy of the model.
    std::string replay_select = "random";
    long long replay_matrix = 0;  // id of the stored matrix (a sweep from the same upstream)
    int replay_probe = 30;
    int replay_probe_steps = 50;
    bool any() const {
        return replay_ratio > 0 || ewc_lambda > 0 || l2sp_lambda > 0 || lwf_lambda > 0;
    }
};

// A task sequence (continual learning): T tasks trained one after another with the
// downstream phase's optimizer and batch size, instead of the upstream -> downstream pair.
// model.head "shared" is class-incremental, "multi" task-incremental (one head per task).
struct SequenceConfig {
    int tasks = 0;  // 0 = off
    std::string kind =
        "split";  // "split": the 10 classes in T groups | "permuted": T pixel permutations
    int steps_per_task = 300;
    int train_size = 4000;  // per task
    int test_size = 500;
};

struct ExperimentConfig {
    std::string name = "experiment";
    std::string description;
    unsigned seed = 1;
    // The seed of the pre-training: upstream.seed when set, else `seed`.
    unsigned upstreamSeed() const { return upstream.seed >= 0 ? unsigned(upstream.seed) : seed; }
    // "auto" (the first CUDA device when there is one, else the CPU) | "cpu" | "cuda" |
    // "cuda:N". A stored run keeps the device it resolved to, never "auto".
    std::string device = "auto";
    // "fp32" | "bf16" (autocast to bfloat16 on CUDA; fp32 weights, optimizer and SAM) |
    // "tf32" (TF32 matmuls on CUDA).
    std::string precision = "fp32";
    std::string data_dir = "/usr/share/datasets/fashion-mnist";
    ModelConfig model;
    PhaseConfig upstream;
    PhaseConfig downstream;
    StrategyConfig strategies;
    SequenceConfig sequence;
    EvalConfig eval;
    std::string text_dir = "/usr/share/games/fortunes";  // Debian's fortune files (text tasks)
};

// One problem with a configuration, named by its JSON path ("downstream.optimizer.lr").
struct ConfigError {
    std::string field;
    std::string message;
};

struct ConfigParseResult {
    ExperimentConfig config;
    std::vector<ConfigError> errors;
    bool ok() const { return errors.empty(); }
};

// Parses JSON text; unknown keys, wrong types and invalid values are errors.
// Missing keys keep their defaults.
// Whether the experiment trains a language model (model.kind "gpt") on text tasks.
inline bool isLanguageModel(const ExperimentConfig& config) {
    return config.model.kind == "gpt";
}

ConfigParseResult parseConfig(const std::string& jsonText);

// Checks values of an already-built config (ranges, names, contradictions), including that
// its device exists on this machine and can do its precision.
std::vector<ConfigError> validateConfig(const ExperimentConfig& config);

// Parses a stored run's configuration for analysing it here, where its device may not
// exist (a run made on a GPU server, analysed on a laptop): the device becomes the stored
// one when this machine has it, else "auto"'s choice, and a precision the new device
// cannot do becomes fp32.
ConfigParseResult parseStoredConfig(const std::string& jsonText);

std::string configToJson(const ExperimentConfig& config, int indent = 2);

// Stable hash of everything that determines the pre-trained (upstream) model:
// model, upstream phase, seed, data. Used to key the upstream checkpoint cache.
std::string upstreamHash(const ExperimentConfig& config);

std::string formatErrors(const std::vector<ConfigError>& errors);

}  // namespace forgetlab
