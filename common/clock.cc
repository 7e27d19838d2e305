#include "common/clock.h"

#include "absl/time/clock.h"

namespace signpost {
namespace {

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

const Clock& RealClock() {
  static const SystemClock* const kClock = new SystemClock();
  return *kClock;
}

}  // namespace signpost
