// ServiceStack: the transport-free service layer on a fresh store in its own
// temp directory, with a fake clock and the shipped default triage rules -
// the common set-up of handler tests.
//
//   testing::ServiceStack stack(testing::InHours(), /*seed=*/7);
//   v1::Referral r = stack.SubmitOk(testing::ValidGpReferral("r1"));
//   stack.clock.Advance(absl::Hours(4));
#ifndef SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_
#define SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_

#include <filesystem>
#include <memory>

#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "router/directory/oruk_import.h"
#include "services/case_handler.h"
#include "services/directory_registry.h"
#include "services/lifecycle_handler.h"
#include "services/referral_handler.h"
#include "services/rule_registry.h"
#include "storage/directory_store.h"
#include "storage/referral_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/router/triage/triage_testing.h"
#include "tests/testing/read_file.h"
#include "tests/testing/temp_dir.h"

namespace signpost::testing {

struct ServiceStack {
  // With `with_directory`, intake also routes against an (initially empty)
  // directory; without it, referrals are triaged only.
  ServiceStack(absl::Time start, uint64_t seed, bool with_directory = false)
      : clock(start), ids(clock, seed), with_directory_(with_directory) {
    Open();
  }

  // Closes everything and opens it again on the same data directory, as a
  // restart would (the clock and id generator carry on).
  void Reopen() {
    lifecycle.reset();
    cases.reset();
    referrals.reset();
    directory.reset();
    directory_store.reset();
    rules.reset();
    store.reset();
    Open();
    if (directory) {
      EXPECT_TRUE(directory->Reload().ok());
    }
  }

  void Open() {
    auto opened = storage::ReferralStore::Open({.data_dir = dir.Sub("db")});
    EXPECT_TRUE(opened.ok()) << opened.status();
    store = std::move(*opened);
    rules = std::make_unique<services::RuleRegistry>(DefaultEngine(), clock);
    if (with_directory_) {
      directory_store = storage::DirectoryStore::Create(store->database());
      directory = std::make_unique<services::DirectoryRegistry>(*directory_store);
    }
    referrals = std::make_unique<services::ReferralHandler>(
        *store, *rules, directory.get(), clock, ids, services::ReferralHandlerOptions{});
    const services::CaseDeps deps{
        .store = *store, .rules = *rules, .directory = directory.get(), .clock = clock, .ids = ids};
    cases = std::make_unique<services::CaseHandler>(deps);
    lifecycle = std::make_unique<services::LifecycleHandler>(deps);
  }

  // Loads the bundled demo borough (deploy/directory): 45 services, 23
  // teams, 40 case managers. Needs `with_directory`.
  void LoadDemoDirectory() {
    ASSERT_NE(directory, nullptr);
    const std::string root =
        (std::filesystem::path(SIGNPOST_DEFAULT_RULES).parent_path().parent_path() / "directory/")
            .string();
    router::OrukImport imported =
        router::ImportOrukJson(ReadTextFile(root + "demo_services.json"), "demo");
    ASSERT_TRUE(imported.errors.empty());
    ASSERT_TRUE(directory_store->PutServices(imported.services).ok());
    signpost::v1::DirectoryRoster roster;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ReadTextFile(root + "demo_roster.json"),
                                                            &roster)
                    .ok());
    for (const auto& team : roster.teams()) ASSERT_TRUE(directory_store->PutTeam(team).ok());
    for (const auto& cm : roster.case_managers()) {
      ASSERT_TRUE(directory_store->PutCaseManager(cm).ok());
    }
    ASSERT_TRUE(directory->Reload().ok());
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
  std::unique_ptr<services::CaseHandler> cases;
  std::unique_ptr<services::LifecycleHandler> lifecycle;

 private:
  bool with_directory_;
};

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_
