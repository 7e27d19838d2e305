#include "common/ids.h"

#include <array>

namespace signpost {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Value of a Crockford character, or -1. Only upper-case canonical symbols.
int CrockfordValue(char c) {
  for (int i = 0; i < 32; ++i) {
    if (kCrockford[i] == c) return i;
  }
  return -1;
}

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Encodes 128 bits (48-bit time in the top of `hi`) as 26 characters, the
// first carrying the top 3 bits.
std::string EncodeUlid(uint64_t ms, uint16_t rand_hi, uint64_t rand_lo) {
  // Layout: 48 bits ms | 16 bits rand_hi | 64 bits rand_lo = 128 bits.
  const uint64_t hi = (ms << 16) | rand_hi;
  const uint64_t lo = rand_lo;
  std::string out(kReferralIdLength, '0');
  // Emit 5-bit groups from least significant; 26*5 = 130 bits, top 2 zero.
  for (int i = 0; i < kReferralIdLength; ++i) {
    const int bit = i * 5;  // position from LSB
    uint64_t v;
    if (bit + 5 <= 64) {
      v = lo >> bit;
    } else if (bit >= 64) {
      v = hi >> (bit - 64);
    } else {
      v = (lo >> bit) | (hi << (64 - bit));
    }
    out[kReferralIdLength - 1 - i] = kCrockford[v & 31];
  }
  return out;
}

}  // namespace

IdGenerator::IdGenerator(const Clock& clock, uint64_t seed) : clock_(clock) {
  absl::MutexLock lock(&mu_);
  seeded_state_ = seed;
}

uint64_t IdGenerator::NextRandom64() {
  if (seeded_state_ != 0) return SplitMix64(seeded_state_);
  return absl::Uniform<uint64_t>(bitgen_);
}

std::string IdGenerator::NextReferralId() {
  const int64_t now_ms = absl::ToUnixMillis(clock_.Now());
  const uint64_t ms = static_cast<uint64_t>(now_ms < 0 ? 0 : now_ms) & ((1ULL << 48) - 1);
  absl::MutexLock lock(&mu_);
  if (ms > last_ms_) {
    last_ms_ = ms;
    last_rand_hi_ = static_cast<uint16_t>(NextRandom64());
    // Leave headroom so increments within one millisecond rarely carry.
    last_rand_lo_ = NextRandom64() >> 1;
  } else {
    // Same or earlier millisecond: keep last_ms_ and increment the random
    // part so ids stay strictly increasing.
    if (++last_rand_lo_ == 0) {
      if (++last_rand_hi_ == 0) ++last_ms_;
    }
  }
  return EncodeUlid(last_ms_, last_rand_hi_, last_rand_lo_);
}

std::string IdGenerator::NextReference() {
  uint64_t bits;
  {
    absl::MutexLock lock(&mu_);
    bits = NextRandom64();
  }
  std::string out;
  out.reserve(9);
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out.push_back('-');
    out.push_back(kCrockford[(bits >> (35 - 5 * i)) & 31]);
  }
  return out;
}

bool IsReferralId(std::string_view id) {
  if (id.size() != static_cast<size_t>(kReferralIdLength)) return false;
  if (id[0] < '0' || id[0] > '7') return false;
  for (char c : id) {
    if (CrockfordValue(c) < 0) return false;
  }
  return true;
}

std::optional<absl::Time> ReferralIdTime(std::string_view id) {
  if (!IsReferralId(id)) return std::nullopt;
  // The first 10 characters hold 50 bits; the top 2 are zero padding.
  uint64_t v = 0;
  for (int i = 0; i < 10; ++i) v = (v << 5) | CrockfordValue(id[i]);
  return absl::FromUnixMillis(static_cast<int64_t>(v));
}

std::string MinReferralIdAt(absl::Time t) {
  int64_t ms = absl::ToUnixMillis(t);
  if (ms < 0) ms = 0;
  uint64_t ums = static_cast<uint64_t>(ms);
  if (ums >= (1ULL << 48)) ums = (1ULL << 48) - 1;
  return EncodeUlid(ums, 0, 0);
}

std::optional<std::string> CanonicalReference(std::string_view typed) {
  std::string symbols;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (CrockfordValue(c) < 0) return std::nullopt;
    symbols.push_back(c);
    if (symbols.size() > 8) return std::nullopt;
  }
  if (symbols.size() != 8) return std::nullopt;
  return symbols.substr(0, 4) + "-" + symbols.substr(4);
}

}  // namespace signpost
