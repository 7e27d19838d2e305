// Test helper: the field violations an INVALID_ARGUMENT status carries,
// in the shape of signpost.v1.FieldViolations (tests compare field lists).
//
//   auto violations = ViolationsFromStatus(result.status());
//   ASSERT_TRUE(violations.has_value());
#ifndef SIGNPOST_TESTS_TESTING_VIOLATIONS_H_
#define SIGNPOST_TESTS_TESTING_VIOLATIONS_H_

#include <optional>

#include "absl/status/status.h"
#include "proto/signpost/errors.h"
#include "signpost/v1/errors.pb.h"

namespace signpost {

inline std::optional<v1::FieldViolations> ViolationsFromStatus(const absl::Status& status) {
  const std::vector<FieldViolation> list = FieldViolationsOf(status);
  if (list.empty()) return std::nullopt;
  v1::FieldViolations out;
  for (const auto& f : list) {
    auto* v = out.add_violations();
    v->set_field(f.field);
    v->set_description(f.description);
  }
  return out;
}

}  // namespace signpost

#endif  // SIGNPOST_TESTS_TESTING_VIOLATIONS_H_
