#include "app/referral_writer.h"

#include "absl/strings/ascii.h"
#include "app/audit.h"
#include "common/status_macros.h"
#include "proto/signpost/referral_facts.h"
#include "router/request_checks.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;

// Decides with the current caseloads; a case manager found full when the
// place is taken is marked full and the decision is made again.
absl::StatusOr<router::Decision> DecideWithPlace(const AppDeps& deps, const v1::Referral& current,
                                                 Decide decide, const UpdateOptions& options,
                                                 std::optional<CaseloadTracker::Move>& move) {
  router::CaseloadCounts counts = deps.caseloads.Snapshot();
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    SP_ASSIGN_OR_RETURN(router::Decision d, decide(current, counts));
    const std::string after = CaseloadOwner(d.referral);
    const int limit = options.explicit_allocation ? -1 : CaseloadLimit(deps, after);
    move.emplace(deps.caseloads.Begin(CaseloadOwner(current), after, limit));
    if (move->reserved()) return d;
    counts[after] = 1 << 20;  // taken meanwhile: decide again with them full
  }
  return absl::AbortedError("caseloads kept changing; retry");
}

}  // namespace

int CaseloadLimit(const AppDeps& deps, const std::string& case_manager_id) {
  if (case_manager_id.empty() || deps.directory == nullptr) return -1;
  const v1::CaseManager* cm =
      router::FindCaseManager(deps.directory->Current()->roster, case_manager_id);
  return cm == nullptr ? -1 : cm->caseload_limit();
}

absl::StatusOr<v1::Referral> UpdateReferral(const AppDeps& deps, const std::string& referral_id,
                                            Decide decide, UpdateOptions options) {
  LockManager::Guard guard(deps.locks.Stripe("referral:" + referral_id));
  for (int attempt = 1;; ++attempt) {
    SP_ASSIGN_OR_RETURN(v1::Referral current, deps.store.GetReferral(referral_id));
    std::optional<CaseloadTracker::Move> move;
    SP_ASSIGN_OR_RETURN(router::Decision d, DecideWithPlace(deps, current, decide, options, move));
    storage::Change change;
    change.referral = storage::ReferralPut{.record = std::move(d.referral),
                                           .before = std::move(current),
                                           .events = std::move(d.events)};
    absl::StatusOr<storage::Applied> applied =
        ApplyAudited(deps.store, std::move(change), deps.clock);
    if (applied.ok()) {
      move->Commit();
      return std::move(applied->referral);
    }
    if (!storage::IsConflict(applied.status()) || attempt == kMaxWriteAttempts) {
      return applied.status();
    }
  }
}

absl::StatusOr<std::string> ResolveReferralId(const storage::Store& store,
                                              const std::string& id_or_reference,
                                              std::string_view field) {
  router::Violations v;
  v.ReferralIdOrReference(field, id_or_reference);
  if (!v.empty()) return v.ToStatus("referral id");
  const std::string upper = absl::AsciiStrToUpper(id_or_reference);
  if (IsReferralId(upper)) return upper;
  return store.ResolveReference(*CanonicalReference(id_or_reference));
}

}  // namespace signpost::app
