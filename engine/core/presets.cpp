#include "engine/core/presets.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path executableDir() {
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) return {};
    buf[n] = '\0';
    return fs::path(buf).parent_path();
}

Preset readPreset(const fs::path& jsonPath) {
    Preset p;
    p.name = jsonPath.stem().string();
    p.json = readText(jsonPath);
    fs::path md = jsonPath;
    md.replace_extension(".md");
    std::string text = fs::exists(md) ? readText(md) : std::string();
    std::istringstream lines(text);
    std::string first;
    std::getline(lines, first);
    while (!first.empty() && (first[0] == '#' || first[0] == ' ')) first.erase(0, 1);
    p.title = first.empty() ? p.name : first;
    std::string rest((std::istreambuf_iterator<char>(lines)), std::istreambuf_iterator<char>());
    while (!rest.empty() && (rest.front() == '\n' || rest.front() == '\r')) rest.erase(0, 1);
    p.explanation = rest;
    return p;
}

}  // namespace

std::string resourceDir() {
    if (const char* env = std::getenv("FORGETLAB_RESOURCES"); env && *env) return env;
    const fs::path exe = executableDir();
    for (const fs::path& candidate :
         {exe / "resources", exe.parent_path() / "share" / "forgetlab" / "resources"}) {
        if (fs::exists(candidate / "presets")) return candidate.string();
    }
    return FORGETLAB_SOURCE_RESOURCE_DIR;
}

std::vector<Preset> listPresets() {
    std::vector<Preset> out;
    const fs::path dir = fs::path(resourceDir()) / "presets";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".json") out.push_back(readPreset(entry.path()));
    }
    std::sort(out.begin(), out.end(), [](const Preset& a, const Preset& b) {
        // The default preset first, then by name.
        if ((a.name == kDefaultPreset) != (b.name == kDefaultPreset))
            return a.name == kDefaultPreset;
        return a.name < b.name;
    });
    return out;
}

Preset loadPreset(const std::string& name) {
    for (auto& p : listPresets())
        if (p.name == name) return p;
    std::string known;
    for (const auto& p : listPresets()) known += (known.empty() ? "" : ", ") + p.name;
    throw std::runtime_error(
        "unknown preset '" + name + "'; known presets: " +
        (known.empty() ? "(none found in " + resourceDir() + "/presets)" : known));
}

}  // namespace forgetlab
