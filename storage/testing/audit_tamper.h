// AuditTamper: edits a closed database's audit family directly, as someone
// with access to the data files would, so tests can show that
// Store::VerifyAudit (and `signpost audit verify`) detects it. Tests only.
//
//   Store closed; then:
//   SP_RETURN_IF_ERROR(AuditTamper::EditEntry(dir, 7, [](v1::AuditEntry& e) {
//     e.mutable_actor()->set_user_id("someone-else");
//   }));
#ifndef SIGNPOST_STORAGE_TESTING_AUDIT_TAMPER_H_
#define SIGNPOST_STORAGE_TESTING_AUDIT_TAMPER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "signpost/v1/audit.pb.h"

namespace signpost::storage {

class AuditTamper {
 public:
  // Rewrites entry `seq` after `edit`.
  [[nodiscard]] static absl::Status EditEntry(
      const std::string& data_dir, uint64_t seq,
      const std::function<void(signpost::v1::AuditEntry&)>& edit);
  // Deletes entry `seq`, and its seal too when `with_seal`.
  [[nodiscard]] static absl::Status RemoveEntry(const std::string& data_dir, uint64_t seq,
                                                bool with_seal);
  // Swaps the stored bytes of entries `a` and `b`.
  [[nodiscard]] static absl::Status SwapEntries(const std::string& data_dir, uint64_t a,
                                                uint64_t b);
  // Stores `entry` under its own sequence with no seal.
  [[nodiscard]] static absl::Status InsertEntry(const std::string& data_dir,
                                                const signpost::v1::AuditEntry& entry);
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_TESTING_AUDIT_TAMPER_H_
