#!/usr/bin/env python3
"""An independent reference for `adagg clicks` (issue 17), standard library only.

    python3 tests/clicks/reference.py LOG OUTDIR [--blocklist FILE]
        [--velocity-max N] [--no-rule RULE]... [--isbot-patterns FILE]

Reads a click log (NDJSON: one JSON object per line; or CSV with a header
row naming ad_id and a timestamp column), UTF-8, and writes into OUTDIR the
files of the CLI whose columns are exact:

    clicks_1m.csv, clicks_5m.csv, clicks_1h.csv
        ad_id,window_start,clicks,unique_users,duplicates,flagged,cost
    top10_ads.csv   ad_id,clicks,unique_users,duplicates,flagged,cost
    flagged_clicks.csv  line,click_id,ad_id,timestamp,rules
    rejected_rows.csv   line,reason,raw_line (the reasons are this script's own)
    reference_summary.json  counts (rows, clicks, billable, duplicates, flagged,
        flagged by rule, rejected)

`unique_users` here is the exact distinct count (adagg's is an HLL estimate).

The rules, as the issue states them, in its order of judgement:
  1. a row without an ad_id or a parsable timestamp (or a bad cost), an NDJSON
     line that is not a JSON object, a CSV row with the wrong number of fields:
     rejected;
  2. a click_id seen on an earlier (not rejected) row, in file order: a
     duplicate, counted in its own ad and window, nothing else;
  3. the remaining clicks are judged by ip_blocklist (IP in the list's
     addresses / CIDR ranges), bot_user_agent (empty user agent, or one the
     `isbot` crate's pattern list matches: patterns lowercased, joined with
     `|`, searched in the lowercased user agent), ip_velocity and
     user_velocity (more than N of these clicks on the ad from one IP / by
     one user within one epoch-aligned minute flags every click of that
     bucket; an empty IP / user is not counted). A flagged click is not
     billable.

This shares no code with adagg: only the pattern list, read from the isbot
crate's source in the cargo registry.
"""

import argparse
import csv
import glob
import ipaddress
import io
import json
import os
import re
import sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

RULES = ["ip_blocklist", "bot_user_agent", "ip_velocity", "user_velocity"]
WINDOWS = [(60, "clicks_1m.csv"), (300, "clicks_5m.csv"), (3600, "clicks_1h.csv")]
MILLIS_FROM = 10**11

# Names of the issue (and the usual spellings), lowercased.
ALIASES = {
    "ad_id": "ad", "adid": "ad",
    "timestamp": "ts", "ts": "ts", "event_time": "ts", "click_time": "ts",
    "click_id": "id", "clickid": "id",
    "user_id": "user", "userid": "user",
    "ip_address": "ip", "ip": "ip",
    "user_agent": "ua", "useragent": "ua",
    "campaign_id": "campaign",
    "cost": "cost",
}


def field_of(name):
    return ALIASES.get(name.strip().strip('"').strip().lower().replace(" ", "_").replace("-", "_"))


def trim(s):
    return s.strip(" \t")


# ---- the bot list ----

def isbot_patterns_file():
    home = os.path.expanduser("~")
    found = sorted(glob.glob(os.path.join(home, ".cargo/registry/src/*/isbot-0.1.3/src/bot_regex_patterns.txt")))
    if not found:
        sys.exit("reference.py: the isbot 0.1.3 crate's bot_regex_patterns.txt is not in ~/.cargo/registry (cargo fetch)")
    return found[0]


def ascii_lower(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def bot_regex(path):
    with open(path, encoding="utf-8") as f:
        text = ascii_lower(f.read())
    # The crate: lines that are not blank, a set (order does not matter for
    # a match), joined with `|`.
    patterns = sorted({line for line in text.splitlines() if line.strip()})
    return re.compile("|".join(patterns))


# ---- the blocklist ----

def read_blocklist(path):
    nets = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            entry = line.split("#", 1)[0].strip()
            if not entry:
                continue
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                sys.exit(f"reference.py: blocklist line {n}: {entry!r} is not an IP address or CIDR range")
    return nets


def blocked(nets, ip_text):
    try:
        addr = ipaddress.ip_address(ip_text)
    except ValueError:
        return False
    if addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return any(addr.version == net.version and addr in net for net in nets)


# ---- values ----

class Raw(str):
    """A JSON number kept as written."""


def json_field(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return str(v)
    return json.dumps(v, separators=(",", ":"))


ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$")
NUMBER = re.compile(r"^(\d+)(?:\.(\d*))?$")


# 10000-01-01T00:00:00Z: a time at or past it cannot be written as ISO 8601
# (window_start); refused like one before 1970.
END_MS = 253402300800000


def parse_ms(text):
    """Milliseconds since the epoch (UTC), or None."""
    ms = parse_ms_unbounded(text)
    return ms if ms is not None and ms < END_MS else None


def parse_ms_unbounded(text):
    import datetime
    t = trim(text)
    m = NUMBER.match(t)
    if m:
        whole = int(m.group(1))
        if whole >= MILLIS_FROM:
            return whole  # milliseconds (a fraction of a millisecond dropped)
        frac = (m.group(2) or "")[:3].ljust(3, "0")
        return whole * 1000 + int(frac)
    m = ISO.match(t)
    if not m:
        return None
    y, mo, d, h, mi = (int(m.group(i)) for i in range(1, 6))
    s = int(m.group(6) or 0)
    frac = (m.group(7) or "")[:3].ljust(3, "0")
    zone = m.group(8)
    if h > 23 or mi > 59 or s > 60:  # :60, a leap second: the next second
        return None
    try:
        day = datetime.date(y, mo, d)
    except ValueError:
        return None
    offset = 0
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0))
    days = (day - datetime.date(1970, 1, 1)).days
    secs = days * 86400 + h * 3600 + mi * 60 + s - offset * 60
    if secs < 0:
        return None
    return secs * 1000 + int(frac)


COST = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_cost(text):
    """Decimal cost rounded to 6 places (half away from zero), or None: a
    plain decimal number (an exponent allowed), not negative."""
    t = trim(text)
    if t == "":
        return Decimal(0)
    if not COST.match(t):
        return None
    try:
        v = Decimal(t)
    except InvalidOperation:
        return None
    if not v.is_finite() or v < 0:
        return None
    return v.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def iso_second(secs):
    import datetime
    return (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs)).strftime("%Y-%m-%dT%H:%M:%SZ")


def csv_text(s):
    """A text cell, spreadsheet-safe as adagg writes text: a leading = + - @
    tab or CR gets a `'`; quoted when it holds a comma, quote or line break."""
    guard = s[:1] in ("=", "+", "-", "@", "\t", "\r")
    quote = any(c in s for c in ',"\n\r')
    body = ("'" if guard else "") + s
    return '"' + body.replace('"', '""') + '"' if quote else body


def money(d):
    return str(d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# ---- reading ----

def rows_of(data):
    """(line, fields dict or None, raw text, reason) per data row; fields has
    keys ad, ts, id, user, ip, ua, cost (missing ones absent). Also the set
    of fields the log has."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="replace")
    first = text.lstrip()[:1]
    present = set()
    out = []
    if first == "{":
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for n, line in enumerate(lines, 1):
            line = line[:-1] if line.endswith("\r") else line
            if line.strip() == "":
                continue
            try:
                obj = json.loads(line, parse_float=Raw, parse_int=Raw,
                                 object_pairs_hook=lambda pairs: pairs)
            except ValueError:
                out.append((n, None, line, "invalid JSON"))
                continue
            if not isinstance(obj, list) or (obj and not isinstance(obj[0], tuple)) or not line.lstrip().startswith("{"):
                out.append((n, None, line, "not a JSON object"))
                continue
            fields = {}
            for k, v in obj:
                f = field_of(k)
                if f and f not in fields:
                    fields[f] = json_field(v)
            present.update(fields)
            out.append((n, fields, line, None))
        return out, present, "ndjson"
    # CSV: the header is the first line.
    lines = text.split("\n")
    header_line = lines[0].rstrip("\r")
    names = next(csv.reader([header_line]))
    cols = {}
    for i, name in enumerate(names):
        f = field_of(name)
        if f and f not in cols:
            cols[f] = i
    if "ad" not in cols or "ts" not in cols:
        sys.exit("reference.py: not a click log (no ad_id and timestamp columns)")
    present = set(cols)
    width = len(names)
    body = text[len(lines[0]) + 1:]
    reader = csv.reader(io.StringIO(body, newline=""))
    while True:
        start = reader.line_num + 2  # header is line 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error:
            out.append((start, None, "", "CSV error"))
            continue
        if rec == []:
            continue
        raw = ",".join(rec)
        if len(rec) != width:
            out.append((start, None, raw, f"{len(rec)} fields, header has {width}"))
            continue
        out.append((start, {f: rec[i] for f, i in cols.items()}, raw, None))
    return out, present, "csv"


# ---- the computation ----

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("outdir")
    ap.add_argument("--blocklist")
    ap.add_argument("--velocity-max", type=int, default=5)
    ap.add_argument("--no-rule", action="append", default=[], choices=RULES)
    ap.add_argument("--isbot-patterns")
    a = ap.parse_args()

    with open(a.log, "rb") as f:
        rows, present, _kind = rows_of(f.read())
    nets = read_blocklist(a.blocklist) if a.blocklist else []
    has_cost = "cost" in present
    on = {
        "ip_blocklist": "ip" in present and bool(nets),
        "bot_user_agent": "ua" in present,
        "ip_velocity": "ip" in present,
        "user_velocity": "user" in present,
    }
    for r in a.no_rule:
        on[r] = False
    bots = bot_regex(a.isbot_patterns or isbot_patterns_file())

    # Steps 1 and 2: rejected, duplicate (first occurrence in file order wins).
    rejected = []  # (line, reason, raw)
    clicks = []  # dicts
    seen_ids = set()
    for line, fields, raw, why in rows:
        if fields is None:
            rejected.append((line, why, raw))
            continue
        ad = trim(fields.get("ad", ""))
        if ad == "":
            rejected.append((line, "no ad_id", raw))
            continue
        ms = parse_ms(fields.get("ts", ""))
        if ms is None:
            rejected.append((line, "bad timestamp", raw))
            continue
        cost = parse_cost(fields.get("cost", ""))
        if cost is None:
            rejected.append((line, "bad cost", raw))
            continue
        cid = trim(fields.get("id", ""))
        dup = cid != "" and cid in seen_ids
        if cid != "":
            seen_ids.add(cid)
        clicks.append({
            "line": line, "ad": ad, "ms": ms, "id": cid, "dup": dup,
            "user": trim(fields.get("user", "")), "ip": trim(fields.get("ip", "")),
            "ua": fields.get("ua", ""), "cost": cost,
        })

    # Step 3: velocity buckets over the non-duplicate clicks.
    ip_n = defaultdict(int)
    user_n = defaultdict(int)
    for c in clicks:
        if c["dup"]:
            continue
        minute = c["ms"] // 60000
        if c["ip"]:
            ip_n[(c["ad"], minute, c["ip"])] += 1
        if c["user"]:
            user_n[(c["ad"], minute, c["user"])] += 1

    N = a.velocity_max
    empty = lambda: {"clicks": 0, "users": set(), "dup": 0, "flagged": 0, "cost": Decimal(0)}
    cells = [defaultdict(empty) for _ in WINDOWS]
    totals = defaultdict(empty)
    flagged_rows = []
    counts = {"rows": len(rows), "clicks": len(clicks), "billable": 0, "duplicates": 0, "flagged": 0,
              "by_rule": {r: 0 for r in RULES}, "rejected": len(rejected)}
    for c in clicks:
        secs = c["ms"] // 1000
        targets = [cells[w][(c["ad"], secs // size * size)] for w, (size, _) in enumerate(WINDOWS)] + [totals[c["ad"]]]
        if c["dup"]:
            counts["duplicates"] += 1
            for t in targets:
                t["dup"] += 1
            continue
        minute = c["ms"] // 60000
        rules = []
        if on["ip_blocklist"] and c["ip"] and blocked(nets, c["ip"]):
            rules.append("ip_blocklist")
        if on["bot_user_agent"] and (c["ua"].strip() == "" or bots.search(ascii_lower(c["ua"]))):
            rules.append("bot_user_agent")
        if on["ip_velocity"] and c["ip"] and ip_n[(c["ad"], minute, c["ip"])] > N:
            rules.append("ip_velocity")
        if on["user_velocity"] and c["user"] and user_n[(c["ad"], minute, c["user"])] > N:
            rules.append("user_velocity")
        if rules:
            counts["flagged"] += 1
            for r in rules:
                counts["by_rule"][r] += 1
            for t in targets:
                t["flagged"] += 1
            flagged_rows.append((c["line"], c["id"], c["ad"], iso_second(secs), "|".join(rules)))
            continue
        counts["billable"] += 1
        for t in targets:
            t["clicks"] += 1
            t["cost"] += c["cost"]
            if c["user"]:
                t["users"].add(c["user"])

    def tail(cell):
        cost = money(cell["cost"]) if has_cost else ""
        return f"{cell['clicks']},{len(cell['users'])},{cell['dup']},{cell['flagged']},{cost}\n"

    os.makedirs(a.outdir, exist_ok=True)
    key = lambda ad: ad.encode("utf-8")
    for w, (_size, name) in enumerate(WINDOWS):
        with open(os.path.join(a.outdir, name), "w", encoding="utf-8", newline="") as f:
            f.write("ad_id,window_start,clicks,unique_users,duplicates,flagged,cost\n")
            for (ad, start) in sorted(cells[w], key=lambda k: (key(k[0]), k[1])):
                f.write(f"{csv_text(ad)},{iso_second(start)},{tail(cells[w][(ad, start)])}")
    with open(os.path.join(a.outdir, "top10_ads.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("ad_id,clicks,unique_users,duplicates,flagged,cost\n")
        for ad in sorted(totals, key=lambda ad: (-totals[ad]["clicks"], key(ad)))[:10]:
            f.write(f"{csv_text(ad)},{tail(totals[ad])}")
    with open(os.path.join(a.outdir, "flagged_clicks.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("line,click_id,ad_id,timestamp,rules\n")
        for line, cid, ad, ts, rules in sorted(flagged_rows):
            f.write(f"{line},{csv_text(cid)},{csv_text(ad)},{ts},{rules}\n")
    with open(os.path.join(a.outdir, "rejected_rows.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("line,reason,raw_line\n")
        for line, why, raw in sorted(rejected, key=lambda r: r[0]):
            f.write(f"{line},{csv_text(why)},{csv_text(raw)}\n")
    with open(os.path.join(a.outdir, "reference_summary.json"), "w", encoding="utf-8") as f:
        json.dump(counts, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
