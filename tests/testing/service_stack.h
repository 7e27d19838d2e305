// ServiceStack: the application layer on a fresh store in its own temp
// directory, with a fake clock and the shipped default triage rules - the
// common set-up of handler tests.
//
//   testing::ServiceStack stack(testing::InHours(), /*seed=*/7);
//   v1::Referral r = stack.SubmitOk(testing::ValidGpReferral("r1"));
//   stack.clock.Advance(absl::Hours(4));
//   stack.Reopen();   // as a restart: everything closed and opened again
#ifndef SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_
#define SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_

#include <filesystem>
#include <memory>
#include <optional>

#include "app/app.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/router/triage/triage_testing.h"
#include "tests/testing/read_file.h"
#include "tests/testing/temp_dir.h"

namespace signpost::testing {

// The bundled demo borough (deploy/directory): 45 services, 23 teams, 40
// case managers.
inline std::string DemoDirectoryFile(const std::string& name) {
  return (std::filesystem::path(SIGNPOST_DEFAULT_RULES).parent_path().parent_path() / "directory" /
          name)
      .string();
}

struct ServiceStack {
  // With `with_directory`, intake also routes against an (initially empty)
  // directory; without it, referrals are triaged only.
  ServiceStack(absl::Time start, uint64_t seed, bool with_directory = false,
               storage::StoreOptions store_options = {})
      : clock(start),
        ids(clock, seed),
        with_directory_(with_directory),
        store_options_(std::move(store_options)) {
    store_options_.data_dir = dir.Sub("db");
    Open();
  }

  // Closes everything and opens it again on the same data directory, as a
  // restart would (the clock and id generator carry on). `options`, when
  // given, replace the store options (for example to drop a crash
  // simulator after a simulated power cut).
  void Reopen(std::optional<storage::StoreOptions> options = std::nullopt) {
    Close();
    if (options) {
      store_options_ = *std::move(options);
      store_options_.data_dir = dir.Sub("db");
    }
    Open();
  }

  // Turns the rule-change safety gate on (over `corpus_text`, a
  // VignetteCorpus) and reopens.
  void EnableGate(std::string corpus_text) {
    gate_corpus_ = std::move(corpus_text);
    Reopen();
  }

  void Close() {
    app.reset();
    referrals = nullptr;
    cases = nullptr;
    lifecycle = nullptr;
    triage = nullptr;
    directory_handler = nullptr;
    directory.reset();
    rules.reset();
    gate.reset();
    store.reset();
  }

  void Open() {
    auto opened = storage::Store::Open(store_options_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store = std::move(*opened);
    if (!gate_corpus_.empty()) {
      auto made = app::SafetyGate::FromCorpusText(*store, gate_corpus_);
      ASSERT_TRUE(made.ok()) << made.status();
      gate = *std::move(made);
    }
    auto registry =
        app::RuleRegistry::Open(*store, DefaultRulesText(), "default", clock, gate.get());
    ASSERT_TRUE(registry.ok()) << registry.status();
    rules = std::move(*registry);
    if (with_directory_) {
      directory = std::make_unique<app::DirectoryRegistry>(*store);
      ASSERT_TRUE(directory->Reload().ok());
    }
    auto created = app::App::Create({}, *store, *rules, directory.get(), clock, ids);
    ASSERT_TRUE(created.ok()) << created.status();
    app = std::move(*created);
    referrals = &app->referrals();
    cases = &app->cases();
    lifecycle = &app->lifecycle();
    triage = &app->triage();
    directory_handler = app->directory();
  }

  // Loads the bundled demo borough. Needs `with_directory`.
  void LoadDemoDirectory() {
    ASSERT_NE(directory_handler, nullptr);
    signpost::v1::DirectoryRoster roster;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                    ReadTextFile(DemoDirectoryFile("demo_roster.json")), &roster)
                    .ok());
    absl::StatusOr<bool> seeded = directory_handler->SeedIfEmpty(
        ReadTextFile(DemoDirectoryFile("demo_services.json")), "demo", roster, /*force=*/true);
    ASSERT_TRUE(seeded.ok()) << seeded.status();
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
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<app::SafetyGate> gate;
  std::unique_ptr<app::RuleRegistry> rules;
  std::unique_ptr<app::DirectoryRegistry> directory;
  std::unique_ptr<app::App> app;
  app::ReferralHandler* referrals = nullptr;
  app::CaseHandler* cases = nullptr;
  app::LifecycleHandler* lifecycle = nullptr;
  app::TriageHandler* triage = nullptr;
  app::DirectoryHandler* directory_handler = nullptr;

 private:
  bool with_directory_;
  storage::StoreOptions store_options_;
  std::string gate_corpus_;
};

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_TESTING_SERVICE_STACK_H_
