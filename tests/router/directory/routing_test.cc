// Table-driven routing over the demo borough directory
// (deploy/directory/demo_services.json and demo_roster.json): age
// boundaries, catchments, out of hours, capacity, language, continuity,
// signposting and the safety net.
#include "router/directory/routing.h"

#include <fstream>
#include <functional>
#include <sstream>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "router/directory/opening_hours.h"
#include "router/directory/oruk_import.h"
#include "tests/router/triage/triage_testing.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

struct Demo {
  std::shared_ptr<const DirectorySnapshot> directory;
  TeamRoster roster;
  std::shared_ptr<const TriageEngine> triage;
};

const Demo& LoadDemo() {
  static const Demo* const kDemo = [] {
    auto* d = new Demo();
    const OrukImport imported = ImportOrukJson(
        testing::ReadTextFile(SIGNPOST_DEMO_DIRECTORY "/demo_services.json"), "demo");
    EXPECT_TRUE(imported.errors.empty());
    d->directory = DirectorySnapshot::Build(imported.services);
    v1::DirectoryRoster roster;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                    testing::ReadTextFile(SIGNPOST_DEMO_DIRECTORY "/demo_roster.json"), &roster)
                    .ok());
    d->roster.teams.assign(roster.teams().begin(), roster.teams().end());
    d->roster.case_managers.assign(roster.case_managers().begin(), roster.case_managers().end());
    d->triage = testing::DefaultEngine();
    return d;
  }();
  return *kDemo;
}

absl::TimeZone London() {
  absl::TimeZone z;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/London", &z));
  return z;
}

struct RouteCase {
  std::string name;
  std::function<void(v1::ReferralSubmission&)> setup;
  v1::RoutingOutcome outcome;
  std::string service;             // expected service (ROUTED), "" = any
  std::vector<std::string> never;  // services it must never route to
  std::string case_manager = "";   // expected case manager, "" = don't check
  std::string signpost = "";       // a signpost that must be offered
  absl::Time at = testing::InHours();
  std::string existing_case_manager = "";
};

void Base(v1::ReferralSubmission& s) {
  s.mutable_person()->set_postcode("SE6 4RU");
  s.mutable_person()->set_registered_gp_practice_ods("G85004");  // Central PCN
}

const std::vector<RouteCase>& Cases() {
  using S = v1::ReferralSubmission;
  static const auto* const kCases = new std::vector<RouteCase>{
      {"crisis_sunday_2am_goes_to_24_7_only",
       [](S& s) { s.mutable_risk()->set_to_self(v1::RISK_LEVEL_IMMINENT); },
       v1::ROUTING_OUTCOME_ROUTED,
       "",
       {"crisis-assessment-clinic", "wellbeing-house"},
       "",
       "",
       testing::SundayNight()},
      {"crisis_weekday_can_use_day_clinic_or_24_7",
       [](S& s) { s.mutable_risk()->set_to_self(v1::RISK_LEVEL_IMMINENT); },
       v1::ROUTING_OUTCOME_ROUTED,
       "",
       {"wellbeing-house"}},
      {"depression_routine_central_pcn_has_capacity",
       [](S& s) {
         s.add_presenting_needs(v1::PRESENTING_NEED_BIPOLAR);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "cmht-central",
       {"cmht-north", "cmht-south"}},
      {"south_pcn_cmht_full_so_not_routed_there",
       [](S& s) {
         s.mutable_person()->set_registered_gp_practice_ods("G85008");
         s.add_presenting_needs(v1::PRESENTING_NEED_PERSONALITY_DISORDER);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "personality-disorder-service",
       {"cmht-south", "cmht-central"}},
      {"self_referral_talking_therapies_with_turkish_speaker",
       [](S& s) {
         s.set_channel(v1::SOURCE_CHANNEL_SELF);  // PCN practitioners take GP referrals only
         s.mutable_person()->mutable_contact()->set_phone("07700 900123");
         s.add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
         s.mutable_person()->mutable_communication()->set_interpreter_language("turkish");
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "talking-therapies",
       {},
       "cm-talking-therapies-1"},
      {"polish_speaker_gets_polish_case_manager",
       [](S& s) {
         s.add_presenting_needs(v1::PRESENTING_NEED_BIPOLAR);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
         s.mutable_person()->mutable_communication()->set_interpreter_language("Polish");
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "cmht-central",
       {},
       "cm-cmht-central-1"},
      {"continuity_keeps_existing_case_manager",
       [](S& s) {
         s.add_presenting_needs(v1::PRESENTING_NEED_BIPOLAR);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
         s.mutable_person()->mutable_communication()->set_interpreter_language("Polish");
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "cmht-central",
       {},
       "cm-cmht-central-2",
       "",
       testing::InHours(),
       "cm-cmht-central-2"},
      {"first_episode_psychosis_to_eip",
       [](S& s) {
         s.add_presenting_needs(v1::PRESENTING_NEED_PSYCHOSIS);
         s.set_story("Paranoid and hearing voices for a month.");
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "eip-service",
       {"hearing-voices-group"},
       "",
       "hearing-voices-group"},
      {"age_17_49_goes_to_camhs",
       [](S& s) {
         testing::SetAgeOn(s, 17, 179);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "camhs",
       {"young-adults-service", "cmht-central"}},
      {"age_17_5_may_use_young_adults_service",
       [](S& s) {
         testing::SetAgeOn(s, 17, 184);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "",
       {"cmht-central"}},
      {"age_66_memory_to_older_adults_not_cmht",
       [](S& s) {
         testing::SetAgeOn(s, 66, 10);
         s.add_presenting_needs(v1::PRESENTING_NEED_MEMORY_COGNITION);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "",
       {"cmht-central", "cmht-north", "cmht-south"}},
      {"out_of_area_postcode_is_unmatched_with_reasons",
       [](S& s) {
         s.mutable_person()->set_postcode("M1 1AE");
         s.mutable_person()->clear_registered_gp_practice_ods();
         s.add_presenting_needs(v1::PRESENTING_NEED_BIPOLAR);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
       },
       v1::ROUTING_OUTCOME_UNMATCHED,
       "",
       {}},
      {"housing_only_band_f_is_signposted",
       [](S& s) { s.add_presenting_needs(v1::PRESENTING_NEED_HOUSING); },
       v1::ROUTING_OUTCOME_SIGNPOSTED,
       "",
       {},
       "",
       "housing-support"},
      {"advice_only_band_g_is_signposted",
       [](S& s) { s.add_presenting_needs(v1::PRESENTING_NEED_ADVICE_ONLY); },
       v1::ROUTING_OUTCOME_SIGNPOSTED,
       "",
       {},
       "",
       "advice-line"},
      {"carer_is_offered_carers_centre_alongside",
       [](S& s) {
         s.add_presenting_needs(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION);
         s.add_presenting_needs(v1::PRESENTING_NEED_CARER_STRAIN);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "",
       {},
       "",
       "carers-centre"},
      {"stated_preference_ranks_an_eligible_service_first",
       [](S& s) {
         s.add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
         s.mutable_preferences()->add_preferred_service_ids("talking-therapies");
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "talking-therapies",
       {}},
      {"declined_service_is_never_used",
       [](S& s) {
         s.add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
         s.mutable_preferences()->add_declined_service_ids("pcn-mh-practitioners");
         s.mutable_preferences()->add_declined_service_ids("peer-support");
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "",
       {"pcn-mh-practitioners"}},
      {"employment_need_offers_ips",
       [](S& s) {
         s.add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
         s.add_presenting_needs(v1::PRESENTING_NEED_EMPLOYMENT);
         s.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
       },
       v1::ROUTING_OUTCOME_ROUTED,
       "",
       {},
       "",
       "ips-employment"},
  };
  return *kCases;
}

class RoutingTableTest : public ::testing::TestWithParam<RouteCase> {};

TEST_P(RoutingTableTest, RoutesAsExpected) {
  const Demo& demo = LoadDemo();
  const RouteCase& c = GetParam();
  v1::ReferralSubmission s = testing::NeutralReferral();
  Base(s);
  c.setup(s);
  const v1::TriageDecision d = demo.triage->Evaluate({.submission = s, .received_at = c.at});
  const v1::RoutingDecision r = RouteReferral({.submission = s,
                                               .triage = d,
                                               .received_at = c.at,
                                               .zone = London(),
                                               .existing_case_manager_id = c.existing_case_manager},
                                              *demo.directory, demo.roster);
  std::string explain = " band " + v1::UrgencyBand_Name(d.band()) + " owner " + r.owner() +
                        " service " + r.service_id();
  for (const auto& x : r.excluded()) {
    explain += "\n  excluded " + x.service_id() + ":";
    for (const auto& why : x.reasons()) explain += " " + why + ";";
  }
  EXPECT_EQ(v1::RoutingOutcome_Name(r.outcome()), v1::RoutingOutcome_Name(c.outcome)) << explain;
  if (!c.service.empty()) {
    EXPECT_EQ(r.service_id(), c.service) << explain;
  }
  for (const auto& never : c.never) {
    EXPECT_NE(r.service_id(), never) << explain;
    for (const auto& cand : r.candidates()) EXPECT_NE(cand.service().id(), never) << explain;
  }
  if (!c.case_manager.empty()) {
    EXPECT_EQ(r.case_manager_id(), c.case_manager) << explain;
  }
  if (!c.signpost.empty()) {
    bool offered = false;
    for (const auto& sp : r.signposts()) offered = offered || sp.service_id() == c.signpost;
    EXPECT_TRUE(offered) << "expected signpost " << c.signpost << explain;
  }
  // Never nowhere: every decision has an owner.
  EXPECT_FALSE(r.owner().empty()) << explain;
  if (r.outcome() == v1::ROUTING_OUTCOME_UNMATCHED) {
    EXPECT_EQ(r.owner(), "queue:call-hub-review");
    EXPECT_FALSE(r.reasons().empty());
    EXPECT_FALSE(r.unmet_need_category().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Demo, RoutingTableTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<RouteCase>& info) {
                           return info.param.name;
                         });

TEST(RoutingTest, DemoDirectoryIsARealisticBorough) {
  const Demo& demo = LoadDemo();
  EXPECT_GE(demo.directory->size(), 40u);
  int open_24_7_crisis = 0, day_only = 0;
  for (const auto& s : demo.directory->services()) {
    const auto& p = s.eligibility().pathways();
    const bool crisis = std::find(p.begin(), p.end(), "crisis") != p.end();
    if (crisis && s.schedule().open_24_7()) ++open_24_7_crisis;
    if (!s.schedule().open_24_7() && s.schedule().weekly_size() == 1 &&
        s.schedule().weekly(0).weekdays_size() == 5) {
      ++day_only;
    }
  }
  EXPECT_GE(open_24_7_crisis, 2);
  EXPECT_GE(day_only, 5);
}

// Property: for every combination of band inputs, age and time, routing
// ends ROUTED, SIGNPOSTED or UNMATCHED, always with an owner, and a crisis
// band never routes to a service closed at receipt.
TEST(RoutingTest, EveryReferralEndsWithAnOwnerAndCrisisNeverGoesToAClosedService) {
  const Demo& demo = LoadDemo();
  int checked = 0;
  for (int risk = v1::RISK_LEVEL_UNSPECIFIED; risk <= v1::RISK_LEVEL_IMMINENT; ++risk) {
    for (int need : {0, 1, 5, 7, 9, 16, 17, 22}) {
      for (int age : {15, 17, 19, 40, 70}) {
        for (absl::Time at : {testing::InHours(), testing::SundayNight()}) {
          v1::ReferralSubmission s = testing::NeutralReferral();
          Base(s);
          testing::SetAgeOn(s, age, 100);
          s.mutable_risk()->set_to_self(static_cast<v1::RiskLevel>(risk));
          if (need) s.add_presenting_needs(static_cast<v1::PresentingNeed>(need));
          const auto d = demo.triage->Evaluate({.submission = s, .received_at = at});
          const auto r =
              RouteReferral({.submission = s, .triage = d, .received_at = at, .zone = London()},
                            *demo.directory, demo.roster);
          ASSERT_NE(r.outcome(), v1::ROUTING_OUTCOME_UNSPECIFIED);
          ASSERT_FALSE(r.owner().empty());
          if (r.outcome() == v1::ROUTING_OUTCOME_ROUTED &&
              (d.band() == v1::URGENCY_BAND_A || d.band() == v1::URGENCY_BAND_B)) {
            const auto* service = demo.directory->Find(r.service_id());
            ASSERT_NE(service, nullptr);
            ASSERT_TRUE(CheckOpenAt(service->schedule(), at, London()).open)
                << r.service_id() << " is closed at receipt";
          }
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 6 * 8 * 5 * 2);
}

}  // namespace
}  // namespace signpost::router
