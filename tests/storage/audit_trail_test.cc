// The audit trail in storage (ADR 0013): entries written with their change
// or on their own, numbered, indexed by subject, sealed into a hash chain
// that detects a changed, removed, inserted or reordered entry.
#include <functional>
#include <string>
#include <vector>

#include "common/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "storage/testing/audit_tamper.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::AuditEntry Entry(const std::string& rpc, const std::string& person_id,
                     const std::string& nhs = "") {
  v1::AuditEntry e;
  e.set_rpc(rpc);
  e.mutable_actor()->set_user_id("u-1");
  e.mutable_actor()->set_organisation("SPA01");
  e.set_action(v1::AUDIT_ACTION_READ);
  e.set_outcome(v1::AUDIT_OUTCOME_SUCCESS);
  if (!person_id.empty() || !nhs.empty()) {
    v1::AuditSubject* s = e.add_subjects();
    s->set_person_id(person_id);
    s->set_nhs_number(nhs);
  }
  return e;
}

std::vector<uint64_t> Sequences(const std::vector<v1::AuditEntry>& entries) {
  std::vector<uint64_t> out;
  for (const auto& e : entries) out.push_back(e.sequence());
  return out;
}

std::vector<std::string> Kinds(const v1::VerifyAuditTrailResponse& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems()) out.push_back(absl::StrCat(p.sequence(), ":", p.kind()));
  return out;
}

class AuditTrailTest : public ::testing::Test {
 protected:
  AuditTrailTest() { Reopen(); }

  void Reopen() {
    store_.reset();
    auto store = Store::Open({.data_dir = dir()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  std::string dir() const { return tmp_.Sub("db"); }

  // Appends entries for persons p1..p<n> (synced) and seals them.
  void AppendAndSeal(int n) {
    std::vector<v1::AuditEntry> entries;
    for (int i = 1; i <= n; ++i) {
      entries.push_back(Entry("GetPerson", absl::StrCat("p", i), absl::StrCat("99900000", i)));
    }
    ASSERT_TRUE(store_->AppendAudit(std::move(entries), AuditDurability::kSynced).ok());
    ASSERT_TRUE(store_->SealAudit().ok());
  }

  v1::VerifyAuditTrailResponse Verify(const std::optional<v1::AuditSeal>& anchor = {}) {
    auto r = store_->VerifyAudit(anchor);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::VerifyAuditTrailResponse();
  }

  // Closes the store, runs `tamper` on the files, opens it again.
  void Tamper(const std::function<absl::Status()>& tamper) {
    store_.reset();
    ASSERT_TRUE(tamper().ok());
    Reopen();
  }

  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuditTrailTest, EntriesOfAChangeAreWrittenWithItAndNumbered) {
  Change change;
  change.meta.push_back({"test/marker", "1"});
  change.audit.push_back(Entry("UpsertTeam", ""));
  auto applied = store_->Apply(std::move(change));
  ASSERT_TRUE(applied.ok()) << applied.status();
  ASSERT_EQ(applied->audit.size(), 1u);
  EXPECT_EQ(applied->audit[0].sequence(), 1u);

  auto more = store_->AppendAudit({Entry("GetPerson", "p1")}, AuditDurability::kSynced);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(Sequences(*more), (std::vector<uint64_t>{2}));

  auto page = store_->ListAudit(0, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Sequences(page->entries), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(page->entries[0].rpc(), "UpsertTeam");
  EXPECT_EQ(page->next_after, 0u);
}

TEST_F(AuditTrailTest, NumberingAndSealingContinueAfterReopen) {
  AppendAndSeal(3);
  Reopen();
  auto more = store_->AppendAudit({Entry("GetPerson", "p9")}, AuditDurability::kBuffered);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ((*more)[0].sequence(), 4u);
  EXPECT_EQ(Verify().unsealed(), 1u);
  auto seal = store_->SealAudit();
  ASSERT_TRUE(seal.ok());
  EXPECT_EQ(seal->sealed_through(), 4u);
  EXPECT_EQ(seal->entries(), 4u);
  v1::VerifyAuditTrailResponse v = Verify();
  EXPECT_TRUE(v.intact()) << v.DebugString();
  EXPECT_EQ(v.unsealed(), 0u);
}

TEST_F(AuditTrailTest, AnUntouchedTrailVerifies) {
  AppendAndSeal(5);
  v1::VerifyAuditTrailResponse v = Verify();
  EXPECT_TRUE(v.intact());
  EXPECT_THAT(v.problems(), IsEmpty());
  EXPECT_EQ(v.seal().sealed_through(), 5u);
  EXPECT_EQ(v.seal().head().size(), 64u);
}

TEST_F(AuditTrailTest, SubjectAccessListsEveryEntryNamingThePerson) {
  std::vector<v1::AuditEntry> entries = {Entry("GetPerson", "p1", "9990000018"),
                                         Entry("GetPerson", "p2"), Entry("GetReferral", "p1"),
                                         Entry("SubmitReferral", "", "9990000018")};
  ASSERT_TRUE(store_->AppendAudit(entries, AuditDurability::kSynced).ok());
  auto page = store_->ListAuditFor({"p1"}, "9990000018", 0, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Sequences(page->entries), (std::vector<uint64_t>{1, 3, 4}));
  auto first = store_->ListAuditFor({"p1"}, "9990000018", 0, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Sequences(first->entries), (std::vector<uint64_t>{1, 3}));
  ASSERT_EQ(first->next_after, 3u);
  auto rest = store_->ListAuditFor({"p1"}, "9990000018", first->next_after, 2);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Sequences(rest->entries), (std::vector<uint64_t>{4}));
  EXPECT_EQ(rest->next_after, 0u);
}

// Each row: a tampering of a sealed 6-entry trail, and what verify says.
struct TamperCase {
  std::string name;
  std::function<absl::Status(const std::string& dir)> tamper;
  std::vector<std::string> problems;  // "<sequence>:<kind>"
};

void PrintTo(const TamperCase& c, std::ostream* os) { *os << c.name; }

class AuditTamperTest : public AuditTrailTest, public ::testing::WithParamInterface<TamperCase> {};

TEST_P(AuditTamperTest, VerifyNamesTheTamperedEntry) {
  AppendAndSeal(6);
  ASSERT_TRUE(Verify().intact());
  Tamper([&] { return GetParam().tamper(dir()); });
  v1::VerifyAuditTrailResponse v = Verify();
  EXPECT_FALSE(v.intact());
  EXPECT_EQ(Kinds(v), GetParam().problems) << v.DebugString();
}

INSTANTIATE_TEST_SUITE_P(
    Tampering, AuditTamperTest,
    ::testing::Values(
        TamperCase{"changed_actor",
                   [](const std::string& d) {
                     return AuditTamper::EditEntry(d, 3, [](v1::AuditEntry& e) {
                       e.mutable_actor()->set_user_id("someone-else");
                     });
                   },
                   {"3:changed"}},
        TamperCase{"changed_outcome",
                   [](const std::string& d) {
                     return AuditTamper::EditEntry(
                         d, 1, [](v1::AuditEntry& e) { e.set_outcome(v1::AUDIT_OUTCOME_DENIED); });
                   },
                   {"1:changed"}},
        TamperCase{"removed_entry",
                   [](const std::string& d) { return AuditTamper::RemoveEntry(d, 4, false); },
                   {"4:removed"}},
        TamperCase{"removed_entry_and_seal",
                   [](const std::string& d) { return AuditTamper::RemoveEntry(d, 4, true); },
                   {"5:changed"}},
        TamperCase{"removed_last_entry_and_seal",
                   [](const std::string& d) { return AuditTamper::RemoveEntry(d, 6, true); },
                   {"5:removed"}},
        TamperCase{"reordered",
                   [](const std::string& d) { return AuditTamper::SwapEntries(d, 2, 5); },
                   {"2:reordered", "5:reordered"}},
        TamperCase{"inserted",
                   [](const std::string& d) {
                     v1::AuditEntry forged = Entry("GetPerson", "p1");
                     forged.set_sequence(0);
                     return AuditTamper::InsertEntry(d, forged);
                   },
                   {"0:inserted"}},
        TamperCase{"replaced_with_a_forgery",
                   [](const std::string& d) -> absl::Status {
                     SP_RETURN_IF_ERROR(AuditTamper::RemoveEntry(d, 4, true));
                     v1::AuditEntry forged = Entry("GetPerson", "p4");
                     forged.set_sequence(4);
                     return AuditTamper::InsertEntry(d, forged);
                   },
                   {"4:inserted", "5:changed"}}),
    [](const auto& info) { return info.param.name; });

TEST_F(AuditTrailTest, AnAnchorDetectsARewrittenTrail) {
  AppendAndSeal(3);
  auto anchor = store_->SealAudit();
  ASSERT_TRUE(anchor.ok());
  EXPECT_TRUE(Verify(*anchor).intact());
  v1::AuditSeal wrong = *anchor;
  wrong.set_head(std::string(64, '0'));
  EXPECT_THAT(Kinds(Verify(wrong)), ElementsAre("3:anchor"));
  v1::AuditSeal beyond = *anchor;
  beyond.set_sealed_through(9);
  EXPECT_THAT(Kinds(Verify(beyond)), ElementsAre("9:anchor"));
}

}  // namespace
}  // namespace signpost::storage
