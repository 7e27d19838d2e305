// OIDC bearer tokens (JWT): verification against an issuer's keys, and
// minting by the development issuer.
//
//   auto verifier = TokenVerifier::Create(keys, {.issuer = "https://...",
//                                               .audience = "signpost"});
//   auto claims = (*verifier)->Verify(token, clock.Now());
//
// Verify checks, in order: the header names a key of the set (kid) and an
// algorithm Signpost accepts (RS256 or ES256, and the one the key is for:
// "none" and HMAC are never accepted); the signature (libjwt with
// OpenSSL); the issuer; the audience (a string or an array holding it);
// expiry and not-before, with `leeway` for clock skew; and that subject,
// organisation and roles are present. Every failure is UNAUTHENTICATED and
// says which check failed, never echoing the token.
//
// A verified token is remembered (by its exact text, up to 4,096 tokens),
// so the signature is checked once per token rather than once per call;
// expiry and not-before are still checked on every use.
//
// Thread-safe after Create.
#ifndef SIGNPOST_IDENTITY_TOKENS_H_
#define SIGNPOST_IDENTITY_TOKENS_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "identity/jwks.h"

// libjwt's token (jwt_t), opaque here.
struct jwt;

namespace signpost::identity {

// The development issuer's fixed issuer, audience and key id (a server
// started with --dev_issuer_key trusts these; docs/ACCESS.md).
inline constexpr char kDevIssuer[] = "signpost-dev-issuer";
inline constexpr char kDevAudience[] = "signpost";
inline constexpr char kDevKeyId[] = "signpost-dev";

struct TokenPolicy {
  std::string issuer;
  std::string audience;
  absl::Duration leeway = absl::Seconds(60);
  // Claim names: the organisation (ODS code or partner id) and the roles
  // (an array of role names such as "call_hub"; docs/ACCESS.md).
  std::string organisation_claim = "org";
  std::string roles_claim = "roles";
  // NHS CIS2: when set and the roles claim holds role assignment objects
  // (`nhsid_nrbac_roles`), the selected assignment's org_code is the
  // organisation and its national role code maps through this table
  // ("R8001" -> "case_manager"; identity/cis2_roles.h).
  std::map<std::string, std::string> role_codes;
};

struct TokenClaims {
  std::string subject;
  std::string organisation;
  std::vector<std::string> roles;
  absl::Time expires;
  absl::Time not_before = absl::InfinitePast();
};

class TokenVerifier {
 public:
  // INVALID_ARGUMENT without keys, issuer or audience.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(std::vector<VerificationKey> keys,
                                                               TokenPolicy policy);

  [[nodiscard]] absl::StatusOr<TokenClaims> Verify(std::string_view token, absl::Time now) const;

 private:
  TokenVerifier(std::vector<VerificationKey> keys, TokenPolicy policy)
      : keys_(std::move(keys)), policy_(std::move(policy)) {}
  const VerificationKey* KeyFor(std::string_view kid) const;
  // Every check, without the cache.
  absl::StatusOr<TokenClaims> VerifyUncached(const std::string& token, absl::Time now) const;
  // The organisation and roles: Signpost role names, or CIS2 assignments
  // mapped through policy_.role_codes.
  absl::Status ReadRoles(::jwt* j, TokenClaims& claims) const;
  // Expiry and not-before of claims verified earlier.
  absl::Status CheckStillValid(const TokenClaims& claims, absl::Time now) const;

  std::vector<VerificationKey> keys_;
  TokenPolicy policy_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, TokenClaims> verified_ ABSL_GUARDED_BY(mu_);
};

struct MintRequest {
  std::string private_pem;
  std::string kid;
  std::string issuer;
  std::string audience;
  std::string subject;
  std::string organisation;
  std::vector<std::string> roles;
  absl::Time issued_at;
  absl::Duration lifetime = absl::Hours(1);
  // More claims, as a JSON object (tests: CIS2's nhsid_nrbac_roles).
  std::string extra_claims_json;
};

// A signed token for the development issuer (RS256 or ES256 by key type),
// with the claims TokenVerifier reads under their default names.
absl::StatusOr<std::string> MintToken(const MintRequest& request);

}  // namespace signpost::identity

#endif  // SIGNPOST_IDENTITY_TOKENS_H_
