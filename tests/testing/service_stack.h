// ServiceStack: the transport-free service layer on a fresh store in its own
// temp directory, with a fake clock and the shipped default triage rules -
// the common set-up of handler tests.
//
//   testing::ServiceStack stack(testing::InHours(), /*seed=*/7);
//   v1::Referral r = stack.SubmitOk(testing::ValidGpReferral("r1"));
//   stack.clock.Advance(absl::Hours(4));
#ifndef SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_
#define SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_

#include <memory>

#include "gtest/gtest.h"
#include "services/directory_registry.h"
#include "services/referral_handler.h"
#include "services/rule_registry.h"
#include "storage/directory_store.h"
#include "storage/referral_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/router/triage/triage_testing.h"
#include "tests/testing/temp_dir.h"

namespace signpost::testing {

struct ServiceStack {
  // With `with_directory`, intake also routes against an (initially empty)
  // directory; without it, referrals are triaged only.
  ServiceStack(absl::Time start, uint64_t seed, bool with_directory = false)
      : clock(start), ids(clock, seed) {
    auto opened = storage::ReferralStore::Open({.data_dir = dir.Sub("db")});
    EXPECT_TRUE(opened.ok()) << opened.status();
    store = std::move(*opened);
    rules = std::make_unique<services::RuleRegistry>(DefaultEngine(), clock);
    if (with_directory) {
      directory_store = storage::DirectoryStore::Create(store->database());
      directory = std::make_unique<services::DirectoryRegistry>(*directory_store);
    }
    referrals = std::make_unique<services::ReferralHandler>(
        *store, *rules, directory.get(), clock, ids, services::ReferralHandlerOptions{});
  }

  // Submits (failing the test if refused), then advances the clock by `step`.
  signpost::v1::Referral SubmitOk(const signpost::v1::SubmitReferralRequest& r,
                                  absl::Duration step = absl::Seconds(1)) {
    auto response = referrals->Submit(r);
    EXPECT_TRUE(response.ok()) << response.status();
    clock.Advance(step);
    return response.ok() ? response->referral() : signpost::v1::Referral();
  }

  TempDir dir;
  FakeClock clock;
  IdGenerator ids;
  std::unique_ptr<storage::ReferralStore> store;
  std::unique_ptr<services::RuleRegistry> rules;
  std::unique_ptr<storage::DirectoryStore> directory_store;
  std::unique_ptr<services::DirectoryRegistry> directory;
  std::unique_ptr<services::ReferralHandler> referrals;
};

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_
