// The role gate: which roles may call which RPC (docs/ACCESS.md).
//
//   absl::Status s = AuthoriseCall(caller, "ActivateRuleSet");
//   // UNAUTHENTICATED: no credentials; PERMISSION_DENIED: no role for it.
//
// Deny by default: an RPC missing from the table is refused for everyone
// (a test checks every RPC of every service is in it). The gate is the
// first check only; handlers then check the caller's relationship with
// the record (own organisation, owning team or case manager, consented
// partner), which needs the record itself.
//
// Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_ACCESS_POLICY_H_
#define SIGNPOST_ROUTER_ACCESS_POLICY_H_

#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "router/access/caller.h"

namespace signpost::router {

struct MethodPolicy {
  // The RPC's name, unique across Signpost's services ("SubmitReferral").
  std::string_view method;
  // Roles that may call it at all.
  RoleSet roles;
  // Whether it reads or writes person-level data (so it is audited).
  bool person_data = false;
};

// Every RPC's policy.
std::span<const MethodPolicy> MethodPolicies();

// The policy for `method`, or nullptr when it has none.
const MethodPolicy* FindMethodPolicy(std::string_view method);

// OK when `caller` holds a role `method` allows. Messages never name the
// record asked for, so a refusal discloses nothing.
[[nodiscard]] absl::Status AuthoriseCall(const Caller& caller, std::string_view method);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_ACCESS_POLICY_H_
