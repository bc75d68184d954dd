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
  from the header's, or after trimming ASCII spaces/tabs: campaign_id is empty; a number does
  not parse. Numbers are written as exported (issue 4): surrounding spaces and no-break
  spaces, one currency symbol ($ EUR-sign GBP-sign YEN-sign) or 3-letter code (`USD 12.00`,
  `12.00 EUR`), thousands separators `1,234,567` (groups of exactly 3 digits), a `.`
  decimal point, an exponent (`1e-05`, `1.5E3`, `2.5e+2`: `e` or `E`, an optional sign, one
  or more digits); empty or `--` means 0. Counts must have an integer part and an integer
  value (`48.00` and `4.8e1` are 48; `12.5` and `1.25e1` are malformed); spend takes any
  number of fractional digits and is rounded half away from zero to 6 decimals (Decimal,
  ROUND_HALF_UP on the absolute value, as SQL's numeric(p, 6)); `.5` and `5.` accepted, `.`
  not. A leading `-` on a non-zero value is malformed (negative), even if it rounds to 0.
  Numbers have no size limit here below 10^100 (adagg's u64 limit is not reached by the
  test files).
* Total and footer rows are skipped and counted (issue 12): the first or the campaign field is
  exactly `Total` or `Totals`, or starts with `Total:` (any case), and the campaign field and
  the date field (when there is a date column) are each empty, `--` or such a label; or the
  record is a lone field with a copyright sign, `rights reserved` or starting with
  `copyright`. `Total Recall` or `Totals Sale` with a date is a campaign.
* A byte-order mark at the start of any record is dropped. A record that repeats the header's
  names (trimmed, case-insensitive) in the same order is skipped and counted; in another order
  it is an error (exit status 1).
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
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

REQUIRED = ("campaign_id", "impressions", "clicks", "spend", "conversions")
OUT_HEADER = "campaign_id,total_impressions,total_clicks,total_spend,total_conversions,CTR,CPA\n"
SPACES = " \t"
MICRO = 10**6
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def die(msg):
    print(f"reference.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


_SYMBOLS = ("$", "\u20ac", "\u00a3", "\u00a5")
_WIDE_SPACES = " \t\u00a0"


def _is_code(c):
    return len(c) == 3 and all("A" <= ch <= "Z" for ch in c)


def _strip_currency(s):
    """One currency symbol per kind at either end, then a 3-letter code (USD 12 / 12 EUR)."""
    s = s.strip(_WIDE_SPACES)
    for sym in _SYMBOLS:
        if s.startswith(sym):
            s = s[len(sym):].strip(_WIDE_SPACES)
        if s.endswith(sym):
            s = s[: -len(sym)].strip(_WIDE_SPACES)
    if len(s) > 4 and _is_code(s[:3]) and s[3] == " ":
        s = s[4:].strip(_WIDE_SPACES)
    if len(s) > 4 and _is_code(s[-3:]) and s[-4] == " ":
        s = s[:-4].strip(_WIDE_SPACES)
    return s


def _ascii_digits(s):
    return s.isascii() and s.isdigit()


def _int_part(whole):
    """digits, or 1-3 digits then groups of ,ddd -> int; None if malformed."""
    if "," not in whole:
        return int(whole) if _ascii_digits(whole) else None
    groups = whole.split(",")
    if not (1 <= len(groups[0]) <= 3) or not all(len(g) == 3 for g in groups[1:]):
        return None
    if not all(_ascii_digits(g) for g in groups):
        return None
    return int("".join(groups))


def _split_number(s):
    """-> (negative, whole, frac, exp) or "zero" for empty / --, or None if malformed."""
    s = _strip_currency(s)
    if s in ("", "--"):
        return "zero"
    negative = s.startswith("-")
    if negative:
        s = _strip_currency(s[1:])
    exp = 0
    e = min((i for i in (s.find("e"), s.find("E")) if i >= 0), default=-1)
    if e >= 0:
        digits = s[e + 1:]
        sign = 1
        if digits[:1] in ("+", "-"):
            sign = -1 if digits[0] == "-" else 1
            digits = digits[1:]
        if not _ascii_digits(digits):
            return None
        exp = sign * int(digits)
        s = s[:e]
    whole, _, frac = s.partition(".")
    if not whole and not frac:
        return None
    if frac and not _ascii_digits(frac):
        return None
    return negative, whole, frac, exp


def _exact(whole, frac, exp):
    """The number's exact value as a Decimal, or None if the integer part is malformed."""
    units = _int_part(whole) if whole else 0
    if units is None:
        return None
    value = Decimal(f"{units}.{frac or '0'}e{exp}")  # exact, any exponent
    if value == 0:
        return Decimal(0)
    if value.adjusted() >= 100:
        return None  # too large (adagg's limit, u64, is far lower)
    return value


def parse_uint(s):
    """Non-negative integer (thousands separators, currency, 48.00) -> int, else None."""
    parts = _split_number(s)
    if parts == "zero":
        return 0
    if parts is None:
        return None
    negative, whole, frac, exp = parts
    if not whole:
        return None
    value = _exact(whole, frac, exp)
    if value is None or value != value.to_integral_value():
        return None
    if negative and value != 0:
        return None
    return int(value)


def parse_spend(s):
    """Non-negative decimal -> (int millionths rounded half away from zero, rounded?), else None."""
    parts = _split_number(s)
    if parts == "zero":
        return 0, False
    if parts is None:
        return None
    negative, whole, frac, exp = parts
    value = _exact(whole, frac, exp)
    if value is None or (negative and value != 0):
        return None
    if value.adjusted() < -8:  # below 0.0000001: rounds to 0 (no huge quantize)
        return 0, value != 0
    micros = value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP, context=Context(prec=200))
    return int(micros.scaleb(6)), micros != value


def parse_spend_micros(s):
    """Non-negative decimal -> int millionths (rounded), else None."""
    parsed = parse_spend(s)
    return None if parsed is None else parsed[0]


def _is_total(value):
    v = value.strip(SPACES).lower()
    return v in ("total", "totals") or v.startswith("total:")


def _summary_cell(value):
    v = value.strip(SPACES)
    return v in ("", "--") or _is_total(v)


def is_footer(rec, i_id, i_date):
    """Total rows (a label, and no id or date) and lone copyright lines: never a campaign."""
    if len(rec) == 1:
        t = rec[0].lower()
        return "\u00a9" in t or "rights reserved" in t or t.startswith("copyright")

    def cell(i):
        return rec[i] if i is not None and i < len(rec) else None

    if not any(c is not None and _is_total(c) for c in (cell(0), cell(i_id))):
        return False
    return all(c is None or _summary_cell(c) for c in (cell(i_id), cell(i_date)))


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
        i_date = index.get("date")
        names = [h.strip(SPACES).translate(_ASCII_LOWER) for h in header]

        get = totals.get
        for rec in reader:
            if not rec:
                continue
            read += 1
            if rec[0].startswith("\ufeff"):
                rec[0] = rec[0][1:]
            cells = [c.strip(SPACES).translate(_ASCII_LOWER) for c in rec]
            if cells == names:
                skipped += 1
                continue
            if sorted(cells) == sorted(names):
                die(f"{path}: the header is repeated with its columns in another order")
            if is_footer(rec, i_id, i_date):
                skipped += 1
                continue
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
