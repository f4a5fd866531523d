#pragma once
// DataPreview: the pane under a phase's task that shows what the task will train on before
// Start: for images (Fashion-MNIST, an image folder, an IDX pair, a CSV table drawn as grey
// cells) a grid of thumbnails with their class labels; for text the first examples as the
// model reads them (instruction data rendered with the chosen template), the characters
// whose tokens count for the loss highlighted and what the context cuts off struck through;
// above them the counts (examples, classes, truncated). The files are read off the GUI thread
// by DataPreviewLoader (latest request wins), so a big file never freezes the form.

#include <QString>
#include <QWidget>

#include "ui/setup/data_preview_loader.h"

class QLabel;
class QListWidget;
class QTextBrowser;

namespace forgetlab::ui {

class DataPreview : public QWidget {
    Q_OBJECT
public:
    // objectName: e.g. "downstream.task.preview"; its parts are named after it.
    explicit DataPreview(const QString& objectName, QWidget* parent = nullptr);

    // Shows the task's data once read (nothing is read again for the same request).
    void showRequest(const DataPreviewRequest& request);
    bool isLoading() const { return m_loader->isBusy(); }

    // What is on screen (tests, accessibility).
    const DataPreviewResult& result() const { return m_result; }
    int thumbnailCount() const;
    QString thumbnailCaption(int index) const;
    int exampleCount() const { return int(m_result.examples.size()); }
    QString exampleText(int index) const;
    // The characters of an example the loss counts (its highlighted part).
    QString highlightedText(int index) const;
    QString countsText() const;
    QString problemsText() const;

Q_SIGNALS:
    // A result is shown.
    void shown();

private:
    void onStarted();
    void onReady(const DataPreviewResult& result);
    QString examplesHtml() const;

    DataPreviewLoader* m_loader;
    QLabel* m_counts;
    QLabel* m_status;
    QListWidget* m_thumbnails;
    QTextBrowser* m_text;
    QLabel* m_notes;
    QLabel* m_problems;
    DataPreviewResult m_result;
};

}  // namespace forgetlab::ui
