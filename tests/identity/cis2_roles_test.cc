// NHS CIS2 role assignments mapped to Signpost roles (identity/cis2_roles.h):
// table tests, then a signed token carrying nhsid_nrbac_roles.
#include "identity/cis2_roles.h"

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/jwks.h"
#include "identity/tokens.h"

namespace signpost::identity {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::map<std::string, std::string> kCodes = {
    {"R8000", "duty_clinician"}, {"R8001", "case_manager"}, {"R8008", "call_hub"}};

Json Assignment(const std::string& id, const std::string& org, const std::string& code) {
  return {{"person_roleid", id}, {"org_code", org}, {"role_code", code}};
}

struct Case {
  const char* name;
  Json assignments;
  const char* selected;
  // Either the organisation and roles, or part of the refusal.
  const char* organisation;
  std::vector<std::string> roles;
  const char* refusal;
};

const Case kCases[] = {
    {"only_assignment",
     Json::array({Assignment("1", "RV5", "S8000:G8000:R8001")}),
     "",
     "RV5",
     {"case_manager"},
     ""},
    {"selected_of_several",
     Json::array({Assignment("1", "RV5", "S8000:G8000:R8001"),
                  Assignment("2", "Y02345", "S8000:G8001:R8008")}),
     "2",
     "Y02345",
     {"call_hub"},
     ""},
    {"several_none_selected",
     Json::array({Assignment("1", "RV5", "S8000:G8000:R8001"),
                  Assignment("2", "Y02345", "S8000:G8001:R8008")}),
     "",
     "",
     {},
     "several role assignments"},
    {"selected_not_held",
     Json::array({Assignment("1", "RV5", "S8000:G8000:R8001")}),
     "9",
     "",
     {},
     "not among"},
    {"unmapped_code",
     Json::array({Assignment("1", "RV5", "S8000:G8000:R9999")}),
     "",
     "",
     {},
     "maps to no Signpost role"},
    {"no_org_code",
     Json::array({Assignment("1", "", "S8000:G8000:R8001")}),
     "",
     "",
     {},
     "no org_code"},
    {"not_objects", Json::array({"case_manager"}), "", "", {}, "must be objects"},
    {"empty", Json::array(), "", "", {}, "no role assignments"},
};

class Cis2Test : public ::testing::TestWithParam<Case> {};

TEST_P(Cis2Test, MapsTheSelectedAssignmentOrRefuses) {
  const Case& c = GetParam();
  absl::StatusOr<Cis2Selection> got = MapCis2Roles(c.assignments, c.selected, kCodes);
  if (std::string(c.refusal).empty()) {
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->organisation, c.organisation);
    EXPECT_EQ(got->roles, c.roles);
  } else {
    EXPECT_EQ(got.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(got.status().message(), HasSubstr(c.refusal));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Cis2Test, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Cis2TokenTest, ASignedCis2TokenYieldsTheSelectedOrganisationAndRole) {
  const std::string pem = *NewSigningKey(/*rsa=*/true);
  auto keys = ParseJwks(*PublicJwks(pem, "cis2"));
  ASSERT_TRUE(keys.ok());
  auto verifier = TokenVerifier::Create(*keys, {.issuer = "https://am.nhsidentity.spineservices",
                                                .audience = "signpost",
                                                .roles_claim = "nhsid_nrbac_roles",
                                                .role_codes = kCodes});
  ASSERT_TRUE(verifier.ok());
  const Json extra = {
      {"nhsid_nrbac_roles", Json::array({Assignment("555", "RV5", "S8000:G8000:R8000"),
                                         Assignment("556", "RV5", "S8000:G8000:R8001")})},
      {"selected_roleid", "556"}};
  const absl::Time now = absl::Now();
  auto token = MintToken({.private_pem = pem,
                          .kid = "cis2",
                          .issuer = "https://am.nhsidentity.spineservices",
                          .audience = "signpost",
                          .subject = "910000000001",
                          .organisation = "",
                          .roles = {},
                          .issued_at = now,
                          .extra_claims_json = extra.dump()});
  ASSERT_TRUE(token.ok()) << token.status();
  auto claims = (*verifier)->Verify(*token, now);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "910000000001");
  EXPECT_EQ(claims->organisation, "RV5");
  EXPECT_THAT(claims->roles, ElementsAre("case_manager"));
}

}  // namespace
}  // namespace signpost::identity
