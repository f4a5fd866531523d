#include "ui/setup/data_preview_loader.h"

#include <QDateTime>
#include <QFileInfo>
#include <QPromise>
#include <QThreadPool>
#include <memory>

namespace forgetlab::ui {

namespace {

// "modified size" of a path ("-" when it is not there): a file edited since the last read
// gives another key.
QString stamp(const std::string& path) {
    if (path.empty()) return {};
    const QFileInfo f(QString::fromStdString(path));
    if (!f.exists()) return QStringLiteral("-");
    return QString::number(f.lastModified().toMSecsSinceEpoch()) + QLatin1Char(' ') +
           QString::number(f.size());
}

QString joined(const std::vector<std::string>& names) {
    QStringList parts;
    for (const std::string& n : names) parts << QString::fromStdString(n);
    return parts.join(QLatin1Char(','));
}

}  // namespace

QString dataPreviewKey(const DataPreviewRequest& r) {
    const TaskConfig& t = r.task;
    const ModelConfig& m = r.model;
    QStringList classes;
    for (int k : t.classes) classes << QString::number(k);
    const std::string src = taskSource(t);
    QStringList parts = {QString::fromStdString(src),    QString::fromStdString(t.kind),
                         classes.join(QLatin1Char(',')), QString::number(t.rotation),
                         QString::number(t.noise),       QString::number(t.label_permutation_seed)};
    if (isTextSource(src)) {
        // How text is cut and counted: the model's context and tokenizer.
        parts << QString::fromStdString(t.path) << stamp(t.path) << QString::fromStdString(t.split)
              << QString::fromStdString(t.text_field) << QString::fromStdString(t.chat_template)
              << QString::fromStdString(t.generator) << QString::fromStdString(t.language)
              << joined(t.domains) << QString::number(t.train_size) << QString::number(t.test_size)
              << QString::number(m.context) << QString::fromStdString(m.tokenizer)
              << QString::fromStdString(m.tokenizer_dir) << QString::fromStdString(m.checkpoint)
              << stamp(m.checkpoint) << QString::fromStdString(r.text_dir) << stamp(r.text_dir)
              << QString::number(r.seed);
    } else if (src == "fashion-mnist") {
        parts << QString::fromStdString(r.data_dir) << stamp(r.data_dir);
    } else {
        parts << QString::fromStdString(t.path) << stamp(t.path) << QString::number(t.image_size)
              << QString::number(t.channels) << QString::fromStdString(t.label_column);
    }
    return parts.join(QChar(0x1f));
}

DataPreviewLoader::DataPreviewLoader(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &DataPreviewLoader::onFinished);
}

// The pool thread holds only its own copy of the request and the promise, so a loader (or
// its window) going away does not wait for a big file: the result is then simply dropped.
DataPreviewLoader::~DataPreviewLoader() = default;

void DataPreviewLoader::request(const DataPreviewRequest& r) {
    const QString key = dataPreviewKey(r);
    if (m_busy) {
        // Latest request wins: it replaces any earlier waiting one.
        m_pending = r;
        return;
    }
    if (key == m_lastKey) return;
    launch(r);
}

void DataPreviewLoader::launch(const DataPreviewRequest& r) {
    m_lastKey = dataPreviewKey(r);
    m_busy = true;
    auto promise = std::make_shared<QPromise<DataPreviewResult>>();
    m_watcher.setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, r] {
        promise->addResult(computeDataPreview(r));  // never throws
        promise->finish();
    });
    Q_EMIT started();
}

void DataPreviewLoader::onFinished() {
    m_busy = false;
    const QFuture<DataPreviewResult> future = m_watcher.future();
    if (m_pending) {
        // A newer request arrived meanwhile: this result is stale.
        const DataPreviewRequest next = *m_pending;
        m_pending.reset();
        if (dataPreviewKey(next) != m_lastKey) {
            launch(next);
            return;
        }
    }
    if (future.resultCount() > 0) Q_EMIT ready(future.result());
}

}  // namespace forgetlab::ui
