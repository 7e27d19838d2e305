// std::string_view <-> absl::string_view bridging.
//
// Debian's Abseil 20220623 is built with ABSL_OPTION_USE_STD_STRING_VIEW 0,
// so absl::string_view is a distinct type and absl::StrCat() and friends do
// not accept a std::string_view. Our own interfaces use std::string_view;
// wrap with Sv() at the Abseil boundary:
//
//   absl::StrCat("no referral with id ", Sv(referral_id));
#ifndef SIGNPOST_COMMON_STRINGS_H_
#define SIGNPOST_COMMON_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace signpost {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace signpost

#endif  // SIGNPOST_COMMON_STRINGS_H_
