#include "identity/jwks.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace signpost::identity {
namespace {

using Json = nlohmann::json;

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

absl::StatusOr<std::string> Unescape(const Json& key, const char* field) {
  const auto it = key.find(field);
  std::string out;
  if (it == key.end() || !it->is_string() ||
      !absl::WebSafeBase64Unescape(it->get<std::string>(), &out) || out.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("JWK field \"", field, "\" is missing or not base64url"));
  }
  return out;
}

Owned<BIGNUM> ToBignum(const std::string& bytes) {
  return Owned<BIGNUM>(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                 static_cast<int>(bytes.size()), nullptr));
}

absl::StatusOr<std::string> PublicPem(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return absl::InternalError("cannot write a public key");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// A public key from OSSL parameters built by `push`.
template <typename Push>
absl::StatusOr<std::string> KeyFromParams(const char* type, Push push) {
  Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!bld || !push(bld.get())) return absl::InvalidArgumentError("malformed JWK");
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("JWK is not a valid ", type, " public key"));
  }
  Owned<EVP_PKEY> key(raw);
  return PublicPem(key.get());
}

absl::StatusOr<std::string> RsaPem(const Json& jwk) {
  auto n = Unescape(jwk, "n");
  auto e = Unescape(jwk, "e");
  if (!n.ok()) return n.status();
  if (!e.ok()) return e.status();
  if (n->size() < 256)
    return absl::InvalidArgumentError("RSA keys shorter than 2048 bits are refused");
  Owned<BIGNUM> bn = ToBignum(*n);
  Owned<BIGNUM> be = ToBignum(*e);
  return KeyFromParams("RSA", [&](OSSL_PARAM_BLD* b) {
    return bn && be && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn.get()) == 1 &&
           OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be.get()) == 1;
  });
}

absl::StatusOr<std::string> EcPem(const Json& jwk) {
  if (jwk.value("crv", "") != "P-256")
    return absl::InvalidArgumentError("only P-256 EC keys are accepted");
  auto x = Unescape(jwk, "x");
  auto y = Unescape(jwk, "y");
  if (!x.ok()) return x.status();
  if (!y.ok()) return y.status();
  if (x->size() != 32 || y->size() != 32)
    return absl::InvalidArgumentError("P-256 coordinates must be 32 bytes");
  const std::string point = "\x04" + *x + *y;
  return KeyFromParams("EC", [&](OSSL_PARAM_BLD* b) {
    return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
           OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                            point.size()) == 1;
  });
}

Owned<EVP_PKEY> ReadPrivateKey(std::string_view pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Owned<EVP_PKEY>(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                             : nullptr);
}

std::string Base64Url(const unsigned char* data, size_t n) {
  std::string out;
  absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(data), n), &out);
  return out;
}

absl::StatusOr<std::string> BignumParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1)
    return absl::InvalidArgumentError("unreadable RSA key");
  Owned<BIGNUM> bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return Base64Url(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace

absl::StatusOr<std::vector<VerificationKey>> ParseJwks(std::string_view text) {
  const Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return absl::InvalidArgumentError("not a JWKS document: expected {\"keys\": [...]}");
  }
  std::vector<VerificationKey> out;
  for (const Json& jwk : doc["keys"]) {
    if (!jwk.is_object() || !jwk.contains("kid") || !jwk["kid"].is_string()) continue;
    if (jwk.value("use", "sig") != "sig") continue;
    const std::string kty = jwk.value("kty", "");
    absl::StatusOr<std::string> pem = absl::InvalidArgumentError("unsupported key type");
    std::string alg;
    if (kty == "RSA") {
      alg = "RS256";
      pem = RsaPem(jwk);
    } else if (kty == "EC") {
      alg = "ES256";
      pem = EcPem(jwk);
    } else {
      continue;
    }
    if (jwk.contains("alg") && jwk["alg"] != alg) continue;
    if (!pem.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key \"", jwk["kid"].get<std::string>(), "\": ", pem.status().message()));
    }
    out.push_back({jwk["kid"].get<std::string>(), alg, *std::move(pem)});
  }
  if (out.empty()) return absl::InvalidArgumentError("the JWKS has no RS256 or ES256 signing key");
  return out;
}

absl::StatusOr<std::string> SigningAlgorithm(std::string_view private_pem) {
  Owned<EVP_PKEY> key = ReadPrivateKey(private_pem);
  if (!key) return absl::InvalidArgumentError("not a PEM private key");
  if (EVP_PKEY_is_a(key.get(), "RSA") == 1) return std::string("RS256");
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_is_a(key.get(), "EC") == 1 &&
      EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &len) == 1 &&
      std::string_view(group, len) == "prime256v1") {
    return std::string("ES256");
  }
  return absl::InvalidArgumentError("the key must be RSA or EC P-256");
}

absl::StatusOr<std::string> NewSigningKey(bool rsa) {
  Owned<EVP_PKEY> key(rsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                          : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!key || !bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return absl::InternalError("cannot make a key");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

absl::StatusOr<std::string> PublicJwks(std::string_view private_pem, std::string_view kid) {
  auto alg = SigningAlgorithm(private_pem);
  if (!alg.ok()) return alg.status();
  Owned<EVP_PKEY> key = ReadPrivateKey(private_pem);
  Json jwk = {{"kid", std::string(kid)}, {"use", "sig"}, {"alg", *alg}};
  if (*alg == "RS256") {
    auto n = BignumParam(key.get(), OSSL_PKEY_PARAM_RSA_N);
    auto e = BignumParam(key.get(), OSSL_PKEY_PARAM_RSA_E);
    if (!n.ok() || !e.ok()) return absl::InvalidArgumentError("unreadable RSA key");
    jwk["kty"] = "RSA";
    jwk["n"] = *n;
    jwk["e"] = *e;
  } else {
    unsigned char point[65];
    size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
                                        &len) != 1 ||
        len != 65) {
      return absl::InvalidArgumentError("unreadable EC key");
    }
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = Base64Url(point + 1, 32);
    jwk["y"] = Base64Url(point + 33, 32);
  }
  return Json{{"keys", Json::array({jwk})}}.dump(2);
}

}  // namespace signpost::identity
