// Caller: who is making a call, as established by authentication
// (app/identity), never by a request field.
//
//   Caller c{.user_id = "u-123", .organisation = "SPA01",
//            .roles = RoleSet{v1::ROLE_CALL_HUB}};
//   if (c.Has(v1::ROLE_CALL_HUB)) ...
//
// A system (mutual TLS) has an organisation and a certificate subject but
// no user id; a person (OIDC token) has a user id, an organisation and
// roles, and may also come through a system's certificate.
#ifndef SIGNPOST_ROUTER_ACCESS_CALLER_H_
#define SIGNPOST_ROUTER_ACCESS_CALLER_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "signpost/v1/access.pb.h"

namespace signpost::router {

// A small set of roles (a bit per signpost.v1.Role value).
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<signpost::v1::Role> roles) {
    for (auto r : roles) Add(r);
  }
  constexpr void Add(signpost::v1::Role r) { bits_ |= Bit(r); }
  [[nodiscard]] constexpr bool Has(signpost::v1::Role r) const { return (bits_ & Bit(r)) != 0; }
  [[nodiscard]] constexpr bool Intersects(RoleSet other) const {
    return (bits_ & other.bits_) != 0;
  }
  [[nodiscard]] constexpr bool empty() const { return bits_ == 0; }
  friend constexpr bool operator==(RoleSet a, RoleSet b) { return a.bits_ == b.bits_; }

 private:
  static constexpr uint32_t Bit(signpost::v1::Role r) {
    const int v = static_cast<int>(r);
    return v > 0 && v < 32 ? uint32_t{1} << v : 0;
  }
  uint32_t bits_ = 0;
};

struct Caller {
  // The person's id at the identity provider (a token's "sub"); empty for
  // a system calling on its own account.
  std::string user_id;
  // ODS code or directory partner organisation id the caller acts for.
  std::string organisation;
  // The client certificate's subject when the call came over mutual TLS.
  std::string certificate_subject;
  RoleSet roles;

  [[nodiscard]] bool authenticated() const { return !organisation.empty() && !roles.empty(); }
  [[nodiscard]] bool Has(signpost::v1::Role r) const { return roles.Has(r); }
};

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_ACCESS_CALLER_H_
