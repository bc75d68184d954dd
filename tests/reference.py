#!/usr/bin/env python3
"""Independent reference implementation of adagg (Python 3 standard library only).

    python3 tests/reference.py --input FILE --output DIR

Reads an ad-performance CSV (FV-SEC001: campaign_id,date,impressions,clicks,spend,conversions),
aggregates per campaign with exact arithmetic and writes DIR/top10_ctr.csv and
DIR/top10_cpa.csv, which must match adagg's output byte for byte.

Semantics (kept deliberately explicit; see tests/reference_cases/ for worked examples):

* Input is UTF-8; a leading BOM is stripped; bytes that are not valid UTF-8 are carried
  through unchanged (surrogateescape), ids are compared on their raw bytes.
* RFC 4180 via the csv module: quoted fields may hold commas, doubled quotes, CR/LF;
  records end with LF, CRLF (or a bare CR); the last record may lack a line ending.
  Empty lines (no characters at all) are skipped everywhere and are not counted as rows;
  a line holding only spaces is a 1-field record (malformed unless the header has 1 field).
* The first non-empty record is the header. Columns are found by name, trimmed of ASCII
  spaces/tabs and compared ASCII-case-insensitively, in any order; the first occurrence of a
  duplicated name wins; other columns are ignored. campaign_id, impressions, clicks, spend and
  conversions are required: a missing one is an error (stderr, exit status 1). No header at
  all (empty input) is an error too.
* A data record is malformed - skipped and counted, never fatal - when its field count differs
  from the header's, or after trimming ASCII spaces/tabs: campaign_id is empty; impressions,
  clicks or conversions are not ASCII digits only (so no sign, no decimal point, no
  exponent); spend is not digits[.digits] (`.5` and `5.` accepted, `.` not) or has more than
  6 fractional digits other than trailing zeros (`1.50000000` is fine, `1.1234567` is not).
  Numbers have no size limit here (Python ints).
* Totals are exact (ints; spend in millionths). CTR = clicks / impressions, CPA = spend /
  conversions, both exact fractions. No CTR when impressions = 0, no CPA when conversions = 0;
  such campaigns are left out of that ranking.
* top10_ctr: highest CTR first; top10_cpa: lowest CPA first; ties by campaign_id bytes
  ascending. At most 10 rows each.
* Output: header campaign_id,total_impressions,total_clicks,total_spend,total_conversions,CTR,CPA;
  total_spend and CPA with 2 decimals, CTR with 4, rounded half away from zero from the
  exact value; CTR / CPA fields empty when undefined (in both tables). campaign_id starting
  with = + - @ TAB or CR gets a ' prefix, then is quoted (inner quotes doubled) when it
  contains a comma, a double quote, CR or LF. LF line endings, final newline, UTF-8.
"""

import argparse
import csv
import heapq
import os
import sys
from fractions import Fraction

REQUIRED = ("campaign_id", "impressions", "clicks", "spend", "conversions")
OUT_HEADER = "campaign_id,total_impressions,total_clicks,total_spend,total_conversions,CTR,CPA\n"
SPACES = " \t"
MICRO = 10**6
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def die(msg):
    print(f"reference.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def parse_uint(s):
    """ASCII digits only after trimming spaces/tabs -> int, else None."""
    if not (s.isdigit() and s.isascii()):
        s = s.strip(SPACES)
        if not (s.isdigit() and s.isascii()):
            return None
    return int(s)


def parse_spend_micros(s):
    """digits[.digits] with <= 6 significant fractional digits -> int millionths, else None."""
    s = s.strip(SPACES)
    whole, dot, frac = s.partition(".")
    if whole:
        if not (whole.isdigit() and whole.isascii()):
            return None
    elif not frac:
        return None  # "", "."
    if frac:
        if not (frac.isdigit() and frac.isascii()):
            return None
        if len(frac) > 6:
            if frac[6:].strip("0"):
                return None  # a 7th+ fractional digit that is not zero
            frac = frac[:6]
    return int(whole or "0") * MICRO + int(frac.ljust(6, "0") if frac else "0")


def round_half_up(value, places):
    """Exact non-negative Fraction -> decimal string with `places` decimals, half away from zero."""
    scale = 10**places
    n = (value * scale + Fraction(1, 2)).__floor__()
    int_part, frac_part = divmod(n, scale)
    return f"{int_part}.{frac_part:0{places}d}"


def output_id(cid):
    if cid[:1] in ("=", "+", "-", "@", "\t", "\r"):
        cid = "'" + cid
    if any(c in cid for c in ',"\r\n'):
        cid = '"' + cid.replace('"', '""') + '"'
    return cid


def aggregate(path):
    csv.field_size_limit(sys.maxsize)
    totals = {}  # campaign_id -> [impressions, clicks, spend_micros, conversions]
    read = skipped = 0
    with open(path, newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        reader = csv.reader(f)
        header = None
        for rec in reader:
            if rec:
                header = rec
                break
        if header is None:
            die(f"{path}: no header row (empty input)")
        index = {}
        for i, name in enumerate(header):
            index.setdefault(name.strip(SPACES).translate(_ASCII_LOWER), i)
        missing = [c for c in REQUIRED if c not in index]
        if missing:
            die(f"{path}: missing required column(s): {', '.join(missing)}")
        nfields = len(header)
        i_id, i_imp, i_clk, i_sp, i_cv = (index[c] for c in REQUIRED)

        get = totals.get
        for rec in reader:
            if not rec:
                continue
            read += 1
            if len(rec) != nfields:
                skipped += 1
                continue
            cid = rec[i_id].strip(SPACES)
            imp = parse_uint(rec[i_imp])
            clk = parse_uint(rec[i_clk])
            cv = parse_uint(rec[i_cv])
            sp = parse_spend_micros(rec[i_sp])
            if not cid or imp is None or clk is None or cv is None or sp is None:
                skipped += 1
                continue
            t = get(cid)
            if t is None:
                totals[cid] = [imp, clk, sp, cv]
            else:
                t[0] += imp
                t[1] += clk
                t[2] += sp
                t[3] += cv
    return totals, read, skipped


def id_bytes(cid):
    return cid.encode("utf-8", "surrogateescape")


def write_table(path, rows):
    with open(path, "w", newline="", encoding="utf-8", errors="surrogateescape") as out:
        out.write(OUT_HEADER)
        for cid, (imp, clk, sp, cv) in rows:
            ctr = round_half_up(Fraction(clk, imp), 4) if imp > 0 else ""
            cpa = round_half_up(Fraction(sp, MICRO * cv), 2) if cv > 0 else ""
            spend = round_half_up(Fraction(sp, MICRO), 2)
            out.write(f"{output_id(cid)},{imp},{clk},{spend},{cv},{ctr},{cpa}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="input CSV file")
    ap.add_argument("--output", required=True, help="directory for top10_ctr.csv and top10_cpa.csv")
    args = ap.parse_args()
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # huge digit strings are still numbers

    try:
        totals, read, skipped = aggregate(args.input)
    except OSError as e:
        die(str(e))

    top_ctr = heapq.nsmallest(
        10,
        ((cid, t) for cid, t in totals.items() if t[0] > 0),
        key=lambda item: (-Fraction(item[1][1], item[1][0]), id_bytes(item[0])),
    )
    top_cpa = heapq.nsmallest(
        10,
        ((cid, t) for cid, t in totals.items() if t[3] > 0),
        key=lambda item: (Fraction(item[1][2], item[1][3]), id_bytes(item[0])),
    )
    os.makedirs(args.output, exist_ok=True)
    write_table(os.path.join(args.output, "top10_ctr.csv"), top_ctr)
    write_table(os.path.join(args.output, "top10_cpa.csv"), top_cpa)
    print(
        f"reference.py: rows read {read}, aggregated {read - skipped}, skipped {skipped}, "
        f"campaigns {len(totals)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
