// libFuzzer: arbitrary bytes as ORUK/HSDS JSON, and as a services.csv in a
// tabular package, through import, search and export.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "router/directory/directory_snapshot.h"
#include "router/directory/hsds_tabular.h"
#include "router/directory/oruk_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  signpost::router::OrukImport json = signpost::router::ImportOrukJson(text, "fuzz");
  const std::map<std::string, std::string> files = {
      {"datapackage.json", R"({"resources": [{"name": "service", "path": "services.csv"}]})"},
      {"services.csv", text}};
  signpost::router::OrukImport csv = signpost::router::ImportHsdsDataPackage(files, "fuzz");
  json.services.insert(json.services.end(), csv.services.begin(), csv.services.end());
  auto snapshot = signpost::router::DirectorySnapshot::Build(json.services);
  signpost::v1::SearchServicesRequest q;
  q.set_postcode("AB1 2AB");
  q.set_age_years(30);
  q.set_explain_exclusions(true);
  (void)snapshot->Search(q, absl::UTCTimeZone());
  // Export must re-import to the same number of services.
  const auto again = signpost::router::ImportOrukJson(
      signpost::router::ExportHsdsJson(snapshot->services()), "re");
  if (again.services.size() != snapshot->services().size()) __builtin_trap();
  return 0;
}
