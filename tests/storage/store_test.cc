#include "storage/store.h"

#include <atomic>
#include <set>
#include <thread>

#include "common/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"
#include "rocksdb/db.h"
#include "storage/column_families.h"
#include "storage/key_codec.h"
#include "tests/fakes/fake_clock.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::IsOk;
using ::signpost::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::SizeIs;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 22, 9, 0, 0), absl::UTCTimeZone());

// What creating a referral gave: stored (created) or the earlier one.
struct CreateOutcome {
  bool created = false;
  v1::Referral referral;
};

class ReferralStoreTest : public ::testing::Test {
 protected:
  ReferralStoreTest() : clock_(kStart), ids_(clock_, /*seed=*/42) { Reopen(); }

  void Reopen() {
    store_.reset();
    auto store = Store::Open({.data_dir = dir_.Sub("db")});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  // A new referral in `status` from `ods` via `channel`, received now.
  v1::Referral MakeReferral(const std::string& request_id, const std::string& ods = "G85001",
                            v1::SourceChannel channel = v1::SOURCE_CHANNEL_GP,
                            v1::ReferralStatus status = v1::REFERRAL_STATUS_RECEIVED) {
    v1::Referral r;
    r.set_referral_id(ids_.NextReferralId());
    r.set_request_id(request_id);
    r.set_status(status);
    *r.mutable_received_at() = ToProtoTime(*ReferralIdTime(r.referral_id()));
    *r.mutable_submission() = testing::ValidGpReferral(request_id).submission();
    r.mutable_submission()->set_channel(channel);
    r.mutable_submission()->mutable_referrer()->set_ods_code(ods);
    return r;
  }

  v1::ReferralEvent ReceivedEvent(const v1::Referral& r) {
    v1::ReferralEvent e;
    e.set_type(v1::ReferralEvent::TYPE_RECEIVED);
    e.set_referral_id(r.referral_id());
    e.set_referrer_ods_code(r.submission().referrer().ods_code());
    e.set_status(r.status());
    return e;
  }

  // Stores a new referral with `events` under (scope, request id), trying
  // `references` in order.
  absl::StatusOr<CreateOutcome> CreateWith(const v1::Referral& r,
                                           std::vector<v1::ReferralEvent> events,
                                           std::vector<std::string> references,
                                           Store* store = nullptr) {
    absl::StatusOr<Applied> applied =
        (store != nullptr ? store : store_.get())
            ->Apply(
                {.referral = ReferralPut{.record = r,
                                         .events = std::move(events),
                                         .idempotency_scope = r.submission().referrer().ods_code(),
                                         .reference_candidates = std::move(references)}});
    if (!applied.ok()) return applied.status();
    return CreateOutcome{.created = !applied->replayed, .referral = std::move(applied->referral)};
  }

  absl::StatusOr<CreateOutcome> Create(const v1::Referral& r) {
    return CreateWith(r, {ReceivedEvent(r)}, {ids_.NextReference()});
  }

  // Moves a stored referral to `status` with one event.
  absl::StatusOr<Applied> MoveTo(const v1::Referral& current, v1::ReferralStatus status) {
    v1::Referral next = current;
    next.set_status(status);
    v1::ReferralEvent e;
    e.set_type(v1::ReferralEvent::TYPE_STATUS_CHANGED);
    e.set_previous_status(current.status());
    e.set_status(status);
    return store_->Apply(
        {.referral = ReferralPut{.record = next, .before = current, .events = {e}}});
  }

  // Creates and returns the stored referral, advancing the clock 1s.
  v1::Referral CreateOk(const v1::Referral& r) {
    auto outcome = Create(r);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    clock_.Advance(absl::Seconds(1));
    return outcome.ok() ? outcome->referral : v1::Referral();
  }

  std::vector<std::string> ListIds(ReferralQuery q) {
    auto page = store_->ListReferrals(q);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const auto& r : page->referrals) ids.push_back(r.referral_id());
    }
    return ids;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  IdGenerator ids_;
  std::unique_ptr<Store> store_;
};

TEST_F(ReferralStoreTest, CreateThenGetRoundTripsEveryField) {
  const v1::Referral r = MakeReferral("req-1");
  ASSERT_OK_AND_ASSIGN(CreateOutcome outcome, Create(r));
  EXPECT_TRUE(outcome.created);
  EXPECT_FALSE(outcome.referral.reference().empty());
  EXPECT_EQ(outcome.referral.last_event_sequence(), 1u);
  ASSERT_OK_AND_ASSIGN(v1::Referral got, store_->GetReferral(r.referral_id()));
  EXPECT_EQ(got.SerializeAsString(), outcome.referral.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(std::string by_ref, store_->ResolveReference(got.reference()));
  EXPECT_EQ(by_ref, r.referral_id());
}

TEST_F(ReferralStoreTest, SeveralEventsInOneCreateGetConsecutiveSequences) {
  v1::Referral r = MakeReferral("req-1");
  v1::ReferralEvent received = ReceivedEvent(r);
  v1::ReferralEvent triaged = ReceivedEvent(r);
  triaged.set_type(v1::ReferralEvent::TYPE_STATUS_CHANGED);
  triaged.set_status(v1::REFERRAL_STATUS_TRIAGED);
  ASSERT_OK_AND_ASSIGN(CreateOutcome outcome,
                       CreateWith(r, {received, triaged}, {ids_.NextReference()}));
  EXPECT_EQ(outcome.referral.last_event_sequence(), 2u);
  uint64_t scanned = 0;
  ASSERT_OK_AND_ASSIGN(auto events, store_->events().ReadEvents(0, 10, {}, &scanned));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].type(), v1::ReferralEvent::TYPE_RECEIVED);
  EXPECT_EQ(events[1].status(), v1::REFERRAL_STATUS_TRIAGED);
  EXPECT_EQ(events[1].reference(), outcome.referral.reference());
  v1::Referral none = MakeReferral("req-2");
  EXPECT_THAT(CreateWith(none, {}, {ids_.NextReference()}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ReferralStoreTest, UnknownIdsAreNotFound) {
  EXPECT_THAT(store_->GetReferral("01M820GT6H2HQ3TE3GESFGNCNE"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->ResolveReference("AAAA-AAAA"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReferralStoreTest, SameIdempotencyKeyReturnsOriginalAndWritesNothing) {
  const v1::Referral first = CreateOk(MakeReferral("req-1"));
  const uint64_t visible = store_->events().Visible();
  ASSERT_OK_AND_ASSIGN(CreateOutcome again, Create(MakeReferral("req-1")));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.referral.referral_id(), first.referral_id());
  EXPECT_EQ(store_->events().Visible(), visible) << "a replay must not append an event";
  EXPECT_THAT(ListIds({.limit = 100}), ElementsAre(first.referral_id()));
}

TEST_F(ReferralStoreTest, IdempotencyIsScopedByReferrerOrganisation) {
  CreateOk(MakeReferral("req-1", "G85001"));
  ASSERT_OK_AND_ASSIGN(CreateOutcome other, Create(MakeReferral("req-1", "G85002")));
  EXPECT_TRUE(other.created);
}

TEST_F(ReferralStoreTest, IdempotencySurvivesReopen) {
  const v1::Referral first = CreateOk(MakeReferral("req-1"));
  Reopen();
  ASSERT_OK_AND_ASSIGN(CreateOutcome again, Create(MakeReferral("req-1")));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.referral.referral_id(), first.referral_id());
}

TEST_F(ReferralStoreTest, ReferenceCollisionsTakeTheNextCandidateOrConflict) {
  const v1::Referral a = MakeReferral("a");
  ASSERT_THAT(CreateWith(a, {ReceivedEvent(a)}, {"AAAA-AAAA"}), IsOk());
  const v1::Referral b = MakeReferral("b");
  ASSERT_OK_AND_ASSIGN(CreateOutcome outcome,
                       CreateWith(b, {ReceivedEvent(b)}, {"AAAA-AAAA", "BBBB-BBBB"}));
  EXPECT_EQ(outcome.referral.reference(), "BBBB-BBBB");
  // Every candidate in use: a conflict (the caller draws new references),
  // and nothing is written.
  const v1::Referral c = MakeReferral("c");
  const uint64_t visible = store_->events().Visible();
  absl::StatusOr<CreateOutcome> taken = CreateWith(c, {ReceivedEvent(c)}, {"AAAA-AAAA"});
  EXPECT_THAT(taken, StatusIs(absl::StatusCode::kAborted));
  EXPECT_TRUE(IsConflict(taken.status()));
  EXPECT_EQ(store_->events().Visible(), visible);
  EXPECT_THAT(store_->GetReferral(c.referral_id()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReferralStoreTest, UpdateMovesStatusIndexAndAppendsEvent) {
  const v1::Referral r = CreateOk(MakeReferral("req-1"));
  ASSERT_OK_AND_ASSIGN(Applied applied, MoveTo(r, v1::REFERRAL_STATUS_WITHDRAWN));
  const v1::Referral& updated = applied.referral;
  EXPECT_EQ(updated.last_event_sequence(), 2u);
  EXPECT_THAT(ListIds({.statuses = {v1::REFERRAL_STATUS_RECEIVED}, .limit = 10}), SizeIs(0));
  EXPECT_THAT(ListIds({.statuses = {v1::REFERRAL_STATUS_WITHDRAWN}, .limit = 10}),
              ElementsAre(r.referral_id()));
  uint64_t scanned = 0;
  ASSERT_OK_AND_ASSIGN(auto events, store_->events().ReadEvents(0, 10, {}, &scanned));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[1].referral_id(), r.referral_id());
  EXPECT_EQ(events[1].status(), v1::REFERRAL_STATUS_WITHDRAWN);
  EXPECT_EQ(scanned, 2u);
}

TEST_F(ReferralStoreTest, AChangeDecidedOnAStaleReadWritesNothing) {
  const v1::Referral r = CreateOk(MakeReferral("req-1"));
  ASSERT_THAT(MoveTo(r, v1::REFERRAL_STATUS_TRIAGED), IsOk());
  // `r` is now stale: a change decided on it is a conflict.
  absl::StatusOr<Applied> stale = MoveTo(r, v1::REFERRAL_STATUS_CLOSED);
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_TRUE(IsConflict(stale.status()));
  ASSERT_OK_AND_ASSIGN(v1::Referral got, store_->GetReferral(r.referral_id()));
  EXPECT_EQ(got.status(), v1::REFERRAL_STATUS_TRIAGED);
  EXPECT_EQ(store_->events().Visible(), 2u);
}

TEST_F(ReferralStoreTest, ListFiltersCombineAndPage) {
  const auto a = CreateOk(MakeReferral("a", "G85001", v1::SOURCE_CHANNEL_GP));
  const auto b = CreateOk(MakeReferral("b", "RV5", v1::SOURCE_CHANNEL_SOCIAL_CARE));
  const auto c = CreateOk(MakeReferral("c", "G85001", v1::SOURCE_CHANNEL_GP));
  const auto d = CreateOk(
      MakeReferral("d", "G85001", v1::SOURCE_CHANNEL_CALL_HUB, v1::REFERRAL_STATUS_WITHDRAWN));

  EXPECT_THAT(ListIds({.limit = 10}),
              ElementsAre(a.referral_id(), b.referral_id(), c.referral_id(), d.referral_id()));
  EXPECT_THAT(ListIds({.referrer_ods_code = "G85001", .limit = 10}),
              ElementsAre(a.referral_id(), c.referral_id(), d.referral_id()));
  EXPECT_THAT(ListIds({.channel = v1::SOURCE_CHANNEL_GP, .limit = 10}),
              ElementsAre(a.referral_id(), c.referral_id()));
  EXPECT_THAT(ListIds({.statuses = {v1::REFERRAL_STATUS_WITHDRAWN, v1::REFERRAL_STATUS_RECEIVED},
                       .channel = v1::SOURCE_CHANNEL_CALL_HUB,
                       .limit = 10}),
              ElementsAre(d.referral_id()));
  // Multi-status scans merge in received order.
  EXPECT_THAT(ListIds({.statuses = {v1::REFERRAL_STATUS_WITHDRAWN, v1::REFERRAL_STATUS_RECEIVED},
                       .limit = 10}),
              ElementsAre(a.referral_id(), b.referral_id(), c.referral_id(), d.referral_id()));
  // Time range [b, d).
  EXPECT_THAT(ListIds({.received_at_or_after = FromProtoTime(b.received_at()),
                       .received_before = FromProtoTime(d.received_at()),
                       .limit = 10}),
              ElementsAre(b.referral_id(), c.referral_id()));

  // Paging visits each exactly once.
  std::vector<std::string> seen;
  ReferralQuery q{.limit = 3};
  for (int pages = 0; pages < 10; ++pages) {
    ASSERT_OK_AND_ASSIGN(ReferralPage page, store_->ListReferrals(q));
    for (const auto& r : page.referrals) seen.push_back(r.referral_id());
    if (page.resume_after_id.empty()) break;
    q.start_after_id = page.resume_after_id;
  }
  EXPECT_THAT(seen,
              ElementsAre(a.referral_id(), b.referral_id(), c.referral_id(), d.referral_id()));
}

TEST_F(ReferralStoreTest, SparseFilterStopsAtScanBudgetWithResumePoint) {
  for (int i = 0; i < 20; ++i) CreateOk(MakeReferral("r" + std::to_string(i), "G85001"));
  const auto last = CreateOk(MakeReferral("rare", "RV5"));
  ReferralQuery q{.statuses = {v1::REFERRAL_STATUS_RECEIVED},
                  .referrer_ods_code = "RV5",
                  .limit = 5,
                  .max_scan = 8};
  ASSERT_OK_AND_ASSIGN(ReferralPage page, store_->ListReferrals(q));
  EXPECT_THAT(page.referrals, SizeIs(0));
  ASSERT_FALSE(page.resume_after_id.empty());
  std::vector<std::string> found;
  for (int i = 0; i < 10; ++i) {
    q.start_after_id = page.resume_after_id;
    ASSERT_OK_AND_ASSIGN(page, store_->ListReferrals(q));
    for (const auto& r : page.referrals) found.push_back(r.referral_id());
    if (page.resume_after_id.empty()) break;
  }
  EXPECT_THAT(found, ElementsAre(last.referral_id()));
}

TEST_F(ReferralStoreTest, ReadEventsFiltersAndReportsScanPosition) {
  const auto a = CreateOk(MakeReferral("a", "G85001"));
  CreateOk(MakeReferral("b", "RV5"));
  const auto c = CreateOk(MakeReferral("c", "G85001"));
  uint64_t scanned = 0;
  ASSERT_OK_AND_ASSIGN(
      auto events, store_->events().ReadEvents(0, 10, {.referrer_ods_code = "G85001"}, &scanned));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].referral_id(), a.referral_id());
  EXPECT_EQ(events[1].referral_id(), c.referral_id());
  EXPECT_EQ(scanned, 3u);
  ASSERT_OK_AND_ASSIGN(events, store_->events().ReadEvents(0, 1, {}, &scanned));
  EXPECT_THAT(events, SizeIs(1));
  EXPECT_EQ(scanned, 1u);
  ASSERT_OK_AND_ASSIGN(events, store_->events().ReadEvents(3, 10, {}, &scanned));
  EXPECT_THAT(events, SizeIs(0));
  EXPECT_EQ(scanned, 3u);
}

TEST_F(ReferralStoreTest, EventSequenceContinuesAfterReopen) {
  CreateOk(MakeReferral("a"));
  CreateOk(MakeReferral("b"));
  Reopen();
  EXPECT_EQ(store_->events().Visible(), 2u);
  const auto c = CreateOk(MakeReferral("c"));
  EXPECT_EQ(c.last_event_sequence(), 3u);
}

TEST_F(ReferralStoreTest, ListenerHearsEachAdvance) {
  std::vector<uint64_t> heard;
  store_->events().SetListener([&](uint64_t v) { heard.push_back(v); });
  CreateOk(MakeReferral("a"));
  CreateOk(MakeReferral("b"));
  EXPECT_THAT(heard, ElementsAre(1u, 2u));
}

TEST_F(ReferralStoreTest, ConcurrentDuplicateSubmissionsCreateOneReferral) {
  std::atomic<int> created{0};
  std::set<std::string> ids;
  absl::Mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        v1::Referral r = MakeReferral("dup-" + std::to_string(i));
        auto outcome = Create(r);
        ASSERT_TRUE(outcome.ok()) << outcome.status();
        created += outcome->created;
        absl::MutexLock lock(&mu);
        ids.insert(outcome->referral.referral_id());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_THAT(ListIds({.limit = 1000}), SizeIs(20));
}

TEST_F(ReferralStoreTest, CheckpointRestoresAndReopens) {
  const auto a = CreateOk(MakeReferral("a"));
  ASSERT_OK(store_->Checkpoint(dir_.Sub("checkpoint")));
  CreateOk(MakeReferral("after-checkpoint"));
  auto restored = Store::Open({.data_dir = dir_.Sub("checkpoint")});
  ASSERT_TRUE(restored.ok()) << restored.status();
  ASSERT_OK_AND_ASSIGN(v1::Referral got, (*restored)->GetReferral(a.referral_id()));
  EXPECT_EQ(got.request_id(), "a");
  EXPECT_EQ((*restored)->events().Visible(), 1u);
  // The restored copy is writable and independent.
  v1::Referral b = MakeReferral("b");
  ASSERT_THAT(CreateWith(b, {ReceivedEvent(b)}, {ids_.NextReference()}, restored->get()), IsOk());
  EXPECT_THAT(ListIds({.limit = 10}), SizeIs(2));  // original: a + after-checkpoint
  EXPECT_THAT(store_->Checkpoint(dir_.Sub("checkpoint")), ::testing::Not(IsOk()))
      << "checkpoint into an existing directory must fail";
}

TEST_F(ReferralStoreTest, RequiresDataDir) {
  EXPECT_THAT(Store::Open({.data_dir = ""}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ReferralStoreTest, RefusesDataFromAnotherSchemaVersion) {
  store_.reset();
  {
    // Rewrite the schema version behind the store's back.
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (std::string_view name : kColumnFamilyNames) {
      cfs.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir_.Sub("db"), cfs, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[static_cast<size_t>(ColumnFamily::kMeta)],
                        std::string(keys::kSchemaVersion), "99")
                    .ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  }
  EXPECT_THAT(Store::Open({.data_dir = dir_.Sub("db")}),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("99")));
}

}  // namespace
}  // namespace signpost::storage
