#include "services/person_linker.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/referral_status.h"
#include "common/status_macros.h"
#include "router/nhs_number.h"
#include "router/person/assessment.h"
#include "router/person/identity.h"

namespace signpost::services {
namespace {

namespace v1 = ::signpost::v1;

}  // namespace

PersonLinker::PersonLinker(storage::ReferralStore& store, IdGenerator& ids)
    : store_(store), ids_(ids) {}

absl::StatusOr<v1::PersonRecord> PersonLinker::Resolve(const std::string& person_id_or_nhs,
                                                       std::string* named_person_id) const {
  storage::PersonStore& people = store_.people();
  std::string digits;
  for (char c : person_id_or_nhs) {
    if (c != ' ') digits.push_back(c);
  }
  absl::StatusOr<v1::PersonRecord> p =
      digits.size() == 10 && absl::c_all_of(digits, absl::ascii_isdigit)
          ? people.FindByNhsNumber(digits)
          : people.GetPerson(person_id_or_nhs);
  SP_RETURN_IF_ERROR(p.status());
  if (named_person_id != nullptr) *named_person_id = p->person_id();
  return people.FindSurvivor(p->person_id());
}

absl::StatusOr<bool> PersonLinker::PartnerConsentWithdrawn(const v1::Referral& referral) const {
  if (referral.person_id().empty()) return false;
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, Resolve(referral.person_id()));
  if (person.assessment_version() == 0) return false;
  SP_ASSIGN_OR_RETURN(v1::AssessmentVersion latest,
                      store_.people().GetAssessment(person.person_id(), 0));
  const v1::Consent& consent = latest.assessment().consent();
  return consent.has_share_with_partners() && !consent.share_with_partners();
}

absl::StatusOr<PersonContext> PersonLinker::Context(const v1::Person& person,
                                                    std::string_view exclude_referral_id) const {
  PersonContext known;
  if (person.has_nhs_number()) {
    absl::StatusOr<v1::PersonRecord> p = Resolve(person.nhs_number());
    if (p.ok()) {
      known.person = std::move(*p);
    } else if (!absl::IsNotFound(p.status())) {
      return p.status();
    }
  }
  if (known.person) {
    std::vector<std::string> ids;
    std::vector<std::string> people = {known.person->person_id()};
    for (const auto& m : known.person->merged_person_ids()) people.push_back(m);
    for (const auto& pid : people) {
      SP_ASSIGN_OR_RETURN(std::vector<std::string> more, store_.people().ReferralIds(pid));
      ids.insert(ids.end(), more.begin(), more.end());
    }
    // Newest first (ids sort by receipt time): the most recent open
    // referral with a case manager gives continuity, and ends the search.
    std::sort(ids.rbegin(), ids.rend());
    if (ids.size() > kMaxReferralsExamined) ids.resize(kMaxReferralsExamined);
    for (const std::string& id : ids) {
      if (id == exclude_referral_id) continue;
      SP_ASSIGN_OR_RETURN(v1::Referral r, store_.GetReferral(id));
      if (!IsOpenStatus(r.status())) continue;
      known.has_open_referral = true;
      if (!r.routing().case_manager_id().empty()) {
        known.open_case_manager_id = r.routing().case_manager_id();
        break;
      }
    }
    return known;
  }
  // No NHS-number match: look for possible duplicates to list.
  SP_ASSIGN_OR_RETURN(std::vector<v1::PersonRecord> similar,
                      store_.people().FindByDemographicKey(
                          router::DemographicKey(person.date_of_birth()), kMaxDemographicMatches));
  for (const v1::PersonRecord& stored : similar) {
    std::optional<router::DuplicateScore> s = router::ScorePossibleDuplicate(person, stored);
    if (!s || s->score < router::kPossibleDuplicateThreshold) continue;
    v1::DuplicateCandidate c;
    c.set_candidate_id(absl::StrCat("D", ids_.NextReferralId()));
    c.set_matched_person_id(stored.person_id());
    c.set_score(s->score);
    for (auto& reason : s->reasons) c.add_reasons(std::move(reason));
    known.candidates.push_back(std::move(c));
  }
  return known;
}

storage::PersonLink PersonLinker::LinkFor(const v1::ReferralSubmission& submission,
                                          const PersonContext& known) {
  storage::PersonLink link;
  if (submission.person().has_nhs_number()) link.nhs_number = submission.person().nhs_number();
  link.new_person_id = absl::StrCat("P", ids_.NextReferralId());
  link.demographic_key = router::DemographicKey(submission.person().date_of_birth());
  link.candidates = known.candidates;
  link.update = [&submission](
                    const v1::PersonRecord* person, const v1::AssessmentVersion* latest,
                    const v1::Referral& referral) -> absl::StatusOr<storage::PersonUpdate> {
    storage::PersonUpdate update;
    update.person = person != nullptr ? *person : v1::PersonRecord();
    router::RefreshDemographics(submission.person(), update.person);
    update.assessment = router::AddReferral(
        latest != nullptr ? latest->assessment() : v1::HolisticAssessment(), referral);
    const v1::Referrer& referrer = submission.referrer();
    update.author.set_id(referrer.ods_code().empty()
                             ? "self-referral"
                             : absl::StrCat("referrer:", referrer.ods_code()));
    update.author.set_name(referrer.practitioner_name());
    update.author.set_role(referrer.practitioner_role());
    return update;
  };
  return link;
}

}  // namespace signpost::services
