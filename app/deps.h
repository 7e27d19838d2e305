// AppDeps: what every application handler uses, built once by App
// (app/app.h). Every reference outlives the handlers.
//
// Locking: handlers serialise read-decide-write per key with `locks`
// ("nhs:<number>" for intake, "referral:<id>" for lifecycle commands,
// "person:<id>" for assessments, notes and merges) so concurrent requests
// for one person or referral rarely conflict; Store::Apply's preconditions
// make a conflict safe anyway (the handler reads again and retries).
// A handler holds at most one kind of key at a time, then the storage's
// own locks inside Apply.
#ifndef SIGNPOST_APP_DEPS_H_
#define SIGNPOST_APP_DEPS_H_

#include "absl/time/time.h"
#include "app/caseloads.h"
#include "app/directory_registry.h"
#include "app/rule_registry.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/lock_manager.h"
#include "storage/store.h"

namespace signpost::app {

struct AppDeps {
  storage::Store& store;
  RuleRegistry& rules;
  // May be null: referrals are then triaged but not routed.
  DirectoryRegistry* directory;
  CaseloadTracker& caseloads;
  const Clock& clock;
  IdGenerator& ids;
  LockManager& locks;
  // Civil time zone of the service (dates of birth, opening hours).
  absl::TimeZone zone = absl::UTCTimeZone();
};

// Attempts at read-decide-write before a conflict is returned to the
// caller (each retry reads again; conflicts need a concurrent writer).
inline constexpr int kMaxWriteAttempts = 16;

}  // namespace signpost::app

#endif  // SIGNPOST_APP_DEPS_H_
