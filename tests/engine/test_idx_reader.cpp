// IDX reader and Fashion-MNIST loader on good, truncated and corrupt files.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "engine/data/fashion_mnist.h"
#include "engine/data/idx_reader.h"

using namespace forgetlab;

class TestIdxReader : public QObject {
    Q_OBJECT

    static std::string raw(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
    static void writeRaw(const std::string& path, const std::string& bytes) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    static IdxArray sample() {
        IdxArray a;
        a.dims = {3, 2, 2};
        for (int i = 0; i < 12; ++i) a.data.push_back(static_cast<uint8_t>(i * 7));
        return a;
    }
    // Expects readIdxGz to throw a DataError whose message contains every fragment.
    static void expectError(const std::string& path, const std::vector<std::string>& fragments) {
        try {
            readIdxGz(path);
            QFAIL("expected a DataError");
        } catch (const DataError& e) {
            const std::string msg = e.what();
            for (const auto& f : fragments) QVERIFY2(msg.find(f) != std::string::npos, msg.c_str());
        }
    }

private Q_SLOTS:
    void roundTrip() {
        QTemporaryDir dir;
        const std::string p = dir.filePath("a.gz").toStdString();
        writeIdxGz(p, sample());
        const IdxArray back = readIdxGz(p);
        QCOMPARE(back.dims, sample().dims);
        QCOMPARE(back.data, sample().data);
    }

    void truncatedData() {
        QTemporaryDir dir;
        const std::string p = dir.filePath("t.gz").toStdString();
        IdxArray a = sample();
        a.data.resize(10);  // header still promises 12 bytes
        writeIdxGz(p, a);
        expectError(p, {p, "truncated", "12"});
    }

    void truncatedGzipStream() {
        QTemporaryDir dir;
        const std::string p = dir.filePath("g.gz").toStdString();
        IdxArray big;
        big.dims = {100, 28, 28};
        big.data.assign(100 * 784, 0);
        for (size_t i = 0; i < big.data.size(); ++i) big.data[i] = uint8_t((i * 2654435761u) >> 24);
        writeIdxGz(p, big);
        const std::string bytes = raw(p);
        writeRaw(p, bytes.substr(0, bytes.size() / 2));
        expectError(p, {p});
    }

    void badMagic() {
        QTemporaryDir dir;
        const std::string p = dir.filePath("m.gz").toStdString();
        IdxArray a = sample();
        writeIdxGz(p, a);
        // A gzip file whose content starts with other bytes: write via writeIdxGz of a
        // different layout is impossible, so write plain text through gzip by hand.
        const std::string plain = dir.filePath("plain").toStdString();
        writeRaw(plain, "hello, this is not an IDX file at all");
        std::system(("gzip -c " + plain + " > " + p).c_str());
        expectError(p, {p, "magic"});
    }

    void notGzipAtAll() {
        QTemporaryDir dir;
        const std::string p = dir.filePath("x.gz").toStdString();
        // zlib reads a non-gzip file transparently as raw bytes: garbage bytes must still
        // be refused by the header check.
        writeRaw(p, std::string("\x01\x02\x03\x04garbage", 11));
        expectError(p, {p, "magic"});
    }

    void trailingData() {
        QTemporaryDir dir;
        const std::string p = dir.filePath("e.gz").toStdString();
        IdxArray a = sample();
        a.data.push_back(1);  // 13 bytes for a 12-byte shape
        writeIdxGz(p, a);
        expectError(p, {p, "more data"});
    }

    void missingFile() { expectError("/nonexistent/x.gz", {"/nonexistent/x.gz", "not found"}); }

    void missingDatasetNamesPackage() {
        try {
            loadFashionMnist("/nonexistent/fashion-mnist");
            QFAIL("expected a DataError");
        } catch (const DataError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("dataset-fashion-mnist") != std::string::npos, e.what());
            QVERIFY2(msg.find("apt-get install") != std::string::npos, e.what());
        }
    }

    void labelsAndImagesMustAgree() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        IdxArray img;
        img.dims = {3, 28, 28};
        img.data.assign(3 * 784, 0);
        IdxArray lbl;
        lbl.dims = {2};
        lbl.data = {1, 2};
        writeIdxGz(d + "/train-images-idx3-ubyte.gz", img);
        writeIdxGz(d + "/train-labels-idx1-ubyte.gz", lbl);
        writeIdxGz(d + "/t10k-images-idx3-ubyte.gz", img);
        writeIdxGz(d + "/t10k-labels-idx1-ubyte.gz", lbl);
        try {
            loadFashionMnist(d);
            QFAIL("expected a DataError");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("train-labels-idx1-ubyte.gz") != std::string::npos,
                     e.what());
        }
    }

    void realDataset() {
        const std::string dir = "/usr/share/datasets/fashion-mnist";
        auto data = loadFashionMnist(dir);
        QCOMPARE(data->trainCount(), int64_t(60000));
        QCOMPARE(data->testCount(), int64_t(10000));
        QCOMPARE(data->train_images.size(), size_t(60000 * 784));
        std::vector<int> counts(10, 0);
        for (uint8_t l : data->test_labels) counts[l]++;
        for (int c : counts) QCOMPARE(c, 1000);  // Fashion-MNIST test set is balanced
    }
};

QTEST_APPLESS_MAIN(TestIdxReader)
#include "test_idx_reader.moc"
