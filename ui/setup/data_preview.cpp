#include "ui/setup/data_preview.h"

#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace forgetlab::ui {

namespace {

constexpr int kThumbnailSide = 56;
constexpr int kListedProblems = 6;

QLabel* note(const QString& name, const char* style) {
    auto* label = new QLabel;
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QString::fromLatin1(style));
    return label;
}

QString escaped(const QString& text) {
    return text.toHtmlEscaped();
}

}  // namespace

DataPreview::DataPreview(const QString& objectName, QWidget* parent) : QWidget(parent) {
    setObjectName(objectName);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_loader = new DataPreviewLoader(this);

    m_counts = note(objectName + QStringLiteral(".counts"), "QLabel { color: #263238; }");
    m_counts->setToolTip(tr("What the source holds, counted the way the run will read it"));
    m_status = note(objectName + QStringLiteral(".status"), "QLabel { color: #616161; }");
    m_status->setText(tr("Reading the data…"));
    m_status->hide();

    m_thumbnails = new QListWidget;
    m_thumbnails->setObjectName(objectName + QStringLiteral(".thumbnails"));
    m_thumbnails->setViewMode(QListView::IconMode);
    m_thumbnails->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
    m_thumbnails->setGridSize(QSize(kThumbnailSide + 30, kThumbnailSide + 30));
    m_thumbnails->setResizeMode(QListView::Adjust);
    m_thumbnails->setMovement(QListView::Static);
    m_thumbnails->setWrapping(true);
    m_thumbnails->setUniformItemSizes(true);
    m_thumbnails->setSelectionMode(QAbstractItemView::NoSelection);
    m_thumbnails->setFocusPolicy(Qt::NoFocus);
    m_thumbnails->setMinimumHeight(2 * (kThumbnailSide + 30) + 8);
    m_thumbnails->setToolTip(
        tr("The first examples of each class (of the task's classes), with their labels"));

    m_text = new QTextBrowser;
    m_text->setObjectName(objectName + QStringLiteral(".examples"));
    m_text->setOpenLinks(false);
    m_text->setMinimumHeight(300);
    m_text->setToolTip(
        tr("The first examples as the model reads them. Highlighted: the text whose tokens the "
           "loss counts (for instruction data the response only); struck through: what the "
           "model's context cuts off"));

    m_notes =
        note(objectName + QStringLiteral(".notes"), "QLabel { color: #616161; font-size: 11px; }");
    m_problems = note(objectName + QStringLiteral(".problems"),
                      "QLabel { color: #c62828; font-size: 11px; }");
    layout->addWidget(m_counts);
    layout->addWidget(m_status);
    layout->addWidget(m_thumbnails);
    layout->addWidget(m_text);
    layout->addWidget(m_notes);
    layout->addWidget(m_problems);
    m_thumbnails->hide();
    m_text->hide();
    m_notes->hide();
    m_problems->hide();

    connect(m_loader, &DataPreviewLoader::started, this, &DataPreview::onStarted);
    connect(m_loader, &DataPreviewLoader::ready, this, &DataPreview::onReady);
}

void DataPreview::showRequest(const DataPreviewRequest& request) {
    m_loader->request(request);
}

void DataPreview::onStarted() {
    m_status->show();
}

void DataPreview::onReady(const DataPreviewResult& result) {
    m_status->setVisible(m_loader->isBusy());
    m_result = result;
    m_counts->setText(result.counts);
    m_counts->setVisible(!result.counts.isEmpty());

    m_thumbnails->clear();
    for (const PreviewThumbnail& t : result.thumbnails) {
        const QPixmap pixmap = QPixmap::fromImage(t.image.scaled(
            kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio,
            t.image.width() < kThumbnailSide ? Qt::FastTransformation : Qt::SmoothTransformation));
        auto* item = new QListWidgetItem(QIcon(pixmap), t.caption);
        item->setToolTip(t.caption);
        item->setTextAlignment(Qt::AlignHCenter | Qt::AlignTop);
        m_thumbnails->addItem(item);
    }
    m_thumbnails->setVisible(result.kind == DataPreviewResult::Kind::Images &&
                             !result.thumbnails.isEmpty());

    m_text->setHtml(examplesHtml());
    m_text->setVisible(result.kind == DataPreviewResult::Kind::Text && !result.examples.isEmpty());

    m_notes->setText(result.notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!result.notes.isEmpty());
    QStringList problems = result.problems.mid(0, kListedProblems);
    if (result.problems.size() > kListedProblems)
        problems << tr("… and %1 more").arg(result.problems.size() - kListedProblems);
    m_problems->setText(
        problems.isEmpty()
            ? QString()
            : tr("Nothing to preview yet:\n%1").arg(problems.join(QLatin1Char('\n'))));
    m_problems->setVisible(!problems.isEmpty());
    Q_EMIT shown();
}

// Each example as one paragraph: the prompt plain, the counted part highlighted, the cut-off
// rest struck through, with its token counts above it.
QString DataPreview::examplesHtml() const {
    QString html = QStringLiteral("<div style='color:#546e7a; font-size:small;'>%1</div>")
                       .arg(escaped(tr("Highlighted: the tokens the loss counts.")));
    int index = 0;
    for (const PreviewExample& e : m_result.examples) {
        QString heading =
            tr("Example %1: %2 tokens, %3 counted").arg(++index).arg(e.tokens).arg(e.counted);
        if (e.truncated) heading += tr(", truncated to the context");
        if (e.dropped) heading += tr(", dropped (no response token fits the context)");
        html += QStringLiteral(
                    "<p style='color:#78909c; font-size:small; margin-top:8px; "
                    "margin-bottom:0px;'>%1</p>")
                    .arg(escaped(heading));
        const QString before = e.text.left(e.loss_begin);
        const QString counted = e.highlighted();
        const QString after = e.text.mid(e.loss_end);
        html += QStringLiteral(
                    "<p style='white-space:pre-wrap; font-family:monospace; margin-top:2px;'>"
                    "<span style='color:#546e7a;'>%1</span>"
                    "<span style='background-color:#c8e6c9; color:#1b5e20;'>%2</span>"
                    "<span style='color:#b0bec5; text-decoration:line-through;'>%3</span></p>")
                    .arg(escaped(before), escaped(counted), escaped(after));
    }
    return html;
}

int DataPreview::thumbnailCount() const {
    return m_thumbnails->count();
}

QString DataPreview::thumbnailCaption(int index) const {
    const QListWidgetItem* item = m_thumbnails->item(index);
    return item ? item->text() : QString();
}

QString DataPreview::exampleText(int index) const {
    return index >= 0 && index < m_result.examples.size() ? m_result.examples.at(index).text
                                                          : QString();
}

QString DataPreview::highlightedText(int index) const {
    return index >= 0 && index < m_result.examples.size()
               ? m_result.examples.at(index).highlighted()
               : QString();
}

QString DataPreview::countsText() const {
    return m_counts->text();
}

QString DataPreview::problemsText() const {
    return m_result.problems.join(QLatin1Char('\n'));
}

}  // namespace forgetlab::ui
