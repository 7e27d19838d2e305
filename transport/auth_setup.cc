#include "transport/auth_setup.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "app/log.h"
#include "identity/jwks.h"
#include "identity/tokens.h"

namespace signpost::transport {
namespace {

using identity::kDevAudience;
using identity::kDevIssuer;
using identity::kDevKeyId;

absl::StatusOr<std::string> Read(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read the ", what, " ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The configured issuer's keys and policy, or the development issuer's.
absl::StatusOr<std::unique_ptr<identity::TokenVerifier>> Verifier(
    const signpost::config::AuthConfig& c, bool production) {
  const bool dev = !c.development_issuer_key_file().empty();
  if (dev && production) {
    return absl::FailedPreconditionError(
        "the development issuer is refused in production (auth.environment)");
  }
  if (!dev && c.jwks_file().empty()) return nullptr;
  if (dev && !c.jwks_file().empty()) {
    return absl::InvalidArgumentError("configure either jwks_file or the development issuer");
  }
  identity::TokenPolicy policy{.issuer = c.token_issuer(), .audience = c.token_audience()};
  if (!c.organisation_claim().empty()) policy.organisation_claim = c.organisation_claim();
  if (!c.roles_claim().empty()) policy.roles_claim = c.roles_claim();
  for (const auto& m : c.role_codes()) {
    if (m.code().empty() || !identity::ParseRoleName(m.role()).ok()) {
      return absl::InvalidArgumentError(absl::StrCat("auth.role_codes: '", m.code(), "' -> '",
                                                     m.role(),
                                                     "' needs a code and a Signpost role"));
    }
    policy.role_codes[m.code()] = m.role();
  }
  absl::StatusOr<std::string> jwks;
  if (dev) {
    auto key = Read(c.development_issuer_key_file(), "development issuer key");
    if (!key.ok()) return key.status();
    jwks = identity::PublicJwks(*key, kDevKeyId);
    policy.issuer = kDevIssuer;
    policy.audience = kDevAudience;
    app::LogWarn(
        "DEVELOPMENT ISSUER ON: tokens minted with a local key are trusted; never use "
        "this in production",
        {{"key_file", c.development_issuer_key_file()}});
  } else {
    jwks = Read(c.jwks_file(), "JWKS file");
  }
  if (!jwks.ok()) return jwks.status();
  auto keys = identity::ParseJwks(*jwks);
  if (!keys.ok()) return keys.status();
  return identity::TokenVerifier::Create(*std::move(keys), std::move(policy));
}

}  // namespace

absl::StatusOr<std::unique_ptr<identity::Authenticator>> AuthenticatorFromConfig(
    const signpost::config::AuthConfig& c, bool tls) {
  const bool production = c.environment().empty() || c.environment() == "production";
  if (!production && c.environment() != "development") {
    return absl::InvalidArgumentError("auth.environment must be \"production\" or \"development\"");
  }
  if (production && !tls) {
    return absl::FailedPreconditionError(
        "production needs TLS (tls_cert_file and tls_key_file); set auth.environment to "
        "\"development\" for a local run");
  }
  if (!c.client_certificates().empty() && (c.client_ca_file().empty() || !tls)) {
    return absl::InvalidArgumentError("client certificates need TLS and auth.client_ca_file");
  }
  auto verifier = Verifier(c, production);
  if (!verifier.ok()) return verifier.status();
  identity::AuthenticatorOptions options{.tokens = *std::move(verifier)};
  for (const auto& cert : c.client_certificates()) {
    options.certificates.push_back(
        {cert.subject(), cert.organisation(), {cert.roles().begin(), cert.roles().end()}});
  }
  return identity::Authenticator::Create(std::move(options));
}

}  // namespace signpost::transport
