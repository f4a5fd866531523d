#pragma once
// ScreenshotScript: what forgetlab's demonstration flags make the window do, kept out of
// main() so that main only reads the command line. It drives the window the way a person
// would through the menus (public methods of MainWindow and of the tabs, never widgets
// looked up by name) and takes the screenshot once what was asked for is on screen.
// docs/screenshot.sh remakes docs/*.png through these flags:
//
//   --run-presets A,B [--seeds N [--seeds-preset P]]   runPresets()
//   --matrix ID [--predict]                            showMatrix()
//   --landscape KIND [--grid N] [--hessian]            computeLandscape()
//   --task-source SOURCE [--task-path P] [--task-template T]   showDataPreview()
//   --screenshot FILE [--screenshot-after S] [--screenshot-at-step STEP]   screenshot()
//
// The screenshot waits for, in this order of precedence: fine-tuning step STEP, the matrix
// (or its completion with --predict), the last landscape job, the scripted runs, the data
// preview, or nothing; then S seconds more (not with STEP). Call them in that order, after
// --start.

#include <QObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace forgetlab::app {

class MainWindow;
class ScriptedRuns;

class ScreenshotScript : public QObject {
    Q_OBJECT
public:
    explicit ScreenshotScript(MainWindow* window);

    // Runs the presets one after another, then seedsPreset over `seeds` seeds (seeds < 2:
    // none), and shows `tab` again once all have ended.
    void runPresets(const QStringList& presets, const QString& seedsPreset, int seeds,
                    const QString& tab);
    // Shows stored matrix `id` sorted by the leading singular vectors; predict: then runs
    // the completion protocol (H auto, K 30, 5 seeds). False (message on stderr) when id is
    // not a matrix id.
    bool showMatrix(const QString& id, bool predict);
    // Computes a landscape (then, with hessian, the Hessian spectrum) of the selected run,
    // or with afterRun of the started run once it has finished. False (message on stderr)
    // for a request the engine refuses.
    bool computeLandscape(const QString& kind, const QString& grid, bool hessian, bool afterRun);
    // Shows the setup tab of `phase` ("upstream" or "downstream") scrolled to its data
    // preview; the screenshot then waits until the preview has read the task's data.
    void showDataPreview(const QString& phase);
    // Saves a PNG of the window when the script's last piece is shown, then closes it.
    // False (message on stderr) when afterSeconds is not a number of seconds.
    bool screenshot(const QString& file, const QString& afterSeconds, std::optional<qint64> atStep);

private:
    void shoot(const QString& file);
    void shootLater(const QString& file, int delayMs);

    MainWindow* m_window;
    ScriptedRuns* m_scripted = nullptr;
    bool m_matrix = false;
    bool m_predict = false;
    bool m_landscape = false;
    bool m_hessian = false;
    QString m_previewPhase;  // "" = no data preview asked for
    bool m_shot = false;
};

}  // namespace forgetlab::app
