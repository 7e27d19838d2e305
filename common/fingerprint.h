// Fingerprint: a stable 64-bit FNV-1a hash of bytes, for identification
// (rule-set versions, page-token filter checks), never for security.
//
//   uint64_t h = Fingerprint64(bytes);
#ifndef SIGNPOST_COMMON_FINGERPRINT_H_
#define SIGNPOST_COMMON_FINGERPRINT_H_

#include <cstdint>
#include <string_view>

namespace signpost {

inline uint64_t Fingerprint64(std::string_view bytes) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace signpost

#endif  // SIGNPOST_COMMON_FINGERPRINT_H_
