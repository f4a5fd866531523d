#pragma once
// FormRows: shows and hides rows of a QFormLayout by taking hidden rows out of the layout
// and putting them back in their order, instead of QFormLayout::setRowVisible. A form with a
// height-for-width row (a word-wrapped error label under a field) lays its rows out through
// per-row indices that hidden rows keep from an earlier layout, so with setRowVisible a row
// shown again could be given the zero height of a row hidden since (Qt 6.4): the Path row of
// a task vanished when the source changed from fortunes to instruction data. A form holding
// only the rows it shows has no stale rows.

#include <vector>

class QFormLayout;
class QWidget;

namespace forgetlab::ui {

class FormRows {
public:
    // Records the form's rows as they are now, in order, all shown.
    explicit FormRows(QFormLayout* form);

    // Marks the row whose field (or label) is `widget`; apply() lays the form out again.
    void setVisible(QWidget* widget, bool visible);
    bool isVisible(QWidget* widget) const;
    // Takes the rows out and puts the shown ones back, when any changed since the last call.
    void apply();

private:
    struct Row {
        QWidget* label = nullptr;
        QWidget* field = nullptr;
        bool spanning = false;  // the field spans both columns
        bool visible = true;
    };
    Row* find(QWidget* widget);
    const Row* find(QWidget* widget) const;

    QFormLayout* m_form;
    std::vector<Row> m_rows;
    bool m_dirty = false;
};

}  // namespace forgetlab::ui
