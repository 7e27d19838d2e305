#!/usr/bin/python3
"""Draws docs/BENCHMARKS.md's plots from a scripts/bench.sh log.

    /usr/bin/python3 scripts/plot_benchmarks.py BENCH_LOG OUT_DIR

Writes OUT_DIR/latency_vs_load.png (server submit latency against
throughput, closed loop at 1-64 in flight, with the fdatasync p50 floor)
and OUT_DIR/throughput_vs_ceiling.png (durable writes per second against
concurrency: raw RocksDB sync writes, the referral store, the server).
Needs Debian's python3-matplotlib (scripts/plot_benchmarks.sh installs it).
"""
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def parse(path):
    raw, store, server, fsync = {}, {}, {}, None
    for line in open(path, encoding="utf-8"):
        m = re.search(r"fdatasync .* p50=(\d+) us p99=(\d+) us", line)
        if m:
            fsync = (int(m.group(1)), int(m.group(2)))
        m = re.search(r"raw RocksDB Write\(sync\) writers=(\d+)\s+(\d+) writes/s", line)
        if m:
            raw[int(m.group(1))] = int(m.group(2))
        m = re.search(r"ReferralStore create\s+writers=(\d+)\s+(\d+) referrals/s", line)
        if m:
            store[int(m.group(1))] = int(m.group(2))
        m = re.search(r"^mode=closed rpc=submit concurrency=(\d+) .* rate=(\d+)/s "
                      r"p50=(\d+)us p99=(\d+)us p99.9=(\d+)us", line)
        if m:
            server[int(m.group(1))] = tuple(int(x) for x in m.groups()[1:])
    if not (raw and store and server and fsync):
        sys.exit(f"{path}: not a full scripts/bench.sh log")
    return raw, store, server, fsync


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    raw, store, server, fsync = parse(sys.argv[1])
    out = sys.argv[2]

    fig, ax = plt.subplots(figsize=(7, 4.5))
    levels = sorted(server)
    rates = [server[n][0] for n in levels]
    for idx, label in ((1, "p50"), (2, "p99"), (3, "p99.9")):
        ax.plot(rates, [server[n][idx] / 1000 for n in levels], marker="o", label=f"submit {label}")
    for n, r in zip(levels, rates):
        ax.annotate(f"{n} in flight", (r, server[n][1] / 1000), textcoords="offset points",
                    xytext=(4, -12), fontsize=8)
    ax.axhline(fsync[0] / 1000, color="grey", linestyle="--", label="fdatasync p50 (floor)")
    ax.set_xlabel("durable SubmitReferral throughput (referrals/s)")
    ax.set_ylabel("latency (ms)")
    ax.set_yscale("log")
    ax.set_title("Signpost server: latency against load (closed loop, 2 cores)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{out}/latency_vs_load.png", dpi=110)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for series, label in ((raw, "raw RocksDB Write(sync=true), 2.5 KB"),
                          (store, "ReferralStore create (one synced batch)"),
                          ({n: v[0] for n, v in server.items()}, "server SubmitReferral (gRPC)")):
        xs = sorted(series)
        ax.plot(xs, [series[x] for x in xs], marker="o", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("concurrent writers / calls in flight")
    ax.set_ylabel("durable writes per second")
    ax.set_title("Durable throughput against the same-run ceilings")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{out}/throughput_vs_ceiling.png", dpi=110)
    print(f"plots written to {out}")


if __name__ == "__main__":
    main()
