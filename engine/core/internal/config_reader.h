#pragma once
// Engine-internal, plain C++ (no torch). The JSON object reader of the configuration,
// shared by config.cpp and config_data.cpp: every unknown key and wrong type becomes a
// ConfigError naming the field, so the user sees every problem at once.

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/config.h"

namespace forgetlab {

// Reads the fields of one JSON object, recording an error for each unknown key or
// wrong type. Keys absent from the object keep the value already in the target.
class ObjectReader {
    using json = nlohmann::json;

public:
    ObjectReader(const json& obj, std::string path, std::vector<ConfigError>& errors)
        : m_obj(obj), m_path(std::move(path)), m_errors(errors) {}

    ~ObjectReader() {
        if (!m_obj.is_object()) return;
        for (auto it = m_obj.begin(); it != m_obj.end(); ++it) {
            if (!m_known.count(it.key())) {
                m_errors.push_back(
                    {field(it.key()), "unknown key; known keys here: " + knownList()});
            }
        }
    }

    std::string field(const std::string& key) const {
        return m_path.empty() ? key : m_path + "." + key;
    }

    template <class T>
    void read(const std::string& key, T& out) {
        m_known.insert(key);
        if (!m_obj.is_object() || !m_obj.contains(key)) return;
        const json& v = m_obj.at(key);
        if (!typeMatches<T>(v)) {
            m_errors.push_back(
                {field(key), std::string("expected ") + typeName<T>() + ", got " + v.type_name()});
            return;
        }
        out = v.get<T>();
    }

    // The raw value of `key` (now a known key), or nullptr when it is absent.
    const json* value(const std::string& key) {
        m_known.insert(key);
        if (!m_obj.is_object() || !m_obj.contains(key)) return nullptr;
        return &m_obj.at(key);
    }

    // A nested object: calls fn(reader) for it.
    void object(const std::string& key, const std::function<void(ObjectReader&)>& fn) {
        m_known.insert(key);
        if (!m_obj.is_object() || !m_obj.contains(key)) return;
        const json& v = m_obj.at(key);
        if (!v.is_object()) {
            m_errors.push_back(
                {field(key), std::string("expected an object, got ") + v.type_name()});
            return;
        }
        ObjectReader sub(v, field(key), m_errors);
        fn(sub);
    }

private:
    template <class T>
    static bool typeMatches(const json& v) {
        if constexpr (std::is_same_v<T, bool>) {
            return v.is_boolean();
        } else if constexpr (std::is_same_v<T, std::string>) {
            return v.is_string();
        } else if constexpr (std::is_same_v<T, double>) {
            return v.is_number();
        } else if constexpr (std::is_same_v<T, unsigned>) {
            return v.is_number_unsigned() || (v.is_number_integer() && v.get<long long>() >= 0);
        } else if constexpr (std::is_integral_v<T>) {
            return v.is_number_integer();
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            if (!v.is_array()) return false;
            return std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
        } else {  // std::vector<int>
            if (!v.is_array()) return false;
            return std::all_of(v.begin(), v.end(),
                               [](const json& e) { return e.is_number_integer(); });
        }
    }
    template <class T>
    static const char* typeName() {
        if constexpr (std::is_same_v<T, bool>)
            return "true or false";
        else if constexpr (std::is_same_v<T, std::string>)
            return "a string";
        else if constexpr (std::is_same_v<T, double>)
            return "a number";
        else if constexpr (std::is_same_v<T, unsigned>)
            return "a non-negative integer";
        else if constexpr (std::is_integral_v<T>)
            return "an integer";
        else if constexpr (std::is_same_v<T, std::vector<std::string>>)
            return "a list of strings";
        else
            return "a list of integers";
    }
    std::string knownList() const {
        std::string s;
        for (const auto& k : m_known) s += (s.empty() ? "" : ", ") + k;
        return s;
    }

    const json& m_obj;
    std::string m_path;
    std::vector<ConfigError>& m_errors;
    std::set<std::string> m_known;
};

}  // namespace forgetlab
