// access_bench: what authentication and the role gate cost per call
// (issue 12), next to the durable write a submit rides on
// (BM_DurableCreate in triage_bench, same machine).
//
//   build/bench/access_bench --benchmark_min_time=0.3
//
// BM_VerifyToken/{ES256,RS256}/{remembered,first use}: TokenVerifier::Verify
// of a development issuer token - the first use of a token is the full
// check (header parse, key pick, libjwt + OpenSSL signature, claims), later
// uses find it remembered and check only its times. BM_AuthoriseCall: the
// role gate's table lookup. BM_AuditEntryForChange: building a write's
// audit entry (docs/BENCHMARKS.md; the entry's write is measured by
// durability_bench).
#include <string>

#include "absl/time/clock.h"
#include "app/audit.h"
#include "benchmark/benchmark.h"
#include "identity/authenticator.h"
#include "identity/jwks.h"
#include "identity/tokens.h"
#include "router/access/policy.h"

namespace {

namespace v1 = ::signpost::v1;
using signpost::identity::MintToken;

std::string NewKey(bool rsa) { return *signpost::identity::NewSigningKey(rsa); }

void BM_VerifyToken(benchmark::State& state) {
  const bool rsa = state.range(0) == 1;
  state.SetLabel(rsa ? "RS256" : "ES256");
  const std::string pem = NewKey(rsa);
  auto jwks = signpost::identity::PublicJwks(pem, "k");
  auto keys = signpost::identity::ParseJwks(*jwks);
  auto verifier =
      signpost::identity::TokenVerifier::Create(*keys, {.issuer = "i", .audience = "a"});
  const absl::Time now = absl::Now();
  auto token = MintToken({.private_pem = pem,
                          .kid = "k",
                          .issuer = "i",
                          .audience = "a",
                          .subject = "u",
                          .organisation = "SPA01",
                          .roles = {"call_hub"},
                          .issued_at = now});
  if (!verifier.ok() || !token.ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  const bool first_use = state.range(1) == 1;
  if (first_use) state.SetLabel(rsa ? "RS256 first use" : "ES256 first use");
  for (auto _ : state) {
    if (first_use) {
      // A fresh verifier has nothing remembered: the full check.
      auto fresh =
          signpost::identity::TokenVerifier::Create(*keys, {.issuer = "i", .audience = "a"});
      benchmark::DoNotOptimize((*fresh)->Verify(*token, now));
    } else {
      benchmark::DoNotOptimize((*verifier)->Verify(*token, now));
    }
  }
}
BENCHMARK(BM_VerifyToken)->ArgsProduct({{0, 1}, {0, 1}})->Unit(benchmark::kMicrosecond);

void BM_AuthoriseCall(benchmark::State& state) {
  const signpost::router::Caller caller{
      .user_id = "u", .organisation = "SPA01", .roles = {v1::ROLE_CASE_MANAGER}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(signpost::router::AuthoriseCall(caller, "RecordPartnerOutcome"));
  }
}
BENCHMARK(BM_AuthoriseCall);

// Building a write's audit entry: the caller from the call's scope, and
// subjects and objects found by field name in a referral with its triage
// and routing (the reflection walk every audited call makes).
void BM_AuditEntryForChange(benchmark::State& state) {
  v1::Referral r;
  r.set_referral_id("01JBENCHREFERRAL0000000000");
  r.set_person_id("P01JBENCHPERSON00000000000");
  r.mutable_submission()->mutable_person()->set_nhs_number("9990000018");
  r.mutable_submission()->set_story(std::string(2000, 's'));
  for (int i = 0; i < 6; ++i) r.mutable_triage()->add_fired_rules()->set_rule_id("rule");
  for (int i = 0; i < 10; ++i)
    r.mutable_routing()->add_candidates()->mutable_service()->set_id("s");
  signpost::storage::Change change;
  change.referral = signpost::storage::ReferralPut{.record = r};
  signpost::app::AuditScope scope(
      {.caller = {.user_id = "u", .organisation = "SPA01", .roles = {v1::ROLE_CALL_HUB}},
       .rpc = "SubmitReferral"});
  const absl::Time now = absl::Now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(signpost::app::EntryForChange(change, now, "bench"));
  }
}
BENCHMARK(BM_AuditEntryForChange)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
