// Tiny status-propagation macros (Abseil 20220623 ships none).
//
//   SP_RETURN_IF_ERROR(DoThing());            // returns the status if !ok()
//   SP_ASSIGN_OR_RETURN(auto v, MaybeValue()); // binds v or returns status
//
// Both evaluate their argument exactly once.
#ifndef SIGNPOST_COMMON_STATUS_MACROS_H_
#define SIGNPOST_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SP_STATUS_CONCAT_INNER_(a, b) a##b
#define SP_STATUS_CONCAT_(a, b) SP_STATUS_CONCAT_INNER_(a, b)

#define SP_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status sp_status_ = (expr);      \
    if (!sp_status_.ok()) return sp_status_; \
  } while (false)

#define SP_ASSIGN_OR_RETURN(lhs, expr) \
  SP_ASSIGN_OR_RETURN_IMPL_(SP_STATUS_CONCAT_(sp_statusor_, __LINE__), lhs, expr)

#define SP_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)     \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // SIGNPOST_COMMON_STATUS_MACROS_H_
