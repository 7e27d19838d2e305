#include "identity/cis2_roles.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace signpost::identity {
namespace {

using Json = nlohmann::json;

absl::Status Refuse(std::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat("bearer token refused: CIS2 role: ", std::string(why)));
}

std::string Field(const Json& o, const char* name) {
  const auto it = o.find(name);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

// The assignment the user acts in.
absl::StatusOr<const Json*> Chosen(const Json& assignments, std::string_view selected) {
  if (!assignments.is_array() || assignments.empty()) return Refuse("no role assignments");
  const Json* found = nullptr;
  for (const Json& a : assignments) {
    if (!a.is_object()) return Refuse("role assignments must be objects");
    if (selected.empty() || Field(a, "person_roleid") == selected) {
      if (found != nullptr) return Refuse("several role assignments and none selected");
      found = &a;
    }
  }
  if (found == nullptr) return Refuse("the selected role is not among the assignments");
  return found;
}

}  // namespace

absl::StatusOr<Cis2Selection> MapCis2Roles(const Json& assignments,
                                           std::string_view selected_roleid,
                                           const std::map<std::string, std::string>& role_codes) {
  absl::StatusOr<const Json*> chosen = Chosen(assignments, selected_roleid);
  if (!chosen.ok()) return chosen.status();
  Cis2Selection out;
  out.organisation = Field(**chosen, "org_code");
  if (out.organisation.empty()) return Refuse("the role assignment has no org_code");
  const std::string code = Field(**chosen, "role_code");
  std::set<std::string> roles;
  std::vector<std::string> parts = absl::StrSplit(code, ':', absl::SkipEmpty());
  parts.push_back(code);
  for (const std::string& part : parts) {
    if (auto it = role_codes.find(part); it != role_codes.end()) roles.insert(it->second);
  }
  if (roles.empty()) return Refuse(absl::StrCat("role code ", code, " maps to no Signpost role"));
  out.roles.assign(roles.begin(), roles.end());
  return out;
}

}  // namespace signpost::identity
