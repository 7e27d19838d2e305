#include "router/directory/oruk_import.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "router/directory/directory_snapshot.h"
#include "tests/testing/read_file.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string Oruk(const std::string& relative) {
  std::string text =
      testing::ReadTextFile(std::string(SIGNPOST_TEST_DATA_DIR) + "/oruk/" + relative);
  EXPECT_FALSE(text.empty()) << "missing test data " << relative;
  return text;
}

std::vector<std::string> ErrorFields(const OrukImport& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(std::to_string(e.record) + ":" + e.field);
  return out;
}

// Acceptance: import service_full.json, search its area by age.
TEST(OrukImportTest, ServiceFullIsFoundByAgeAtItsBoundaries) {
  const OrukImport r = ImportOrukJson(Oruk("hsds3-examples/service_full.json"), "test");
  ASSERT_THAT(r.errors, IsEmpty());
  ASSERT_EQ(r.services.size(), 1u);
  const v1::DirectoryServiceRecord& s = r.services[0];
  EXPECT_EQ(s.name(), "Community Counselling");
  EXPECT_EQ(s.eligibility().min_age_years(), 12);
  EXPECT_EQ(s.eligibility().max_age_years(), 100);
  ASSERT_EQ(s.service_areas_size(), 1);
  EXPECT_THAT(s.service_areas(0).postcode_districts(), ElementsAre("AB1", "AB2", "AB3"));
  EXPECT_THAT(s.languages(), ::testing::Contains("urdu"));

  auto snapshot = DirectorySnapshot::Build(r.services);
  auto search = [&](double age) {
    v1::SearchServicesRequest q;
    q.set_age_years(age);
    q.set_postcode("AB1 2AB");
    q.set_explain_exclusions(true);
    return snapshot->Search(q, absl::UTCTimeZone());
  };
  for (double age : {12.0, 19.0, 100.0}) {
    const auto found = search(age);
    ASSERT_EQ(found.matches_size(), 1) << "age " << age;
    EXPECT_EQ(found.matches(0).service().name(), "Community Counselling");
    EXPECT_THAT(found.matches(0).reasons(), ::testing::Contains("covers AB1"));
  }
  EXPECT_EQ(search(11).matches_size(), 0);
  EXPECT_THAT(search(11).excluded(0).reasons(), ElementsAre("minimum age 12"));
  EXPECT_EQ(search(101).matches_size(), 0);
  EXPECT_THAT(search(101).excluded(0).reasons(), ElementsAre("maximum age 100"));
  // Outside its area.
  v1::SearchServicesRequest elsewhere;
  elsewhere.set_age_years(19);
  elsewhere.set_postcode("SE6 4RU");
  elsewhere.set_explain_exclusions(true);
  const auto out = snapshot->Search(elsewhere, absl::UTCTimeZone());
  EXPECT_EQ(out.matches_size(), 0);
  EXPECT_THAT(out.excluded(0).reasons(), ElementsAre("does not cover SE6"));
}

// Every positive example file imports without errors.
TEST(OrukImportTest, EveryExampleFileImports) {
  struct Expect {
    std::string file;
    int services;
  };
  for (const Expect& e : std::vector<Expect>{
           {"hsds3-examples/service_full.json", 1},
           {"hsds3-examples/service_list.json", 1},
           {"hsds3-examples/service_at_location_full.json", 1},
           {"hsds3-examples/service_at_location_list.json", 1},
           {"hsds3-examples/organization_full.json", 1},
           {"hsds3-examples/organization_list.json", 0},
           {"hsds3-examples/location.json", 0},
           {"hsds3-examples/taxonomy_term_list.json", 0},
           {"uk-profile-examples/service_full.json", 1},
           {"uk-profile-examples/service_list.json", 1},
           {"uk-profile-examples/service_at_location_full.json", 1},
           {"uk-profile-examples/service_at_location_list.json", 1},
           {"uk-profile-examples/organization_full.json", 1},
           {"uk-profile-examples/taxonomy_term_list.json", 0},
       }) {
    SCOPED_TRACE(e.file);
    const OrukImport r = ImportOrukJson(Oruk(e.file), e.file);
    EXPECT_THAT(ErrorFields(r), IsEmpty());
    EXPECT_EQ(static_cast<int>(r.services.size()), e.services);
    EXPECT_GE(r.records_seen, 1);
  }
  // The directory has every file in the reference folder covered.
  int files = 0;
  for (const auto& dir : {"hsds3-examples", "uk-profile-examples"}) {
    for (const auto& f : std::filesystem::directory_iterator(std::string(SIGNPOST_TEST_DATA_DIR) +
                                                             "/oruk/" + dir)) {
      files += f.path().extension() == ".json";
    }
  }
  EXPECT_EQ(files, 14);
}

TEST(OrukImportTest, NegativeExamplesAreRejectedNamingTheirFields) {
  const OrukImport single = ImportOrukJson(
      Oruk("negative/service_full_INVALID_missing_description_bad_url_email.json"), "neg");
  EXPECT_THAT(single.services, IsEmpty());
  EXPECT_THAT(ErrorFields(single), UnorderedElementsAre("0:description", "0:url", "0:email"));

  const OrukImport list = ImportOrukJson(Oruk("negative/service_list_INVALID.json"), "neg");
  EXPECT_THAT(list.services, IsEmpty());
  EXPECT_EQ(list.records_seen, 4);
  // Record 0-1: no name, bad url and email; 2: email not a string;
  // 3: no name, email not a string.
  EXPECT_THAT(ErrorFields(list),
              UnorderedElementsAre("0:name", "0:url", "0:email", "1:name", "1:url", "1:email",
                                   "2:name", "2:url", "2:email", "3:name", "3:email"));

  const OrukImport term = ImportOrukJson(Oruk("negative/taxonomy_term_INVALID.json"), "neg");
  EXPECT_THAT(ErrorFields(term), UnorderedElementsAre("0:description", "0:term_uri"));
}

TEST(OrukImportTest, ValidRestOfAListIsKept) {
  const std::string mixed = R"({"contents": [
    {"id": "ok-1", "name": "Talking Space", "description": "Peer support", "status": "active"},
    {"id": "bad", "name": "No status", "description": "x"},
    {"id": "ok-2", "name": "Wellbeing House", "description": "Day service", "status": "inactive",
     "minimum_age": 18, "maximum_age": 120}
  ]})";
  const OrukImport r = ImportOrukJson(mixed, "inline");
  ASSERT_EQ(r.services.size(), 2u);
  EXPECT_EQ(r.services[0].id(), "ok-1");
  EXPECT_EQ(r.services[1].status(), v1::SERVICE_STATUS_INACTIVE);
  EXPECT_THAT(ErrorFields(r), ElementsAre("1:status"));
  EXPECT_EQ(r.errors[0].record_id, "bad");
}

TEST(OrukImportTest, GarbageIsAnErrorNotACrash) {
  EXPECT_THAT(ErrorFields(ImportOrukJson("{not json", "x")), ElementsAre("0:"));
  EXPECT_THAT(ErrorFields(ImportOrukJson("[1,2,3]", "x")), ElementsAre("0:"));
  EXPECT_THAT(ErrorFields(ImportOrukJson(R"({"contents": 5})", "x")), ElementsAre("0:contents"));
  const OrukImport typed = ImportOrukJson(
      R"({"id": 7, "name": ["x"], "description": "d", "status": "active", "minimum_age": "ten"})",
      "x");
  EXPECT_THAT(ErrorFields(typed), UnorderedElementsAre("0:id", "0:name", "0:minimum_age"));
}

TEST(OrukImportTest, ExportThenImportRoundTripsSignpostFields) {
  v1::DirectoryServiceRecord s;
  s.set_id("crisis-1");
  s.set_name("Crisis Line");
  s.set_description("24/7 crisis line");
  s.set_status(v1::SERVICE_STATUS_ACTIVE);
  s.mutable_eligibility()->set_min_age_years(17.5);
  s.mutable_eligibility()->add_pathways("crisis");
  s.mutable_eligibility()->add_bands_accepted(v1::URGENCY_BAND_A);
  s.mutable_eligibility()->add_postcode_districts("SE6");
  s.mutable_eligibility()->add_gp_practices("G85001");
  s.mutable_capacity()->set_status(v1::CAPACITY_STATUS_HAS_CAPACITY);
  s.set_sector(v1::SERVICE_SECTOR_STATUTORY);
  s.set_commissioning_level(v1::COMMISSIONING_LEVEL_ICS);
  s.mutable_schedule()->set_open_24_7(true);
  s.add_accessibility("bsl");
  const OrukImport back = ImportOrukJson(ExportHsdsJson({s}), "roundtrip");
  ASSERT_THAT(back.errors, IsEmpty());
  ASSERT_EQ(back.services.size(), 1u);
  v1::DirectoryServiceRecord got = back.services[0];
  got.clear_source();
  got.clear_service_areas();
  EXPECT_EQ(got.DebugString(), s.DebugString());
}

TEST(OrukImportTest, PostcodeDistrictsInText) {
  EXPECT_THAT(PostcodeDistrictsInText("all postcodes starting with AB1, AB2, and AB3"),
              ElementsAre("AB1", "AB2", "AB3"));
  EXPECT_THAT(PostcodeDistrictsInText("SE6 and SE13; also BR1. Not MyCity"),
              ElementsAre("SE6", "SE13", "BR1"));
}

}  // namespace
}  // namespace signpost::router
