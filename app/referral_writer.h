// UpdateReferral: the read - decide - write line every change to an
// existing referral follows (lifecycle commands, partner answers,
// re-triage, breaches, withdrawal).
//
//   absl::StatusOr<Referral> r = UpdateReferral(deps, id, [&](const Referral& current,
//                                                            const router::CaseloadCounts& loads) {
//     return router::decide::Accept(current, {.by = by}, now);
//   });
//
// Under the referral's key lock: read it, decide (a pure router/ function
// given the current caseloads), hold the caseload place the decision
// takes (a full case manager makes it decide again with that caseload
// full), and write the decision with one Store::Apply whose precondition
// is the referral as read. A conflict reads and decides again.
#ifndef SIGNPOST_APP_REFERRAL_WRITER_H_
#define SIGNPOST_APP_REFERRAL_WRITER_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "app/deps.h"
#include "router/decisions.h"

namespace signpost::app {

using Decide = absl::FunctionRef<absl::StatusOr<router::Decision>(
    const signpost::v1::Referral& current, const router::CaseloadCounts& caseloads)>;

struct UpdateOptions {
  // An explicit allocation (a person chose the case manager) may exceed
  // the caseload limit; a routing decision never does.
  bool explicit_allocation = false;
};

// Returns the referral as stored.
[[nodiscard]] absl::StatusOr<signpost::v1::Referral> UpdateReferral(const AppDeps& deps,
                                                                    const std::string& referral_id,
                                                                    Decide decide,
                                                                    UpdateOptions options = {});

// The caseload limit of a case manager in the live roster (-1 if unknown).
int CaseloadLimit(const AppDeps& deps, const std::string& case_manager_id);

// An id or human reference ("k7qm 4xd2") resolved to a referral id.
// INVALID_ARGUMENT naming `field` if it is neither; NOT_FOUND if unknown.
[[nodiscard]] absl::StatusOr<std::string> ResolveReferralId(const storage::Store& store,
                                                            const std::string& id_or_reference,
                                                            std::string_view field = "referral_id");

}  // namespace signpost::app

#endif  // SIGNPOST_APP_REFERRAL_WRITER_H_
