#include "proto/signpost/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "signpost/v1/errors.pb.h"

namespace signpost {
namespace {

google::rpc::BadRequest BadRequestOf(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest out;
  for (const auto& v : violations) {
    auto* fv = out.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  return out;
}

v1::FieldViolations LegacyOf(const std::vector<FieldViolation>& violations) {
  v1::FieldViolations out;
  for (const auto& v : violations) {
    auto* fv = out.add_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  return out;
}

bool HidesMessage(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kDataLoss ||
         code == absl::StatusCode::kUnknown;
}

}  // namespace

absl::Status InvalidArgument(std::string_view what, const std::vector<FieldViolation>& violations) {
  std::string message = absl::StrCat("invalid ", absl::string_view(what.data(), what.size()), ": ");
  for (size_t i = 0; i < violations.size(); ++i) {
    absl::StrAppend(&message, i == 0 ? "" : "; ", violations[i].field, ": ",
                    violations[i].description);
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(BadRequestOf(violations).SerializeAsString()));
  status.SetPayload(kFieldViolationsTypeUrl, absl::Cord(LegacyOf(violations).SerializeAsString()));
  return status;
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  google::rpc::BadRequest bad;
  if (!payload || !bad.ParseFromString(std::string(*payload))) return out;
  for (const auto& fv : bad.field_violations()) out.push_back({fv.field(), fv.description()});
  return out;
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int>(status.code()));
  rpc.set_message(HidesMessage(status.code()) ? "internal error; the request was not completed"
                                              : std::string(status.message()));
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  if (!violations.empty()) {
    rpc.add_details()->PackFrom(BadRequestOf(violations));
    rpc.add_details()->PackFrom(LegacyOf(violations));
  }
  return rpc;
}

absl::Status FromRpcStatus(const google::rpc::Status& rpc) {
  const auto code = static_cast<absl::StatusCode>(rpc.code());
  if (code == absl::StatusCode::kOk) return absl::OkStatus();
  absl::Status out(code, rpc.message());
  for (const auto& any : rpc.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) out.SetPayload(kBadRequestTypeUrl, absl::Cord(bad.SerializeAsString()));
  }
  return out;
}

}  // namespace signpost
