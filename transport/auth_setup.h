// AuthenticatorFromConfig: the server's Authenticator from its AuthConfig
// (docs/ACCESS.md). Reads the key files the configuration names.
//
//   auto auth = AuthenticatorFromConfig(config.auth(), /*tls=*/true);
//
// Refuses (FAILED_PRECONDITION) the development issuer in production, and
// production without TLS; INVALID_ARGUMENT for unreadable or invalid keys
// and mappings. Logs a warning when the development issuer is on.
#ifndef SIGNPOST_TRANSPORT_AUTH_SETUP_H_
#define SIGNPOST_TRANSPORT_AUTH_SETUP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "identity/authenticator.h"
#include "signpost/config/server_config.pb.h"

namespace signpost::transport {

absl::StatusOr<std::unique_ptr<identity::Authenticator>> AuthenticatorFromConfig(
    const signpost::config::AuthConfig& config, bool tls);

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_AUTH_SETUP_H_
