#include "router/intake.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "proto/signpost/proto_time.h"
#include "proto/signpost/referral_facts.h"
#include "router/decisions.h"
#include "router/person/assessment.h"
#include "router/person/identity.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

bool NeedsReview(const v1::TriageDecision& d) {
  return std::find(d.flags().begin(), d.flags().end(), v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW) !=
         d.flags().end();
}

v1::ReferralEvent Received(const v1::Referral& r) {
  v1::ReferralEvent e;
  e.set_type(v1::ReferralEvent::TYPE_RECEIVED);
  e.set_referral_id(r.referral_id());
  e.set_reference(r.reference());
  e.set_referrer_ods_code(r.submission().referrer().ods_code());
  e.set_status(v1::REFERRAL_STATUS_RECEIVED);
  *e.mutable_occurred_at() = r.received_at();
  return e;
}

// A status change at intake, carrying the triage band and clock.
v1::ReferralEvent Moved(const v1::ReferralEvent& received, const v1::TriageDecision& triage,
                        v1::ReferralStatus from, v1::ReferralStatus to, const char* reason) {
  v1::ReferralEvent e = received;
  e.set_type(v1::ReferralEvent::TYPE_STATUS_CHANGED);
  e.set_previous_status(from);
  e.set_status(to);
  e.set_reason(reason);
  e.set_band(triage.band());
  if (triage.has_respond_by()) *e.mutable_respond_by() = triage.respond_by();
  return e;
}

// Routes against the directory when it has services: ROUTED, SIGNPOSTED or
// UNMATCHED, or - awaiting clinician review - a recommendation owned by the
// clinician-review queue.
void Route(const IntakeInput& in, bool review, const KnownPerson* person, v1::Referral& r,
           std::vector<v1::ReferralEvent>& events) {
  if (in.directory == nullptr || in.directory->size() == 0) return;
  static const TeamRoster kNoRoster;
  v1::RoutingDecision routing = RouteReferral(
      {.submission = r.submission(),
       .triage = r.triage(),
       .received_at = in.received_at,
       .zone = in.zone,
       .existing_case_manager_id = person != nullptr ? person->open_case_manager_id : "",
       .caseloads = in.caseloads},
      *in.directory, in.roster != nullptr ? *in.roster : kNoRoster);
  if (review) {
    routing.set_owner(absl::StrCat("queue:", kClinicianReviewQueue));
    routing.add_reasons("awaiting clinician review: this routing is a recommendation");
  } else {
    const v1::ReferralStatus routed = StatusForRouting(routing);
    events.push_back(Moved(events.front(), r.triage(), r.status(), routed, "routing"));
    r.set_status(routed);
  }
  *r.mutable_routing() = std::move(routing);
}

v1::DuplicateCandidate MismatchItem(const IntakeInput& in, const v1::PersonRecord& stored,
                                    std::vector<std::string> reasons) {
  v1::DuplicateCandidate c;
  c.set_candidate_id(in.new_candidate_id());
  c.set_matched_person_id(stored.person_id());
  c.set_kind(v1::DuplicateCandidate::KIND_NHS_NUMBER_MISMATCH);
  c.set_claimed_nhs_number(in.request.submission().person().nhs_number());
  for (auto& reason : reasons) c.add_reasons(std::move(reason));
  return c;
}

std::vector<v1::DuplicateCandidate> PossibleDuplicates(const IntakeInput& in) {
  std::vector<v1::DuplicateCandidate> out;
  for (const v1::PersonRecord& stored : in.known.similar) {
    std::optional<DuplicateScore> s =
        ScorePossibleDuplicate(in.request.submission().person(), stored);
    if (!s || s->score < kPossibleDuplicateThreshold) continue;
    v1::DuplicateCandidate c;
    c.set_candidate_id(in.new_candidate_id());
    c.set_matched_person_id(stored.person_id());
    c.set_score(s->score);
    c.set_kind(v1::DuplicateCandidate::KIND_POSSIBLE_DUPLICATE);
    for (auto& reason : s->reasons) c.add_reasons(std::move(reason));
    out.push_back(std::move(c));
  }
  return out;
}

// A new person record for the referral; with `mismatch`, without the NHS
// number the stored person holds.
v1::PersonRecord NewPerson(const IntakeInput& in, bool mismatch) {
  v1::PersonRecord p = PersonFromSubmission(in.request.submission().person());
  if (mismatch) p.clear_nhs_number();
  p.set_person_id(in.new_person_id);
  p.set_state(v1::PERSON_STATE_ACTIVE);
  *p.mutable_created_at() = ToProtoTime(in.received_at);
  return p;
}

// Joins the referral to its person and writes the next assessment version.
void LinkPerson(const IntakeInput& in, bool mismatch, IntakeDecision& d) {
  const KnownPerson& known = in.known;
  const bool join = known.person.has_value() && !mismatch;
  if (join) {
    d.person = *known.person;
    d.person_revision = known.person->revision();
    FillMissingDemographics(in.request.submission().person(), d.person);
    d.earlier = known.latest;
  } else {
    d.person = NewPerson(in, mismatch);
    d.demographic_key = DemographicKey(in.request.submission().person().date_of_birth());
    d.candidates = mismatch
                       ? std::vector<v1::DuplicateCandidate>{MismatchItem(
                             in, *known.person,
                             IdentityMismatch(in.request.submission().person(), *known.person))}
                       : PossibleDuplicates(in);
  }
  d.referral.set_person_id(d.person.person_id());
  *d.person.mutable_updated_at() = ToProtoTime(in.received_at);
  d.person.set_assessment_version(d.person.assessment_version() + 1);
  for (auto& c : d.candidates) {
    c.set_person_id(d.person.person_id());
    c.set_state(v1::DuplicateCandidate::STATE_PENDING);
    *c.mutable_created_at() = ToProtoTime(in.received_at);
  }
}

v1::AssessmentVersion NextAssessment(const IntakeInput& in, const IntakeDecision& d) {
  v1::AssessmentVersion next;
  next.set_person_id(d.person.person_id());
  next.set_version(d.person.assessment_version());
  *next.mutable_assessment() =
      AddReferral(d.earlier ? d.earlier->assessment() : v1::HolisticAssessment(), d.referral);
  const v1::Referrer& referrer = in.request.submission().referrer();
  v1::StaffRef* author = next.mutable_author();
  author->set_id(referrer.ods_code().empty() ? "self-referral"
                                             : absl::StrCat("referrer:", referrer.ods_code()));
  author->set_name(referrer.practitioner_name());
  author->set_role(referrer.practitioner_role());
  *next.mutable_recorded_at() = ToProtoTime(in.received_at);
  next.set_reason("referral");
  next.set_referral_id(d.referral.referral_id());
  return next;
}

}  // namespace

IntakeDecision DecideIntake(const IntakeInput& in) {
  const v1::Person& person = in.request.submission().person();
  const bool mismatch = in.known.person && !IdentityMismatch(person, *in.known.person).empty();
  const KnownPerson* same = in.known.person && !mismatch ? &in.known : nullptr;

  IntakeDecision d;
  v1::Referral& r = d.referral;
  r.set_referral_id(in.referral_id);
  r.set_reference(in.reference);
  r.set_request_id(in.request.request_id());
  *r.mutable_received_at() = ToProtoTime(in.received_at);
  *r.mutable_updated_at() = ToProtoTime(in.received_at);
  *r.mutable_submission() = in.request.submission();
  *r.mutable_triage() = in.engine.Evaluate({.submission = r.submission(),
                                            .received_at = in.received_at,
                                            .has_open_referral = same && same->has_open_referral});
  const bool review = NeedsReview(r.triage());
  r.set_status(review ? v1::REFERRAL_STATUS_NEEDS_REVIEW : v1::REFERRAL_STATUS_TRIAGED);
  d.events.push_back(Received(r));
  d.events.push_back(
      Moved(d.events.front(), r.triage(), v1::REFERRAL_STATUS_RECEIVED, r.status(), "triage"));
  Route(in, review, same, r, d.events);
  if (r.triage().band() == v1::URGENCY_BAND_A) {
    // The crisis fast path's alert for people on duty: once, at intake.
    v1::ReferralEvent alert = d.events.front();
    alert.set_type(v1::ReferralEvent::TYPE_ALERT);
    alert.set_status(r.status());
    alert.set_band(r.triage().band());
    if (r.triage().has_respond_by()) *alert.mutable_respond_by() = r.triage().respond_by();
    alert.set_reason("band-a-emergency");
    d.events.push_back(std::move(alert));
  }
  InitPartnerResponses(r, in.received_at);
  LinkPerson(in, mismatch, d);
  d.assessment = NextAssessment(in, d);
  return d;
}

}  // namespace signpost::router
