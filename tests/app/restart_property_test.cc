// Issue 10: every kind of record survives a restart and a power cut
// exactly as written. For each kind - referral, event, person, assessment
// version, timeline entry, note, MDT meeting, merge, candidate, directory
// service, team, case manager, rule set in force - write it through the
// application, dump the store's logical contents, restart (or cut the
// power, dropping every unsynced byte) and require the same dump; then
// write again after the restart and require that nothing written before
// was overwritten.
#include <map>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "storage/testing/crash_simulator.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/service_stack.h"
#include "tests/testing/status_matchers.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::IsOk;
using ::signpost::testing::TestStaff;
using ::signpost::testing::ValidGpReferral;

constexpr char kAssessor[] = "cm-crisis-home-treatment-1";  // in the demo roster

using Dump = std::vector<storage::DumpEntry>;

Dump DumpOf(const storage::Store& store) {
  absl::StatusOr<Dump> dump = store.Dump();
  EXPECT_THAT(dump, IsOk());
  return dump.ok() ? *dump : Dump();
}

// The record kinds a dump holds, by family and key shape.
std::map<std::string, int> Kinds(const Dump& dump) {
  std::map<std::string, int> kinds;
  for (const auto& e : dump) {
    const char tag = e.key.empty() ? ' ' : e.key[0];
    if (e.family == "referrals") ++kinds["referral"];
    if (e.family == "events") ++kinds["event"];
    if (e.family == "journal") ++kinds["journal entry"];
    if (e.family == "people" && tag == 'P') ++kinds["person"];
    if (e.family == "people" && tag == 'A') ++kinds["assessment version"];
    if (e.family == "people" && tag == 'D') ++kinds["candidate"];
    if (e.family == "people" && tag == 'G') ++kinds["merge"];
    if (e.family == "indexes" && tag == 'T') ++kinds["timeline entry"];
    if (e.family == "directory" && tag == 'S') ++kinds["service"];
    if (e.family == "directory" && tag == 'T') ++kinds["team"];
    if (e.family == "directory" && tag == 'M') ++kinds["case manager"];
    if (e.family == "meta" && e.key == storage::keys::kActiveRules) ++kinds["rule set in force"];
    if (e.family == "people" && tag == 'B') ++kinds["break-glass grant"];
    if (e.family == "audit" && tag == 'e') ++kinds["audit entry"];
    if (e.family == "audit" && tag == 's') ++kinds["audit seal"];
    if (e.family == "audit" && tag == 'h') ++kinds["audit head"];
    if (e.family == "audit" && (tag == 'p' || tag == 'n')) ++kinds["audit subject index"];
  }
  return kinds;
}

// The journal entries of a dump by kind (notes, MDT meetings, ...).
std::map<std::string, int> JournalKinds(const Dump& dump) {
  std::map<std::string, int> kinds;
  for (const auto& e : dump) {
    if (e.family != "journal") continue;
    v1::TimelineEntry entry;
    EXPECT_TRUE(entry.ParseFromString(e.value));
    ++kinds[entry.has_note()          ? "note"
            : entry.has_mdt_meeting() ? "mdt meeting"
            : entry.has_merge()       ? "merge"
                                      : "assessment"];
  }
  return kinds;
}

// Writes at least one record of every kind through the handlers.
void WriteEveryKind(testing::ServiceStack& stack, const std::string& tag) {
  v1::RetireServiceRequest retire;
  retire.set_service_id("wellbeing-college");
  ASSERT_THAT(stack.directory_handler->Retire(retire), IsOk());
  v1::ActivateRuleSetRequest rules;
  rules.set_rule_set_text(absl::StrCat(testing::DefaultRulesText(), "\n# ", tag, "\n"));
  ASSERT_THAT(stack.triage->Activate(rules), IsOk());

  ASSERT_OK_AND_ASSIGN(v1::SubmitReferralResponse a,
                       stack.referrals->Submit(ValidGpReferral("a-" + tag)));
  const std::string person = a.referral().person_id();
  v1::SubmitReferralRequest no_nhs = ValidGpReferral("b-" + tag);
  no_nhs.mutable_submission()->mutable_person()->clear_nhs_number();
  no_nhs.mutable_submission()->mutable_person()->set_nhs_number_unavailable_reason(
      v1::NHS_NUMBER_UNAVAILABLE_REASON_NOT_KNOWN);
  ASSERT_OK_AND_ASSIGN(v1::SubmitReferralResponse b, stack.referrals->Submit(no_nhs));
  ASSERT_FALSE(b.possible_duplicates().empty());
  v1::ResolvePossibleDuplicateRequest merge;
  merge.set_candidate_id(b.possible_duplicates(0).candidate_id());
  merge.set_confirm(true);
  *merge.mutable_decided_by() = TestStaff("hub-1");
  merge.set_reason("same date of birth, name and address; confirmed on the phone");
  ASSERT_THAT(stack.cases->ResolvePossibleDuplicate(merge), IsOk());

  v1::AddNoteRequest note;
  note.set_person_id(person);
  *note.mutable_author() = TestStaff(kAssessor);
  note.set_text("Note " + tag);
  ASSERT_THAT(stack.cases->AddNote(note), IsOk());
  v1::RecordMdtMeetingRequest mdt;
  v1::MdtMeeting* m = mdt.mutable_meeting();
  m->set_person_id(person);
  const absl::CivilDay today = absl::ToCivilDay(stack.clock.Now(), absl::UTCTimeZone());
  m->mutable_held_on()->set_year(static_cast<int>(today.year()));
  m->mutable_held_on()->set_month(today.month());
  m->mutable_held_on()->set_day(today.day());
  *m->add_attendees() = TestStaff(kAssessor);
  m->add_decisions("Review in 6 weeks");
  m->set_care_coordinator_id(kAssessor);
  *m->mutable_recorded_by() = TestStaff(kAssessor);
  ASSERT_THAT(stack.cases->RecordMdtMeeting(mdt), IsOk());

  v1::GetPersonRequest get;
  get.set_person_id(person);
  ASSERT_OK_AND_ASSIGN(v1::GetPersonResponse p, stack.cases->GetPerson(get));
  v1::UpdateAssessmentRequest update;
  update.set_person_id(person);
  update.set_expected_version(p.person().assessment_version());
  *update.mutable_author() = TestStaff(kAssessor);
  update.mutable_assessment()->mutable_functioning()->set_summary("Managing day to day " + tag);
  ASSERT_THAT(stack.cases->UpdateAssessment(update), IsOk());
  v1::AcceptReferralRequest accept;
  accept.set_referral_id(a.referral().referral_id());
  *accept.mutable_by() = TestStaff(kAssessor);
  ASSERT_THAT(stack.lifecycle->Accept(accept), IsOk());
  // Break-glass, a read's audit entry, and the seals that chain the trail.
  v1::BreakGlassRequest glass;
  glass.set_person_id(p.person().person_id());
  glass.set_reason("Seen in A&E tonight; need the risk history");
  glass.mutable_by()->set_id("cm-outsider");
  ASSERT_THAT(stack.app->break_glass().Grant(glass, "team-elsewhere"), IsOk());
  v1::AuditEntry read;
  read.set_rpc("GetPerson");
  read.add_subjects()->set_person_id(p.person().person_id());
  ASSERT_THAT(stack.store->AppendAudit({read}, storage::AuditDurability::kSynced), IsOk());
  ASSERT_THAT(stack.store->SealAudit(), IsOk());
  stack.clock.Advance(absl::Minutes(5));
}

// Every key written before `later` still has the same value in it, except
// records that are meant to change (referrals, people, candidates, merges,
// the derived indexes other than the timeline, and configuration).
void NothingAppendOnlyWasOverwritten(const Dump& before, const Dump& later) {
  std::map<std::pair<std::string, std::string>, std::string> now;
  for (const auto& e : later) now[{e.family, e.key}] = e.value;
  for (const auto& e : before) {
    const bool append_only =
        e.family == "events" || e.family == "journal" || e.family == "idempotency" ||
        (e.family == "people" && e.key[0] == 'A') || (e.family == "indexes" && e.key[0] == 'T') ||
        (e.family == "audit" && (e.key[0] == 'e' || e.key[0] == 's'));
    if (!append_only) continue;
    auto it = now.find({e.family, e.key});
    ASSERT_NE(it, now.end()) << e.family << " key lost";
    EXPECT_EQ(it->second, e.value) << e.family << " entry overwritten";
  }
}

void ExpectEveryKind(const Dump& dump) {
  const std::map<std::string, int> kinds = Kinds(dump);
  for (const char* kind :
       {"referral", "event", "journal entry", "person", "assessment version", "candidate", "merge",
        "timeline entry", "service", "team", "case manager", "rule set in force",
        "break-glass grant", "audit entry", "audit seal", "audit head", "audit subject index"}) {
    EXPECT_GT(kinds.count(kind) ? kinds.at(kind) : 0, 0) << "no " << kind << " was written";
  }
  const std::map<std::string, int> journal = JournalKinds(dump);
  for (const char* kind : {"note", "mdt meeting", "merge", "assessment"}) {
    EXPECT_GT(journal.count(kind) ? journal.at(kind) : 0, 0) << "no " << kind << " entry";
  }
}

TEST(RestartPropertyTest, EveryKindOfRecordSurvivesARestartExactlyAndIsNeverOverwritten) {
  testing::ServiceStack stack(testing::InHours(), 51, /*with_directory=*/true);
  stack.LoadDemoDirectory();
  WriteEveryKind(stack, "one");
  const Dump before = DumpOf(*stack.store);
  ExpectEveryKind(before);

  stack.Reopen();
  // Start-up as the server does it: the seed files are offered again.
  v1::DirectoryRoster no_roster;
  ASSERT_OK_AND_ASSIGN(bool seeded, stack.directory_handler->SeedIfEmpty("{}", "demo", no_roster,
                                                                         /*force=*/false));
  EXPECT_FALSE(seeded);
  const Dump after = DumpOf(*stack.store);
  EXPECT_TRUE(before == after) << "a restart changed what is stored";

  WriteEveryKind(stack, "two");
  NothingAppendOnlyWasOverwritten(before, DumpOf(*stack.store));
}

TEST(RestartPropertyTest, EveryKindOfRecordSurvivesAPowerCutExactly) {
  auto sim = storage::CrashSimulator::Create();
  testing::ServiceStack stack(testing::InHours(), 53, /*with_directory=*/true,
                              {.crash_simulator = sim});
  stack.LoadDemoDirectory();
  WriteEveryKind(stack, "one");
  const Dump acknowledged = DumpOf(*stack.store);
  ExpectEveryKind(acknowledged);

  sim->Crash();
  stack.Close();
  ASSERT_THAT(sim->DropUnsyncedData(), IsOk());
  stack.Reopen(storage::StoreOptions{});
  EXPECT_TRUE(acknowledged == DumpOf(*stack.store)) << "a power cut lost or changed records";

  WriteEveryKind(stack, "two");
  NothingAppendOnlyWasOverwritten(acknowledged, DumpOf(*stack.store));
}

}  // namespace
}  // namespace signpost
