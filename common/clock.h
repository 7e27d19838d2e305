// Clock: the one source of "now" for everything below main().
//
// Production code receives a `Clock&` (usually `RealClock()`); tests pass a
// fake they can set and advance, so no test ever sleeps to wait for time.
//
//   const Clock& clock = RealClock();
//   absl::Time received = clock.Now();
//
// Implementations must be thread-safe.
#ifndef SIGNPOST_COMMON_CLOCK_H_
#define SIGNPOST_COMMON_CLOCK_H_

#include "absl/time/time.h"

namespace signpost {

class Clock {
 public:
  virtual ~Clock() = default;
  // Current wall-clock time.
  virtual absl::Time Now() const = 0;
};

// The system clock. The returned object lives for the whole program.
const Clock& RealClock();

}  // namespace signpost

#endif  // SIGNPOST_COMMON_CLOCK_H_
