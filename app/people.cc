#include "app/people.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "common/referral_status.h"
#include "common/status_macros.h"
#include "router/person/identity.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;

// The open-referral facts of a known person: newest first, the most
// recent open referral with a case manager gives continuity.
absl::Status AddOpenReferrals(const storage::Store& store, std::string_view exclude,
                              router::KnownPerson& known) {
  std::vector<std::string> ids;
  for (const std::string& pid : RecordIds(*known.person)) {
    SP_ASSIGN_OR_RETURN(std::vector<std::string> more, store.ReferralIds(pid));
    ids.insert(ids.end(), more.begin(), more.end());
  }
  std::sort(ids.rbegin(), ids.rend());
  if (ids.size() > kMaxReferralsExamined) ids.resize(kMaxReferralsExamined);
  for (const std::string& id : ids) {
    if (id == exclude) continue;
    SP_ASSIGN_OR_RETURN(v1::Referral r, store.GetReferral(id));
    if (!IsOpenStatus(r.status())) continue;
    known.has_open_referral = true;
    if (!r.routing().case_manager_id().empty()) {
      known.open_case_manager_id = r.routing().case_manager_id();
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> RecordIds(const v1::PersonRecord& person) {
  std::vector<std::string> ids = {person.person_id()};
  ids.insert(ids.end(), person.merged_person_ids().begin(), person.merged_person_ids().end());
  return ids;
}

absl::StatusOr<v1::PersonRecord> ResolvePerson(const storage::Store& store,
                                               const std::string& person_id_or_nhs,
                                               std::string* named_person_id) {
  std::string digits;
  for (char c : person_id_or_nhs) {
    if (c != ' ') digits.push_back(c);
  }
  const bool nhs = digits.size() == 10 && absl::c_all_of(digits, absl::ascii_isdigit);
  SP_ASSIGN_OR_RETURN(v1::PersonRecord p,
                      nhs ? store.FindByNhsNumber(digits) : store.GetPerson(person_id_or_nhs));
  if (named_person_id != nullptr) *named_person_id = p.person_id();
  return store.FindSurvivor(p.person_id());
}

absl::StatusOr<router::KnownPerson> KnownPersonFor(const storage::Store& store,
                                                   const v1::Person& person,
                                                   std::string_view exclude_referral_id) {
  router::KnownPerson known;
  if (person.has_nhs_number()) {
    absl::StatusOr<v1::PersonRecord> p = ResolvePerson(store, person.nhs_number());
    if (p.ok()) {
      known.person = std::move(*p);
    } else if (!absl::IsNotFound(p.status())) {
      return p.status();
    }
  }
  if (known.person) {
    SP_ASSIGN_OR_RETURN(known.latest, store.LatestAssessment(*known.person));
    SP_RETURN_IF_ERROR(AddOpenReferrals(store, exclude_referral_id, known));
    return known;
  }
  SP_ASSIGN_OR_RETURN(known.similar,
                      store.FindByDemographicKey(router::DemographicKey(person.date_of_birth()),
                                                 kMaxDemographicMatches));
  return known;
}

absl::StatusOr<bool> PartnerConsentWithdrawn(const storage::Store& store,
                                             const v1::Referral& referral) {
  if (referral.person_id().empty()) return false;
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, ResolvePerson(store, referral.person_id()));
  SP_ASSIGN_OR_RETURN(std::optional<v1::AssessmentVersion> latest, store.LatestAssessment(person));
  if (!latest) return false;
  const v1::Consent& consent = latest->assessment().consent();
  return consent.has_share_with_partners() && !consent.share_with_partners();
}

}  // namespace signpost::app
