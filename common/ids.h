// Identifiers for referrals.
//
// A referral id is 26 Crockford base-32 characters encoding a 48-bit
// millisecond timestamp followed by 80 random bits (the ULID layout). Ids
// sort by creation time as plain byte strings, are unique without
// coordination, and reveal nothing about the person. Within one generator,
// ids are strictly increasing even when the clock stands still or steps
// back (the random part is incremented, as in the ULID spec).
//
// A human reference is 8 Crockford characters shown as "XXXX-XXXX" (40
// random bits), short enough to read over the phone. It is not guaranteed
// unique by construction: the store checks for collisions.
//
//   IdGenerator ids(RealClock());
//   std::string id = ids.NextReferralId();
//   std::string ref = ids.NextReference();          // "K7QM-4XD2"
//   auto canon = CanonicalReference("k7qm 4xd2");   // "K7QM-4XD2"
//
// Thread-safe.
#ifndef SIGNPOST_COMMON_IDS_H_
#define SIGNPOST_COMMON_IDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace signpost {

inline constexpr int kReferralIdLength = 26;

class IdGenerator {
 public:
  // `clock` must outlive the generator. A nonzero `seed` makes the random
  // parts deterministic (tests only); 0 seeds from the OS.
  explicit IdGenerator(const Clock& clock, uint64_t seed = 0);

  IdGenerator(const IdGenerator&) = delete;
  IdGenerator& operator=(const IdGenerator&) = delete;

  // A new referral id, strictly greater than any this generator returned.
  std::string NextReferralId();
  // A new random human reference "XXXX-XXXX".
  std::string NextReference();

 private:
  const Clock& clock_;
  absl::Mutex mu_;
  absl::BitGen bitgen_ ABSL_GUARDED_BY(mu_);
  uint64_t seeded_state_ ABSL_GUARDED_BY(mu_) = 0;  // 0: use bitgen_
  uint64_t last_ms_ ABSL_GUARDED_BY(mu_) = 0;
  // 80-bit random part of the last id: high 16 bits and low 64 bits.
  uint16_t last_rand_hi_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t last_rand_lo_ ABSL_GUARDED_BY(mu_) = 0;

  uint64_t NextRandom64() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
};

// True if `id` has the shape of a referral id (26 Crockford characters,
// upper-case, first character 0-7).
bool IsReferralId(std::string_view id);

// The creation time encoded in a referral id (millisecond precision).
// Returns nullopt if `id` is not a referral id.
std::optional<absl::Time> ReferralIdTime(std::string_view id);

// The smallest possible referral id created at or after `t`; useful as an
// inclusive lower bound for time-range scans.
std::string MinReferralIdAt(absl::Time t);

// Normalises a human reference as typed or heard: case-insensitive, spaces
// and hyphens optional, and the Crockford confusables I/L -> 1, O -> 0.
// Returns nullopt if it cannot be a reference.
std::optional<std::string> CanonicalReference(std::string_view typed);

}  // namespace signpost

#endif  // SIGNPOST_COMMON_IDS_H_
