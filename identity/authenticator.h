// Authenticator: turns a call's credentials into a Caller.
//
//   Authenticator auth({.certificates = {{"gp-g85001", "G85001", {ROLE_REFERRER_SYSTEM}}},
//                       .tokens = std::move(verifier)});
//   StatusOr<Caller> who = auth.Authenticate({.authorization = "Bearer ...",
//                                             .certificate_subject = "gp-g85001"}, now);
//
// - A bearer token, when present, must verify (tokens.h); it gives the
//   user, organisation and roles. A bad token is UNAUTHENTICATED even over
//   a mapped certificate: a caller never falls back to fewer checks.
// - Otherwise a client certificate whose subject (common name) is mapped
//   in configuration gives a system caller. TLS has already verified the
//   chain; the mapping decides what the verified subject may do, so a
//   rotated certificate with the same subject keeps working.
// - Otherwise the caller is anonymous (not authenticated): the role gate
//   answers UNAUTHENTICATED for every RPC that needs a role.
//
// Role names in tokens and configuration are signpost.v1.Role names
// without the prefix, in lower case ("call_hub"); unknown names are
// refused, not ignored.
//
// Thread-safe after construction.
#ifndef SIGNPOST_IDENTITY_AUTHENTICATOR_H_
#define SIGNPOST_IDENTITY_AUTHENTICATOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "identity/tokens.h"
#include "router/access/caller.h"

namespace signpost::identity {

struct CertificateMapping {
  // The verified client certificate's common name.
  std::string subject;
  // The ODS code or partner organisation id it acts for.
  std::string organisation;
  std::vector<std::string> roles;
};

struct AuthenticatorOptions {
  std::vector<CertificateMapping> certificates;
  // Null: bearer tokens are refused (no issuer configured).
  std::unique_ptr<TokenVerifier> tokens;
};

struct Credentials {
  // The "authorization" metadata value, if any.
  std::string_view authorization;
  // The verified client certificate's common name, if any.
  std::string_view certificate_subject;
};

// signpost.v1.Role for a role name such as "call_hub", or INVALID_ARGUMENT.
absl::StatusOr<signpost::v1::Role> ParseRoleName(std::string_view name);
// The role name for a role ("call_hub").
std::string RoleName(signpost::v1::Role role);

class Authenticator {
 public:
  // INVALID_ARGUMENT for a mapping with an unknown role, no subject, no
  // organisation, or a subject mapped twice.
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(AuthenticatorOptions options);

  [[nodiscard]] absl::StatusOr<router::Caller> Authenticate(const Credentials& credentials,
                                                            absl::Time now) const;

 private:
  struct System {
    std::string subject;
    std::string organisation;
    router::RoleSet roles;
  };
  Authenticator(std::vector<System> systems, std::unique_ptr<TokenVerifier> tokens)
      : systems_(std::move(systems)), tokens_(std::move(tokens)) {}
  const System* SystemFor(std::string_view subject) const;

  std::vector<System> systems_;
  std::unique_ptr<TokenVerifier> tokens_;
};

}  // namespace signpost::identity

#endif  // SIGNPOST_IDENTITY_AUTHENTICATOR_H_
