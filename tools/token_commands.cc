// `signpost token ...`: the development issuer (docs/ACCESS.md). Mints
// bearer tokens signed with a local private key that a server started with
// --dev_issuer_key trusts; never used in production, where tokens come
// from the organisation's OIDC provider (NHS CIS2).
//
//   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out dev.pem
//   signpost token mint --key=dev.pem --sub=hub-1 --org=SPA01 --roles=call_hub
//   signpost token jwks --key=dev.pem       # the public key set, for a JWKS file
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "identity/jwks.h"
#include "identity/tokens.h"
#include "tools/cli.h"

ABSL_DECLARE_FLAG(std::string, org);  // tools/case_commands.cc

ABSL_FLAG(std::string, key, "", "token: the development issuer's private key (PEM).");
ABSL_FLAG(std::string, sub, "", "token mint: the user id (sub).");
ABSL_FLAG(std::string, roles, "", "token mint: comma-separated role names (call_hub, ...).");
ABSL_FLAG(int, ttl_minutes, 60, "token mint: lifetime in minutes.");

namespace signpost::cli {
namespace {

using identity::kDevAudience;
using identity::kDevIssuer;
using identity::kDevKeyId;

int Mint(const Context&) {
  std::string pem;
  if (absl::GetFlag(FLAGS_key).empty() || !ReadFile(absl::GetFlag(FLAGS_key), &pem)) {
    return Usage("token mint needs --key=PRIVATE_KEY.pem");
  }
  if (absl::GetFlag(FLAGS_sub).empty() || absl::GetFlag(FLAGS_org).empty() ||
      absl::GetFlag(FLAGS_roles).empty()) {
    return Usage("token mint needs --sub, --org and --roles");
  }
  const std::vector<std::string> roles =
      absl::StrSplit(absl::GetFlag(FLAGS_roles), ',', absl::SkipEmpty());
  auto token = identity::MintToken({.private_pem = pem,
                                    .kid = kDevKeyId,
                                    .issuer = kDevIssuer,
                                    .audience = kDevAudience,
                                    .subject = absl::GetFlag(FLAGS_sub),
                                    .organisation = absl::GetFlag(FLAGS_org),
                                    .roles = roles,
                                    .issued_at = absl::Now(),
                                    .lifetime = absl::Minutes(absl::GetFlag(FLAGS_ttl_minutes))});
  if (!token.ok()) return Usage(std::string(token.status().message()));
  std::cout << *token << "\n";
  return 0;
}

int Jwks(const Context&) {
  std::string pem;
  if (absl::GetFlag(FLAGS_key).empty() || !ReadFile(absl::GetFlag(FLAGS_key), &pem)) {
    return Usage("token jwks needs --key=PRIVATE_KEY.pem");
  }
  auto jwks = identity::PublicJwks(pem, kDevKeyId);
  if (!jwks.ok()) return Usage(std::string(jwks.status().message()));
  std::cout << *jwks << "\n";
  return 0;
}

}  // namespace

std::vector<Command> TokenCommands() {
  return {
      {"token mint", "--key=F --sub=ID --org=ORG --roles=R1,R2 [--ttl_minutes=60]",
       "Development issuer: a bearer token a --dev_issuer_key server trusts.", Mint, 0, 0},
      {"token jwks", "--key=F", "Development issuer: its public key set (JWKS).", Jwks, 0, 0},
  };
}

}  // namespace signpost::cli
