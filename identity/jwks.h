// JSON Web Key Sets (RFC 7517) for verifying OIDC tokens, and the keys of
// the development issuer.
//
//   auto keys = ParseJwks(file_contents);     // kid -> public key PEM
//   auto jwks = PublicJwks(private_pem, "dev-1");  // for the dev issuer
//
// Only the algorithms Signpost accepts are read: RS256 (RSA keys) and
// ES256 (P-256 keys). Keys of other types or uses are skipped, so an
// issuer's set can carry keys for other relying parties. OpenSSL does the
// key arithmetic; nothing here is hand-written crypto.
#ifndef SIGNPOST_IDENTITY_JWKS_H_
#define SIGNPOST_IDENTITY_JWKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace signpost::identity {

struct VerificationKey {
  std::string kid;
  // "RS256" or "ES256".
  std::string alg;
  // SubjectPublicKeyInfo PEM, as libjwt takes it.
  std::string public_pem;
};

// The usable signing keys of a JWKS document. INVALID_ARGUMENT when the
// document is not a JWKS or has no usable key, or a key is malformed.
absl::StatusOr<std::vector<VerificationKey>> ParseJwks(std::string_view json);

// The algorithm a private key signs with ("RS256" for RSA, "ES256" for
// P-256), or INVALID_ARGUMENT.
absl::StatusOr<std::string> SigningAlgorithm(std::string_view private_pem);

// A fresh private key (PEM) for a development issuer or a test: RSA 2048
// when `rsa`, else EC P-256.
absl::StatusOr<std::string> NewSigningKey(bool rsa);

// A JWKS document with the public half of `private_pem` under `kid`.
absl::StatusOr<std::string> PublicJwks(std::string_view private_pem, std::string_view kid);

}  // namespace signpost::identity

#endif  // SIGNPOST_IDENTITY_JWKS_H_
