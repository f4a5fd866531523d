#include "ui/forgetting_map/forgetting_map_tab.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>

#include "engine/core/names.h"
#include "ui/forgetting_map/forgetting_heatmap.h"
#include "ui/forgetting_map/matrix_analysis_panel.h"

namespace forgetlab::ui {

namespace {

using SortMode = ForgettingHeatmap::SortMode;

QComboBox* sortChoice(const QString& name, bool rows) {
    auto* box = new QComboBox;
    box->setObjectName(name);
    box->addItem(ForgettingMapTab::tr("original"), int(SortMode::Original));
    box->addItem(ForgettingMapTab::tr("by mean"), int(SortMode::Mean));
    box->addItem(rows ? ForgettingMapTab::tr("by u₁") : ForgettingMapTab::tr("by v₁"),
                 int(SortMode::Singular));
    box->setToolTip(
        rows ? ForgettingMapTab::tr("Order of the tasks (rows), ascending: as listed, by mean "
                                    "forgetting, or by the leading left singular vector u₁")
             : ForgettingMapTab::tr("Order of the examples (columns), ascending: as listed, by "
                                    "mean forgetting, or by the leading right singular vector "
                                    "v₁"));
    return box;
}

QSpinBox* intSpin(const QString& name, int lo, int hi, int value, const QString& tip) {
    auto* spin = new QSpinBox;
    spin->setObjectName(name);
    spin->setRange(lo, hi);
    spin->setValue(value);
    spin->setToolTip(tip);
    spin->setAccelerated(true);
    return spin;
}

QString entryText(const MatrixListEntry& e) {
    const int planned = e.rowsPlanned > 0 ? e.rowsPlanned : e.rows;
    return QStringLiteral("#%1 %2  %3/%4 x %5  %6")
        .arg(e.id)
        .arg(e.name)
        .arg(e.rows)
        .arg(planned)
        .arg(e.cols)
        .arg(e.status);
}

}  // namespace

const QStringList& ForgettingMapTab::families() {
    static const QStringList names = {QStringLiteral("class"),   QStringLiteral("pair"),
                                      QStringLiteral("permute"), QStringLiteral("rotate"),
                                      QStringLiteral("noise"),   QStringLiteral("labelperm"),
                                      QStringLiteral("domain")};
    return names;
}

ForgettingMapTab::ForgettingMapTab(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("forgettingMapTab"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(4);

    auto* help = new QLabel(
        tr("Each row is one fine-tuning task started from the same pre-trained model, each "
           "column one upstream example it already knew; a cell is how much that task raised "
           "the example's loss (<span style='color:#b2182b'>red = forgotten</span>, "
           "<span style='color:#2166ac'>blue = got easier</span>). When a few numbers per "
           "task and per example explain the map (high R² at low rank), forgetting is "
           "predictable: Predict tries it on held-out tasks."));
    help->setObjectName(QStringLiteral("fmap.help"));
    help->setWordWrap(true);
    layout->addWidget(help);
    layout->addWidget(buildTopBar());

    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("fmap.error"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-weight: bold; }"));
    m_error->hide();
    layout->addWidget(m_error);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("fmap.message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setStyleSheet(QStringLiteral("QLabel { color: #424242; }"));
    m_message->hide();
    layout->addWidget(m_message);

    m_heatmap = new ForgettingHeatmap;
    m_analysis = new MatrixAnalysisPanel;
    // The view controls sit right above the heatmap they change (and keep the top bar
    // short enough for a main window with both side panels open).
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(2);
    leftLayout->addWidget(buildViewBar());
    leftLayout->addWidget(m_heatmap, 1);
    auto* split = new QSplitter(Qt::Horizontal);
    split->setObjectName(QStringLiteral("fmap.splitter"));
    split->addWidget(left);
    split->addWidget(m_analysis);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setCollapsible(0, false);
    split->setSizes({900, 400});
    layout->addWidget(split, 1);

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(buildSweepBox(), 3);
    bottom->addWidget(buildCompletionBox(), 1);
    layout->addLayout(bottom);

    connect(m_matrixBox, &QComboBox::currentIndexChanged, this, [this] {
        updateButtons();
        if (!m_filling && currentMatrixId() != 0) Q_EMIT matrixChosen(currentMatrixId());
    });
    connect(m_import, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Import forgetting matrix"), QString(),
                                         tr("CSV files (*.csv);;All files (*)"));
        if (!path.isEmpty()) importCsv(path);
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        QString name = m_heatmap->matrix().name;
        name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("-"));
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export forgetting matrix"),
            (name.isEmpty() ? QStringLiteral("forgetting-matrix") : name) + QStringLiteral(".csv"),
            tr("CSV files (*.csv)"));
        if (!path.isEmpty()) exportCsv(path);
    });
    connect(m_rowSort, &QComboBox::currentIndexChanged, this,
            [this] { m_heatmap->setRowSort(SortMode(m_rowSort->currentData().toInt())); });
    connect(m_colSort, &QComboBox::currentIndexChanged, this,
            [this] { m_heatmap->setColumnSort(SortMode(m_colSort->currentData().toInt())); });
    connect(m_component, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling) m_heatmap->setComponent(std::max(0, m_component->currentData().toInt()));
    });
    rebuildComponents();
    setSweepSource(QString());
    updateButtons();
}

void ForgettingMapTab::setSort(SortMode rows, SortMode columns) {
    m_rowSort->setCurrentIndex(m_rowSort->findData(int(rows)));
    m_colSort->setCurrentIndex(m_colSort->findData(int(columns)));
}

QWidget* ForgettingMapTab::buildTopBar() {
    auto* bar = new QWidget;
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(6);
    m_matrixBox = new QComboBox;
    m_matrixBox->setObjectName(QStringLiteral("fmap.matrix"));
    m_matrixBox->setMinimumContentsLength(16);
    m_matrixBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_matrixBox->setPlaceholderText(tr("no matrix chosen"));
    m_matrixBox->setToolTip(
        tr("Stored forgetting matrices: id, name, tasks measured / planned "
           "x examples, status"));
    m_import = new QPushButton(tr("Import CSV…"));
    m_import->setObjectName(QStringLiteral("fmap.import"));
    m_import->setToolTip(tr("Read a task x example forgetting matrix from a CSV file"));
    m_export = new QPushButton(tr("Export CSV…"));
    m_export->setObjectName(QStringLiteral("fmap.export"));
    m_export->setToolTip(tr("Write the shown matrix (all columns, original order) to CSV"));
    auto* label = new QLabel(tr("&Matrix"));
    label->setBuddy(m_matrixBox);
    row->addWidget(label);
    row->addWidget(m_matrixBox, 1);
    row->addWidget(m_import);
    row->addWidget(m_export);
    return bar;
}

QWidget* ForgettingMapTab::buildViewBar() {
    auto* bar = new QWidget;
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(6);
    m_rowSort = sortChoice(QStringLiteral("fmap.sort.rows"), true);
    m_colSort = sortChoice(QStringLiteral("fmap.sort.cols"), false);
    m_component = new QComboBox;
    m_component->setObjectName(QStringLiteral("fmap.component"));
    m_component->setToolTip(
        tr("Z itself, or one rank-one term s_k·u_k·v_kᵀ of its singular value decomposition"));
    m_component->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    const std::pair<QString, QComboBox*> fields[] = {
        {tr("Sort &rows"), m_rowSort}, {tr("c&olumns"), m_colSort}, {tr("S&how"), m_component}};
    for (const auto& [text, box] : fields) {
        auto* label = new QLabel(text);
        label->setBuddy(box);
        row->addWidget(label);
        row->addWidget(box);
        row->addSpacing(6);
    }
    row->addStretch(1);
    return bar;
}

QWidget* ForgettingMapTab::buildSweepBox() {
    auto* box = new QGroupBox(tr("Build a matrix: sweep of fine-tuning tasks"));
    box->setObjectName(QStringLiteral("fmap.sweep"));
    auto* grid = new QGridLayout(box);
    grid->setContentsMargins(6, 4, 6, 6);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(3);

    const QMap<QString, std::pair<QString, QString>> texts = {
        {QStringLiteral("class"),
         {tr("class"), tr("Each downstream class alone: fine-tune on one class")}},
        {QStringLiteral("pair"),
         {tr("pair"), tr("Each pair of downstream classes: a two-way task")}},
        {QStringLiteral("permute"),
         {tr("permute"),
          tr("Pixel permutations: the downstream task with its pixels shuffled by a fixed "
             "random permutation")}},
        {QStringLiteral("rotate"),
         {tr("rotate"),
          tr("Rotations: the downstream task with its images rotated by growing angles")}},
        {QStringLiteral("noise"),
         {tr("noise"), tr("Input noise: the downstream task with growing levels of noise")}},
        {QStringLiteral("labelperm"),
         {tr("label perm."),
          tr("Label permutations: the downstream task with its labels permuted at random "
             "(same images)")}},
        {QStringLiteral("domain"),
         {tr("domain (text)"),
          tr("Language-model runs only: one task per fortune file of the downstream language "
             "(at least 50 fortunes, the largest first, at most 'per family' of them); the image "
             "families do not apply to text")}},
    };
    auto* familyRow = new QHBoxLayout;
    familyRow->setSpacing(10);
    for (const QString& family : families()) {
        auto* check = new QCheckBox(texts[family].first);
        check->setObjectName(QStringLiteral("fmap.sweep.family.") + family);
        check->setToolTip(texts[family].second);
        check->setChecked(family == QLatin1String("class") || family == QLatin1String("pair") ||
                          family == QLatin1String("rotate"));
        connect(check, &QCheckBox::toggled, this, [this] {
            updateSweepSummary();
            updateButtons();
        });
        m_familyBoxes.insert(family, check);
        familyRow->addWidget(check);
    }
    familyRow->addStretch(1);
    grid->addWidget(new QLabel(tr("Families")), 0, 0, Qt::AlignRight);
    grid->addLayout(familyRow, 0, 1, 1, 7);

    m_perFamily = intSpin(QStringLiteral("fmap.sweep.per_family"), 1, 200, 6,
                          tr("Fine-tuning tasks per family (the first ones: classes, pairs, "
                             "angles, noise levels, seeds)"));
    m_steps = intSpin(QStringLiteral("fmap.sweep.steps"), 1, 100000, 150,
                      tr("Fine-tuning steps of each task, each from the same pre-trained model"));
    m_steps->setSingleStep(50);
    m_examples = intSpin(QStringLiteral("fmap.sweep.examples"), 10, 100000, 1000,
                         tr("Upstream examples whose loss is measured before and after each "
                            "task: the columns of Z"));
    m_examples->setSingleStep(500);
    for (QSpinBox* spin : {m_perFamily, m_steps, m_examples})
        connect(spin, &QSpinBox::valueChanged, this, [this] { updateSweepSummary(); });
    grid->addWidget(new QLabel(tr("Tasks / family")), 1, 0, Qt::AlignRight);
    grid->addWidget(m_perFamily, 1, 1);
    grid->addWidget(new QLabel(tr("Steps / task")), 1, 2, Qt::AlignRight);
    grid->addWidget(m_steps, 1, 3);
    grid->addWidget(new QLabel(tr("Examples N")), 1, 4, Qt::AlignRight);
    grid->addWidget(m_examples, 1, 5);
    m_sweepSummary = new QLabel;
    m_sweepSummary->setObjectName(QStringLiteral("fmap.sweep.summary"));
    m_sweepSummary->setStyleSheet(QStringLiteral("QLabel { color: #555555; }"));
    m_sweepSummary->setWordWrap(true);
    grid->addWidget(m_sweepSummary, 2, 1, 1, 7);

    m_source = new QLabel;
    m_source->setObjectName(QStringLiteral("fmap.sweep.source"));
    m_source->setWordWrap(true);
    grid->addWidget(new QLabel(tr("Starts from")), 3, 0, Qt::AlignRight);
    grid->addWidget(m_source, 3, 1, 1, 7);

    m_start = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start sweep"));
    m_start->setObjectName(QStringLiteral("fmap.sweep.start"));
    m_cancel = new QPushButton(style()->standardIcon(QStyle::SP_DialogCancelButton), tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("fmap.sweep.cancel"));
    m_cancel->setToolTip(tr("Stop after the task being tuned; the rows so far are kept"));
    m_resume = new QPushButton(tr("Resume"));
    m_resume->setObjectName(QStringLiteral("fmap.sweep.resume"));
    m_resume->setToolTip(
        tr("Continue the chosen matrix's sweep where it stopped (interrupted or stopped "
           "matrices)"));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("fmap.sweep.progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("no sweep running"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_progress, 1);
    grid->addLayout(buttons, 4, 0, 1, 8);
    grid->setColumnStretch(7, 1);

    connect(m_start, &QPushButton::clicked, this,
            [this] { Q_EMIT sweepRequested(sweepRequest()); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_progress->setFormat(m_progress->format() + tr(" — cancelling…"));
        Q_EMIT sweepCancelRequested();
    });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (currentMatrixId() != 0) Q_EMIT resumeRequested(currentMatrixId());
    });
    updateSweepSummary();
    return box;
}

QWidget* ForgettingMapTab::buildCompletionBox() {
    auto* box = new QGroupBox(tr("Predict forgetting of held-out tasks"));
    box->setObjectName(QStringLiteral("fmap.complete"));
    auto* grid = new QGridLayout(box);
    grid->setContentsMargins(6, 4, 6, 6);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(3);
    m_holdout = intSpin(QStringLiteral("fmap.complete.h"), 0, 100000, 0,
                        tr("Tasks (rows) held out and predicted; auto = about a fifth"));
    m_holdout->setSpecialValueText(tr("auto"));
    m_observed = intSpin(QStringLiteral("fmap.complete.k"), 1, 100000, 30,
                         tr("Entries of each held-out task revealed to the methods"));
    m_seeds = intSpin(QStringLiteral("fmap.complete.seeds"), 1, 100, 5,
                      tr("Random hold-out splits averaged over"));
    m_predict = new QPushButton(tr("Predict"));
    m_predict->setObjectName(QStringLiteral("fmap.complete.predict"));
    m_predict->setToolTip(
        tr("Additive baseline, kNN over tasks and low-rank factorisation predict the hidden "
           "entries of the held-out tasks"));
    grid->addWidget(new QLabel(tr("Held-out tasks H")), 0, 0, Qt::AlignRight);
    grid->addWidget(m_holdout, 0, 1);
    grid->addWidget(new QLabel(tr("Observed entries K")), 1, 0, Qt::AlignRight);
    grid->addWidget(m_observed, 1, 1);
    grid->addWidget(new QLabel(tr("Seeds")), 2, 0, Qt::AlignRight);
    grid->addWidget(m_seeds, 2, 1);
    grid->addWidget(m_predict, 3, 0, 1, 2);
    connect(m_predict, &QPushButton::clicked, this, [this] {
        Q_EMIT completionRequested(m_holdout->value(), m_observed->value(), m_seeds->value());
    });
    return box;
}

void ForgettingMapTab::setMatrices(const QVector<MatrixListEntry>& entries) {
    const qint64 current = currentMatrixId();
    m_filling = true;
    m_entries = entries;
    m_matrixBox->clear();
    for (const MatrixListEntry& e : entries) m_matrixBox->addItem(entryText(e), e.id);
    m_matrixBox->setCurrentIndex(current != 0 ? m_matrixBox->findData(current) : -1);
    m_filling = false;
    updateButtons();
}

bool ForgettingMapTab::selectMatrix(qint64 id) {
    const int index = m_matrixBox->findData(id);
    if (index < 0) return false;
    m_filling = true;
    m_matrixBox->setCurrentIndex(index);
    m_filling = false;
    updateButtons();
    return true;
}

qint64 ForgettingMapTab::currentMatrixId() const {
    const QVariant id = m_matrixBox->currentData();
    return id.isValid() ? id.toLongLong() : 0;
}

const MatrixListEntry* ForgettingMapTab::currentEntry() const {
    const qint64 id = currentMatrixId();
    for (const MatrixListEntry& e : m_entries)
        if (e.id == id && id != 0) return &e;
    return nullptr;
}

void ForgettingMapTab::setMatrix(const MatrixData& matrix) {
    if (!m_heatmap->setMatrix(matrix)) {
        showError(tr("Matrix #%1 is inconsistent: %2 values for %3 x %4.")
                      .arg(matrix.id)
                      .arg(matrix.values.size())
                      .arg(matrix.rows)
                      .arg(matrix.cols));
        m_shownId = 0;
        m_analysis->clear();
        rebuildComponents();
        updateButtons();
        return;
    }
    clearError();
    if (matrix.id != m_shownId) m_analysis->clear();
    m_shownId = matrix.id;
    if (matrix.id != 0) selectMatrix(matrix.id);
    rebuildComponents();
    updateButtons();
}

void ForgettingMapTab::setFit(const FitData& fit) {
    clearError();
    m_analysis->setFit(fit);
}

void ForgettingMapTab::setCompletion(const CompletionData& completion) {
    clearError();
    m_analysis->setCompletion(completion);
}

void ForgettingMapTab::showError(const QString& text) {
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void ForgettingMapTab::clearError() {
    showError(QString());
}

void ForgettingMapTab::showMessage(const QString& text) {
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString ForgettingMapTab::errorText() const {
    return m_error->text();
}

QString ForgettingMapTab::messageText() const {
    return m_message->text();
}

void ForgettingMapTab::rebuildComponents() {
    const int previous = std::max(0, m_component->currentData().toInt());
    const MatrixData& m = m_heatmap->matrix();
    m_filling = true;
    m_component->clear();
    m_component->addItem(tr("Z"), 0);
    for (int k = 1; k <= m.rank; ++k)
        m_component->addItem(
            tr("component %1 (s = %2)").arg(k).arg(QString::number(m.singular[k - 1], 'g', 3)), k);
    const int k = previous <= m.rank ? previous : 0;
    m_component->setCurrentIndex(k);
    m_filling = false;
    m_heatmap->setComponent(k);
}

void ForgettingMapTab::setSweepSource(const QString& description) {
    m_sourceText = description;
    if (description.isEmpty()) {
        m_source->setText(
            tr("<i>No pre-trained checkpoint chosen: select a run in the run list. A sweep "
               "fine-tunes copies of that run's pre-trained model, one task at a time.</i>"));
        m_source->setStyleSheet(QStringLiteral("QLabel { color: #8d6e00; }"));
    } else {
        m_source->setText(tr("the pre-trained checkpoint of %1").arg(description.toHtmlEscaped()));
        m_source->setStyleSheet(QString());
    }
    updateButtons();
}

void ForgettingMapTab::setSweepRunning(bool running) {
    m_sweepRunning = running;
    if (running) {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        m_progress->setFormat(tr("starting…"));
    }
    updateButtons();
}

void ForgettingMapTab::setSweepProgress(int done, int total, const QString& text) {
    // A busy (0..0) bar shows no text, so an unknown total is an empty bar with the text.
    m_progress->setRange(0, std::max(1, total));
    m_progress->setValue(std::clamp(done, 0, std::max(1, total)));
    m_progress->setFormat(text.isEmpty() ? tr("task %1 / %2").arg(done).arg(total) : text);
}

QString ForgettingMapTab::sweepProgressText() const {
    return m_progress->text();
}

void ForgettingMapTab::setCompletionRunning(bool running) {
    m_completionRunning = running;
    updateButtons();
}

SweepRequest ForgettingMapTab::sweepRequest() const {
    SweepRequest r;
    for (const QString& family : families())
        if (m_familyBoxes[family]->isChecked()) r.families << family;
    r.perFamily = m_perFamily->value();
    r.steps = m_steps->value();
    r.examples = m_examples->value();
    return r;
}

void ForgettingMapTab::updateSweepSummary() {
    const SweepRequest r = sweepRequest();
    const int tasks = r.families.size() * r.perFamily;
    m_sweepSummary->setText(
        tr("Up to %1 fine-tuning tasks of %2 steps each; Z will be up to %1 x %3 (fewer when "
           "a family has fewer members, e.g. 10 classes).")
            .arg(tasks)
            .arg(r.steps)
            .arg(r.examples));
}

void ForgettingMapTab::updateButtons() {
    const bool shown = m_heatmap->hasMatrix();
    m_export->setEnabled(shown);
    m_predict->setEnabled(shown && m_heatmap->matrix().rows >= 2 && !m_completionRunning);
    m_predict->setText(m_completionRunning ? tr("Predicting…") : tr("Predict"));

    const bool anyFamily = !sweepRequest().families.isEmpty();
    const bool canStart = !m_sweepRunning && !m_sourceText.isEmpty() && anyFamily;
    m_start->setEnabled(canStart);
    m_start->setToolTip(m_sweepRunning           ? tr("A sweep is running")
                        : m_sourceText.isEmpty() ? tr("Select a run whose pre-trained model the "
                                                      "sweep fine-tunes")
                        : !anyFamily             ? tr("Check at least one task family")
                                     : tr("Fine-tune the pre-trained model on each task in turn "
                                          "and record which upstream examples it forgets"));
    m_cancel->setEnabled(m_sweepRunning);
    const MatrixListEntry* entry = currentEntry();
    const bool resumable = entry && (entry->status == QLatin1String(status::kInterrupted) ||
                                     entry->status == QLatin1String(status::kStopped));
    m_resume->setEnabled(!m_sweepRunning && resumable);
    for (QCheckBox* check : m_familyBoxes) check->setEnabled(!m_sweepRunning);
    for (QSpinBox* spin : {m_perFamily, m_steps, m_examples}) spin->setEnabled(!m_sweepRunning);
}

void ForgettingMapTab::importCsv(const QString& path) {
    Q_EMIT importCsvRequested(path);
}

void ForgettingMapTab::exportCsv(const QString& path) {
    Q_EMIT exportCsvRequested(path);
}

}  // namespace forgetlab::ui
