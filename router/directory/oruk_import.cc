#include "router/directory/oruk_import.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "re2/re2.h"
#include "router/validation.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using nlohmann::json;

// Collects the problems of one record.
struct RecordCheck {
  int record;
  std::string id;
  std::vector<OrukImportError>* out;
  bool ok = true;
  void Fail(const std::string& field, const std::string& message) {
    out->push_back({record, id, field, message});
    ok = false;
  }
};

// String field: absent/null is "", a non-string is an error.
std::string Str(const json& o, const char* key, RecordCheck& check, bool required) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    if (required) check.Fail(key, "is required");
    return "";
  }
  if (!it->is_string()) {
    check.Fail(key, "must be a string");
    return "";
  }
  std::string v = it->get<std::string>();
  if (required && absl::StripAsciiWhitespace(v).empty()) check.Fail(key, "must not be empty");
  return v;
}

// Lenient string read for nested objects (no errors).
std::string Get(const json& o, const char* key) {
  auto it = o.find(key);
  return (it != o.end() && it->is_string()) ? it->get<std::string>() : "";
}

bool IsHttpUri(const std::string& s) {
  static const LazyRE2 kUri = {R"(https?://[A-Za-z0-9.\-]+(:[0-9]+)?(/[^\s]*)?)"};
  return RE2::FullMatch(s, *kUri);
}

int IsoDay(const std::string& two) {
  static const char* const kDays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
  for (int i = 0; i < 7; ++i) {
    if (two == kDays[i]) return i + 1;
  }
  return 0;
}

std::string HhMm(const std::string& t) { return t.size() >= 5 ? t.substr(0, 5) : t; }

// Lint exception (docs/LINT.md): rewritten by issue 14 (import of every published ORUK/HSDS shape).
// NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
void MapSchedules(const json& service, v1::Schedule* schedule) {
  auto it = service.find("schedules");
  if (it == service.end() || !it->is_array()) return;
  for (const json& s : *it) {
    if (!s.is_object()) continue;
    const std::string description = Get(s, "description");
    if (!description.empty() && schedule->description().empty()) {
      schedule->set_description(description);
    }
    const std::string opens = HhMm(Get(s, "opens_at"));
    const std::string closes = HhMm(Get(s, "closes_at"));
    if (opens.empty() || closes.empty()) continue;
    v1::OpeningHours* h = schedule->add_weekly();
    h->set_opens(opens);
    h->set_closes(closes);
    const std::string byday = Get(s, "byday");
    for (absl::string_view d : absl::StrSplit(byday, ',', absl::SkipWhitespace())) {
      std::string day = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(d));
      if (day.size() > 2) day = day.substr(day.size() - 2);  // "1MO" -> "MO"
      if (int iso = IsoDay(day)) h->add_weekdays(iso);
    }
    if (h->weekdays().empty()) {
      for (int d = 1; d <= 7; ++d) h->add_weekdays(d);
    }
    if (opens == "00:00" && (closes == "23:59" || closes == "24:00") && h->weekdays_size() == 7) {
      schedule->set_open_24_7(true);
    }
  }
}

// Lint exception (docs/LINT.md): rewritten by issue 14 (import of every published ORUK/HSDS shape).
// NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
void MapLocations(const json& service, v1::DirectoryServiceRecord* out) {
  auto it = service.find("service_at_locations");
  if (it == service.end() || !it->is_array()) return;
  for (const json& sal : *it) {
    if (!sal.is_object()) continue;
    auto loc = sal.find("location");
    if (loc == sal.end() || !loc->is_object()) continue;
    v1::Location* l = out->add_locations();
    l->set_id(Get(*loc, "id"));
    l->set_name(Get(*loc, "name"));
    if (auto lat = loc->find("latitude"); lat != loc->end() && lat->is_number()) {
      l->set_latitude(lat->get<double>());
    }
    if (auto lon = loc->find("longitude"); lon != loc->end() && lon->is_number()) {
      l->set_longitude(lon->get<double>());
    }
    if (auto addrs = loc->find("addresses"); addrs != loc->end() && addrs->is_array()) {
      for (const json& a : *addrs) {
        if (!a.is_object()) continue;
        for (const char* key : {"address_1", "address_2", "city"}) {
          if (!Get(a, key).empty()) l->add_address_lines(Get(a, key));
        }
        if (l->postcode().empty()) l->set_postcode(Get(a, "postal_code"));
      }
    }
    if (auto acc = loc->find("accessibility"); acc != loc->end() && acc->is_array()) {
      for (const json& a : *acc) {
        if (a.is_object() && !Get(a, "description").empty()) {
          l->add_accessibility(absl::AsciiStrToLower(Get(a, "description")));
        }
      }
    }
  }
}

void MapExtension(const json& service, v1::DirectoryServiceRecord* out, RecordCheck& check) {
  auto it = service.find("signpost_extension");
  if (it == service.end() || it->is_null()) return;
  if (!it->is_object()) {
    check.Fail("signpost_extension", "must be an object");
    return;
  }
  // The extension is the protobuf JSON mapping of these fields.
  v1::DirectoryServiceRecord ext;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      it->dump(-1, ' ', false, json::error_handler_t::replace), &ext, options);
  if (!status.ok()) {
    check.Fail("signpost_extension", std::string(status.message()));
    return;
  }
  // Merge: extension eligibility adds to what ORUK fields gave.
  v1::Eligibility merged = ext.eligibility();
  if (out->eligibility().has_min_age_years() && !merged.has_min_age_years()) {
    merged.set_min_age_years(out->eligibility().min_age_years());
  }
  if (out->eligibility().has_max_age_years() && !merged.has_max_age_years()) {
    merged.set_max_age_years(out->eligibility().max_age_years());
  }
  *out->mutable_eligibility() = merged;
  if (ext.has_capacity()) *out->mutable_capacity() = ext.capacity();
  if (ext.commissioning_level() != 0) out->set_commissioning_level(ext.commissioning_level());
  if (ext.sector() != 0) out->set_sector(ext.sector());
  for (const auto& a : ext.accessibility()) out->add_accessibility(a);
  if (ext.has_schedule()) {
    if (ext.schedule().open_24_7()) out->mutable_schedule()->set_open_24_7(true);
    for (const auto& w : ext.schedule().weekly()) *out->mutable_schedule()->add_weekly() = w;
    for (const auto& d : ext.schedule().closed_dates()) {
      *out->mutable_schedule()->add_closed_dates() = d;
    }
  }
}

// Maps and validates one service object.
// Lint exception (docs/LINT.md): rewritten by issue 14 (import of every published ORUK/HSDS shape).
// NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
bool MapService(const json& o, int record, const std::string& source,
                v1::DirectoryServiceRecord* out, std::vector<OrukImportError>* errors) {
  RecordCheck check{record, "", errors};
  if (!o.is_object()) {
    check.Fail("", "a service must be a JSON object");
    return false;
  }
  check.id = Get(o, "id");
  out->set_id(Str(o, "id", check, true));
  out->set_name(Str(o, "name", check, true));
  out->set_description(Str(o, "description", check, true));
  const std::string status = Str(o, "status", check, true);
  if (status == "active") {
    out->set_status(v1::SERVICE_STATUS_ACTIVE);
  } else if (status == "inactive") {
    out->set_status(v1::SERVICE_STATUS_INACTIVE);
  } else if (status == "defunct") {
    out->set_status(v1::SERVICE_STATUS_DEFUNCT);
  } else if (status == "temporarily closed") {
    out->set_status(v1::SERVICE_STATUS_TEMPORARILY_CLOSED);
  } else if (!status.empty()) {
    check.Fail("status", "must be one of active, inactive, defunct, temporarily closed");
  }
  const std::string url = Str(o, "url", check, false);
  if (!url.empty() && !IsHttpUri(url)) check.Fail("url", "is not an http(s) URI");
  out->set_url(url);
  const std::string email = Str(o, "email", check, false);
  if (!email.empty() && !IsValidEmail(email)) check.Fail("email", "is not an email address");
  out->set_email(email);
  for (const char* key : {"minimum_age", "maximum_age"}) {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) continue;
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 150) {
      check.Fail(key, "must be a number between 0 and 150");
      continue;
    }
    if (std::string(key) == "minimum_age") {
      out->mutable_eligibility()->set_min_age_years(it->get<double>());
    } else {
      out->mutable_eligibility()->set_max_age_years(it->get<double>());
    }
  }
  if (out->eligibility().has_min_age_years() && out->eligibility().has_max_age_years() &&
      out->eligibility().min_age_years() > out->eligibility().max_age_years()) {
    check.Fail("maximum_age", "is below minimum_age");
  }
  out->set_eligibility_description(Get(o, "eligibility_description"));
  if (!Get(o, "interpretation_services").empty()) out->add_accessibility("interpreters");
  if (auto org = o.find("organization"); org != o.end() && org->is_object()) {
    v1::Organization* g = out->mutable_organization();
    g->set_id(Get(*org, "id"));
    g->set_name(Get(*org, "name"));
    g->set_description(Get(*org, "description"));
    g->set_email(Get(*org, "email"));
    g->set_website(Get(*org, "website"));
  }
  if (auto phones = o.find("phones"); phones != o.end() && phones->is_array()) {
    for (const json& p : *phones) {
      if (p.is_object() && !Get(p, "number").empty()) {
        out->set_phone(Get(p, "number"));
        break;
      }
    }
  }
  if (auto langs = o.find("languages"); langs != o.end() && langs->is_array()) {
    for (const json& l : *langs) {
      if (!l.is_object()) continue;
      if (!Get(l, "name").empty()) out->add_languages(absl::AsciiStrToLower(Get(l, "name")));
      if (!Get(l, "code").empty()) out->add_languages(absl::AsciiStrToLower(Get(l, "code")));
    }
  }
  if (auto areas = o.find("service_areas"); areas != o.end() && areas->is_array()) {
    for (const json& a : *areas) {
      if (!a.is_object()) continue;
      v1::ServiceArea* area = out->add_service_areas();
      area->set_name(Get(a, "name"));
      area->set_description(Get(a, "description"));
      std::set<std::string> seen;
      for (const std::string& text : {area->name(), area->description()}) {
        for (const std::string& d : PostcodeDistrictsInText(text)) {
          if (seen.insert(d).second) area->add_postcode_districts(d);
        }
      }
      if (Get(a, "extent_type") == "postcode") {
        for (const std::string& d : PostcodeDistrictsInText(Get(a, "extent"))) {
          if (seen.insert(d).second) area->add_postcode_districts(d);
        }
      }
    }
  }
  if (auto attrs = o.find("attributes"); attrs != o.end() && attrs->is_array()) {
    for (const json& a : *attrs) {
      if (!a.is_object()) continue;
      auto term = a.find("taxonomy_term");
      if (term == a.end() || !term->is_object()) continue;
      v1::TaxonomyTerm* t = out->add_taxonomy_terms();
      t->set_id(Get(*term, "id"));
      t->set_code(Get(*term, "code"));
      t->set_name(Get(*term, "name"));
      t->set_taxonomy(Get(*term, "taxonomy"));
    }
  }
  MapSchedules(o, out->mutable_schedule());
  MapLocations(o, out);
  MapExtension(o, out, check);
  out->set_source(source);
  return check.ok;
}

}  // namespace

std::vector<std::string> PostcodeDistrictsInText(std::string_view text) {
  static const LazyRE2 kDistrict = {R"(\b([A-Z]{1,2}[0-9][0-9A-Z]?)\b)"};
  std::vector<std::string> out;
  std::set<std::string> seen;
  re2::StringPiece input(text.data(), text.size());
  std::string d;
  while (RE2::FindAndConsume(&input, *kDistrict, &d)) {
    if (seen.insert(d).second) out.push_back(d);
  }
  return out;
}

// Lint exception (docs/LINT.md): rewritten by issue 14 (import of every published ORUK/HSDS shape).
// NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
OrukImport ImportOrukJson(std::string_view text, const std::string& source) {
  OrukImport result;
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    result.errors.push_back({0, "", "", "not valid JSON"});
    return result;
  }
  std::vector<const json*> records;
  if (doc.is_object() && doc.contains("contents")) {
    const json& contents = doc["contents"];
    if (!contents.is_array()) {
      result.errors.push_back({0, "", "contents", "must be an array"});
      return result;
    }
    for (const json& r : contents) records.push_back(&r);
  } else {
    records.push_back(&doc);
  }
  result.records_seen = static_cast<int>(records.size());
  for (int i = 0; i < static_cast<int>(records.size()); ++i) {
    const json& r = *records[i];
    const bool is_object = r.is_object();
    auto has = [&](const char* key) { return is_object && r.contains(key); };
    if (has("service") && has("location")) {  // service_at_location
      v1::DirectoryServiceRecord s;
      json service = r["service"];
      if (service.is_object() && !service.contains("service_at_locations")) {
        service["service_at_locations"] = json::array({{{"location", r["location"]}}});
      }
      if (MapService(service, i, source, &s, &result.errors))
        result.services.push_back(std::move(s));
    } else if (has("services") ||
               (!has("status") && (has("legal_status") || has("organization_identifiers")))) {
      ++result.organizations;
      const json organization = r;
      if (has("services") && r["services"].is_array()) {
        for (const json& nested : r["services"]) {
          json service = nested;
          if (service.is_object() && !service.contains("organization")) {
            json org = organization;
            org.erase("services");
            service["organization"] = org;
          }
          v1::DirectoryServiceRecord s;
          if (MapService(service, i, source, &s, &result.errors)) {
            result.services.push_back(std::move(s));
          }
        }
      }
    } else if (!has("status") && (has("location_type") || has("addresses"))) {
      ++result.locations;
    } else if (!has("status") &&
               (has("term_uri") || has("taxonomy") || has("parent_id") || has("taxonomy_detail"))) {
      RecordCheck check{i, Get(r, "id"), &result.errors};
      v1::TaxonomyTerm t;
      t.set_id(Str(r, "id", check, true));
      t.set_name(Str(r, "name", check, true));
      Str(r, "description", check, true);
      t.set_code(Get(r, "code"));
      const std::string uri = Str(r, "term_uri", check, false);
      if (!uri.empty() && !IsHttpUri(uri)) check.Fail("term_uri", "is not an http(s) URI");
      if (check.ok) result.taxonomy_terms.push_back(std::move(t));
    } else {
      v1::DirectoryServiceRecord s;
      if (MapService(r, i, source, &s, &result.errors)) result.services.push_back(std::move(s));
    }
  }
  return result;
}

std::string ExportHsdsJson(const std::vector<v1::DirectoryServiceRecord>& services) {
  return ExportHsdsJson(services, {.total_items = services.size()});
}

std::string ExportHsdsJson(const std::vector<v1::DirectoryServiceRecord>& services,
                           const HsdsPageInfo& page) {
  static const char* const kStatus[] = {"", "active", "inactive", "defunct", "temporarily closed"};
  json contents = json::array();
  for (const auto& s : services) {
    json o;
    o["id"] = s.id();
    o["name"] = s.name();
    o["description"] = s.description();
    o["status"] = kStatus[s.status() >= 0 && s.status() <= 4 ? s.status() : 0];
    if (!s.url().empty()) o["url"] = s.url();
    if (!s.email().empty()) o["email"] = s.email();
    if (s.eligibility().has_min_age_years()) o["minimum_age"] = s.eligibility().min_age_years();
    if (s.eligibility().has_max_age_years()) o["maximum_age"] = s.eligibility().max_age_years();
    if (!s.eligibility_description().empty()) {
      o["eligibility_description"] = s.eligibility_description();
    }
    if (s.has_organization()) {
      o["organization"] = {{"id", s.organization().id()},
                           {"name", s.organization().name()},
                           {"description", s.organization().description()}};
    }
    json areas = json::array();
    for (const auto& a : s.service_areas()) {
      areas.push_back({{"name", a.name()}, {"description", a.description()}});
    }
    o["service_areas"] = areas;
    // Everything Signpost-specific, as protobuf JSON.
    v1::DirectoryServiceRecord ext;
    *ext.mutable_eligibility() = s.eligibility();
    ext.mutable_eligibility()->clear_min_age_years();
    ext.mutable_eligibility()->clear_max_age_years();
    *ext.mutable_capacity() = s.capacity();
    ext.set_commissioning_level(s.commissioning_level());
    ext.set_sector(s.sector());
    *ext.mutable_accessibility() = s.accessibility();
    *ext.mutable_schedule() = s.schedule();
    ext.mutable_schedule()->clear_description();
    std::string ext_json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(ext, &ext_json, options);
    o["signpost_extension"] = json::parse(ext_json, nullptr, /*allow_exceptions=*/false);
    contents.push_back(std::move(o));
  }
  json envelope = {{"total_items", page.total_items}, {"size", services.size()},
                   {"first_page", page.first_page},   {"last_page", page.last_page},
                   {"empty", services.empty()},       {"contents", contents}};
  if (page.first_page && page.last_page) {
    envelope["total_pages"] = 1;
    envelope["page_number"] = 1;
  }
  return envelope.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace signpost::router
