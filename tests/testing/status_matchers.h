// GoogleTest matchers for absl::Status / StatusOr (Abseil 20220623 has none).
//
//   EXPECT_THAT(store->Get(id), IsOk());
//   EXPECT_THAT(handler.Submit(bad), StatusIs(absl::StatusCode::kInvalidArgument));
//   ASSERT_OK_AND_ASSIGN(auto referral, store->Get(id));
#ifndef SIGNPOST_TESTS_TESTING_STATUS_MATCHERS_H_
#define SIGNPOST_TESTS_TESTING_STATUS_MATCHERS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signpost::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s.ToString();
  return s.ok();
}

MATCHER_P(StatusIs, code, "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher, "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(s.message()), result_listener);
}

}  // namespace signpost::testing

#define SP_TEST_CONCAT_INNER_(a, b) a##b
#define SP_TEST_CONCAT_(a, b) SP_TEST_CONCAT_INNER_(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(SP_TEST_CONCAT_(statusor_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr)       \
  auto statusor = (expr);                                     \
  ASSERT_TRUE(statusor.ok()) << statusor.status().ToString(); \
  lhs = std::move(statusor).value()
#define ASSERT_OK(expr) ASSERT_THAT(expr, ::signpost::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT(expr, ::signpost::testing::IsOk())

#endif  // SIGNPOST_TESTS_TESTING_STATUS_MATCHERS_H_
