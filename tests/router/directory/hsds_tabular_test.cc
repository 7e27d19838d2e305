#include "router/directory/hsds_tabular.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/read_file.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::map<std::string, std::string> CsvPackage() {
  std::map<std::string, std::string> files;
  const std::string dir = std::string(SIGNPOST_TEST_DATA_DIR) + "/oruk/hsds3-examples/csv";
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    files[f.path().filename().string()] = testing::ReadTextFile(f.path().string());
  }
  EXPECT_GE(files.size(), 20u) << "the CSV test data package is missing";
  return files;
}

TEST(CsvTest, QuotedFieldsCommasQuotesAndNewlines) {
  bool ok = false;
  auto rows = ParseCsv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\n,,\n", &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[1], ElementsAre("x, y", "say \"hi\"", "line1\nline2"));
  EXPECT_THAT(rows[2], ElementsAre("", "", ""));
  ParseCsv("\"unterminated", &ok);
  EXPECT_FALSE(ok);
}

// Acceptance: the JSON and CSV forms of the same data produce the same
// service.
TEST(HsdsTabularTest, CsvAndJsonFormsProduceTheSameService) {
  const OrukImport csv = ImportHsdsDataPackage(CsvPackage(), "same");
  ASSERT_THAT(csv.errors, IsEmpty());
  ASSERT_EQ(csv.services.size(), 1u);
  const OrukImport json =
      ImportOrukJson(testing::ReadTextFile(std::string(SIGNPOST_TEST_DATA_DIR) +
                                           "/oruk/hsds3-examples/service_full.json"),
                     "same");
  ASSERT_EQ(json.services.size(), 1u);
  v1::DirectoryServiceRecord a = csv.services[0], b = json.services[0];
  // Taxonomy terms come from attributes whose link_id is the service id. The
  // example package's one attribute row links to f28dd44b-..., not to this
  // service (the JSON example nests it under the service), so the two forms
  // differ there by the data itself; everything else must be identical.
  for (auto* s : {&a, &b}) s->clear_taxonomy_terms();
  EXPECT_EQ(a.DebugString(), b.DebugString());
  EXPECT_EQ(a.name(), "Community Counselling");
}

// Regression (directory import fuzzer): invalid UTF-8 in a CSV made the JSON
// serialiser throw, which would terminate the server.
TEST(HsdsTabularTest, InvalidUtf8IsRejectedNotACrash) {
  std::map<std::string, std::string> files = {
      {"datapackage.json", R"({"resources": [{"name": "service", "path": "services.csv"}]})"},
      {"services.csv", "id,name,description,status\nx,bad \xff\xfe name,d,active\n"}};
  const OrukImport r = ImportHsdsDataPackage(files, "utf8");
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].field, "services.csv");
  EXPECT_EQ(r.errors[0].message, "is not valid UTF-8");
  EXPECT_TRUE(r.services.empty());
}

TEST(HsdsTabularTest, AttributesLinkedToTheServiceBecomeTaxonomyTerms) {
  auto files = CsvPackage();
  std::string& attributes = files["attributes.csv"];
  const std::string row_link = "f28dd44b-0c4d-479f-8e90-4c52219a8b3c";
  ASSERT_NE(attributes.find(row_link), std::string::npos);
  attributes.replace(attributes.find(row_link), row_link.size(),
                     "ac148810-d857-441c-9679-408f346de14b");
  const OrukImport csv = ImportHsdsDataPackage(files, "linked");
  ASSERT_EQ(csv.services.size(), 1u);
  ASSERT_EQ(csv.services[0].taxonomy_terms_size(), 1);
  EXPECT_EQ(csv.services[0].taxonomy_terms(0).id(), "3f7b145d-84af-42d7-8fae-eaca714b02b2");
}

TEST(HsdsTabularTest, MissingPackageOrServicesIsAnError) {
  EXPECT_EQ(ImportHsdsDataPackage({}, "x").errors[0].field, "datapackage.json");
  auto files = CsvPackage();
  files.erase("services.csv");
  EXPECT_EQ(ImportHsdsDataPackage(files, "x").errors[0].field, "service");
}

}  // namespace
}  // namespace signpost::router
