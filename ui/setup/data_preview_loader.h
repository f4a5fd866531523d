#pragma once
// What the data preview of a task shows, and how it is read without freezing the form.
// computeDataPreview reads a task's source the way the engine will (engine/data/data_files.h
// for images, tables and IDX; engine/data/text_sources.h and fortunes.h for text) and
// returns plain values: thumbnails with their labels, or the first examples rendered with the
// task's template and the characters the loss counts, plus the counts. DataPreviewLoader runs
// it on a pool thread, one read at a time: a request made while one is running replaces any
// earlier waiting one and a stale result is dropped (latest request wins), and a request for
// what was last read (same settings, files unchanged) reads nothing. A big file therefore
// costs time on a worker, never on the GUI thread; only the file's size and date are looked
// at on the GUI thread.

#include <QFutureWatcher>
#include <QImage>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <optional>
#include <string>

#include "engine/core/config.h"

namespace forgetlab::ui {

// Everything a task's examples depend on.
struct DataPreviewRequest {
    TaskConfig task;
    ModelConfig model;     // kind, context and tokenizer: how text is cut and counted
    std::string data_dir;  // fashion-mnist
    std::string text_dir;  // fortunes
    unsigned seed = 1;     // generated instructions
};

struct PreviewThumbnail {
    QImage image;
    int label = 0;    // class id
    QString caption;  // "3 Dress"
};

// One example as the model reads it. Offsets index text (QString positions).
struct PreviewExample {
    QString text;
    int loss_begin = 0, loss_end = 0;  // the characters whose tokens count for the loss
    bool truncated = false;            // the end beyond loss_end is cut off by the context
    bool dropped = false;              // no response token fits: left out of training
    int tokens = 0, counted = 0;
    QString highlighted() const { return text.mid(loss_begin, loss_end - loss_begin); }
};

struct DataPreviewResult {
    enum class Kind { None, Images, Text };
    Kind kind = Kind::None;
    QString source;  // task.source with its default filled in
    QList<PreviewThumbnail> thumbnails;
    QStringList class_names;  // class id -> name (images, tables)
    QList<PreviewExample> examples;
    // "1,200 examples, 3 classes" / "500 examples, 12 truncated to the context of 128 tokens"
    QString counts;
    QStringList notes;     // conversions, skips, what the preview leaves out
    QStringList problems;  // why there is nothing (or not everything) to show
};

// Reads what the request names; never throws (a failure becomes problems). Call it off the
// GUI thread: it may read whole files.
DataPreviewResult computeDataPreview(const DataPreviewRequest& request);

// The examples a preview shows at most.
inline constexpr int kPreviewThumbnails = 24;
inline constexpr int kPreviewExamples = 4;

class DataPreviewLoader : public QObject {
    Q_OBJECT
public:
    explicit DataPreviewLoader(QObject* parent = nullptr);
    ~DataPreviewLoader() override;

    // Reads the request's data unless it is what was last asked for and its files have not
    // changed since.
    void request(const DataPreviewRequest& request);
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void started();
    void ready(const forgetlab::ui::DataPreviewResult& result);

private:
    void launch(const DataPreviewRequest& request);
    void onFinished();

    QFutureWatcher<DataPreviewResult> m_watcher;
    std::optional<DataPreviewRequest> m_pending;
    QString m_lastKey;
    bool m_busy = false;
};

// The settings and file stamps a preview depends on (equal keys: the same preview).
QString dataPreviewKey(const DataPreviewRequest& request);

}  // namespace forgetlab::ui
