#include "identity/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace signpost::identity {
namespace {

namespace v1 = ::signpost::v1;

constexpr std::string_view kBearer = "Bearer ";

absl::StatusOr<router::RoleSet> ParseRoles(const std::vector<std::string>& names) {
  router::RoleSet roles;
  for (const std::string& name : names) {
    auto role = ParseRoleName(name);
    if (!role.ok()) return role.status();
    roles.Add(*role);
  }
  return roles;
}

}  // namespace

absl::StatusOr<v1::Role> ParseRoleName(std::string_view view) {
  const std::string name(view);
  v1::Role role = v1::ROLE_UNSPECIFIED;
  if (name.empty() || absl::AsciiStrToLower(name) != name ||
      !v1::Role_Parse(absl::StrCat("ROLE_", absl::AsciiStrToUpper(name)), &role) ||
      role == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat("unknown role \"", name, "\""));
  }
  return role;
}

std::string RoleName(v1::Role role) {
  std::string name = v1::Role_Name(role);
  if (absl::StartsWith(name, "ROLE_")) name = name.substr(5);
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(AuthenticatorOptions options) {
  std::vector<System> systems;
  for (const CertificateMapping& m : options.certificates) {
    if (m.subject.empty() || m.organisation.empty()) {
      return absl::InvalidArgumentError(
          "a certificate mapping needs a subject and an organisation");
    }
    for (const System& s : systems) {
      if (s.subject == m.subject) {
        return absl::InvalidArgumentError(
            absl::StrCat("certificate subject \"", m.subject, "\" is mapped twice"));
      }
    }
    auto roles = ParseRoles(m.roles);
    if (!roles.ok()) return roles.status();
    if (roles->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("certificate \"", m.subject, "\" has no roles"));
    }
    systems.push_back({m.subject, m.organisation, *roles});
  }
  return std::unique_ptr<Authenticator>(
      new Authenticator(std::move(systems), std::move(options.tokens)));
}

const Authenticator::System* Authenticator::SystemFor(std::string_view subject) const {
  for (const System& s : systems_) {
    if (s.subject == subject) return &s;
  }
  return nullptr;
}

absl::StatusOr<router::Caller> Authenticator::Authenticate(const Credentials& c,
                                                           absl::Time now) const {
  router::Caller caller;
  caller.certificate_subject = std::string(c.certificate_subject);
  if (!c.authorization.empty()) {
    if (c.authorization.substr(0, kBearer.size()) != kBearer) {
      return absl::UnauthenticatedError("authorization must be a bearer token");
    }
    if (tokens_ == nullptr)
      return absl::UnauthenticatedError("this server accepts no bearer tokens");
    auto claims = tokens_->Verify(c.authorization.substr(kBearer.size()), now);
    if (!claims.ok()) return claims.status();
    auto roles = ParseRoles(claims->roles);
    if (!roles.ok())
      return absl::UnauthenticatedError(
          absl::StrCat("bearer token refused: ", roles.status().message()));
    caller.user_id = claims->subject;
    caller.organisation = claims->organisation;
    caller.roles = *roles;
    return caller;
  }
  if (const System* s =
          c.certificate_subject.empty() ? nullptr : SystemFor(c.certificate_subject)) {
    caller.organisation = s->organisation;
    caller.roles = s->roles;
  }
  return caller;
}

}  // namespace signpost::identity
