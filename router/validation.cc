#include "router/validation.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "re2/re2.h"
#include "router/nhs_number.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using L = IntakeLimits;

using Collector = Violations;

void Trim(std::string* s) {
  const absl::string_view t = absl::StripAsciiWhitespace(*s);
  if (t.size() != s->size()) *s = std::string(t);
}

void TrimUpper(std::string* s) {
  Trim(s);
  absl::AsciiStrToUpper(s);
}

void CheckText(Collector& c, const std::string& path, const std::string& value, size_t max,
               bool required, bool multiline = false) {
  c.Text(path, value, {.max_chars = max, .required = required, .multiline = multiline});
}

template <typename E>
void CheckEnum(Collector& c, const std::string& path, int value, bool required) {
  c.Enum(path, value, required, google::protobuf::GetEnumDescriptor<E>());
}

void CheckPhone(Collector& c, const std::string& path, const std::string& v) {
  if (v.empty()) return;
  if (v.size() > L::kPhone) {
    c.Add(path, absl::StrCat("is longer than ", L::kPhone, " characters"));
  } else if (!IsValidPhone(v)) {
    c.Add(path, "is not a phone number (digits, spaces, + ( ) - only; 7-15 digits)");
  }
}

void CheckEmail(Collector& c, const std::string& path, const std::string& v) {
  if (v.empty()) return;
  if (v.size() > L::kEmail) {
    c.Add(path, absl::StrCat("is longer than ", L::kEmail, " characters"));
  } else if (!IsValidEmail(v)) {
    c.Add(path, "is not an email address");
  }
}

void NormalizeReferrer(v1::Referrer& r) {
  TrimUpper(r.mutable_ods_code());
  Trim(r.mutable_organisation_name());
  Trim(r.mutable_practitioner_name());
  Trim(r.mutable_practitioner_role());
  Trim(r.mutable_phone());
  Trim(r.mutable_email());
  Trim(r.mutable_referrer_reference());
}

void NormalizePerson(v1::Person& p) {
  if (p.has_nhs_number()) Trim(p.mutable_nhs_number());
  Trim(p.mutable_given_name());
  Trim(p.mutable_family_name());
  Trim(p.mutable_preferred_name());
  TrimUpper(p.mutable_postcode());
  TrimUpper(p.mutable_registered_gp_practice_ods());
  auto* contact = p.mutable_contact();
  Trim(contact->mutable_phone());
  Trim(contact->mutable_email());
  for (auto& line : *contact->mutable_address_lines()) Trim(&line);
  Trim(contact->mutable_contact_notes());
  Trim(p.mutable_communication()->mutable_interpreter_language());
  for (auto& a : *p.mutable_communication()->mutable_other_adjustments()) Trim(&a);
  Trim(p.mutable_family()->mutable_carer_name());
  Trim(p.mutable_family()->mutable_carer_phone());
  Trim(p.mutable_family()->mutable_notes());
}

// Every answer of the screen is a known Answer; who asked is short text.
void ValidateRiskScreen(Collector& c, const std::string& base, const v1::RiskScreen& screen) {
  const google::protobuf::Descriptor* d = v1::RiskScreen::descriptor();
  const google::protobuf::Reflection* reflection = v1::RiskScreen::GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->enum_type() != v1::Answer_descriptor()) continue;
    const int value = reflection->GetEnumValue(screen, f);
    if (!v1::Answer_IsValid(value)) {
      c.Add(absl::StrCat(base, ".", f->name()), absl::StrCat("has unknown value ", value));
    }
  }
  CheckText(c, base + ".completed_by", screen.completed_by(), L::kOrgName, false);
}

void ValidateReferrer(Collector& c, const v1::ReferralSubmission& s) {
  const std::string base = "submission.referrer";
  const v1::Referrer& r = s.referrer();
  const bool self = s.channel() == v1::SOURCE_CHANNEL_SELF;
  const bool other = s.channel() == v1::SOURCE_CHANNEL_OTHER;
  if (r.ods_code().empty()) {
    if (!self && !other) c.Add(base + ".ods_code", "is required for this channel");
  } else if (!IsValidOdsCode(r.ods_code())) {
    c.Add(base + ".ods_code", "is not an ODS code (3-10 letters and digits)");
  }
  CheckText(c, base + ".organisation_name", r.organisation_name(), L::kOrgName,
            /*required=*/other);
  CheckText(c, base + ".practitioner_name", r.practitioner_name(), L::kOrgName, false);
  CheckText(c, base + ".practitioner_role", r.practitioner_role(), L::kRole, false);
  CheckPhone(c, base + ".phone", r.phone());
  CheckEmail(c, base + ".email", r.email());
  CheckText(c, base + ".referrer_reference", r.referrer_reference(), L::kReference, false);
  if (!self && r.phone().empty() && r.email().empty()) {
    c.Add(base + ".phone",
          "a phone or email for the referrer is required so status can be fed back");
  }
}

void ValidateIdentity(Collector& c, const v1::Person& p, absl::CivilDay today) {
  const std::string base = "submission.person";
  if (p.has_nhs_number()) {
    auto parsed = ParseNhsNumber(p.nhs_number());
    if (!parsed.ok()) c.Add(base + ".nhs_number", std::string(parsed.status().message()));
    if (p.nhs_number_unavailable_reason() != 0) {
      c.Add(base + ".nhs_number_unavailable_reason", "must be unset when nhs_number is given");
    }
  } else {
    CheckEnum<v1::NhsNumberUnavailableReason>(c, base + ".nhs_number_unavailable_reason",
                                              p.nhs_number_unavailable_reason(), false);
    if (p.nhs_number_unavailable_reason() == 0) {
      c.Add(base + ".nhs_number", "is required; if unknown, give nhs_number_unavailable_reason");
    }
  }
  CheckText(c, base + ".given_name", p.given_name(), L::kName, true);
  CheckText(c, base + ".family_name", p.family_name(), L::kName, true);
  CheckText(c, base + ".preferred_name", p.preferred_name(), L::kName, false);
  if (!p.has_date_of_birth()) {
    c.Add(base + ".date_of_birth", "is required");
  } else if (std::string problem = DateOfBirthProblem(p.date_of_birth(), today); !problem.empty()) {
    c.Add(base + ".date_of_birth", problem);
  }
  CheckEnum<v1::Gender>(c, base + ".gender", p.gender(), false);
  if (!p.postcode().empty() && CanonicalPostcode(p.postcode()).empty()) {
    c.Add(base + ".postcode", "is not a UK postcode");
  }
  if (!p.registered_gp_practice_ods().empty() &&
      !IsValidGpPracticeCode(p.registered_gp_practice_ods())) {
    c.Add(base + ".registered_gp_practice_ods",
          "is not a GP practice ODS code (one letter and five digits)");
  }
}

void ValidateContact(Collector& c, const v1::ReferralSubmission& s) {
  const v1::ContactDetails& ct = s.person().contact();
  const std::string cb = "submission.person.contact";
  CheckPhone(c, cb + ".phone", ct.phone());
  CheckEmail(c, cb + ".email", ct.email());
  if (static_cast<size_t>(ct.address_lines_size()) > L::kAddressLines) {
    c.Add(cb + ".address_lines", absl::StrCat("has more than ", L::kAddressLines, " lines"));
  }
  for (int i = 0; i < ct.address_lines_size(); ++i) {
    CheckText(c, absl::StrCat(cb, ".address_lines[", i, "]"), ct.address_lines(i), L::kAddressLine,
              true);
  }
  CheckEnum<v1::ContactMethod>(c, cb + ".preferred_method", ct.preferred_method(), false);
  CheckText(c, cb + ".contact_notes", ct.contact_notes(), L::kShortNote, false);
}

// The preferred contact method needs its details, and a self-referral a way
// to reach the person.
void ValidatePreferredMethod(Collector& c, const v1::ReferralSubmission& s) {
  const v1::ContactDetails& ct = s.person().contact();
  const std::string cb = "submission.person.contact";
  switch (ct.preferred_method()) {
    case v1::CONTACT_METHOD_PHONE:
    case v1::CONTACT_METHOD_TEXT:
      if (ct.phone().empty()) c.Add(cb + ".phone", "is required for the preferred method");
      break;
    case v1::CONTACT_METHOD_EMAIL:
      if (ct.email().empty()) c.Add(cb + ".email", "is required for the preferred method");
      break;
    case v1::CONTACT_METHOD_LETTER:
      if (ct.address_lines().empty()) {
        c.Add(cb + ".address_lines", "are required for the preferred method");
      }
      break;
    case v1::CONTACT_METHOD_VIA_REFERRER:
      if (s.channel() == v1::SOURCE_CHANNEL_SELF) {
        c.Add(cb + ".preferred_method", "cannot be via the referrer for a self-referral");
      }
      break;
    default:
      break;
  }
  if (s.channel() == v1::SOURCE_CHANNEL_SELF && ct.phone().empty() && ct.email().empty() &&
      ct.address_lines().empty()) {
    c.Add(cb, "a self-referral needs a phone, email or postal address for the person");
  }
}

void ValidateCommunicationAndFamily(Collector& c, const v1::Person& p) {
  const std::string base = "submission.person";
  const v1::CommunicationNeeds& cn = p.communication();
  const std::string nb = base + ".communication";
  CheckText(c, nb + ".interpreter_language", cn.interpreter_language(), L::kLanguage, false);
  if (static_cast<size_t>(cn.other_adjustments_size()) > L::kAdjustments) {
    c.Add(nb + ".other_adjustments", absl::StrCat("has more than ", L::kAdjustments, " items"));
  }
  for (int i = 0; i < cn.other_adjustments_size(); ++i) {
    CheckText(c, absl::StrCat(nb, ".other_adjustments[", i, "]"), cn.other_adjustments(i),
              L::kShortNote, true);
  }

  const v1::CarerAndDependants& f = p.family();
  const std::string fb = base + ".family";
  CheckText(c, fb + ".carer_name", f.carer_name(), L::kOrgName, false);
  CheckPhone(c, fb + ".carer_phone", f.carer_phone());
  if (f.has_dependent_children() &&
      (f.dependent_children() < 0 || f.dependent_children() > L::kMaxDependentChildren)) {
    c.Add(fb + ".dependent_children",
          absl::StrCat("must be between 0 and ", L::kMaxDependentChildren));
  }
  CheckText(c, fb + ".notes", f.notes(), L::kNote, false, /*multiline=*/true);
}

void ValidateClinical(Collector& c, const v1::ReferralSubmission& s) {
  const std::string base = "submission";
  CheckText(c, base + ".story", s.story(), L::kStory, true, /*multiline=*/true);
  if (static_cast<size_t>(s.presenting_needs_size()) > L::kNeeds) {
    c.Add(base + ".presenting_needs", absl::StrCat("has more than ", L::kNeeds, " items"));
  }
  std::set<int> seen;
  for (int i = 0; i < s.presenting_needs_size(); ++i) {
    const int need = s.presenting_needs(i);
    const std::string path = absl::StrCat(base, ".presenting_needs[", i, "]");
    if (!v1::PresentingNeed_IsValid(need)) {
      c.Add(path, absl::StrCat("has unknown value ", need));
    } else if (need == 0) {
      c.Add(path, "must not be PRESENTING_NEED_UNSPECIFIED");
    } else if (!seen.insert(need).second) {
      c.Add(path, "is a duplicate");
    }
  }
  const v1::RiskIndicators& r = s.risk();
  CheckEnum<v1::RiskLevel>(c, base + ".risk.to_self", r.to_self(), false);
  CheckEnum<v1::RiskLevel>(c, base + ".risk.to_others", r.to_others(), false);
  CheckEnum<v1::RiskLevel>(c, base + ".risk.from_others", r.from_others(), false);
  CheckEnum<v1::Answer>(c, base + ".risk.safeguarding_concern", r.safeguarding_concern(), false);
  CheckText(c, base + ".risk.details", r.details(), L::kRiskDetails, false, true);
  ValidateRiskScreen(c, base + ".risk_screen", s.risk_screen());
  const v1::MentalHealthAct& m = s.mental_health_act();
  if (m.has_legal_status_code() && !IsKnownLegalStatusCode(m.legal_status_code())) {
    c.Add(base + ".mental_health_act.legal_status_code",
          "is not a UK Core LegalStatusClassificationEngland code");
  }
  CheckText(c, base + ".consent.recorded_by", s.consent().recorded_by(), L::kShortNote, false);
  CheckText(c, base + ".correlation_id", s.correlation_id(), L::kCorrelationId, false);
  const auto& prefs = s.preferences();
  for (const auto* list : {&prefs.preferred_service_ids(), &prefs.declined_service_ids()}) {
    const bool preferred = list == &prefs.preferred_service_ids();
    const std::string path = base + (preferred ? ".preferences.preferred_service_ids"
                                               : ".preferences.declined_service_ids");
    if (list->size() > 10) c.Add(path, "has more than 10 items");
    for (int i = 0; i < list->size(); ++i) {
      CheckText(c, absl::StrCat(path, "[", i, "]"), list->Get(i), 128, true);
    }
  }
}

}  // namespace

bool IsValidRequestId(std::string_view id) {
  static const LazyRE2 kPattern = {R"([A-Za-z0-9._:\-]{1,128})"};
  return RE2::FullMatch(id, *kPattern);
}

bool IsValidOdsCode(std::string_view code) {
  static const LazyRE2 kPattern = {R"([A-Z0-9]{3,10})"};
  return RE2::FullMatch(code, *kPattern);
}

bool IsValidGpPracticeCode(std::string_view code) {
  static const LazyRE2 kPattern = {R"([A-Z][0-9]{5})"};
  return RE2::FullMatch(code, *kPattern);
}

bool IsValidPhone(std::string_view phone) {
  static const LazyRE2 kPattern = {R"(\+?[0-9 ()\-]+)"};
  if (!RE2::FullMatch(phone, *kPattern)) return false;
  int digits = 0;
  for (char ch : phone) digits += absl::ascii_isdigit(static_cast<unsigned char>(ch));
  return digits >= 7 && digits <= 15;
}

bool IsValidEmail(std::string_view email) {
  // Deliberately simple: one @, a non-empty local part, a dotted domain.
  static const LazyRE2 kPattern = {
      R"([A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+)"};
  return RE2::FullMatch(email, *kPattern);
}

bool IsKnownLegalStatusCode(std::string_view code) {
  static const std::set<std::string_view> kCodes = {
      "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "15",
      "16", "17", "18", "19", "20", "31", "32", "35", "36", "37", "38", "98", "99"};
  return kCodes.count(code) > 0;
}

std::string CanonicalPostcode(std::string_view input) {
  std::string compact;
  for (char ch : input) {
    if (ch == ' ') continue;
    compact.push_back(absl::ascii_toupper(static_cast<unsigned char>(ch)));
  }
  // Outward code: A9, A99, AA9, AA99, A9A, AA9A; inward: 9AA. Plus GIR 0AA.
  static const LazyRE2 kPattern = {R"(([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][ABD-HJLNP-UW-Z]{2}))"};
  std::string outward, inward;
  if (compact == "GIR0AA") return "GIR 0AA";
  if (!RE2::FullMatch(compact, *kPattern, &outward, &inward)) return "";
  return outward + " " + inward;
}

std::string DateOfBirthProblem(const v1::CalendarDate& dob, absl::CivilDay today) {
  if (dob.year() < 1850 || dob.year() > 9999 || dob.month() < 1 || dob.month() > 12 ||
      dob.day() < 1 || dob.day() > 31) {
    return "is not a calendar date";
  }
  const absl::CivilDay day(dob.year(), dob.month(), dob.day());
  // CivilDay normalises 31 Feb to 3 Mar; reject anything that moved.
  if (day.year() != dob.year() || day.month() != dob.month() || day.day() != dob.day()) {
    return "is not a calendar date";
  }
  if (day > today) return "is in the future";
  if (day < absl::CivilDay(today.year() - L::kMaxAgeYears, today.month(), today.day())) {
    return absl::StrCat("is more than ", L::kMaxAgeYears, " years ago");
  }
  return "";
}

std::vector<FieldViolation> NormalizeAndValidateSubmission(v1::SubmitReferralRequest& request,
                                                           absl::Time now, absl::TimeZone local) {
  Collector c;
  Trim(request.mutable_request_id());
  if (request.request_id().empty()) {
    c.Add("request_id", "is required");
  } else if (!IsValidRequestId(request.request_id())) {
    c.Add("request_id", "must be 1-128 characters of A-Z a-z 0-9 . _ : -");
  }
  if (!request.has_submission()) {
    c.Add("submission", "is required");
    return c.Take();
  }
  v1::ReferralSubmission& s = *request.mutable_submission();
  NormalizeReferrer(*s.mutable_referrer());
  NormalizePerson(*s.mutable_person());
  Trim(s.mutable_correlation_id());
  if (s.mental_health_act().has_legal_status_code()) {
    Trim(s.mutable_mental_health_act()->mutable_legal_status_code());
  }

  CheckEnum<v1::SourceChannel>(c, "submission.channel", s.channel(), true);
  ValidateReferrer(c, s);
  if (!s.has_person()) {
    c.Add("submission.person", "is required");
  } else {
    ValidateIdentity(c, s.person(), absl::ToCivilDay(now, local));
    ValidateContact(c, s);
    ValidatePreferredMethod(c, s);
    ValidateCommunicationAndFamily(c, s.person());
  }
  ValidateClinical(c, s);

  // Canonical forms are written only after validation found them parseable.
  if (!s.has_person()) return c.Take();
  v1::Person& p = *s.mutable_person();
  if (p.has_nhs_number()) {
    if (auto digits = ParseNhsNumber(p.nhs_number()); digits.ok()) {
      p.set_nhs_number(*digits);
    }
  }
  if (std::string pc = CanonicalPostcode(p.postcode()); !pc.empty()) {
    p.set_postcode(pc);
  }
  return c.Take();
}

std::string IdempotencyScope(const v1::ReferralSubmission& submission) {
  std::string scope = submission.referrer().ods_code();
  TrimUpper(&scope);
  return scope;
}

}  // namespace signpost::router
