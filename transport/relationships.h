// Relationships: whether an admitted caller has a legitimate relationship
// with a record (docs/ACCESS.md), checked by the gRPC adapters before a
// command or read runs. Team staff (case managers and team leads without an
// SPA role) need one: the referral is routed to their team or allocated to
// them, or - for a person - one of the person's referrals is. Outside one,
// an unexpired break-glass grant of the caller's for the person stands in,
// and the call's audit entry then carries its reason. Everyone else passes
// (their role gate and bindings already apply).
//
//   SP_RETURN_IF_ERROR(relationships_.ToReferral(who, request.referral_id()));
//
// A record that cannot be read passes, so the command reports it (NOT_FOUND
// tells nothing a stranger could not learn from the id's shape). Refusals
// are PERMISSION_DENIED naming nothing. Thread-safe.
#ifndef SIGNPOST_TRANSPORT_RELATIONSHIPS_H_
#define SIGNPOST_TRANSPORT_RELATIONSHIPS_H_

#include <string>

#include "absl/status/status.h"
#include "app/break_glass.h"
#include "app/case_handler.h"
#include "app/referral_handler.h"
#include "router/access/caller.h"

namespace signpost::transport {

class Relationships {
 public:
  // References must outlive this.
  Relationships(app::ReferralHandler& referrals, app::CaseHandler& cases,
                app::BreakGlassHandler& break_glass)
      : referrals_(referrals), cases_(cases), break_glass_(break_glass) {}

  // A referral by id or reference.
  [[nodiscard]] absl::Status ToReferral(const router::Caller& who,
                                        const std::string& referral_id) const;
  // A referral already read.
  [[nodiscard]] absl::Status ToReferralRecord(const router::Caller& who,
                                              const signpost::v1::Referral& referral) const;
  // A person by id or NHS number.
  [[nodiscard]] absl::Status ToPerson(const router::Caller& who,
                                      const std::string& person_id) const;

 private:
  // `denied`, unless `who` holds a break-glass grant for the person.
  absl::Status UnderBreakGlass(const router::Caller& who, const std::string& person_id,
                               absl::Status denied) const;

  app::ReferralHandler& referrals_;
  app::CaseHandler& cases_;
  app::BreakGlassHandler& break_glass_;
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_RELATIONSHIPS_H_
