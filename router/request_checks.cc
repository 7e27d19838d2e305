#include "router/request_checks.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/strings.h"

namespace signpost::router {
namespace {

constexpr size_t kMaxDirectoryIdChars = 128;

bool IsIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
         c == '-';
}

std::string Field(std::string_view base, std::string_view leaf) {
  return absl::StrCat(Sv(base), ".", Sv(leaf));
}

}  // namespace

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool HasControlCharacters(std::string_view s, bool allow_newlines) {
  for (unsigned char c : s) {
    if (c == 0x7f) return true;
    if (c < 0x20) {
      if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
      return true;
    }
  }
  return false;
}

void Violations::Add(std::string field, std::string description) {
  list_.push_back({std::move(field), std::move(description)});
}

absl::Status Violations::ToStatus(std::string_view what) const {
  return InvalidArgument(what, list_);
}

void Violations::Text(std::string_view field, std::string_view value, TextRule rule) {
  if (absl::StripAsciiWhitespace(Sv(value)).empty()) {
    if (rule.required) Add(std::string(field), "is required");
  } else if (CodePoints(value) > rule.max_chars) {
    Add(std::string(field), absl::StrCat("is longer than ", rule.max_chars, " characters"));
  } else if (HasControlCharacters(value, rule.multiline)) {
    Add(std::string(field), "contains control characters");
  }
}

void Violations::Enum(std::string_view field, int value, bool required,
                      const google::protobuf::EnumDescriptor* type) {
  if (type->FindValueByNumber(value) == nullptr) {
    Add(std::string(field), absl::StrCat("has unknown value ", value));
  } else if (required && value == 0) {
    Add(std::string(field), "is required");
  }
}

void Violations::PageSize(std::string_view field, int value, int max) {
  if (value < 0 || value > max) {
    Add(std::string(field), absl::StrCat("must be between 0 and ", max));
  }
}

void Violations::OpaqueId(std::string_view field, std::string_view id) {
  if (id.empty()) {
    Add(std::string(field), "is required");
  } else if (id.size() > kMaxIdChars || !absl::c_all_of(id, [](char c) {
               return absl::ascii_isalnum(static_cast<unsigned char>(c));
             })) {
    Add(std::string(field), "is not an id issued by Signpost");
  }
}

void Violations::DirectoryId(std::string_view field, std::string_view id, bool required) {
  if (id.empty()) {
    if (required) Add(std::string(field), "is required");
  } else if (id.size() > kMaxDirectoryIdChars || !absl::c_all_of(id, IsIdChar)) {
    Add(std::string(field), "must be 1-128 of A-Z a-z 0-9 . _ : -");
  }
}

void Violations::Staff(std::string_view field, const signpost::v1::StaffRef& staff) {
  const std::string id_field = Field(field, "id");
  if (staff.id().empty()) {
    Add(id_field, "is required");
  } else if (staff.id().size() > kMaxIdChars || !absl::c_all_of(staff.id(), IsIdChar)) {
    Add(id_field, "must be 1-64 of A-Z a-z 0-9 . _ : -");
  }
  Text(Field(field, "name"), staff.name(), {.max_chars = kMaxStaffNameChars});
  Text(Field(field, "role"), staff.role(), {.max_chars = kMaxStaffRoleChars});
}

void Violations::ReferralIdOrReference(std::string_view field, std::string_view value) {
  if (value.empty()) {
    Add(std::string(field), "is required");
  } else if (value.size() > kMaxIdChars) {
    Add(std::string(field), "is too long");
  } else if (!IsReferralId(absl::AsciiStrToUpper(Sv(value))) && !CanonicalReference(value)) {
    Add(std::string(field), "is neither a referral id nor a reference like K7QM-4XD2");
  }
}

}  // namespace signpost::router
