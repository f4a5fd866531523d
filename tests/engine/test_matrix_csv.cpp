// The forgetting matrix's CSV reader and writer: round trips with awkward names and values,
// optional header row and name column (detected or forced), ragged rows, non-numeric cells
// named by line and column, empty files, the missing-value policy, quoting, CRLF, files.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

#include "engine/forgetting/forgetting_matrix.h"
#include "tests/engine/matrix_test_helpers.h"

using namespace forgetlab;
using namespace forgetlab::test;

class TestMatrixCsv : public QObject {
    Q_OBJECT
private Q_SLOTS:

    void csvRoundTripWithNames() {
        ForgetMatrix z = fromRows({{0.1, 1.0 / 3.0, -1e-300}, {1e300, std::nan(""), -0.0}});
        z.row_names = {"task, first", "42"};
        z.col_names = {"say \"hi\"", " padded", "#tag"};
        const std::string text = formatMatrixCsv(z);
        const ForgetMatrix back = parseMatrixCsv(text);
        QCOMPARE(back.rows, int64_t(2));
        QCOMPARE(back.cols, int64_t(3));
        QVERIFY(sameValues(back.values, z.values));
        QVERIFY(back.row_names == z.row_names);
        QVERIFY(back.col_names == z.col_names);
        QCOMPARE(formatMatrixCsv(back), text);
        QCOMPARE(back.missingCount(), int64_t(1));
        // 17 significant digits, missing cells empty, quoted names.
        QVERIFY2(text.find("0.10000000000000001") != std::string::npos, text.c_str());
        QVERIFY(text.find(",,") != std::string::npos);
        QVERIFY(text.find("\"say \"\"hi\"\"\"") != std::string::npos);
        QVERIFY(text.find("\"42\"") != std::string::npos);
    }

    void csvGeneratesNames() {
        const std::string text = formatMatrixCsv(fromRows({{1, 2}, {3, 4.5}}));
        QCOMPARE(text, std::string("task,ex1,ex2\ntask1,1,2\ntask2,3,4.5\n"));
        const ForgetMatrix back = parseMatrixCsv(text);
        QVERIFY((back.row_names == std::vector<std::string>{"task1", "task2"}));
        QVERIFY((back.col_names == std::vector<std::string>{"ex1", "ex2"}));
    }

    void csvWithoutHeaderOrNames() {
        const ForgetMatrix z = parseMatrixCsv("1,2,3\n4,5,6e-1\n");
        QCOMPARE(z.rows, int64_t(2));
        QCOMPARE(z.cols, int64_t(3));
        QVERIFY(sameValues(z.values, {1, 2, 3, 4, 5, 0.6}));
        QVERIFY(z.row_names.empty() && z.col_names.empty());
    }

    void csvRowNamesOnly() {
        const ForgetMatrix z = parseMatrixCsv("a,1,2\nb,3,+4\n");
        QCOMPARE(z.cols, int64_t(2));
        QVERIFY((z.row_names == std::vector<std::string>{"a", "b"}));
        QVERIFY(z.col_names.empty());
        QVERIFY(sameValues(z.values, {1, 2, 3, 4}));
    }

    void csvHeaderOnlyNoRowNames() {
        const ForgetMatrix z = parseMatrixCsv("x,y\n1,2\n");
        QCOMPARE(z.rows, int64_t(1));
        QVERIFY((z.col_names == std::vector<std::string>{"x", "y"}));
        QVERIFY(z.row_names.empty());
    }

    void csvForcedParts() {
        CsvOptions o;
        o.header = CsvPart::Yes;
        o.row_names = CsvPart::Yes;
        const ForgetMatrix z = parseMatrixCsv("0,10,20\n7,1,2\n8,3,4\n", o);
        QVERIFY((z.col_names == std::vector<std::string>{"10", "20"}));
        QVERIFY((z.row_names == std::vector<std::string>{"7", "8"}));
        QVERIFY(sameValues(z.values, {1, 2, 3, 4}));
        o.header = CsvPart::No;
        o.row_names = CsvPart::No;
        const MatrixError e = expectMatrixError([&] { parseMatrixCsv("task,a\nt,1\n", o); });
        QCOMPARE(e.line(), int64_t(1));
        QCOMPARE(e.column(), int64_t(1));
    }

    void csvRaggedRows() {
        const MatrixError e =
            expectMatrixError([] { parseMatrixCsv("task,a,b\nt1,1,2\n\nt2,1\n"); });
        QVERIFY2(mentions(e,
                          "line 4 has 2 cells but line 1 has 3: every row needs the same "
                          "number of cells"),
                 e.what());
        QCOMPARE(e.line(), int64_t(4));
    }

    void csvNonNumericCell() {
        MatrixError e = expectMatrixError(
            [] { parseMatrixCsv("task,a,b,c\nt1,1,2,3\n\n# note\nt2,4,abc,6\n"); });
        QVERIFY2(mentions(e,
                          "line 5, column 3: \"abc\" is not a number (missing values must be "
                          "empty, NA or NaN)"),
                 e.what());
        QCOMPARE(e.line(), int64_t(5));
        QCOMPARE(e.column(), int64_t(3));
        e = expectMatrixError([] { parseMatrixCsv("1,2\n3,inf\n"); });
        QVERIFY2(mentions(e, "line 2, column 2: \"inf\" is not a finite number"), e.what());
        e = expectMatrixError([] { parseMatrixCsv("1,2\n3,1e999\n"); });
        QCOMPARE(e.column(), int64_t(2));
        e = expectMatrixError([] { parseMatrixCsv("1,2\n3,\"4\n"); });
        QVERIFY2(mentions(e, "line 2, column 2") && mentions(e, "closing quote"), e.what());
    }

    void csvEmptyAndHeaderOnly() {
        for (const char* text : {"", "\n\n", "# only a comment\n\n", "\xEF\xBB\xBF"}) {
            const MatrixError e = expectMatrixError([&] { parseMatrixCsv(text); });
            QVERIFY2(mentions(e, "no data"), e.what());
        }
        const MatrixError e = expectMatrixError([] { parseMatrixCsv("task,a,b\n"); });
        QVERIFY2(mentions(e, "header") && mentions(e, "no data rows"), e.what());
    }

    void csvMissingValues() {
        const ForgetMatrix z = parseMatrixCsv("t,a,b,c\nr1,1,,3\nr2,NA,nan,NaN\nr3,1,2, na \n");
        QCOMPARE(z.rows, int64_t(3));
        QCOMPARE(z.missingCount(), int64_t(5));
        QVERIFY(std::isnan(z.at(0, 1)));
        QVERIFY(std::isnan(z.at(2, 2)));
        QCOMPARE(z.at(0, 2), 3.0);
        const MatrixError e = expectMatrixError([&] { fitMatrix(z); });
        QVERIFY2(mentions(e, "5 missing cells, the first at row 1 (r1), column 2 (b)"), e.what());
        QVERIFY(mentions(expectMatrixError([&] { z.requireComplete(); }), "row 1 (r1)"));
        CompletionOptions o;
        o.observed = 1;
        QVERIFY(mentions(expectMatrixError([&] { completeMatrix(z, o); }), "missing"));
    }

    void csvQuotedNamesAndSpaces() {
        const ForgetMatrix z =
            parseMatrixCsv("\"task\", \"a, b\" ,\"c \"\"q\"\"\"\n\"x,y\", 1 , 2\n");
        QVERIFY((z.col_names == std::vector<std::string>{"a, b", "c \"q\""}));
        QVERIFY((z.row_names == std::vector<std::string>{"x,y"}));
        QVERIFY(sameValues(z.values, {1, 2}));
        // A quoted name that looks like a number is still a name.
        const ForgetMatrix n = parseMatrixCsv("\"1\",1,2\n\"2\",3,4\n");
        QVERIFY((n.row_names == std::vector<std::string>{"1", "2"}));
        QCOMPARE(n.cols, int64_t(2));
    }

    void csvCrlfLineEndings() {
        const ForgetMatrix z = parseMatrixCsv("task,a,b\r\nt1,1,2\r\n\r\nt2,3,4\r\n");
        QCOMPARE(z.rows, int64_t(2));
        QVERIFY((z.col_names == std::vector<std::string>{"a", "b"}));
        QVERIFY((z.row_names == std::vector<std::string>{"t1", "t2"}));
        QVERIFY(sameValues(z.values, {1, 2, 3, 4}));
        const MatrixError e = expectMatrixError([] { parseMatrixCsv("1,2\r\n3,x\r\n"); });
        QCOMPARE(e.line(), int64_t(2));
        QVERIFY(mentions(e, "\"x\""));
    }

    void csvFiles() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("z.csv").toStdString();
        std::vector<std::vector<double>> rows(4, std::vector<double>(7));
        for (int i = 0; i < 4; ++i)  // values with full 17-digit mantissas
            for (int j = 0; j < 7; ++j)
                rows[size_t(i)][size_t(j)] = std::sin(i * 7.0 + j) * 10.0 / (j + 1);
        ForgetMatrix z = fromRows(rows);
        z.values[5] = std::nan("");
        writeMatrixCsv(z, path);
        const ForgetMatrix back = readMatrixCsv(path);
        QVERIFY(sameValues(back.values, z.values));
        QCOMPARE(back.rows, z.rows);
        QCOMPARE(back.cols, z.cols);
        const std::string missing = dir.filePath("nope.csv").toStdString();
        QVERIFY(mentions(expectMatrixError([&] { readMatrixCsv(missing); }), missing.c_str()));
        {
            std::ofstream bad(path, std::ios::trunc);
            bad << "1,2\n3,four\n";
        }
        const MatrixError e = expectMatrixError([&] { readMatrixCsv(path); });
        QVERIFY(mentions(e, path.c_str()));
        QVERIFY(mentions(e, "line 2, column 2"));
        QCOMPARE(e.line(), int64_t(2));
        QVERIFY(mentions(expectMatrixError([&] {
                             writeMatrixCsv(z, dir.filePath("no/such/dir.csv").toStdString());
                         }),
                         "cannot write"));
    }
};

QTEST_APPLESS_MAIN(TestMatrixCsv)
#include "test_matrix_csv.moc"
