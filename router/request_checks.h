// The request-validation toolkit every handler uses: one collector of
// field violations, with the checks requests share. Text limits are
// counted in characters (Unicode code points) everywhere.
//
//   Violations v;
//   v.Text("reason", request.reason(), {.max_chars = 500, .required = true});
//   v.Enum("outcome", request.outcome(), /*required=*/true,
//          google::protobuf::GetEnumDescriptor<v1::CloseOutcome>());
//   v.Staff("by", request.by());
//   v.PageSize("page_size", request.page_size(), 500);
//   if (!v.empty()) return v.ToStatus("close request");
//
// ToStatus is INVALID_ARGUMENT naming every bad field ("invalid close
// request: reason: is required; ..."), with a google.rpc.BadRequest detail
// (proto/signpost/errors.h). Pure; not thread-safe (one per request).
#ifndef SIGNPOST_ROUTER_REQUEST_CHECKS_H_
#define SIGNPOST_ROUTER_REQUEST_CHECKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "proto/signpost/errors.h"
#include "signpost/v1/person.pb.h"

namespace signpost::router {

using ::signpost::FieldViolation;

struct TextRule {
  size_t max_chars = 0;
  bool required = false;
  // Newlines and tabs allowed (other control characters never are).
  bool multiline = false;
};

// Limits shared by requests outside intake.
inline constexpr size_t kMaxIdChars = 64;
inline constexpr size_t kMaxStaffNameChars = 200;
inline constexpr size_t kMaxStaffRoleChars = 100;

class Violations {
 public:
  void Add(std::string field, std::string description);
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  std::vector<FieldViolation> Take() { return std::move(list_); }
  // INVALID_ARGUMENT "invalid <what>: ..." (call only when !empty()).
  absl::Status ToStatus(std::string_view what) const;

  // Each check adds at most one violation for its field.
  void Text(std::string_view field, std::string_view value, TextRule rule);
  // A value of `type`: known, and not its zero value when `required`.
  void Enum(std::string_view field, int value, bool required,
            const google::protobuf::EnumDescriptor* type);
  // 0 (the default) or 1..max.
  void PageSize(std::string_view field, int value, int max);
  // An opaque id Signpost issued (person, candidate, merge, note): 1-64 of
  // [A-Za-z0-9].
  void OpaqueId(std::string_view field, std::string_view id);
  // A directory or roster id: 1-128 of [A-Za-z0-9._:-].
  void DirectoryId(std::string_view field, std::string_view id, bool required = true);
  // Staff id 1-64 of [A-Za-z0-9._:-], name and role as text. Violations
  // are named "<field>.id" and so on.
  void Staff(std::string_view field, const signpost::v1::StaffRef& staff);
  // Syntactically a referral id or a human reference (the lookup is the
  // caller's).
  void ReferralIdOrReference(std::string_view field, std::string_view value);

 private:
  std::vector<FieldViolation> list_;
};

// Length in Unicode code points (input is valid UTF-8: protobuf checks it).
size_t CodePoints(std::string_view s);

// True if `s` holds ASCII control characters (newlines and tabs are allowed
// when `allow_newlines`).
bool HasControlCharacters(std::string_view s, bool allow_newlines);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_REQUEST_CHECKS_H_
