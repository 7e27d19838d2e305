// Intake validation for referral submissions.
//
// NormalizeAndValidateSubmission() first normalises the request in place
// (trims strings, upper-cases codes, canonicalises NHS numbers to 10 digits
// and postcodes to "OUT IN") and then checks every rule, returning *all*
// violations with their field paths, not just the first. An empty result
// means the request is acceptable.
//
//   std::vector<FieldViolation> v =
//       NormalizeAndValidateSubmission(request, clock.Now(), london);
//   if (!v.empty()) return InvalidArgumentFromViolations(v);
//
// The size limits documented in proto/signpost/v1/referral.proto are the
// constants below. Pure function: no I/O, thread-safe.
#ifndef SIGNPOST_ROUTER_VALIDATION_H_
#define SIGNPOST_ROUTER_VALIDATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "router/request_checks.h"
#include "signpost/v1/referral_service.pb.h"

namespace signpost::router {

// Size limits (characters for strings, elements for repeated fields).
struct IntakeLimits {
  static constexpr size_t kRequestId = 128;
  static constexpr size_t kName = 100;
  static constexpr size_t kOrgName = 200;
  static constexpr size_t kRole = 100;
  static constexpr size_t kPhone = 30;
  static constexpr size_t kEmail = 254;
  static constexpr size_t kReference = 64;
  static constexpr size_t kAddressLines = 4;
  static constexpr size_t kAddressLine = 100;
  static constexpr size_t kShortNote = 200;
  static constexpr size_t kNote = 500;
  static constexpr size_t kLanguage = 50;
  static constexpr size_t kAdjustments = 10;
  static constexpr size_t kStory = 32768;
  static constexpr size_t kNeeds = 20;
  static constexpr size_t kRiskDetails = 2000;
  static constexpr size_t kCorrelationId = 128;
  static constexpr int kMaxDependentChildren = 30;
  static constexpr int kMaxAgeYears = 120;
};

// Normalises `request` in place and returns every violation found. `now` is
// the receipt time; `local` is the service's civil time zone (dates of birth
// are compared with today's date there).
std::vector<FieldViolation> NormalizeAndValidateSubmission(
    signpost::v1::SubmitReferralRequest& request, absl::Time now, absl::TimeZone local);

// The idempotency scope of a submission as intake will store it: the
// referrer's ODS code trimmed and upper-cased (empty for self-referrals).
// Cheap, so a retry is recognised before any other work.
std::string IdempotencyScope(const signpost::v1::ReferralSubmission& submission);

// Format checks, exposed for reuse and table tests. Inputs are expected to
// be already trimmed and upper-cased where relevant.
bool IsValidRequestId(std::string_view id);
bool IsValidOdsCode(std::string_view code);         // 3-10 [A-Z0-9]
bool IsValidGpPracticeCode(std::string_view code);  // [A-Z][0-9]{5}
bool IsValidPhone(std::string_view phone);
bool IsValidEmail(std::string_view email);
// Legal status code in the UK Core LegalStatusClassificationEngland list.
bool IsKnownLegalStatusCode(std::string_view code);

// Canonical UK postcode "OUTWARD INWARD" (e.g. "se64ru" -> "SE6 4RU"), or
// empty if `input` is not a valid UK postcode format.
std::string CanonicalPostcode(std::string_view input);

// Checks a date of birth against `today`: a real calendar date, not in the
// future, not more than kMaxAgeYears ago. Returns an empty string when
// valid, else the problem.
std::string DateOfBirthProblem(const signpost::v1::CalendarDate& dob, absl::CivilDay today);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_VALIDATION_H_
