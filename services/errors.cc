#include "services/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace signpost::services {

absl::Status InvalidArgumentFromViolations(
    const std::vector<router::FieldViolation>& violations) {
  signpost::v1::FieldViolations detail;
  std::string message = "invalid referral: ";
  for (size_t i = 0; i < violations.size(); ++i) {
    auto* v = detail.add_violations();
    v->set_field(violations[i].field);
    v->set_description(violations[i].description);
    absl::StrAppend(&message, i == 0 ? "" : "; ", violations[i].field, ": ",
                    violations[i].description);
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kFieldViolationsTypeUrl, absl::Cord(detail.SerializeAsString()));
  return status;
}

std::optional<signpost::v1::FieldViolations> ViolationsFromStatus(const absl::Status& status) {
  auto payload = status.GetPayload(kFieldViolationsTypeUrl);
  if (!payload) return std::nullopt;
  signpost::v1::FieldViolations detail;
  if (!detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

}  // namespace signpost::services
