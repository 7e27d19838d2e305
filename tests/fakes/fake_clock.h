// A Clock tests set and advance by hand. Thread-safe.
//
//   FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 11, 22, 2, 0, 0),
//                                   absl::UTCTimeZone()));
//   clock.Advance(absl::Hours(4));
#ifndef SIGNPOST_TESTS_FAKES_FAKE_CLOCK_H_
#define SIGNPOST_TESTS_FAKES_FAKE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "common/clock.h"

namespace signpost::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_FAKES_FAKE_CLOCK_H_
