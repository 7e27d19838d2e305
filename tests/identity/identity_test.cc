// Identity (app/identity): JWKS keys, token verification and minting, and
// the authenticator that turns credentials into a Caller.
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/authenticator.h"
#include "identity/jwks.h"
#include "identity/tokens.h"

namespace signpost::identity {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::HasSubstr;

std::string NewKey(bool rsa) { return *NewSigningKey(rsa); }

const absl::Time kNow = absl::FromUnixSeconds(1795000000);

MintRequest Request(const std::string& pem) {
  return {.private_pem = pem,
          .kid = "dev-1",
          .issuer = "https://issuer.test",
          .audience = "signpost",
          .subject = "user-42",
          .organisation = "SPA01",
          .roles = {"call_hub", "duty_clinician"},
          .issued_at = kNow};
}

std::unique_ptr<TokenVerifier> VerifierFor(const std::string& pem, const char* kid = "dev-1") {
  auto jwks = PublicJwks(pem, kid);
  EXPECT_TRUE(jwks.ok()) << jwks.status();
  auto keys = ParseJwks(*jwks);
  EXPECT_TRUE(keys.ok()) << keys.status();
  auto v = TokenVerifier::Create(*keys, {.issuer = "https://issuer.test", .audience = "signpost"});
  EXPECT_TRUE(v.ok()) << v.status();
  return *std::move(v);
}

class TokenTest : public ::testing::TestWithParam<bool> {};

TEST_P(TokenTest, AMintedTokenVerifiesWithItsClaims) {
  const std::string pem = NewKey(GetParam());
  auto token = MintToken(Request(pem));
  ASSERT_TRUE(token.ok()) << token.status();
  auto claims = VerifierFor(pem)->Verify(*token, kNow + absl::Minutes(5));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "user-42");
  EXPECT_EQ(claims->organisation, "SPA01");
  EXPECT_THAT(claims->roles, ::testing::ElementsAre("call_hub", "duty_clinician"));
}

TEST_P(TokenTest, ExpiredAndNotYetValidTokensAreRefused) {
  const std::string pem = NewKey(GetParam());
  auto token = MintToken(Request(pem));
  ASSERT_TRUE(token.ok());
  auto v = VerifierFor(pem);
  EXPECT_THAT(v->Verify(*token, kNow + absl::Hours(1) + absl::Minutes(2)).status().message(),
              HasSubstr("expired"));
  EXPECT_THAT(v->Verify(*token, kNow - absl::Minutes(2)).status().message(),
              HasSubstr("not yet valid"));
  // Within the leeway either side.
  EXPECT_TRUE(v->Verify(*token, kNow + absl::Hours(1) + absl::Seconds(30)).ok());
}

TEST_P(TokenTest, ARememberedTokenStillExpires) {
  const std::string pem = NewKey(GetParam());
  auto token = MintToken(Request(pem));
  ASSERT_TRUE(token.ok());
  auto v = VerifierFor(pem);
  ASSERT_TRUE(v->Verify(*token, kNow).ok());  // verified and remembered
  EXPECT_TRUE(v->Verify(*token, kNow + absl::Minutes(30)).ok());
  EXPECT_THAT(v->Verify(*token, kNow + absl::Hours(2)).status().message(), HasSubstr("expired"));
  // A different token with the same claims is checked on its own.
  // (The last base64url character may carry only padding bits: change
  // one in the middle of the signature.)
  std::string tampered = *token;
  char& c = tampered[tampered.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_EQ(v->Verify(tampered, kNow).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_P(TokenTest, WrongIssuerAudienceOrKeyIsRefused) {
  const std::string pem = NewKey(GetParam());
  MintRequest r = Request(pem);
  r.issuer = "https://evil.test";
  auto wrong_issuer = MintToken(r);
  r = Request(pem);
  r.audience = "another-service";
  auto wrong_audience = MintToken(r);
  auto signed_by_other = MintToken(Request(NewKey(GetParam())));
  auto v = VerifierFor(pem);
  EXPECT_THAT(v->Verify(*wrong_issuer, kNow).status().message(), HasSubstr("wrong issuer"));
  EXPECT_THAT(v->Verify(*wrong_audience, kNow).status().message(), HasSubstr("wrong audience"));
  EXPECT_THAT(v->Verify(*signed_by_other, kNow).status().message(), HasSubstr("bad signature"));
  EXPECT_EQ(v->Verify(*signed_by_other, kNow).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_P(TokenTest, ATamperedPayloadIsRefused) {
  const std::string pem = NewKey(GetParam());
  auto token = MintToken(Request(pem));
  ASSERT_TRUE(token.ok());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  const size_t at = payload.find("SPA01");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 5, "G8500");
  std::string forged;
  absl::WebSafeBase64Escape(payload, &forged);
  const std::string tampered = absl::StrCat(parts[0], ".", forged, ".", parts[2]);
  EXPECT_EQ(VerifierFor(pem)->Verify(tampered, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

INSTANTIATE_TEST_SUITE_P(RsaAndEc, TokenTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "RS256" : "ES256"; });

std::string Unsigned(const std::string& header_json, const std::string& payload_json,
                     const std::string& signature) {
  std::string h, p;
  absl::WebSafeBase64Escape(header_json, &h);
  absl::WebSafeBase64Escape(payload_json, &p);
  return absl::StrCat(h, ".", p, ".", signature);
}

TEST(TokenAlgorithmTest, NoneAndHmacAndUnknownKeysAreRefused) {
  const std::string pem = NewKey(true);
  auto v = VerifierFor(pem);
  const std::string claims =
      R"({"iss":"https://issuer.test","aud":"signpost","sub":"x","org":"SPA01",)"
      R"("roles":["auditor"],"exp":1795003600})";
  EXPECT_FALSE(v->Verify(Unsigned(R"({"alg":"none","kid":"dev-1"})", claims, ""), kNow).ok());
  // HS256 "signed" with the public key as the HMAC secret (key confusion).
  EXPECT_FALSE(v->Verify(Unsigned(R"({"alg":"HS256","kid":"dev-1"})", claims, "AAAA"), kNow).ok());
  EXPECT_THAT(v->Verify(Unsigned(R"({"alg":"RS256","kid":"other"})", claims, "AAAA"), kNow)
                  .status()
                  .message(),
              HasSubstr("unknown signing key"));
  EXPECT_FALSE(v->Verify("not.a.token", kNow).ok());
  EXPECT_FALSE(v->Verify("", kNow).ok());
}

TEST(TokenAlgorithmTest, AnRsaKeyDoesNotVerifyAnEs256Header) {
  const std::string rsa = NewKey(true);
  const std::string ec = NewKey(false);
  auto token = MintToken(Request(ec));  // ES256, kid dev-1
  ASSERT_TRUE(token.ok());
  EXPECT_THAT(VerifierFor(rsa)->Verify(*token, kNow).status().message(),
              HasSubstr("algorithm not accepted"));
}

TEST(JwksTest, RefusesDocumentsWithoutUsableKeys) {
  EXPECT_FALSE(ParseJwks("{}").ok());
  EXPECT_FALSE(ParseJwks("not json").ok());
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"oct","kid":"h","k":"AAAA"}]})").ok());
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"RSA","kid":"short","n":"AQAB","e":"AQAB"}]})").ok());
}

std::unique_ptr<Authenticator> Auth(const std::string& pem) {
  auto a = Authenticator::Create(
      {.certificates = {{"gp-g85001", "G85001", {"referrer_system"}}}, .tokens = VerifierFor(pem)});
  EXPECT_TRUE(a.ok()) << a.status();
  return *std::move(a);
}

TEST(AuthenticatorTest, MappedCertificateIsASystemCaller) {
  auto a = Auth(NewKey(false));
  auto c = a->Authenticate({.certificate_subject = "gp-g85001"}, kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->authenticated());
  EXPECT_EQ(c->organisation, "G85001");
  EXPECT_TRUE(c->Has(v1::ROLE_REFERRER_SYSTEM));
  EXPECT_TRUE(c->user_id.empty());
}

TEST(AuthenticatorTest, UnmappedCertificateOrNothingIsAnonymous) {
  auto a = Auth(NewKey(false));
  EXPECT_FALSE(a->Authenticate({.certificate_subject = "stranger"}, kNow)->authenticated());
  EXPECT_FALSE(a->Authenticate({}, kNow)->authenticated());
}

TEST(AuthenticatorTest, TokenGivesTheUserAndABadTokenIsNeverDowngraded) {
  const std::string pem = NewKey(false);
  auto a = Auth(pem);
  auto token = MintToken(Request(pem));
  auto c = a->Authenticate(
      {.authorization = "Bearer " + *token, .certificate_subject = "gp-g85001"}, kNow);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->user_id, "user-42");
  EXPECT_EQ(c->organisation, "SPA01");
  EXPECT_TRUE(c->Has(v1::ROLE_CALL_HUB));
  EXPECT_FALSE(c->Has(v1::ROLE_REFERRER_SYSTEM));
  EXPECT_EQ(c->certificate_subject, "gp-g85001");
  // A bad token over a good certificate is refused, not read as the system.
  auto bad =
      a->Authenticate({.authorization = "Bearer x.y.z", .certificate_subject = "gp-g85001"}, kNow);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(a->Authenticate({.authorization = "Basic dXNlcjpwYXNz"}, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AuthenticatorTest, UnknownRolesAreRefusedNotIgnored) {
  const std::string pem = NewKey(false);
  MintRequest r = Request(pem);
  r.roles = {"call_hub", "superuser"};
  auto token = MintToken(r);
  EXPECT_EQ(Auth(pem)->Authenticate({.authorization = "Bearer " + *token}, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(Authenticator::Create({.certificates = {{"s", "O", {"root"}}}}).ok());
  EXPECT_FALSE(
      Authenticator::Create({.certificates = {{"s", "O", {"auditor"}}, {"s", "P", {"auditor"}}}})
          .ok());
}

TEST(RoleNameTest, RoundTripsEveryRole) {
  for (int i = 1; i <= v1::Role_MAX; ++i) {
    if (!v1::Role_IsValid(i)) continue;
    const auto role = static_cast<v1::Role>(i);
    auto parsed = ParseRoleName(RoleName(role));
    ASSERT_TRUE(parsed.ok()) << RoleName(role);
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_FALSE(ParseRoleName("CALL_HUB").ok());
  EXPECT_FALSE(ParseRoleName("unspecified").ok());
}

}  // namespace
}  // namespace signpost::identity
