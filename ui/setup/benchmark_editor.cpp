#include "ui/setup/benchmark_editor.h"

#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/common/field_errors.h"
#include "ui/common/form_helpers.h"
#include "ui/setup/form_rows.h"
#include "ui/setup/path_dialog.h"

namespace forgetlab::ui {

struct BenchmarkEditor::Row {
    QWidget* box = nullptr;  // the row with its error label (eval.benchmarks[i])
    QLabel* title = nullptr;
    QFormLayout* form = nullptr;
    QComboBox* kind = nullptr;  // builtin: "" = a file
    QLineEdit* name = nullptr;
    QLineEdit* file = nullptr;
    QToolButton* fileBrowse = nullptr;
    QSpinBox* shots = nullptr;
    QLineEdit* shotsFile = nullptr;
    QToolButton* shotsBrowse = nullptr;
    QComboBox* language = nullptr;
    QSpinBox* items = nullptr;
    QToolButton* remove = nullptr;
    QWidget* fileRow = nullptr;
    QWidget* shotsFileRow = nullptr;
    QWidget* languageRow = nullptr;
    QWidget* itemsRow = nullptr;
    std::unique_ptr<FormRows> rows;  // the file rows or the cloze rows
};

BenchmarkEditor::BenchmarkEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QStringLiteral("eval"), errors, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    auto* top = new QWidget;
    QFormLayout* form = newForm(top);
    form->setContentsMargins(0, 0, 0, 0);
    m_every = makeIntSpin(0, 1'000'000);
    m_every->setSingleStep(10);
    m_every->setSpecialValueText(tr("before and after only"));
    addRow(form, tr("Score e&very"), QStringLiteral("benchmark_every"), m_every,
           tr("Fine-tuning steps between benchmark scores (they are always scored before "
              "fine-tuning and at the end); 0 = only then"));
    layout->addWidget(top);

    m_modelNote = new QLabel(tr("Benchmarks score language models: choose Model → GPT."));
    m_modelNote->setWordWrap(true);
    m_modelNote->setStyleSheet(QStringLiteral("QLabel { color: #b45309; font-size: 11px; }"));
    m_modelNote->hide();
    layout->addWidget(m_modelNote);

    auto* list = new QWidget;
    m_rowsLayout = new QVBoxLayout(list);
    m_rowsLayout->setContentsMargins(0, 0, 0, 0);
    m_rowsLayout->setSpacing(6);
    m_empty = new QLabel(tr("No benchmarks: add a file or the built-in fortune cloze."));
    m_empty->setStyleSheet(QStringLiteral("QLabel { color: #616161; font-size: 11px; }"));
    m_rowsLayout->addWidget(m_empty);
    // Messages about the whole list (benchmarks on a classifier) sit under it.
    layout->addWidget(m_errors.wrap(path(QStringLiteral("benchmarks")), list));

    m_addFile = new QPushButton(tr("Add a &benchmark file"));
    m_addFile->setObjectName(QStringLiteral("eval.benchmarks.addFile"));
    m_addFile->setToolTip(
        tr("A multiple-choice file: MMLU's CSV layout (question, choices, answer letter; no "
           "header) or JSONL ({question, choices, answer})"));
    m_addCloze = new QPushButton(tr("Add the fortune &cloze"));
    m_addCloze->setObjectName(QStringLiteral("eval.benchmarks.addCloze"));
    m_addCloze->setToolTip(
        tr("Built in, no files: the first half of a held-out upstream fortune and four "
           "endings to choose from (retained ability in that language)"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_addFile);
    buttons->addWidget(m_addCloze);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_addFile, &QPushButton::clicked, this, [this] { addFileBenchmark(); });
    connect(m_addCloze, &QPushButton::clicked, this, [this] { addCloze(); });
    updateEmpty();
}

BenchmarkEditor::~BenchmarkEditor() = default;

BenchmarkEditor::Row& BenchmarkEditor::row(int index) {
    while (int(m_rows.size()) <= index) {
        const int i = int(m_rows.size());
        auto r = std::make_unique<Row>();
        const QString at = QStringLiteral("benchmarks[%1]").arg(i);
        auto* frame = new QFrame;
        frame->setFrameShape(QFrame::StyledPanel);
        auto* inner = new QVBoxLayout(frame);
        inner->setContentsMargins(6, 4, 6, 6);
        inner->setSpacing(2);
        auto* head = new QHBoxLayout;
        r->title = new QLabel;
        r->remove = new QToolButton;
        r->remove->setObjectName(path(at) + QStringLiteral(".remove"));
        r->remove->setIcon(style()->standardIcon(QStyle::SP_DialogDiscardButton));
        r->remove->setText(tr("Remove"));
        r->remove->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        r->remove->setToolTip(tr("Remove this benchmark"));
        head->addWidget(r->title, 1);
        head->addWidget(r->remove);
        inner->addLayout(head);
        auto* fields = new QWidget;
        r->form = newForm(fields);
        r->form->setContentsMargins(0, 0, 0, 0);
        inner->addWidget(fields);

        r->kind = makeChoice({{"", tr("a file (MMLU CSV or JSONL)")},
                              {"fortune-cloze", tr("fortune cloze (built in)")}});
        r->name = new QLineEdit;
        r->file = new QLineEdit;
        r->file->setPlaceholderText(tr("a .csv (MMLU layout) or .jsonl file"));
        r->fileBrowse = new QToolButton;
        r->fileBrowse->setText(tr("Browse…"));
        r->fileBrowse->setObjectName(path(at + QStringLiteral(".file.browse")));
        r->fileBrowse->setToolTip(tr("Choose the benchmark file"));
        r->shots = makeIntSpin(0, 1000);
        r->shots->setSpecialValueText(tr("0 (zero-shot)"));
        r->shotsFile = new QLineEdit;
        r->shotsFile->setPlaceholderText(tr("the benchmark file itself"));
        r->shotsBrowse = new QToolButton;
        r->shotsBrowse->setText(tr("Browse…"));
        r->shotsBrowse->setObjectName(path(at + QStringLiteral(".shots_file.browse")));
        r->shotsBrowse->setToolTip(tr("Choose the file the solved examples come from"));
        r->language =
            makeChoice({{"en", tr("English")}, {"de", tr("German")}, {"es", tr("Spanish")}});
        r->items = makeIntSpin(0, 100'000);
        r->items->setSingleStep(50);

        addRow(r->form, tr("Kind"), at + QStringLiteral(".builtin"), r->kind,
               tr("A benchmark file, or the built-in fortune cloze"));
        addRow(r->form, tr("Name"), at + QStringLiteral(".name"), r->name,
               tr("The curve's name in the accuracy plot; empty = the file's name (or "
                  "cloze-{language})"));
        r->fileRow = addRow(r->form, tr("File"), at + QStringLiteral(".file"), r->file,
                            tr("MMLU CSV (question, choices, answer letter; no header) or JSONL "
                               "({question, choices, answer})"),
                            r->fileBrowse);
        addRow(r->form, tr("Shots"), at + QStringLiteral(".shots"), r->shots,
               tr("Solved examples put before each question (k-shot, 0-25)"));
        r->shotsFileRow =
            addRow(r->form, tr("Shots file"), at + QStringLiteral(".shots_file"), r->shotsFile,
                   tr("Where the solved examples come from (e.g. MMLU's dev split); empty = the "
                      "benchmark file, never the question itself"),
                   r->shotsBrowse);
        r->languageRow = addRow(r->form, tr("Language"), at + QStringLiteral(".language"),
                                r->language, tr("Whose held-out fortunes are cut"));
        r->itemsRow = addRow(r->form, tr("Questions"), at + QStringLiteral(".items"), r->items,
                             tr("How many cloze questions (4-5000)"));

        r->rows = std::make_unique<FormRows>(r->form);
        Row* raw = r.get();
        connect(r->kind, &QComboBox::currentIndexChanged, this, [this, raw] { updateRow(*raw); });
        connect(r->remove, &QToolButton::clicked, this, [this, i] { removeBenchmark(i); });
        connect(r->fileBrowse, &QToolButton::clicked, this, [this, i] { browse(i, false); });
        connect(r->shotsBrowse, &QToolButton::clicked, this, [this, i] { browse(i, true); });
        r->box = m_errors.wrap(path(at), frame);
        m_rowsLayout->addWidget(r->box);
        r->box->hide();
        m_rows.push_back(std::move(r));
        updateRow(*m_rows.back());
    }
    return *m_rows[size_t(index)];
}

void BenchmarkEditor::updateRow(Row& r) {
    const bool file = r.kind->currentData().toString().isEmpty();
    r.rows->setVisible(r.fileRow, file);
    r.rows->setVisible(r.shotsFileRow, file);
    r.rows->setVisible(r.languageRow, !file);
    r.rows->setVisible(r.itemsRow, !file);
    r.rows->apply();
    r.name->setPlaceholderText(file ? tr("the file's name")
                                    : QStringLiteral("cloze-") +
                                          r.language->currentData().toString());
}

void BenchmarkEditor::fillRow(Row& r, const BenchmarkConfig& b) {
    setChoice(r.kind, b.builtin);
    r.name->setText(QString::fromStdString(b.name));
    r.file->setText(QString::fromStdString(b.file));
    r.shots->setValue(b.shots);
    r.shotsFile->setText(QString::fromStdString(b.shots_file));
    setChoice(r.language, b.language);
    r.items->setValue(b.items);
    updateRow(r);
}

BenchmarkConfig BenchmarkEditor::readRow(const Row& r) const {
    BenchmarkConfig b;
    b.builtin = choice(r.kind);
    b.name = r.name->text().trimmed().toStdString();
    b.file = r.file->text().trimmed().toStdString();
    b.shots = r.shots->value();
    b.shots_file = r.shotsFile->text().trimmed().toStdString();
    b.language = choice(r.language);
    b.items = r.items->value();
    return b;
}

std::vector<BenchmarkConfig> BenchmarkEditor::rows() const {
    std::vector<BenchmarkConfig> out;
    for (int i = 0; i < m_count; ++i) out.push_back(readRow(*m_rows[size_t(i)]));
    return out;
}

// Shows exactly these rows, without a change signal per field.
void BenchmarkEditor::setRows(const std::vector<BenchmarkConfig>& benchmarks) {
    const QSignalBlocker block(this);
    const int n = int(benchmarks.size());
    for (int i = 0; i < n; ++i) fillRow(row(i), benchmarks[size_t(i)]);
    for (int i = 0; i < int(m_rows.size()); ++i) {
        Row& r = *m_rows[size_t(i)];
        r.box->setVisible(i < n);
        r.title->setText(tr("<b>Benchmark %1</b>").arg(i + 1));
    }
    m_count = n;
    updateEmpty();
    updateTabOrder();
}

void BenchmarkEditor::updateEmpty() {
    m_empty->setVisible(m_count == 0);
    setLanguageModel(m_languageModel);
}

// every → each row's fields in order → the Add buttons.
void BenchmarkEditor::updateTabOrder() {
    QList<QWidget*> order = {m_every};
    for (int i = 0; i < m_count; ++i) {
        const Row& r = *m_rows[size_t(i)];
        order << r.kind << r.name << r.file << r.fileBrowse << r.shots << r.shotsFile
              << r.shotsBrowse << r.language << r.items << r.remove;
    }
    order << m_addFile << m_addCloze;
    for (int i = 1; i < order.size(); ++i) setTabOrder(order.at(i - 1), order.at(i));
}

void BenchmarkEditor::setBenchmarks(const EvalConfig& eval) {
    m_every->setValue(eval.benchmark_every);
    setRows(eval.benchmarks);
}

void BenchmarkEditor::readBenchmarks(EvalConfig& eval, std::vector<ConfigError>&) const {
    eval.benchmark_every = m_every->value();
    eval.benchmarks = rows();
}

void BenchmarkEditor::setLanguageModel(bool languageModel) {
    m_languageModel = languageModel;
    m_modelNote->setVisible(!languageModel);
    // Rows stay editable on a classifier, so they can be removed.
    m_addFile->setEnabled(languageModel);
    m_addCloze->setEnabled(languageModel);
}

int BenchmarkEditor::addFileBenchmark() {
    std::vector<BenchmarkConfig> list = rows();
    list.push_back(BenchmarkConfig{});
    setRows(list);
    Q_EMIT changed();
    row(m_count - 1).file->setFocus(Qt::OtherFocusReason);
    return m_count - 1;
}

int BenchmarkEditor::addCloze() {
    std::vector<BenchmarkConfig> list = rows();
    BenchmarkConfig b;
    b.builtin = "fortune-cloze";
    list.push_back(b);
    setRows(list);
    Q_EMIT changed();
    row(m_count - 1).language->setFocus(Qt::OtherFocusReason);
    return m_count - 1;
}

void BenchmarkEditor::removeBenchmark(int index) {
    std::vector<BenchmarkConfig> list = rows();
    if (index < 0 || index >= int(list.size())) return;
    list.erase(list.begin() + index);
    setRows(list);
    Q_EMIT changed();
    (m_count > 0 ? row(std::min(index, m_count - 1)).remove : static_cast<QWidget*>(m_addFile))
        ->setFocus(Qt::OtherFocusReason);
}

void BenchmarkEditor::browse(int index, bool shotsFile) {
    const Row& r = row(index);
    PathDialogRequest request;
    request.title = shotsFile ? tr("File of solved examples (shots)") : tr("Benchmark file");
    request.start =
        dialogStartFolder((shotsFile ? r.shotsFile : r.file)->text(), kLastBenchmarkKey);
    request.filter = tr("Benchmarks (*.csv *.jsonl);;All files (*)");
    const QString chosen = askForPath(this, request);
    if (!chosen.isEmpty()) chooseFile(index, chosen, shotsFile);
}

void BenchmarkEditor::chooseFile(int index, const QString& chosen, bool shotsFile) {
    if (index < 0 || index >= m_count) return;
    rememberPath(kLastBenchmarkKey, chosen);
    const Row& r = row(index);
    (shotsFile ? r.shotsFile : r.file)->setText(QDir::toNativeSeparators(chosen));
}

}  // namespace forgetlab::ui
