// NHS CIS2 role assignments to Signpost roles (docs/ACCESS.md).
//
// A CIS2 ID token carries the user's national RBAC role assignments in
// `nhsid_nrbac_roles`, an array of objects such as
//   {"person_roleid": "555254242106", "org_code": "RV5",
//    "role_code": "S8000:G8000:R8001", ...}
// and the assignment chosen at login in `selected_roleid`. Signpost acts on
// the selected assignment only (or the only one there is): its `org_code`
// is the organisation and its role code - the whole code or any of its
// colon-separated parts, e.g. "R8001" - is looked up in a configured map
// to Signpost role names. Nothing is guessed: an assignment that cannot be
// chosen, has no organisation, or maps to no role is refused.
//
//   auto chosen = MapCis2Roles(claim_json, selected_roleid, {{"R8001", "case_manager"}});
//
// Pure; thread-safe.
#ifndef SIGNPOST_IDENTITY_CIS2_ROLES_H_
#define SIGNPOST_IDENTITY_CIS2_ROLES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace signpost::identity {

struct Cis2Selection {
  std::string organisation;
  std::vector<std::string> roles;  // Signpost role names, sorted, no repeats
};

// UNAUTHENTICATED (a refused token) when no role can be established.
[[nodiscard]] absl::StatusOr<Cis2Selection> MapCis2Roles(
    const nlohmann::json& assignments, std::string_view selected_roleid,
    const std::map<std::string, std::string>& role_codes);

}  // namespace signpost::identity

#endif  // SIGNPOST_IDENTITY_CIS2_ROLES_H_
