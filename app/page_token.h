// Opaque page tokens for List RPCs.
//
// A token records where the previous page stopped and a fingerprint of the
// request's filters, so a token replayed with different filters is refused
// instead of silently returning the wrong rows.
//
//   std::string t = EncodePageToken(last_id, FilterFingerprint(request));
//   absl::StatusOr<std::string> after = DecodePageToken(t, FilterFingerprint(request));
#ifndef SIGNPOST_APP_PAGE_TOKEN_H_
#define SIGNPOST_APP_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "router/request_checks.h"

namespace signpost::app {

// Stable 64-bit fingerprint of `request` with the named paging fields
// cleared (page_token, page_size).
uint64_t FilterFingerprint(const google::protobuf::Message& request);

std::string EncodePageToken(const std::string& resume_after_id, uint64_t fingerprint);

// The resume position, or INVALID_ARGUMENT ("page_token: ...") if the token
// is malformed or was issued for different filters.
[[nodiscard]] absl::StatusOr<std::string> DecodePageToken(const std::string& token,
                                                          uint64_t fingerprint);

// For handlers that collect every bad field: the resume position of
// `token` (empty when there is no token), or empty with a "page_token"
// violation added.
std::string ResumeFromPageToken(const std::string& token, uint64_t fingerprint,
                                router::Violations& violations);

}  // namespace signpost::app

#endif  // SIGNPOST_APP_PAGE_TOKEN_H_
