#include "transport/grpc_status.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/violations.h"

namespace signpost::transport {
namespace {

TEST(GrpcStatusTest, CodesMapOneToOne) {
  for (auto code : {absl::StatusCode::kInvalidArgument, absl::StatusCode::kNotFound,
                    absl::StatusCode::kAlreadyExists, absl::StatusCode::kFailedPrecondition,
                    absl::StatusCode::kResourceExhausted, absl::StatusCode::kUnavailable,
                    absl::StatusCode::kAborted}) {
    grpc::Status g = ToGrpcStatus(absl::Status(code, "m"));
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(code));
    EXPECT_EQ(g.error_message(), "m");
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(GrpcStatusTest, InternalDetailIsHiddenFromClients) {
  grpc::Status g = ToGrpcStatus(absl::InternalError("rocksdb: IO error /var/lib/x"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(g.error_message(), ::testing::Not(::testing::HasSubstr("rocksdb")));
}

TEST(GrpcStatusTest, FieldViolationsSurviveTheRoundTrip) {
  absl::Status s = InvalidArgument(
      "referral", {{"submission.person.nhs_number", "bad"}, {"request_id", "is required"}});
  grpc::Status g = ToGrpcStatus(s);
  EXPECT_FALSE(g.error_details().empty());
  absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  auto violations = ViolationsFromStatus(back);
  ASSERT_TRUE(violations.has_value());
  ASSERT_EQ(violations->violations_size(), 2);
  EXPECT_EQ(violations->violations(0).field(), "submission.person.nhs_number");
  EXPECT_EQ(violations->violations(1).description(), "is required");
}

// A generic gRPC client decodes grpc-status-details-bin as google.rpc.Status
// and finds the standard google.rpc.BadRequest in it.
TEST(GrpcStatusTest, GenericClientsFindAGoogleRpcBadRequest) {
  grpc::Status g = ToGrpcStatus(InvalidArgument("accept request", {{"by.id", "is required"}}));
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(g.error_details()));
  EXPECT_EQ(rpc.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  google::rpc::BadRequest bad;
  ASSERT_TRUE(rpc.details_size() > 0 && rpc.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "by.id");
  EXPECT_EQ(g.error_message(), "invalid accept request: by.id: is required");
}

}  // namespace
}  // namespace signpost::transport
