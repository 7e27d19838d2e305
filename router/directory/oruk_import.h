// Open Referral UK / HSDS 3.0 JSON import and export.
//
//   OrukImport result = ImportOrukJson(text, "oruk:service_full.json");
//   for (auto& s : result.services) ...          // valid records, mapped
//   for (auto& e : result.errors) ...            // rejected, by field
//   std::string json = ExportHsdsJson(services); // list envelope
//
// Accepts one record or a paginated list envelope whose "contents" holds
// records. Each record is recognised as a service, a service_at_location
// (its service is imported, with the location), an organization (its nested
// services are imported under it), a location, or a taxonomy term
// (validated: id, name, description required; term_uri a URI). Each record is validated against the
// ORUK profile (id, name, description and status required; status one of active, inactive, defunct,
// temporarily closed; url a http(s) URI; email an address; ages non-negative numbers with min <=
// max); an invalid record is rejected with every bad field named and the valid rest is returned.
// Signpost-only data (structured eligibility, capacity, sector, commissioning level, accessibility)
// travels in an optional "signpost_extension" object using the protobuf JSON mapping of those
// messages, so export then import round-trips. Postcode districts named in a service area's text
// ("postcodes starting with AB1, AB2 and AB3") become structured districts.
//
// Pure (text in, messages out); thread-safe.
#ifndef SIGNPOST_ROUTER_DIRECTORY_ORUK_IMPORT_H_
#define SIGNPOST_ROUTER_DIRECTORY_ORUK_IMPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "signpost/v1/directory.pb.h"

namespace signpost::router {

struct OrukImportError {
  int record = 0;         // index in the input (0 for a single record)
  std::string record_id;  // if known
  std::string field;      // e.g. "email", "description"; "" for the document
  std::string message;
  bool operator==(const OrukImportError&) const = default;
};

struct OrukImport {
  std::vector<signpost::v1::DirectoryServiceRecord> services;
  std::vector<signpost::v1::TaxonomyTerm> taxonomy_terms;
  std::vector<OrukImportError> errors;
  int records_seen = 0;
  // Other entities recognised (and validated) but not stored on their own.
  int organizations = 0;
  int locations = 0;
};

OrukImport ImportOrukJson(std::string_view json, const std::string& source);

// Where a page of an export sits in the whole directory.
struct HsdsPageInfo {
  size_t total_items = 0;
  bool first_page = true;
  bool last_page = true;
};

// HSDS 3.0 list envelope of `services` (with signpost_extension); by
// default one page holding everything.
std::string ExportHsdsJson(const std::vector<signpost::v1::DirectoryServiceRecord>& services);
std::string ExportHsdsJson(const std::vector<signpost::v1::DirectoryServiceRecord>& services,
                           const HsdsPageInfo& page);

// Postcode districts mentioned in free text (upper case, unique, in order).
std::vector<std::string> PostcodeDistrictsInText(std::string_view text);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_DIRECTORY_ORUK_IMPORT_H_
