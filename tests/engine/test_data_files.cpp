// A person's own data (engine/data/data_files.h) on small files the test writes itself: image
// folders (PNG, BMP and JPEG through libstb's stb_image_write) with exact pixel values after
// decoding and resizing, CSV tables, IDX pairs gzip-compressed or plain, and every error
// message naming the file, line or column.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include <stb_image_write.h>

#include "engine/data/data_files.h"
#include "engine/data/image_resize.h"

using namespace forgetlab;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;

void writeFile(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Writes an image of w x h pixels with `comp` interleaved channels, by the file's extension.
void writeImage(const std::string& path, int w, int h, int comp, const Bytes& px) {
    QCOMPARE(px.size(), size_t(w) * h * comp);
    fs::create_directories(fs::path(path).parent_path());
    const std::string ext = fs::path(path).extension().string();
    int ok = 0;
    if (ext == ".png") ok = stbi_write_png(path.c_str(), w, h, comp, px.data(), w * comp);
    if (ext == ".bmp") ok = stbi_write_bmp(path.c_str(), w, h, comp, px.data());
    if (ext == ".jpg") ok = stbi_write_jpg(path.c_str(), w, h, comp, px.data(), 100);
    QVERIFY2(ok, path.c_str());
}

// The message of the DataError fn throws ("" and a failed check if it throws none).
std::string errorOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const DataError& e) {
        return e.what();
    }
    return "(no DataError)";
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool anyHas(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines)
        if (has(l, part)) return true;
    return false;
}

// Pixel values in [0, 1] from bytes, for hand-computed expectations.
std::vector<float> scaled(const std::vector<double>& bytes) {
    std::vector<float> out;
    for (double b : bytes) out.push_back(static_cast<float>(b / 255.0));
    return out;
}

void expectValues(const float* got, const std::vector<float>& want, float tol = 1e-6f) {
    for (size_t i = 0; i < want.size(); ++i)
        QVERIFY2(
            std::fabs(got[i] - want[i]) <= tol,
            (std::to_string(i) + ": " + std::to_string(got[i]) + " vs " + std::to_string(want[i]))
                .c_str());
}

}  // namespace

class TestDataFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // ---- resizing -----------------------------------------------------------------------------

    void resizeShrinksByAreaAndGrowsBilinearly() {
        // 3 -> 2 (area): output 0 covers source [0, 1.5): 2/3 of pixel 0 and 1/3 of pixel 1.
        const std::vector<float> row = {0.0f, 0.3f, 0.9f};
        std::vector<float> out(2);
        resizeImage(row.data(), 1, 1, 3, out.data(), 1, 2);
        expectValues(out.data(), {0.1f, 0.7f});
        // 2 -> 4 (bilinear, pixel centres): a, .75a + .25b, .25a + .75b, b.
        const std::vector<float> two = {0.2f, 0.6f};
        std::vector<float> four(4);
        resizeImage(two.data(), 1, 2, 1, four.data(), 4, 1);
        expectValues(four.data(), {0.2f, 0.3f, 0.5f, 0.6f});
        // Same size: the identity, plane by plane.
        const std::vector<float> img = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
        std::vector<float> same(8);
        resizeImage(img.data(), 2, 2, 2, same.data(), 2, 2);
        expectValues(same.data(), img, 0.0f);
    }

    // ---- image folders ------------------------------------------------------------------------

    void imageFolderPixelsClassesAndOrder() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        // Class folders are sorted byte-wise: "cat" (0) before "dog" (1), whatever the
        // creation order; files within a class by path (a subfolder counts too).
        Bytes grey(16);
        for (int i = 0; i < 16; ++i) grey[i] = static_cast<uint8_t>(10 * i);
        writeImage(root + "/dog/b.png", 4, 4, 1, grey);
        writeImage(root + "/dog/a.png", 2, 2, 1, {0, 255, 255, 0});
        writeImage(root + "/cat/sub/z.png", 2, 2, 1, {1, 2, 3, 4});
        writeImage(root + "/cat/y.png", 2, 2, 1, {50, 60, 70, 80});
        writeFile(root + "/dog/.hidden.png", "not looked at");
        writeFile(root + "/dog/readme.txt", "skipped with a note");

        const LabeledData d = readImageFolder(root, 2, 0);
        QCOMPARE(d.summary.class_names, (std::vector<std::string>{"cat", "dog"}));
        QCOMPARE(d.labels, (std::vector<int64_t>{0, 0, 1, 1}));
        QCOMPARE(d.summary.class_counts, (std::vector<int64_t>{2, 2}));
        QCOMPARE(d.summary.count, int64_t(4));
        QCOMPARE(d.summary.channels, 1);
        QCOMPARE(d.summary.features, 4);
        expectValues(d.example(0), scaled({1, 2, 3, 4}));      // cat/sub/z.png
        expectValues(d.example(1), scaled({50, 60, 70, 80}));  // cat/y.png
        expectValues(d.example(2), scaled({0, 255, 255, 0}));  // dog/a.png
        // dog/b.png, 4x4 -> 2x2: each output pixel is the mean of one 2x2 block.
        expectValues(d.example(3),
                     scaled({(0 + 10 + 40 + 50) / 4.0, (20 + 30 + 60 + 70) / 4.0,
                             (80 + 90 + 120 + 130) / 4.0, (100 + 110 + 140 + 150) / 4.0}));
        QVERIFY(anyHas(d.summary.notes, "1 file in the class folders was skipped"));
        QVERIFY(anyHas(d.summary.notes, "resized to 2x2"));
    }

    void imageFolderGrowsBilinearly() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        writeImage(root + "/a/1.png", 2, 2, 1, {0, 100, 200, 40});
        const LabeledData d = readImageFolder(root, 4, 1);
        // Per axis a, .75a+.25b, .25a+.75b, b; rows first then columns (separable).
        const auto lerp = [](double a, double b) {
            return std::vector<double>{a, .75 * a + .25 * b, .25 * a + .75 * b, b};
        };
        const auto top = lerp(0, 100), bottom = lerp(200, 40);
        std::vector<double> want;
        for (double wy : {1.0, 0.75, 0.25, 0.0})
            for (int x = 0; x < 4; ++x) want.push_back(wy * top[x] + (1 - wy) * bottom[x]);
        expectValues(d.example(0), scaled(want), 1e-5f);
    }

    void channelsAreConvertedWithANote() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        writeImage(root + "/a/grey1.png", 1, 1, 1, {90});
        writeImage(root + "/a/grey2.png", 1, 1, 1, {30});
        writeImage(root + "/b/rgb.png", 1, 1, 3, {200, 100, 50});
        // The majority is grey: the RGB image becomes 0.299 R + 0.587 G + 0.114 B.
        LabeledData d = readImageFolder(root, 1, 0);
        QCOMPARE(d.summary.channels, 1);
        expectValues(d.values.data(), scaled({90, 30, 0.299 * 200 + 0.587 * 100 + 0.114 * 50}),
                     1e-5f);
        QVERIFY2(anyHas(d.summary.notes, "1 of 3 images was RGB and converted to grey"),
                 d.summary.notes.front().c_str());
        // Asked for RGB: the grey images get their value in all three planes.
        d = readImageFolder(root, 1, 3);
        QCOMPARE(d.summary.channels, 3);
        QCOMPARE(d.summary.features, 3);
        expectValues(d.example(0), scaled({90, 90, 90}));
        expectValues(d.example(2), scaled({200, 100, 50}));
        QVERIFY(anyHas(d.summary.notes, "2 of 3 images were grey and converted to RGB"));
        // An alpha channel is dropped, said so.
        writeImage(root + "/b/rgba.png", 1, 1, 4, {10, 20, 30, 128});
        d = readImageFolder(root, 1, 3);
        expectValues(d.example(3), scaled({10, 20, 30}));
        QVERIFY(anyHas(d.summary.notes, "1 of 4 images had an alpha"));
    }

    void bmpAndJpegAndNonSquare() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        writeImage(root + "/bmp/x.bmp", 2, 1, 3, {255, 0, 0, 0, 0, 255});
        Bytes solid(8 * 8 * 3, 128);
        writeImage(root + "/jpg/x.jpg", 8, 8, 3, solid);
        const LabeledData d = readImageFolder(root, 1, 3);
        // The 2x1 BMP is stretched to 1x1: the mean of red and blue.
        expectValues(d.example(0), scaled({127.5, 0, 127.5}));
        // JPEG is lossy: a flat grey decodes to within a step or two of itself.
        expectValues(d.example(1), scaled({128, 128, 128}), 2.5f / 255);
        QVERIFY(anyHas(d.summary.notes, "1 of 2 images was not square and stretched to 1x1"));
    }

    void imageFolderErrorsNameTheFolderOrFile() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        std::string e = errorOf([&] { readImageFolder(root + "/nope", 8, 0); });
        QVERIFY2(has(e, root + "/nope") && has(e, "folder not found"), e.c_str());

        writeImage(root + "/flat/1.png", 1, 1, 1, {0});
        fs::rename(root + "/flat/1.png", root + "/1.png");
        fs::remove(root + "/flat");
        e = errorOf([&] { readImageFolder(root, 8, 0); });
        QVERIFY2(has(e, "no class folders") && has(e, "holds 1 image directly"), e.c_str());

        // Several problems at once: all of them, each naming its folder or file.
        fs::create_directories(root + "/empty");
        writeImage(root + "/good/1.png", 1, 1, 1, {0});
        writeFile(root + "/good/broken.png", "this is not a PNG");
        writeFile(root + "/texts/readme.txt", "a class folder without images");
        const DataSummary s = inspectImageFolder(root, 0, 2);
        QVERIFY(!s.ok());
        QVERIFY(anyHas(s.problems, "image_size must be between 1 and 1024, not 0"));
        QVERIFY(anyHas(s.problems, "channels must be 0 (keep the images' own), 1 (grey) or 3"));
        QVERIFY(anyHas(s.problems, root + "/empty: the class folder \"empty\" has no PNG"));
        QVERIFY(anyHas(s.problems, root + "/good/broken.png: cannot read the image (stb_image: "));
        QVERIFY(anyHas(s.problems, "\"texts\" has no PNG, JPEG or BMP images (only 1 other file)"));
        QCOMPARE(s.count, int64_t(1));  // the readable image still counts
        QVERIFY(anyHas(s.notes, "1 file directly in " + root + " was skipped"));
        e = errorOf([&] { readImageFolder(root, 8, 0); });
        QVERIFY2(has(e, "broken.png") && has(e, "\"empty\""), e.c_str());
    }

    void previewTakesEveryClassInTurn() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        for (int i = 0; i < 3; ++i)
            writeImage(root + "/a/" + std::to_string(i) + ".png", 1, 1, 1, {uint8_t(i)});
        writeImage(root + "/b/0.png", 1, 1, 1, {200});
        DataSource src;
        src.path = root;
        src.image_size = 1;
        const LabeledData p = previewDataSource(src, 3);
        QCOMPARE(p.labels, (std::vector<int64_t>{0, 1, 0}));
        expectValues(p.values.data(), scaled({0, 200, 1}));
        QCOMPARE(p.summary.count, int64_t(3));
        QCOMPARE(inspectDataSource(src).count, int64_t(4));
    }

    // ---- CSV ------------------------------------------------------------------------------------

    void csvValuesAndIntegerLabels() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.csv").toStdString();
        writeFile(path, "\xEF\xBB\xBFx1,label,x2\r\n1.5,2,-2\r\n +3 ,0,1e-3\r\n\"4\",2,5\r\n\r\n");
        const LabeledData d = readCsvDataset(path, "label");
        QCOMPARE(d.summary.feature_names, (std::vector<std::string>{"x1", "x2"}));
        QCOMPARE(d.summary.features, 2);
        QCOMPARE(d.summary.count, int64_t(3));
        QCOMPARE(d.values, (std::vector<float>{1.5f, -2.0f, 3.0f, 0.001f, 4.0f, 5.0f}));
        // Integer labels are the class ids themselves; 1 has no examples and says so.
        QCOMPARE(d.labels, (std::vector<int64_t>{2, 0, 2}));
        QCOMPARE(d.summary.class_names, (std::vector<std::string>{"0", "1", "2"}));
        QCOMPARE(d.summary.class_counts, (std::vector<int64_t>{1, 0, 2}));
        QVERIFY(anyHas(d.summary.notes, "class 1 has no examples"));
        QCOMPARE(d.summary.channels, 0);
    }

    void csvNameLabelsAreSortedAndQuotesWork() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("n.csv").toStdString();
        // A quoted label holding a comma and a line break; the row after it is on line 5.
        writeFile(path, "a,species\n1,dog\n2,\"cat, \"\"big\"\"\nstriped\"\n3,dog\n4,-1\n");
        const LabeledData d = readCsvDataset(path, "species");
        QCOMPARE(d.summary.class_names,
                 (std::vector<std::string>{"-1", "cat, \"big\"\nstriped", "dog"}));
        QCOMPARE(d.labels, (std::vector<int64_t>{2, 1, 2, 0}));
        QCOMPARE(d.values, (std::vector<float>{1, 2, 3, 4}));
        writeFile(path, "a,species\n1,dog\n2,\"cat\nx\"\n3,dog,extra\n");
        const std::string e = errorOf([&] { readCsvDataset(path, "species"); });
        QVERIFY2(has(e, path + ": line 5: has 3 fields but the header has 2 columns"), e.c_str());
    }

    void csvBadValuesNameLineAndColumn() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("bad.csv").toStdString();
        writeFile(path,
                  "a,b,y\n1,2,0\n1,abc,0\n1,2\ninf,2,1\n1,1e999,1\nnan,2,1\n1e300,,1\n1,2,\n");
        const DataSummary s = inspectCsvDataset(path, "y");
        QVERIFY(!s.ok());
        const std::vector<std::string> want = {
            path + ": line 3, column 2 (\"b\"): \"abc\" is not a number",
            path + ": line 4: has 2 fields but the header has 3 columns",
            path + ": line 5, column 1 (\"a\"): \"inf\" is not a finite number",
            path + ": line 6, column 2 (\"b\"): \"1e999\" is out of range",
            path + ": line 7, column 1 (\"a\"): \"nan\" is not a finite number",
            path +
                ": line 8, column 1 (\"a\"): \"1e300\" is out of range (too large for a "
                "32-bit float)",
            path + ": line 8, column 2 (\"b\"): is empty (a missing value)",
            path + ": line 9, column 3 (\"y\"): the label is empty"};
        for (const auto& w : want) QVERIFY2(anyHas(s.problems, w), w.c_str());
        QCOMPARE(s.problems.size(), want.size());
        QCOMPARE(s.count, int64_t(8));
        const std::string e = errorOf([&] { readCsvDataset(path, "y"); });
        QVERIFY2(has(e, "abc") && has(e, "1e999") && has(e, "line 4"), e.c_str());
    }

    void csvLabelColumnAndShapeErrors() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.csv").toStdString();
        writeFile(path, "a,Species\n1,x\n");
        std::string e = errorOf([&] { readCsvDataset(path, "species"); });
        QVERIFY2(has(e, path + ": no column named \"species\" (did you mean \"Species\"?); the "
                               "columns are: \"a\", \"Species\""),
                 e.c_str());
        e = errorOf([&] { readCsvDataset(path, ""); });
        QVERIFY2(has(e, "no label column given; the columns are: \"a\", \"Species\""), e.c_str());
        writeFile(path, "");
        e = errorOf([&] { readCsvDataset(path, "y"); });
        QVERIFY2(has(e, path + ": the file is empty"), e.c_str());
        writeFile(path, "a,y\n");
        e = errorOf([&] { readCsvDataset(path, "y"); });
        QVERIFY2(has(e, path + ": has a header but no rows"), e.c_str());
        writeFile(path, "a;b;y\n1;2;3\n");
        e = errorOf([&] { readCsvDataset(path, "y"); });
        QVERIFY2(has(e, "semicolon-separated"), e.c_str());
        writeFile(path, "y\n1\n");
        e = errorOf([&] { readCsvDataset(path, "y"); });
        QVERIFY2(has(e, "has no feature columns"), e.c_str());
        writeFile(path, "a,y\n1,12345\n");
        e = errorOf([&] { readCsvDataset(path, "y"); });
        QVERIFY2(has(e, "line 2: the label 12345 is too large for a class id"), e.c_str());
        e = errorOf([&] { readCsvDataset(dir.filePath("missing.csv").toStdString(), "y"); });
        QVERIFY2(has(e, "missing.csv: cannot open the file"), e.c_str());
        writeFile(path, "a,y\n\"1,y\n");
        e = errorOf([&] { readCsvDataset(path, "y"); });
        QVERIFY2(has(e, path + ": line 2: a quoted field is never closed"), e.c_str());
    }

    void csvManyProblemsAreCounted() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("many.csv").toStdString();
        std::string text = "a,y\n";
        for (int i = 0; i < 30; ++i) text += "x,1\n";
        writeFile(path, text);
        const DataSummary s = inspectCsvDataset(path, "y");
        QCOMPARE(s.problems.size(), size_t(21));
        QCOMPARE(s.problems.back(), std::string("... and 10 more problems like these"));
        DataSource src;
        src.kind = DataSourceKind::Csv;
        src.path = path;
        src.label_column = "y";
        QCOMPARE(inspectDataSource(src).problems, s.problems);
    }

    // ---- IDX ------------------------------------------------------------------------------------

    static IdxArray images(int n, int h, int w) {
        IdxArray a;
        a.dims = {n, h, w};
        for (int i = 0; i < n * h * w; ++i) a.data.push_back(static_cast<uint8_t>(i * 17));
        return a;
    }
    static IdxArray labels(const Bytes& l) {
        IdxArray a;
        a.dims = {static_cast<int64_t>(l.size())};
        a.data = l;
        return a;
    }

    void idxGzAndPlainPairs() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeIdxGz(d + "/train-images-idx3-ubyte.gz", images(3, 2, 2));
        writeIdxGz(d + "/train-labels-idx1-ubyte.gz", labels({1, 0, 3}));
        LabeledData data = readIdxDataset(d + "/train-images-idx3-ubyte.gz");
        QCOMPARE(data.summary.count, int64_t(3));
        QCOMPARE(data.summary.channels, 1);
        QCOMPARE(data.summary.height, 2);
        QCOMPARE(data.summary.features, 4);
        QCOMPARE(data.labels, (std::vector<int64_t>{1, 0, 3}));
        QCOMPARE(data.summary.class_names, (std::vector<std::string>{"0", "1", "2", "3"}));
        QVERIFY(anyHas(data.summary.notes, "class 2 has no examples"));
        for (int i = 0; i < 12; ++i) QCOMPARE(data.values[i], float(uint8_t(i * 17)) / 255.0f);

        // Uncompressed, with the MNIST mirror's dotted names; labels compressed or not.
        writeIdx(d + "/k-images.idx3-ubyte", images(2, 1, 3));
        writeIdx(d + "/k-labels.idx1-ubyte", labels({4, 4}));
        QCOMPARE(idxPairFor(d + "/k-images.idx3-ubyte").labels, d + "/k-labels.idx1-ubyte");
        data = readIdxDataset(d + "/k-images.idx3-ubyte");
        QCOMPARE(data.summary.width, 3);
        QCOMPARE(data.labels, (std::vector<int64_t>{4, 4}));
        writeIdx(d + "/m-images-idx3-ubyte", images(1, 1, 1));
        writeIdxGz(d + "/m-labels-idx1-ubyte.gz", labels({0}));
        QCOMPARE(idxPairFor(d + "/m-images-idx3-ubyte").labels, d + "/m-labels-idx1-ubyte.gz");
        QCOMPARE(readIdxDataset(d + "/m-images-idx3-ubyte").summary.count, int64_t(1));

        // Plain files round-trip through readIdx as gzip ones do.
        const IdxArray back = readIdx(d + "/k-images.idx3-ubyte");
        QCOMPARE(back.dims, images(2, 1, 3).dims);
        QCOMPARE(back.data, images(2, 1, 3).data);
    }

    void idxFolderWithTestSplit() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeIdxGz(d + "/train-images-idx3-ubyte.gz", images(3, 2, 2));
        writeIdxGz(d + "/train-labels-idx1-ubyte.gz", labels({0, 1, 1}));
        writeIdx(d + "/t10k-images-idx3-ubyte", images(2, 2, 2));
        writeIdx(d + "/t10k-labels-idx1-ubyte", labels({1, 0}));
        const LabeledData data = readIdxDataset(d);
        QCOMPARE(data.summary.count, int64_t(5));
        QCOMPARE(data.summary.test_count, int64_t(2));
        QCOMPARE(data.labels, (std::vector<int64_t>{0, 1, 1, 1, 0}));
        QCOMPARE(data.summary.class_counts, (std::vector<int64_t>{2, 3}));
        QCOMPARE(data.values[12], 0.0f);  // the t10k images follow the training ones
        // A t10k pair of another image size is refused, both files named.
        writeIdx(d + "/t10k-images-idx3-ubyte", images(2, 3, 3));
        const DataSummary s = inspectIdxDataset(d);
        QVERIFY(anyHas(s.problems, d + "/t10k-images-idx3-ubyte: its images are 3x3 but those of " +
                                       d + "/train-images-idx3-ubyte.gz are 2x2"));
    }

    void idxErrorsNameTheFiles() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeIdxGz(d + "/a-images-idx3-ubyte.gz", images(3, 2, 2));
        std::string e = errorOf([&] { readIdxDataset(d + "/a-images-idx3-ubyte.gz"); });
        QVERIFY2(has(e, "its labels were not found: looked for " + d + "/a-labels-idx1-ubyte.gz" +
                            " and " + d + "/a-labels-idx1-ubyte"),
                 e.c_str());
        writeIdxGz(d + "/a-labels-idx1-ubyte.gz", labels({1, 2}));
        e = errorOf([&] { readIdxDataset(d + "/a-images-idx3-ubyte.gz"); });
        QVERIFY2(has(e, d + "/a-labels-idx1-ubyte.gz: has 2 labels but " + d +
                            "/a-images-idx3-ubyte.gz has 3 images"),
                 e.c_str());
        e = errorOf([&] { readIdxDataset(d + "/a-labels-idx1-ubyte.gz"); });
        QVERIFY2(has(e, "names a labels file"), e.c_str());
        e = errorOf([&] { readIdxDataset(d); });
        QVERIFY2(has(e, d + ": holds no train-images-idx3-ubyte"), e.c_str());
        e = errorOf([&] { readIdxDataset(d + "/none-images-idx3-ubyte"); });
        QVERIFY2(has(e, "none-images-idx3-ubyte: file not found"), e.c_str());
        // Labels where images belong: the dimension count is named.
        writeIdxGz(d + "/b-images-idx3-ubyte.gz", labels({1, 2}));
        writeIdxGz(d + "/b-labels-idx1-ubyte.gz", labels({1, 2}));
        e = errorOf([&] { readIdxDataset(d + "/b-images-idx3-ubyte.gz"); });
        QVERIFY2(has(e, "b-images-idx3-ubyte.gz: expected images") && has(e, "1 dimensions"),
                 e.c_str());
    }

    void fashionMnistFolderIsAnIdxSource() {
        const std::string d = "/usr/share/datasets/fashion-mnist";
        if (!fs::exists(d)) QSKIP("dataset-fashion-mnist is not installed");
        DataSource src;
        src.kind = DataSourceKind::Idx;
        src.path = d;
        const DataSummary s = inspectDataSource(src);
        QVERIFY(s.ok());
        QCOMPARE(s.count, int64_t(70000));
        QCOMPARE(s.test_count, int64_t(10000));
        QCOMPARE(s.classes(), 10);
        QCOMPARE(s.features, 784);
        const LabeledData p = previewDataSource(src, 10);
        QCOMPARE(p.labels, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        QCOMPARE(p.values.size(), size_t(7840));
    }
};

QTEST_APPLESS_MAIN(TestDataFiles)
#include "test_data_files.moc"
