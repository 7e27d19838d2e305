// BreakGlassHandler: a clinician's emergency access to one person's record
// outside a legitimate relationship (docs/ACCESS.md, issue 12).
//
//   // request.by is the caller (bound by the transport).
//   absl::StatusOr<v1::BreakGlassGrant> g = handler.Grant(request, "team-crisis");
//   absl::StatusOr<std::optional<v1::BreakGlassGrant>> a = handler.Active(user, person_id);
//
// A grant needs a reason (10-500 characters), is for its clinician and one
// person only, and lasts kBreakGlassWindow from the injected clock. It is
// written in one batch with its audit entry (purpose emergency treatment,
// the reason) and a TYPE_ALERT event ("break-glass-access") on the
// person's latest referral, which the SPA's watchers see. Every use is
// audited with the reason (the transport notes it on the call's scope).
//
// Errors: INVALID_ARGUMENT naming every bad field; NOT_FOUND for an unknown
// person or referral; FAILED_PRECONDITION for a referral linked to no
// person. Thread-safe.
#ifndef SIGNPOST_APP_BREAK_GLASS_H_
#define SIGNPOST_APP_BREAK_GLASS_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "app/deps.h"
#include "signpost/v1/case_service.pb.h"

namespace signpost::app {

inline constexpr absl::Duration kBreakGlassWindow = absl::Hours(1);

class BreakGlassHandler {
 public:
  explicit BreakGlassHandler(const AppDeps& deps) : deps_(deps) {}

  // `organisation` is the caller's (recorded on the grant).
  [[nodiscard]] absl::StatusOr<signpost::v1::BreakGlassGrant> Grant(
      const signpost::v1::BreakGlassRequest& request, std::string_view organisation);
  // The user's unexpired grant for the person (a person id; merges are
  // followed), if any.
  [[nodiscard]] absl::StatusOr<std::optional<signpost::v1::BreakGlassGrant>> Active(
      std::string_view user_id, std::string_view person_id) const;

 private:
  const AppDeps& deps_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_BREAK_GLASS_H_
