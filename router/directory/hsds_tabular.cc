#include "router/directory/hsds_tabular.h"

#include "absl/strings/numbers.h"
#include "nlohmann/json.hpp"

namespace signpost::router {
namespace {

using nlohmann::json;
using Row = std::map<std::string, std::string>;

// Table name -> rows as column->value maps.
using Tables = std::map<std::string, std::vector<Row>>;

json Cell(const std::string& column, const std::string& value) {
  if (value.empty()) return nullptr;
  if (column == "minimum_age" || column == "maximum_age" || column == "latitude" ||
      column == "longitude") {
    double d;
    if (absl::SimpleAtod(value, &d)) return d;
  }
  return value;
}

json ToJson(const Row& row) {
  json o = json::object();
  for (const auto& [k, v] : row) o[k] = Cell(k, v);
  return o;
}

std::vector<const Row*> Where(const Tables& t, const std::string& table, const std::string& column,
                              const std::string& value) {
  std::vector<const Row*> out;
  auto it = t.find(table);
  if (it == t.end() || value.empty()) return out;
  for (const Row& r : it->second) {
    auto c = r.find(column);
    if (c != r.end() && c->second == value) out.push_back(&r);
  }
  return out;
}

// Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

// Lint exception (docs/LINT.md): rewritten by issue 14 (import of every published ORUK/HSDS shape).
// NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
std::vector<std::vector<std::string>> ParseCsv(std::string_view text, bool* ok) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  *ok = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) *ok = false;
  if (field_started || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

// Lint exception (docs/LINT.md): rewritten by issue 14 (import of every published ORUK/HSDS shape).
// NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
OrukImport ImportHsdsDataPackage(const std::map<std::string, std::string>& files,
                                 const std::string& source) {
  OrukImport result;
  auto package_it = files.find("datapackage.json");
  if (package_it == files.end()) {
    result.errors.push_back({0, "", "datapackage.json", "is required"});
    return result;
  }
  const json package = json::parse(package_it->second, nullptr, false);
  if (package.is_discarded() || !package.is_object() || !package.contains("resources") ||
      !package["resources"].is_array()) {
    result.errors.push_back({0, "", "datapackage.json", "is not a data package (no resources)"});
    return result;
  }
  Tables tables;
  for (const json& resource : package["resources"]) {
    if (!resource.is_object() || !resource.contains("name") || !resource.contains("path") ||
        !resource["name"].is_string() || !resource["path"].is_string()) {
      continue;
    }
    auto file = files.find(resource["path"].get<std::string>());
    if (file == files.end()) continue;  // optional table not supplied
    if (!IsValidUtf8(file->second)) {
      // Found by the directory import fuzzer: invalid UTF-8 made the JSON
      // serialiser throw (and terminate) further down.
      result.errors.push_back({0, "", file->first, "is not valid UTF-8"});
      continue;
    }
    bool ok = true;
    auto rows = ParseCsv(file->second, &ok);
    if (!ok) {
      result.errors.push_back({0, "", file->first, "has an unterminated quoted field"});
      continue;
    }
    if (rows.empty()) continue;
    const std::vector<std::string> header = rows[0];
    auto& table = tables[resource["name"].get<std::string>()];
    for (size_t r = 1; r < rows.size(); ++r) {
      Row row;
      for (size_t c = 0; c < header.size() && c < rows[r].size(); ++c) row[header[c]] = rows[r][c];
      table.push_back(std::move(row));
    }
  }
  auto services = tables.find("service");
  if (services == tables.end()) {
    result.errors.push_back({0, "", "service", "the package has no services table"});
    return result;
  }
  json contents = json::array();
  for (const Row& row : services->second) {
    json s = ToJson(row);
    const std::string id = row.count("id") ? row.at("id") : "";
    s.erase("organization_id");
    s.erase("program_id");
    if (row.count("organization_id")) {
      auto orgs = Where(tables, "organization", "id", row.at("organization_id"));
      if (!orgs.empty()) s["organization"] = ToJson(*orgs[0]);
    }
    json areas = json::array();
    for (const Row* a : Where(tables, "service_area", "service_id", id))
      areas.push_back(ToJson(*a));
    s["service_areas"] = areas;
    json langs = json::array();
    for (const Row* l : Where(tables, "language", "service_id", id)) langs.push_back(ToJson(*l));
    s["languages"] = langs;
    json schedules = json::array();
    for (const Row* sc : Where(tables, "schedule", "service_id", id))
      schedules.push_back(ToJson(*sc));
    s["schedules"] = schedules;
    json phones = json::array();
    for (const Row* p : Where(tables, "phone", "service_id", id)) phones.push_back(ToJson(*p));
    s["phones"] = phones;
    json sals = json::array();
    for (const Row* sal : Where(tables, "service_at_location", "service_id", id)) {
      json entry = ToJson(*sal);
      auto locs =
          Where(tables, "location", "id", sal->count("location_id") ? sal->at("location_id") : "");
      if (!locs.empty()) {
        json loc = ToJson(*locs[0]);
        json addresses = json::array();
        for (const Row* a : Where(tables, "address", "location_id", locs[0]->at("id"))) {
          addresses.push_back(ToJson(*a));
        }
        loc["addresses"] = addresses;
        json access = json::array();
        for (const Row* a : Where(tables, "accessibility", "location_id", locs[0]->at("id"))) {
          access.push_back(ToJson(*a));
        }
        loc["accessibility"] = access;
        entry["location"] = loc;
      }
      sals.push_back(entry);
    }
    s["service_at_locations"] = sals;
    json attributes = json::array();
    for (const Row* a : Where(tables, "attribute", "link_id", id)) {
      json attribute = ToJson(*a);
      auto terms = Where(tables, "taxonomy_term", "id",
                         a->count("taxonomy_term_id") ? a->at("taxonomy_term_id") : "");
      if (!terms.empty()) attribute["taxonomy_term"] = ToJson(*terms[0]);
      attributes.push_back(attribute);
    }
    s["attributes"] = attributes;
    contents.push_back(std::move(s));
  }
  json envelope = {{"contents", contents}};
  OrukImport mapped =
      ImportOrukJson(envelope.dump(-1, ' ', false, json::error_handler_t::replace), source);
  mapped.errors.insert(mapped.errors.begin(), result.errors.begin(), result.errors.end());
  return mapped;
}

}  // namespace signpost::router
