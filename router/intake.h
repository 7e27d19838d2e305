// The intake decision: what a validated referral becomes - its triage, its
// routing, its status, owner and first events, the person it joins and the
// holistic assessment version it writes - from the referral and what is
// already known. Pure; the intake handler reads what is known, calls
// DecideIntake, and stores the result with one Store::Apply.
//
//   IntakeDecision d = DecideIntake({.request = validated, .referral_id = id, ...});
//
// The person (docs/CASES.md):
// - An NHS number held by a stored person whose details agree joins that
//   person: gaps in their demographics are filled, nothing is overwritten,
//   and their latest assessment is shown to the referrer (`earlier`).
// - An NHS number held by a stored person whose details disagree
//   (router/person/identity.h IdentityMismatch) makes a new record without
//   the NHS number and an NHS_NUMBER_MISMATCH review item; nothing about
//   the stored person is used, changed or disclosed.
// - Without an NHS number (or one nobody holds), a new record; stored
//   people whose demographics score at least kPossibleDuplicateThreshold
//   become possible duplicates for a human to confirm.
#ifndef SIGNPOST_ROUTER_INTAKE_H_
#define SIGNPOST_ROUTER_INTAKE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "router/directory/directory_snapshot.h"
#include "router/directory/routing.h"
#include "router/triage/triage_engine.h"
#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral_service.pb.h"

namespace signpost::router {

// What is already known about the person the referral describes.
struct KnownPerson {
  // The (surviving) stored person holding the referral's NHS number.
  std::optional<signpost::v1::PersonRecord> person;
  // Their latest assessment version.
  std::optional<signpost::v1::AssessmentVersion> latest;
  // They have another open referral; the case manager of the most recent
  // open one that has one (continuity).
  bool has_open_referral = false;
  std::string open_case_manager_id;
  // Stored people with the referral's date of birth (no NHS-number match).
  std::vector<signpost::v1::PersonRecord> similar;
};

struct IntakeInput {
  // Validated and normalised (router/validation.h).
  const signpost::v1::SubmitReferralRequest& request;
  std::string referral_id;
  std::string reference;
  absl::Time received_at;
  const TriageEngine& engine;
  // Null, or empty: triage only (status TRIAGED or NEEDS_REVIEW).
  const DirectorySnapshot* directory = nullptr;
  const TeamRoster* roster = nullptr;
  const CaseloadCounts* caseloads = nullptr;
  absl::TimeZone zone = absl::UTCTimeZone();
  const KnownPerson& known;
  // The id a new person record gets.
  std::string new_person_id;
  // Issues ids for review items (possible duplicates, mismatches).
  absl::FunctionRef<std::string()> new_candidate_id;
};

struct IntakeDecision {
  signpost::v1::Referral referral;
  // RECEIVED, the triage status change and, when routed, the routing one.
  std::vector<signpost::v1::ReferralEvent> events;
  signpost::v1::PersonRecord person;
  // The stored revision `person` was read at; nullopt for a new person.
  std::optional<int64_t> person_revision;
  std::string demographic_key;
  signpost::v1::AssessmentVersion assessment;
  // The assessment this referral added to, to show the referrer.
  std::optional<signpost::v1::AssessmentVersion> earlier;
  std::vector<signpost::v1::DuplicateCandidate> candidates;
};

IntakeDecision DecideIntake(const IntakeInput& in);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_INTAKE_H_
