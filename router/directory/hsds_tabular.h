// HSDS 3.0 tabular data package import: CSV files described by a
// datapackage.json. The rows are joined back into the nested HSDS JSON shape
// (organization, service_areas, languages, schedules, phones,
// service_at_locations with their locations and addresses) and then mapped
// and validated exactly like a JSON import, so the JSON and CSV forms of
// the same data produce the same service.
//
//   std::map<std::string, std::string> files = {{"datapackage.json", ...},
//                                              {"services.csv", ...}, ...};
//   OrukImport r = ImportHsdsDataPackage(files, "csv:borough");
//
// Pure (contents in, messages out); thread-safe.
#ifndef SIGNPOST_ROUTER_DIRECTORY_HSDS_TABULAR_H_
#define SIGNPOST_ROUTER_DIRECTORY_HSDS_TABULAR_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "router/directory/oruk_import.h"

namespace signpost::router {

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines.
// Returns rows of fields; `ok` is false on an unterminated quote.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text, bool* ok);

// `files` maps file names (as in datapackage.json "path") to contents and
// must include "datapackage.json". Missing optional tables are fine; a
// missing services table is an error.
OrukImport ImportHsdsDataPackage(const std::map<std::string, std::string>& files,
                                 const std::string& source);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_DIRECTORY_HSDS_TABULAR_H_
