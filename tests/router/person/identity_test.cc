#include "router/person/identity.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

v1::Person Incoming(const std::string& given, const std::string& family, int y, int m, int d,
                    const std::string& postcode) {
  v1::Person p;
  p.set_given_name(given);
  p.set_family_name(family);
  p.mutable_date_of_birth()->set_year(y);
  p.mutable_date_of_birth()->set_month(m);
  p.mutable_date_of_birth()->set_day(d);
  p.set_postcode(postcode);
  return p;
}

v1::PersonRecord Stored(const std::string& given, const std::string& family, int y, int m, int d,
                        const std::string& postcode) {
  v1::PersonRecord r = PersonFromSubmission(Incoming(given, family, y, m, d, postcode));
  r.set_person_id("P1");
  r.set_state(v1::PERSON_STATE_ACTIVE);
  return r;
}

TEST(NormaliseNameTest, FoldsCaseAccentsAndPunctuation) {
  EXPECT_EQ(NormaliseName("O'Brien-Smith"), "obriensmith");
  EXPECT_EQ(NormaliseName("  Zoë  "), "zoe");
  EXPECT_EQ(NormaliseName("ÉLODIE"), "elodie");
  EXPECT_EQ(NormaliseName("Müller"), "muller");
  EXPECT_EQ(NormaliseName("van der Berg"), "vanderberg");
  EXPECT_EQ(NormaliseName(""), "");
  EXPECT_EQ(NormaliseName("\xC3"), "");  // truncated UTF-8 is dropped, not read past
}

TEST(DemographicKeyTest, IsTheDateOfBirth) {
  v1::CalendarDate d;
  EXPECT_EQ(DemographicKey(d), "");
  d.set_year(1987);
  d.set_month(4);
  d.set_day(2);
  EXPECT_EQ(DemographicKey(d), "19870402");
}

struct ScoreCase {
  const char* name;
  v1::Person incoming;
  v1::PersonRecord stored;
  int want_score;  // -1: not a candidate at all
};

TEST(ScorePossibleDuplicateTest, Table) {
  const auto base = [] { return Stored("Sam", "Okafor", 1990, 4, 12, "SE6 4RU"); };
  std::vector<ScoreCase> cases = {
      {"everything agrees", Incoming("Sam", "Okafor", 1990, 4, 12, "SE6 4RU"), base(), 100},
      {"accents and case", Incoming("SAM", "okafor", 1990, 4, 12, "SE6 4RU"), base(), 100},
      {"moved within district", Incoming("Sam", "Okafor", 1990, 4, 12, "SE6 1AA"), base(), 91},
      {"moved away", Incoming("Sam", "Okafor", 1990, 4, 12, "N1 9GU"), base(), 85},
      {"double-barrelled now", Incoming("Sam", "Okafor-Jones", 1990, 4, 12, "SE6 4RU"), base(), 87},
      {"initial only", Incoming("S", "Okafor", 1990, 4, 12, "SE6 4RU"), base(), 86},
      {"sibling: other given name", Incoming("Tom", "Okafor", 1990, 4, 12, "SE6 4RU"), base(), 80},
      {"other surname, same dob", Incoming("Sam", "Smith", 1990, 4, 12, "N1 9GU"), base(), 60},
      {"different date of birth", Incoming("Sam", "Okafor", 1990, 4, 13, "SE6 4RU"), base(), -1},
  };
  {
    ScoreCase c{"different NHS numbers", Incoming("Sam", "Okafor", 1990, 4, 12, "SE6 4RU"), base(),
                -1};
    c.incoming.set_nhs_number("9990000018");
    c.stored.set_nhs_number("9990000026");
    cases.push_back(c);
  }
  {
    ScoreCase c{"merged record", Incoming("Sam", "Okafor", 1990, 4, 12, "SE6 4RU"), base(), -1};
    c.stored.set_state(v1::PERSON_STATE_MERGED);
    cases.push_back(c);
  }
  for (const ScoreCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::optional<DuplicateScore> s = ScorePossibleDuplicate(c.incoming, c.stored);
    if (c.want_score < 0) {
      EXPECT_FALSE(s.has_value());
    } else {
      ASSERT_TRUE(s.has_value());
      EXPECT_EQ(s->score, c.want_score);
      EXPECT_THAT(s->reasons, ::testing::Contains("date of birth"));
    }
  }
  // Threshold sanity: a sibling sharing a birthday is listed for a human to
  // reject; a stranger with only a date of birth in common is not.
  EXPECT_GE(80, kPossibleDuplicateThreshold);
  EXPECT_LT(60, kPossibleDuplicateThreshold);
}

// Issue 10 defect 2: a referrer never overwrites stored demographics (the
// earlier contract, "newer details replace", let any referral holding an
// NHS number rewrite another person's record). Gaps are filled.
TEST(FillMissingDemographicsTest, FillsGapsAndNeverOverwrites) {
  v1::PersonRecord r = Stored("Sam", "Okafor", 1990, 4, 12, "SE6 4RU");
  r.set_nhs_number("9990000018");
  v1::Person newer = Incoming("Samuel", "Okafor-Smith", 1991, 1, 1, "BS1 4DJ");
  newer.set_nhs_number("9990000026");
  newer.set_preferred_name("Sammy");
  newer.mutable_contact()->set_phone("07700 900999");
  FillMissingDemographics(newer, r);
  EXPECT_EQ(r.nhs_number(), "9990000018");
  EXPECT_EQ(r.given_name(), "Sam");
  EXPECT_EQ(r.family_name(), "Okafor");
  EXPECT_EQ(r.date_of_birth().year(), 1990);
  EXPECT_EQ(r.postcode(), "SE6 4RU");
  EXPECT_EQ(r.preferred_name(), "Sammy") << "a gap is filled";
  EXPECT_EQ(r.contact().phone(), "07700 900999") << "a gap is filled";
  newer.mutable_contact()->set_phone("07700 900111");
  FillMissingDemographics(newer, r);
  EXPECT_EQ(r.contact().phone(), "07700 900999") << "a known phone is kept";
}

struct MismatchCase {
  std::string name;
  v1::Person incoming;
  bool mismatch;
};

TEST(IdentityMismatchTest, Table) {
  const v1::PersonRecord stored = Stored("Sam", "Okafor", 1990, 4, 12, "SE6 4RU");
  const std::vector<MismatchCase> cases = {
      {"same person", Incoming("Sam", "Okafor", 1990, 4, 12, "SE6 4RU"), false},
      {"moved house", Incoming("Sam", "Okafor", 1990, 4, 12, "BS1 4DJ"), false},
      {"married: family name changed", Incoming("Sam", "Jones", 1990, 4, 12, "SE6 4RU"), false},
      {"known by another first name", Incoming("Samuel", "Okafor", 1990, 4, 12, ""), false},
      {"double-barrelled later", Incoming("Sam", "Okafor-Smith", 1990, 4, 12, ""), false},
      {"different date of birth", Incoming("Sam", "Okafor", 1991, 4, 12, "SE6 4RU"), true},
      {"different name, date and postcode", Incoming("Alex", "Brown", 1975, 1, 2, "BS1 4DJ"), true},
      {"both names differ", Incoming("Alex", "Brown", 1990, 4, 12, "SE6 4RU"), true},
  };
  for (const auto& c : cases) {
    const std::vector<std::string> reasons = IdentityMismatch(c.incoming, stored);
    EXPECT_EQ(!reasons.empty(), c.mismatch) << c.name;
    for (const auto& reason : reasons) {
      EXPECT_THAT(reason, ::testing::Not(::testing::HasSubstr("Okafor"))) << "fields, never values";
    }
  }
  const auto reasons = IdentityMismatch(Incoming("Alex", "Brown", 1975, 1, 2, "BS1 4DJ"), stored);
  EXPECT_THAT(reasons, ::testing::ElementsAre("NHS number matches a stored person",
                                              "date of birth differs", "family name differs",
                                              "given name differs", "postcode differs"));
}

}  // namespace
}  // namespace signpost::router
