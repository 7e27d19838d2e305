#include "identity/tokens.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "identity/cis2_roles.h"
#include "nlohmann/json.hpp"

namespace signpost::identity {
namespace {

using Json = nlohmann::json;

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using Jwt = std::unique_ptr<jwt_t, JwtFree>;

// A malloc'd string from libjwt.
std::string Take(char* s) {
  if (s == nullptr) return "";
  std::string out(s);
  free(s);  // NOLINT(cppcoreguidelines-no-malloc): libjwt allocates with malloc
  return out;
}

absl::Status Refuse(std::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("bearer token refused: ", std::string(why)));
}

// The JSON value of a claim (string, number or array), or null.
Json ClaimJson(jwt_t* j, const std::string& name) {
  const std::string text = Take(jwt_get_grants_json(j, name.c_str()));
  if (text.empty()) return nullptr;
  Json v = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return v.is_discarded() ? Json(nullptr) : v;
}

std::string StringClaim(jwt_t* j, const char* name) {
  const char* v = jwt_get_grant(j, name);
  return v == nullptr ? "" : v;
}

// The decoded JOSE header of a compact JWT, or null.
Json Header(const std::string& token) {
  const size_t dot = token.find('.');
  std::string decoded;
  if (dot == std::string::npos ||
      !absl::WebSafeBase64Unescape(absl::string_view(token.data(), dot), &decoded)) {
    return nullptr;
  }
  Json h = Json::parse(decoded, nullptr, /*allow_exceptions=*/false);
  return h.is_discarded() ? Json(nullptr) : h;
}

bool AudienceHolds(const Json& aud, const std::string& want) {
  if (aud.is_string()) return aud.get<std::string>() == want;
  if (!aud.is_array()) return false;
  for (const Json& a : aud) {
    if (a.is_string() && a.get<std::string>() == want) return true;
  }
  return false;
}

// Reads exp (required) and nbf (optional) into `claims`.
absl::Status ReadTimes(jwt_t* j, TokenClaims& claims) {
  errno = 0;
  const long exp = jwt_get_grant_int(j, "exp");
  if (errno == ENOENT || exp <= 0) return Refuse("no expiry (exp)");
  claims.expires = absl::FromUnixSeconds(exp);
  errno = 0;
  const long nbf = jwt_get_grant_int(j, "nbf");
  if (errno != ENOENT) claims.not_before = absl::FromUnixSeconds(nbf);
  return absl::OkStatus();
}

constexpr size_t kMaxRemembered = 4096;

absl::StatusOr<std::vector<std::string>> Roles(jwt_t* j, const std::string& claim) {
  const Json roles = ClaimJson(j, claim);
  if (!roles.is_array() || roles.empty()) return Refuse(absl::StrCat("no roles (", claim, ")"));
  std::vector<std::string> out;
  for (const Json& r : roles) {
    if (!r.is_string()) return Refuse(absl::StrCat("roles (", claim, ") must be strings"));
    out.push_back(r.get<std::string>());
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(
    std::vector<VerificationKey> keys, TokenPolicy policy) {
  if (keys.empty()) return absl::InvalidArgumentError("token verification needs at least one key");
  if (policy.issuer.empty() || policy.audience.empty()) {
    return absl::InvalidArgumentError("token verification needs an issuer and an audience");
  }
  return std::unique_ptr<TokenVerifier>(new TokenVerifier(std::move(keys), std::move(policy)));
}

const VerificationKey* TokenVerifier::KeyFor(std::string_view kid) const {
  for (const VerificationKey& k : keys_) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

absl::Status TokenVerifier::CheckStillValid(const TokenClaims& claims, absl::Time now) const {
  if (now > claims.expires + policy_.leeway) return Refuse("expired");
  if (now + policy_.leeway < claims.not_before) return Refuse("not yet valid (nbf)");
  return absl::OkStatus();
}

absl::StatusOr<TokenClaims> TokenVerifier::Verify(std::string_view token, absl::Time now) const {
  const std::string text(token);
  {
    absl::MutexLock lock(&mu_);
    if (auto it = verified_.find(text); it != verified_.end()) {
      if (absl::Status s = CheckStillValid(it->second, now); !s.ok()) return s;
      return it->second;
    }
  }
  absl::StatusOr<TokenClaims> claims = VerifyUncached(text, now);
  if (!claims.ok()) return claims;
  absl::MutexLock lock(&mu_);
  if (verified_.size() >= kMaxRemembered) verified_.clear();
  verified_.emplace(text, *claims);
  return claims;
}

absl::StatusOr<TokenClaims> TokenVerifier::VerifyUncached(const std::string& text,
                                                          absl::Time now) const {
  // First read the header only (nothing is trusted yet) to pick the key
  // and pin the algorithm.
  const Json header = Header(text);
  if (!header.is_object()) return Refuse("malformed");
  const VerificationKey* key = header.contains("kid") && header["kid"].is_string()
                                   ? KeyFor(header["kid"].get<std::string>())
                                   : nullptr;
  if (key == nullptr) return Refuse("unknown signing key (kid)");
  if (!header.contains("alg") || header["alg"] != key->alg) {
    return Refuse("algorithm not accepted for this key");
  }
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key->public_pem.data()),
                 static_cast<int>(key->public_pem.size())) != 0) {
    return Refuse("bad signature");
  }
  Jwt jwt(raw);
  if (StringClaim(jwt.get(), "iss") != policy_.issuer) return Refuse("wrong issuer");
  if (!AudienceHolds(ClaimJson(jwt.get(), "aud"), policy_.audience))
    return Refuse("wrong audience");
  TokenClaims claims;
  if (auto s = ReadTimes(jwt.get(), claims); !s.ok()) return s;
  if (auto s = CheckStillValid(claims, now); !s.ok()) return s;
  claims.subject = StringClaim(jwt.get(), "sub");
  if (claims.subject.empty()) return Refuse("no subject (sub)");
  if (auto s = ReadRoles(jwt.get(), claims); !s.ok()) return s;
  return claims;
}

absl::Status TokenVerifier::ReadRoles(::jwt* j, TokenClaims& claims) const {
  const Json assignments = ClaimJson(j, policy_.roles_claim);
  if (!policy_.role_codes.empty() && assignments.is_array() && !assignments.empty() &&
      assignments.front().is_object()) {
    absl::StatusOr<Cis2Selection> chosen =
        MapCis2Roles(assignments, StringClaim(j, "selected_roleid"), policy_.role_codes);
    if (!chosen.ok()) return chosen.status();
    claims.organisation = std::move(chosen->organisation);
    claims.roles = std::move(chosen->roles);
    return absl::OkStatus();
  }
  claims.organisation = StringClaim(j, policy_.organisation_claim.c_str());
  if (claims.organisation.empty()) {
    return Refuse(absl::StrCat("no organisation (", policy_.organisation_claim, ")"));
  }
  auto roles = Roles(j, policy_.roles_claim);
  if (!roles.ok()) return roles.status();
  claims.roles = *std::move(roles);
  return absl::OkStatus();
}

absl::StatusOr<std::string> MintToken(const MintRequest& r) {
  auto alg = SigningAlgorithm(r.private_pem);
  if (!alg.ok()) return alg.status();
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("cannot create a token");
  Jwt jwt(raw);
  const Json roles = {{"roles", r.roles}};
  const bool ok =
      jwt_add_header(jwt.get(), "kid", r.kid.c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "iss", r.issuer.c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "aud", r.audience.c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "sub", r.subject.c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "org", r.organisation.c_str()) == 0 &&
      jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(r.issued_at)) == 0 &&
      jwt_add_grant_int(jwt.get(), "nbf", absl::ToUnixSeconds(r.issued_at)) == 0 &&
      jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(r.issued_at + r.lifetime)) == 0 &&
      jwt_add_grants_json(jwt.get(), roles.dump().c_str()) == 0 &&
      (r.extra_claims_json.empty() ||
       jwt_add_grants_json(jwt.get(), r.extra_claims_json.c_str()) == 0) &&
      jwt_set_alg(jwt.get(), jwt_str_alg(alg->c_str()),
                  reinterpret_cast<const unsigned char*>(r.private_pem.data()),
                  static_cast<int>(r.private_pem.size())) == 0;
  if (!ok) return absl::InvalidArgumentError("cannot build the token (check the key and claims)");
  std::string token = Take(jwt_encode_str(jwt.get()));
  if (token.empty()) return absl::InternalError("cannot sign the token");
  return token;
}

}  // namespace signpost::identity
