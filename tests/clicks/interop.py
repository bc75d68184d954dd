#!/usr/bin/env python3
"""DataSketches interop for adagg's `user_sketches_1h.csv` (issue 17), with
the PyPI `datasketches` package (installed in .venv-test/ by scripts/setup.sh).

    .venv-test/bin/python tests/clicks/interop.py make-log LOG.ndjson
    .venv-test/bin/python tests/clicks/interop.py check user_sketches_1h.csv

`make-log` writes a click log whose users per ad are known, all in the hour
2025-01-15T12:00:00Z, one billable click per user (browser user agent, one
IP per click, no retries):

    ad a_big    users u0 .. u49999   (HLL mode)
    ad a_mid    users u0 .. u1999    (HLL mode past the coupon set)
    ad a_set    users u0 .. u299     (coupon set mode)
    ad a_list   users u0 .. u6       (coupon list mode)
    ad a_utf8   users "ü0" .. "ü39", "用户0" .. "用户39" (UTF-8 bytes hashed)

`check` reads adagg's sketches (base64 of a serialized DataSketches HLL) and
for each ad asserts:
  1. `hll_sketch.deserialize` reads it; lg_k is the column's; its estimate,
     rounded, is the `unique_users` column;
  2. a sketch built here from exactly the same users (update with a Python
     str: hashed as its UTF-8 bytes, like Java's update(String)) has the same
     registers (HLL mode: the 4096 bytes after the 40-byte preamble of the
     HLL_8 form) and the same estimate (HLL mode: adagg marks its sketches
     out of order, so both are read with the composite estimator; the HIP
     estimate of a sketch updated in order here is printed beside it):
     the same hashing;
  3. the union (`hll_union`, lg_k 12) of adagg's sketch with a sketch built
     here from an overlapping set (a_big: u25000 .. u74999, union 75000;
     others: the upper half of the users shifted by the count, union 1.5 ×)
     estimates the union's true count within 3 standard deviations (the
     sketch's own bounds, and 3 × 1.04/sqrt(4096) relative); exact when both
     are small enough to be exact.
Exit status 0 when every check passes; each failure is printed.
"""

import base64
import csv
import json
import sys

HOUR = 1736942400  # 2025-01-15T12:00:00Z
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def users_of(ad):
    if ad == "a_big":
        return [f"u{i}" for i in range(50000)]
    if ad == "a_mid":
        return [f"u{i}" for i in range(2000)]
    if ad == "a_set":
        return [f"u{i}" for i in range(300)]
    if ad == "a_list":
        return [f"u{i}" for i in range(7)]
    if ad == "a_utf8":
        return [f"ü{i}" for i in range(40)] + [f"用户{i}" for i in range(40)]
    raise KeyError(ad)


def others_of(ad):
    """The users of the overlapping sketch built here."""
    if ad == "a_big":
        return [f"u{i}" for i in range(25000, 75000)]
    mine = users_of(ad)
    n = len(mine)
    if ad == "a_utf8":
        return [f"ü{i}" for i in range(20, 60)] + [f"用户{i}" for i in range(20, 60)]
    return [f"u{i}" for i in range(n // 2, n + n // 2)]


ADS = ["a_big", "a_mid", "a_set", "a_list", "a_utf8"]


def make_log(path):
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for ad in ADS:
            for k, user in enumerate(users_of(ad)):
                ts = HOUR + (k * 7919 + n) % 3600
                ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
                row = {"click_id": f"c{n}", "ad_id": ad, "user_id": user, "timestamp": ts,
                       "ip_address": ip, "user_agent": UA}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1


def check(sketches_csv):
    import datasketches as ds

    failures = []

    def fail(msg):
        failures.append(msg)
        print("FAIL:", msg)

    def sketch_of(users):
        s = ds.hll_sketch(12, ds.tgt_hll_type.HLL_8)
        for u in users:
            s.update(u)
        return s

    def union_estimate(*sketches):
        u = ds.hll_union(12)
        for s in sketches:
            u.update(s)
        return u.get_result(ds.tgt_hll_type.HLL_8)

    with open(sketches_csv, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_ad = {r["ad_id"]: r for r in rows}
    if sorted(by_ad) != sorted(ADS):
        fail(f"ads in {sketches_csv}: {sorted(by_ad)}, expected {sorted(ADS)}")
    for ad in ADS:
        r = by_ad.get(ad)
        if r is None:
            continue
        if r["window_start"] != "2025-01-15T12:00:00Z":
            fail(f"{ad}: window_start {r['window_start']}")
        raw = base64.b64decode(r["sketch_base64"])
        theirs = ds.hll_sketch.deserialize(raw)
        if theirs.lg_config_k != int(r["lg_k"]):
            fail(f"{ad}: lg_k {theirs.lg_config_k} in the sketch, {r['lg_k']} in the column")
        est = theirs.get_estimate()
        if round(est) != int(r["unique_users"]):
            fail(f"{ad}: deserialized estimate {est} rounds to {round(est)}, column says {r['unique_users']}")

        users = users_of(ad)
        mine = sketch_of(users)
        # Same hashing: the same registers in HLL mode; the same estimate
        # through a union (adagg's sketch is marked out of order, so its
        # estimate is the registers' composite estimate, as a union's is).
        mine_c = mine.serialize_compact()
        if len(raw) == 40 + 4096:
            # HLL mode. adagg's sketch is marked out of order (flags byte 5,
            # bit 4), so its estimate is the registers' composite estimate,
            # the same whatever order the users came in; a sketch updated in
            # order here reports its HIP estimate instead. Compare registers,
            # and estimates with the same estimator (the flag set here too).
            if len(mine_c) != len(raw):
                fail(f"{ad}: adagg's sketch is in HLL mode ({len(raw)} bytes), the same users here give {len(mine_c)} bytes")
            elif raw[40:] != mine_c[40:]:
                diff = sum(1 for a, b in zip(raw[40:], mine_c[40:]) if a != b)
                fail(f"{ad}: {diff} of 4096 registers differ from a sketch of the same users built here")
            if not raw[5] & 16:
                fail(f"{ad}: adagg's HLL-mode sketch is not marked out of order (flags {raw[5]:#x})")
            flagged = bytearray(mine_c)
            flagged[5] |= 16
            same = ds.hll_sketch.deserialize(bytes(flagged)).get_estimate()
            print(f"{ad}: same users built here: registers equal; composite estimate {same:.1f}, "
                  f"HIP estimate (in order) {mine.get_estimate():.1f}")
        else:
            same = mine.get_estimate()
        if same != est:
            fail(f"{ad}: a sketch of the same {len(users)} users built here estimates {same}, adagg's {est}")
        if abs(union_estimate(theirs, mine).get_estimate() - est) > 1e-9 * max(est, 1):
            fail(f"{ad}: the union of adagg's sketch with one of the same users changed the estimate")
        if len(users) <= 300 and round(est) != len(users):
            fail(f"{ad}: {len(users)} users, estimate {est} (should be exact)")

        others = others_of(ad)
        truth = len(set(users) | set(others))
        u = union_estimate(theirs, sketch_of(others))
        ue = u.get_estimate()
        lo, hi = u.get_lower_bound(3), u.get_upper_bound(3)
        rel = abs(ue - truth) / truth
        ok = lo <= truth <= hi and rel <= 3 * 1.04 / 64
        print(f"{ad}: adagg {r['unique_users']} (truth {len(users)}); union with {len(others)} built here: "
              f"{ue:.1f} (truth {truth}, bounds {lo:.1f}..{hi:.1f}, error {rel * 100:.2f}%)")
        if not ok:
            fail(f"{ad}: union estimate {ue} not within 3 standard deviations of {truth} (bounds {lo}..{hi})")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("interop ok:", len(ADS), "sketches")
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "make-log":
        make_log(sys.argv[2])
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        return check(sys.argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
