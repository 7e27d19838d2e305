#include "router/person/identity.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

// Folds a two-byte UTF-8 Latin-1 supplement letter (U+00C0-U+00FF) to its
// base letter; 0 when it is not a letter we fold.
char FoldLatin1(unsigned char lead, unsigned char cont) {
  if (lead != 0xC3) return 0;
  static constexpr char kFold[64 + 1] =
      "aaaaaaaceeeeiiiidnooooo_ouuuuyts"   // U+00C0-U+00DF
      "aaaaaaaceeeeiiiidnooooo_ouuuuyty";  // U+00E0-U+00FF
  const char c = kFold[cont - 0x80];
  return c == '_' ? '\0' : c;
}

std::string District(std::string_view postcode) {
  const size_t space = postcode.find(' ');
  return std::string(space == std::string_view::npos ? postcode : postcode.substr(0, space));
}

}  // namespace

std::string NormaliseName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (absl::ascii_isalpha(c)) {
      out.push_back(absl::ascii_tolower(c));
    } else if (c >= 0xC0 && i + 1 < name.size()) {
      const auto cont = static_cast<unsigned char>(name[i + 1]);
      if (cont >= 0x80 && cont <= 0xBF) {
        if (char folded = FoldLatin1(c, cont)) out.push_back(folded);
        ++i;
      }
    }
  }
  return out;
}

std::string DemographicKey(const v1::CalendarDate& dob) {
  if (dob.year() == 0) return "";
  return absl::StrFormat("%04d%02d%02d", dob.year(), dob.month(), dob.day());
}

std::optional<DuplicateScore> ScorePossibleDuplicate(const v1::Person& incoming,
                                                     const v1::PersonRecord& stored) {
  if (stored.state() != v1::PERSON_STATE_ACTIVE) return std::nullopt;
  if (incoming.has_nhs_number() && stored.has_nhs_number() &&
      incoming.nhs_number() != stored.nhs_number()) {
    return std::nullopt;
  }
  const std::string key = DemographicKey(incoming.date_of_birth());
  if (key.empty() || key != DemographicKey(stored.date_of_birth())) return std::nullopt;

  DuplicateScore s{.score = 40, .reasons = {"date of birth"}};
  const std::string fam_a = NormaliseName(incoming.family_name());
  const std::string fam_b = NormaliseName(stored.family_name());
  if (!fam_a.empty() && fam_a == fam_b) {
    s.score += 25;
    s.reasons.push_back("family name");
  } else if (!fam_a.empty() && !fam_b.empty() &&
             (fam_a.starts_with(fam_b) || fam_b.starts_with(fam_a))) {
    s.score += 12;
    s.reasons.push_back("family name (partly)");
  }
  const std::string given_a = NormaliseName(incoming.given_name());
  const std::string given_b = NormaliseName(stored.given_name());
  if (!given_a.empty() && given_a == given_b) {
    s.score += 20;
    s.reasons.push_back("given name");
  } else if (!given_a.empty() && !given_b.empty() && given_a[0] == given_b[0]) {
    s.score += 6;
    s.reasons.push_back("given name initial");
  }
  if (!incoming.postcode().empty() && incoming.postcode() == stored.postcode()) {
    s.score += 15;
    s.reasons.push_back("postcode");
  } else if (!incoming.postcode().empty() && !stored.postcode().empty() &&
             District(incoming.postcode()) == District(stored.postcode())) {
    s.score += 6;
    s.reasons.push_back("postcode district");
  }
  return s;
}

v1::PersonRecord PersonFromSubmission(const v1::Person& person) {
  v1::PersonRecord record;
  if (person.has_nhs_number()) record.set_nhs_number(person.nhs_number());
  record.set_given_name(person.given_name());
  record.set_family_name(person.family_name());
  *record.mutable_date_of_birth() = person.date_of_birth();
  FillMissingDemographics(person, record);
  return record;
}

void FillMissingDemographics(const v1::Person& person, v1::PersonRecord& record) {
  auto fill = [](const std::string& from, std::string* to) {
    if (to->empty() && !from.empty()) *to = from;
  };
  fill(person.preferred_name(), record.mutable_preferred_name());
  if (record.gender() == v1::GENDER_UNSPECIFIED) record.set_gender(person.gender());
  if (record.postcode().empty() && !record.no_fixed_abode()) {
    record.set_postcode(person.postcode());
    record.set_no_fixed_abode(person.no_fixed_abode());
  }
  fill(person.registered_gp_practice_ods(), record.mutable_registered_gp_practice_ods());
  const v1::ContactDetails& from = person.contact();
  v1::ContactDetails* to = record.mutable_contact();
  fill(from.phone(), to->mutable_phone());
  fill(from.email(), to->mutable_email());
  if (to->address_lines().empty()) *to->mutable_address_lines() = from.address_lines();
  if (to->preferred_method() == v1::CONTACT_METHOD_UNSPECIFIED) {
    to->set_preferred_method(from.preferred_method());
  }
  if (!to->has_ok_to_leave_message() && from.has_ok_to_leave_message()) {
    to->set_ok_to_leave_message(from.ok_to_leave_message());
  }
  fill(from.contact_notes(), to->mutable_contact_notes());
}

std::vector<std::string> IdentityMismatch(const v1::Person& incoming,
                                          const v1::PersonRecord& stored) {
  std::vector<std::string> reasons;
  const std::string dob_in = DemographicKey(incoming.date_of_birth());
  const std::string dob_stored = DemographicKey(stored.date_of_birth());
  const bool dob_differs = !dob_in.empty() && !dob_stored.empty() && dob_in != dob_stored;
  const std::string fam_a = NormaliseName(incoming.family_name());
  const std::string fam_b = NormaliseName(stored.family_name());
  const bool family_differs =
      !fam_a.empty() && !fam_b.empty() && !fam_a.starts_with(fam_b) && !fam_b.starts_with(fam_a);
  const std::string given_a = NormaliseName(incoming.given_name());
  const std::string given_b = NormaliseName(stored.given_name());
  const bool given_differs = !given_a.empty() && !given_b.empty() && given_a != given_b;
  if (!dob_differs && !(family_differs && given_differs)) return reasons;
  reasons.push_back("NHS number matches a stored person");
  if (dob_differs) reasons.push_back("date of birth differs");
  if (family_differs) reasons.push_back("family name differs");
  if (given_differs) reasons.push_back("given name differs");
  if (!incoming.postcode().empty() && !stored.postcode().empty() &&
      incoming.postcode() != stored.postcode()) {
    reasons.push_back("postcode differs");
  }
  return reasons;
}

}  // namespace signpost::router
