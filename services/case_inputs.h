// Input checks shared by the referral, lifecycle and case handlers.
//
//   absl::StatusOr<std::string> id = ResolveReferralId(store, "k7qm-4xd2");
//   CheckStaff(request.by(), "by", violations);
//
// Thread-safe.
#ifndef SIGNPOST_SERVICES_CASE_INPUTS_H_
#define SIGNPOST_SERVICES_CASE_INPUTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "router/validation.h"
#include "signpost/v1/person.pb.h"
#include "storage/referral_store.h"

namespace signpost::services {

// A referral id, or a human reference resolved through the store.
// INVALID_ARGUMENT ("referral_id: ...") if it is neither; NOT_FOUND if
// the reference is unknown.
[[nodiscard]] absl::StatusOr<std::string> ResolveReferralId(const storage::ReferralStore& store,
                                                            const std::string& id_or_reference);

// Staff id: 1-64 of [A-Za-z0-9._:-]; name max 200, role max 100; no
// control characters. Violations are named "<field>.id" and so on.
void CheckStaff(const signpost::v1::StaffRef& staff, std::string_view field,
                std::vector<router::FieldViolation>& violations);

// Free text: required when `required`, at most `max` bytes, no control
// characters except newlines when `multiline`.
void CheckText(const std::string& text, std::string_view field, size_t max, bool required,
               bool multiline, std::vector<router::FieldViolation>& violations);

// An opaque id we issued (person, candidate, merge, note): 1-64 of
// [A-Za-z0-9].
void CheckOpaqueId(const std::string& id, std::string_view field,
                   std::vector<router::FieldViolation>& violations);

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_CASE_INPUTS_H_
