#include "storage/testing/crash_simulator.h"

#include <unistd.h>

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace signpost::storage {
namespace {

// What the simulator knows about one file.
struct FileState {
  uint64_t size = 0;
  uint64_t synced = 0;
};

class Tracker {
 public:
  void Crash() {
    absl::MutexLock lock(&mu_);
    crashed_ = true;
    for (const auto& [name, f] : files_) unsynced_at_crash_ += f.size - f.synced;
  }
  bool crashed() const {
    absl::MutexLock lock(&mu_);
    return crashed_;
  }
  void Opened(const std::string& name, uint64_t size) {
    absl::MutexLock lock(&mu_);
    auto& f = files_[name];
    f.size = size;
    f.synced = std::min(f.synced, size);
  }
  void Appended(const std::string& name, uint64_t n) {
    absl::MutexLock lock(&mu_);
    files_[name].size += n;
  }
  void Truncated(const std::string& name, uint64_t size) {
    absl::MutexLock lock(&mu_);
    auto& f = files_[name];
    f.size = size;
    f.synced = std::min(f.synced, size);
  }
  void Synced(const std::string& name) {
    absl::MutexLock lock(&mu_);
    auto& f = files_[name];
    f.synced = f.size;
  }
  void Renamed(const std::string& from, const std::string& to) {
    absl::MutexLock lock(&mu_);
    auto it = files_.find(from);
    if (it == files_.end()) return;
    files_[to] = it->second;
    files_.erase(it);
  }
  void Deleted(const std::string& name) {
    absl::MutexLock lock(&mu_);
    files_.erase(name);
  }
  std::map<std::string, FileState> Snapshot() const {
    absl::MutexLock lock(&mu_);
    return files_;
  }
  uint64_t unsynced_at_crash() const {
    absl::MutexLock lock(&mu_);
    return unsynced_at_crash_;
  }

 private:
  mutable absl::Mutex mu_;
  bool crashed_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t unsynced_at_crash_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, FileState> files_ ABSL_GUARDED_BY(mu_);
};

rocksdb::IOStatus CrashedError() { return rocksdb::IOStatus::IOError("simulated power loss"); }

class TrackedFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile>&& target, std::string name, Tracker& tracker)
      : FSWritableFileOwnerWrapper(std::move(target)), name_(std::move(name)), tracker_(tracker) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    auto s = target()->Append(data, o, d);
    if (s.ok()) tracker_.Appended(name_, data.size());
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& v,
                           rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    auto s = target()->Append(data, o, v, d);
    if (s.ok()) tracker_.Appended(name_, data.size());
    return s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("positioned append is not simulated");
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     const rocksdb::DataVerificationInfo&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("positioned append is not simulated");
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    auto s = target()->Truncate(size, o, d);
    if (s.ok()) tracker_.Truncated(name_, size);
    return s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    auto s = target()->Sync(o, d);
    if (s.ok()) tracker_.Synced(name_);
    return s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    auto s = target()->Fsync(o, d);
    if (s.ok()) tracker_.Synced(name_);
    return s;
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t n, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* d) override {
    // A partial sync promises nothing about the whole file; pass it on but
    // do not count it as synced.
    if (tracker_.crashed()) return CrashedError();
    return target()->RangeSync(offset, n, o, d);
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    return target()->Flush(o, d);
  }
  bool use_direct_io() const override { return false; }

 private:
  std::string name_;
  Tracker& tracker_;
};

class TrackingFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  TrackingFileSystem(const std::shared_ptr<rocksdb::FileSystem>& base, Tracker& tracker)
      : FileSystemWrapper(base), tracker_(tracker) {}

  const char* Name() const override { return "SignpostCrashSimulatorFS"; }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    rocksdb::FileOptions buffered = o;
    buffered.use_direct_writes = false;
    std::unique_ptr<rocksdb::FSWritableFile> file;
    auto s = target()->NewWritableFile(f, buffered, &file, d);
    if (!s.ok()) return s;
    tracker_.Opened(f, 0);
    tracker_.Truncated(f, 0);
    *r = std::make_unique<TrackedFile>(std::move(file), f, tracker_);
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    auto s = target()->ReopenWritableFile(f, o, &file, d);
    if (!s.ok()) return s;
    uint64_t size = 0;
    (void)target()->GetFileSize(f, rocksdb::IOOptions(), &size, d);
    tracker_.Opened(f, size);
    *r = std::make_unique<TrackedFile>(std::move(file), f, tracker_);
    return s;
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string&, const std::string&,
                                      const rocksdb::FileOptions&,
                                      std::unique_ptr<rocksdb::FSWritableFile>*,
                                      rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("WAL recycling is not simulated");
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    auto s = target()->RenameFile(from, to, o, d);
    if (s.ok()) tracker_.Renamed(from, to);
    return s;
  }
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* d) override {
    if (tracker_.crashed()) return CrashedError();
    auto s = target()->DeleteFile(f, o, d);
    if (s.ok()) tracker_.Deleted(f);
    return s;
  }

 private:
  Tracker& tracker_;
};

class CrashSimulatorImpl final : public CrashSimulator {
 public:
  CrashSimulatorImpl()
      : fs_(std::make_shared<TrackingFileSystem>(rocksdb::FileSystem::Default(), tracker_)),
        env_(rocksdb::NewCompositeEnv(fs_)) {}

  void Crash() override { tracker_.Crash(); }

  absl::Status DropUnsyncedData() override {
    for (const auto& [name, f] : tracker_.Snapshot()) {
      if (access(name.c_str(), F_OK) != 0) continue;
      if (::truncate(name.c_str(), static_cast<off_t>(f.synced)) != 0) {
        return absl::InternalError(absl::StrCat("cannot truncate ", name));
      }
    }
    return absl::OkStatus();
  }

  uint64_t UnsyncedBytesAtCrash() const override { return tracker_.unsynced_at_crash(); }

  rocksdb::Env* env() override { return env_.get(); }

 private:
  Tracker tracker_;
  std::shared_ptr<TrackingFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
};

}  // namespace

std::shared_ptr<CrashSimulator> CrashSimulator::Create() {
  return std::make_shared<CrashSimulatorImpl>();
}

}  // namespace signpost::storage
