"""Click-log rows on Spark, as `adagg clicks` reads them (src/clicks/): the
raw lines, each parsed into a click's fields or rejected with the CLI's
reason, and the two static fraud rules. Shared by the batch job
(`clicks.py`) and the streaming job (`clicks_stream.py`).

Everything here is a Spark SQL expression over a DataFrame (no Python on
the executors, no action, no window over the whole data), so it works on a
streaming DataFrame as well. The driver-side parts (`sniff_plan`,
`read_blocklist`, `bot_pattern`) read small things once.

Shared API (kept stable for the streaming job):
  FIELDS, RULES, ClickPlan, sniff_plan(spark, path), plan_from_head(bytes)
  list_files(spark, paths)
  read_click_lines(spark, paths)           -> file, block, row_id, value
  parse_clicks(df, plan, value="value", first_line=None) -> + the click columns
  static_rules(df, blocklist, rules)       -> + ip_blocklist, bot_user_agent
  read_blocklist(text) / Blocklist
  iso_second(col), csv_text(col), debug_quote(col)

Columns added by `parse_clicks` (all fields trimmed of spaces and tabs as
the CLI trims them, the user agent as written):
  skip         bool    a line that is no row (blank line; a CSV header
                       line when `first_line` says where headers are)
  ad_id, click_id, user_id, ip, user_agent, campaign_id   string ('' when absent)
  ip_key       string  the IP as the velocity rule compares it (IPv6 in
                       canonical form, IPv4-mapped as IPv4; else as written)
  has_ua       bool    the row has a user agent field (CSV column / JSON key)
  present      int     bits of the fields the row has (FIELDS order)
  cost         decimal(38,6)   0 when empty; rounded half away from zero
  ts_ms        bigint  milliseconds since the epoch (UTC)
  ts_sec       bigint  whole seconds (floor)
  event_time   timestamp
  ts_unit      int     0 unix seconds, 1 unix ms, 2 ISO 8601, 3 ISO without zone
  reject_kind  string  null for a click; malformed, ad_id, timestamp or cost
  reject_reason string the CLI's reason text (see the notes for JSON)
  raw          string  the line as written (without its CR)

Known differences from the CLI (clicks.py's docstring has the whole list):
  * "invalid JSON: ..." carries serde_json's message in the CLI; Spark's
    JSON parser (Jackson) gives none: parse_clicks says `invalid JSON`
    and `serde_json_error(line)` rebuilds the CLI's message (the batch job
    does so on the driver for its rejected rows).
  * JSON values that are nested objects or arrays (and every value of a
    line that has one) keep Jackson's text, not the bytes as written.
  * Only UTF-8 logs (with or without BOM). A CSV record whose quoted field
    spans lines is stitched by the batch job (clicks.stitch_records), not
    here (a line-by-line stream cannot).
  * The bot rule is a Java regex per row (rlike): the batch job applies it
    once per distinct user agent; `bot_pattern()` is factored into tries
    (several times faster than the plain alternation, same matches).
"""
import os
import re
from dataclasses import dataclass, field as dc_field
from typing import Dict, List, Optional

from pyspark.sql import Column
from pyspark.sql import functions as F

from .cells import csv_text as csv_text_str
from .cells import csv_text_col

# The fields of a click, in the CLI's order (ClickField::index).
FIELDS = ["ad_id", "timestamp", "click_id", "user_id", "ip", "user_agent", "campaign_id", "cost"]
FIELD_BIT = {f: 1 << i for i, f in enumerate(FIELDS)}
# The fraud rules in the order their ids are listed.
RULES = ["ip_blocklist", "bot_user_agent", "ip_velocity", "user_velocity"]
REJECT_KINDS = ["malformed", "ad_id", "timestamp", "cost"]
# 10000-01-01T00:00:00Z in milliseconds: the first time refused.
END_MS = 253_402_300_800_000
MILLIS_FROM = 100_000_000_000
BOT_LIST_VERSION = "isbot 0.1.3"
HERE = os.path.dirname(os.path.abspath(__file__))
# Copied from the isbot 0.1.3 crate (crates.io, MIT licence, see
# isbot-0.1.3-LICENSE): src/bot_regex_patterns.txt, the list the CLI embeds.
BOT_PATTERNS_FILE = os.path.join(HERE, "isbot-0.1.3-bot_regex_patterns.txt")

_ALIASES = {
    "ad_id": ["ad_id", "adid", "ad"],
    "timestamp": ["timestamp", "ts", "event_time", "click_time", "time"],
    "click_id": ["click_id", "clickid", "event_id"],
    "user_id": ["user_id", "userid", "user", "uid"],
    "ip": ["ip_address", "ip", "client_ip", "ip_addr"],
    "user_agent": ["user_agent", "useragent", "ua"],
    "campaign_id": ["campaign_id", "campaignid"],
    "cost": ["cost", "price"],
}
_NAME_TO_FIELD = {n: f for f, names in _ALIASES.items() for n in names}
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


# ---------------------------------------------------------------- names

def field_of_name(name: str) -> Optional[str]:
    """The field a CSV column or JSON key names (src/clicks/columns.rs):
    trimmed of spaces, quotes, tabs and CRs; ' ', '-', '.' as '_'; ASCII
    case ignored; at most 24 bytes."""
    t = re.sub(r'^[ "\t\r]+|[ "\t\r]+$', "", name)
    if len(t.encode("utf-8")) > 24:
        return None
    t = "".join(c.lower() if "A" <= c <= "Z" else ("_" if c in " -." else c) for c in t)
    return _NAME_TO_FIELD.get(t)


def _field_of_name_col(k: Column) -> Column:
    t = F.regexp_replace(k, F.lit(r'^[ "\t\r]+|[ "\t\r]+$'), F.lit(""))
    n = F.translate(t, _UPPER + " -.", _LOWER + "___")
    expr = None
    for name, f in _NAME_TO_FIELD.items():
        expr = (F.when(n == name, F.lit(f)) if expr is None else expr.when(n == name, F.lit(f)))
    return F.when(F.octet_length(t) <= 24, expr)


# ---------------------------------------------------------------- the plan

@dataclass
class ClickPlan:
    """How a click log is read (src/clicks/plan.rs): `fmt` 'ndjson' or
    'csv'; for CSV the delimiter, the column of each field, the header's
    width, and the header's line number (title rows above it count);
    `header_text` the header line as written (a streaming job can drop the
    header of every file by comparing lines with it)."""
    fmt: str
    delimiter: str = ","
    columns: Dict[str, int] = dc_field(default_factory=dict)
    width: int = 0
    header_lines: int = 0
    header_text: Optional[str] = None
    encoding: str = "UTF-8"

    def has(self, f: str) -> bool:
        return self.fmt == "csv" and f in self.columns

    def format_name(self) -> str:
        return "NDJSON" if self.fmt == "ndjson" else "CSV"

    def layout(self):
        """What must agree between the files of one job."""
        return (self.fmt, self.delimiter, tuple(sorted(self.columns.items())), self.width)


class NotAClickLog(ValueError):
    pass


def plan_from_head(head: bytes, at_eof: bool = True) -> ClickPlan:
    """The plan of a log from its first bytes (up to 1 MiB), as sniff_clicks:
    NDJSON when the first non-blank byte (after a BOM) is `{`; else a CSV
    whose header, among the first 64 lines, names an ad id and a timestamp
    (delimiters tried: , ; tab |). Raises NotAClickLog, or ValueError for a
    file that is not UTF-8."""
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        raise ValueError("UTF-16 logs are not read by the Spark job (only UTF-8)")
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    stripped = body.lstrip(b" \t\n\r\x0c")
    if stripped[:1] == b"{":
        return ClickPlan("ndjson")
    text_bytes = body
    if not at_eof:
        cut = text_bytes.rfind(b"\n")
        text_bytes = text_bytes[: cut + 1] if cut >= 0 else b""
    try:
        text = text_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 (the Spark job reads UTF-8 logs only)")
    lines = text.split("\n")
    for i, line in enumerate(lines[:64]):
        complete = i < len(lines) - 1
        if not complete and not at_eof:
            break
        line = line[:-1] if line.endswith("\r") else line
        for d in [",", ";", "\t", "|"]:
            cols: Dict[str, int] = {}
            names = line.split(d)
            for j, name in enumerate(names):
                f = field_of_name(name)
                if f and f not in cols:
                    cols[f] = j
            if "ad_id" in cols and "timestamp" in cols:
                return ClickPlan("csv", d, cols, len(names), i + 1, line)
    raise NotAClickLog(
        "not a click log: NDJSON (one JSON object per line) or a CSV whose header names an ad id (ad_id) "
        "and a timestamp (timestamp, ts, event_time or click_time)")


def _hadoop_path(spark, path):
    jvm = spark._jvm
    p = jvm.org.apache.hadoop.fs.Path(jvm.java.net.URI(path)) if "://" in path or path.startswith("file:") \
        else jvm.org.apache.hadoop.fs.Path(path)
    return p, p.getFileSystem(spark._jsc.hadoopConfiguration())


def read_head(spark, path: str, n: int = 1 << 20):
    """The first `n` bytes of a file on any Hadoop file system, and whether
    that is the whole file."""
    p, fs = _hadoop_path(spark, path)
    size = fs.getFileStatus(p).getLen()
    stream = fs.open(p)
    try:
        data = bytes(stream.readNBytes(int(min(n, size))))
    finally:
        stream.close()
    return data, len(data) >= size


def sniff_plan(spark, path: str) -> ClickPlan:
    """The plan of one file (a path or URI Spark can read)."""
    head, eof = read_head(spark, path)
    return plan_from_head(head, eof)


def list_files(spark, paths) -> List[str]:
    """The files behind paths, directories (recursively) and globs, as
    qualified URIs, sorted; hidden files (`_`, `.`) skipped as Spark does."""
    if isinstance(paths, str):
        paths = [paths]
    out = []
    for path in paths:
        p, fs = _hadoop_path(spark, path)
        statuses = fs.globStatus(p)
        if statuses is None or len(statuses) == 0:
            raise FileNotFoundError(f"{path}: no such file")
        for st in statuses:
            if st.isDirectory():
                it = fs.listFiles(st.getPath(), True)
                while it.hasNext():
                    f = it.next()
                    rel = f.getPath().toUri().getPath()[len(st.getPath().toUri().getPath()):]
                    if any(part[:1] in ("_", ".") for part in rel.split("/") if part):
                        continue
                    out.append(f.getPath().toString())
            else:
                out.append(st.getPath().toString())
    return sorted(set(out))


# ---------------------------------------------------------------- lines

def read_click_lines(spark, paths):
    """The lines of the files (split at `\\n` only, as the CLI: a lone CR is
    inside a line) with `file` (Spark's `_metadata.file_path`), `block`
    (`_metadata.file_block_start`, the split's first byte), `row_id`
    (`monotonically_increasing_id()`: partition in the upper 31 bits, row in
    the partition in the lower 33) and `value` (the line, its CR still on).
    A line's number is computed by the batch job from these (clicks.py)."""
    if isinstance(paths, str):
        paths = [paths]
    df = spark.read.option("lineSep", "\n").text(paths)
    return df.select(
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("row_id"),
        F.col("value"),
    )


# ---------------------------------------------------------------- cells

# The one text-cell rule (src/text/cell.rs), shared with the performance job.
csv_text = csv_text_col
csv_text_py = csv_text_str


def iso_second(secs: Column) -> Column:
    """`2025-01-15T14:05:00Z` for whole seconds since the epoch (the session
    time zone must be UTC, as session.py sets it)."""
    return F.date_format(F.timestamp_seconds(secs), "yyyy-MM-dd'T'HH:mm:ss'Z'")


def debug_quote(c: Column) -> Column:
    """Rust's `{:?}` of a string: in double quotes, with \\ " \\t \\r \\n \\0
    escaped and other control characters as \\u{hex}."""
    simple = c
    for a, b in [("\\", "\\\\"), ('"', '\\"'), ("\t", "\\t"), ("\r", "\\r"), ("\n", "\\n"), ("\x00", "\\0")]:
        simple = F.replace(simple, F.lit(a), F.lit(b))
    chars = F.split(simple, F.lit(""))
    escaped = F.array_join(F.transform(chars, lambda ch: F.when(
        (F.ascii(ch) < 32) | ((F.ascii(ch) >= 127) & (F.ascii(ch) < 160)),
        F.concat(F.lit("\\u{"), F.lower(F.hex(F.ascii(ch))), F.lit("}"))).otherwise(ch)), "")
    body = F.when(simple.rlike("[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]"), escaped).otherwise(simple)
    return F.concat(F.lit('"'), body, F.lit('"'))


def _at(arr, i):
    """arr[i] (1-based; negative from the end), null when out of bounds."""
    arr = F.col(arr) if isinstance(arr, str) else arr
    return F.try_element_at(arr, i if isinstance(i, Column) else F.lit(i))


def _trim(c: Column) -> Column:
    """src/text/number.rs trim: ASCII spaces and tabs."""
    return F.trim(c, F.lit(" \t"))


# ---------------------------------------------------------------- parsing

# A CSV record's fields as csv_core reads them, matched one field at a time
# over the record with one more delimiter appended: a quoted field ("" is a
# quote; after the closing quote the rest up to the delimiter is kept; an
# unclosed quote runs to the end), or an unquoted one.
def _csv_field_pattern(d: str) -> str:
    e = re.escape(d)
    return '(?:"((?:[^"]|"")*)(?:"([^' + e + ']*))?|([^' + e + ']*))' + e


def _csv_fields(value: Column, d: str) -> Column:
    pat = _csv_field_pattern(d)
    line = F.concat(value, F.lit(d))
    g1 = F.regexp_extract_all(line, F.lit(pat), 1)
    g2 = F.regexp_extract_all(line, F.lit(pat), 2)
    g3 = F.regexp_extract_all(line, F.lit(pat), 3)
    quoted = F.transform(g1, lambda x, i: F.concat(
        F.replace(x, F.lit('""'), F.lit('"')), _at(g2, i + 1), _at(g3, i + 1)))
    return F.when(F.instr(value, '"') == 0, F.split(value, re.escape(d), -1)).otherwise(quoted)


_JSON_PAIR = r'"(?:[^"\\]|\\.)*"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)'
_JSON_OPTIONS = {"allowSingleQuotes": "false", "allowNonNumericNumbers": "false", "mode": "PERMISSIVE"}


def _stage(df, **cols):
    """Adds columns one after the other (each may use the ones before)."""
    for name, c in cols.items():
        df = df.withColumn(name, c)
    return df


def _json_stage(df, raw: str):
    """NDJSON: per field `_f_<field>` (text) and `_p_<field>` (present), and
    `_err` (null, 'not a JSON object' or 'invalid JSON'). A key's field is
    found through the alias table; the first key of a field wins; a string
    value is its unescaped text, null is empty, any other value its JSON
    text as written (numbers keep their digits)."""
    v = F.col(raw)
    df = _stage(df, _j_m=F.from_json(v, "map<string,string>", _JSON_OPTIONS))
    df = _stage(df, _j_keys=F.map_keys("_j_m"), _j_vals=F.map_values("_j_m"),
                _j_raws=F.regexp_extract_all(v, F.lit(_JSON_PAIR), 1))
    keys, vals, raws = F.col("_j_keys"), F.col("_j_vals"), F.col("_j_raws")
    df = _stage(df, _j_flat=(F.size(raws) == F.size(keys)) & ~F.array_join(raws, "\u0001").rlike("(?:^|\x01)[{\\[]"))
    first = F.substring(F.ltrim(v, F.lit(" \t\n\x0c\r")), 1, 1)
    last = F.substring(F.rtrim(v, F.lit(" \t\n\r")), -1, 1)
    error = F.when(first != "{", F.lit("not a JSON object")).when(
        F.col("_j_m").isNull() | (last != "}"), F.lit("invalid JSON"))
    # The keys normalised as field_of_name does, all at once (no lambda):
    # joined with U+0001, trimmed, lowercased, split again.
    sep = "\u0001"
    joined = F.array_join(keys, sep)
    joined = F.regexp_replace(joined, F.lit(r'(?<=^|\x01)[ "\t\r]+|[ "\t\r]+(?=\x01|$)'), F.lit(""))
    norm = F.split(F.translate(joined, _UPPER + " -.", _LOWER + "___"), sep, -1)
    df = _stage(df, _j_norm=F.when(F.size(keys) > 0, norm), _err=error)
    for f in FIELDS:
        pos = F.least(*[F.nullif(F.array_position("_j_norm", n).cast("int"), F.lit(0)) for n in _ALIASES[f]])
        df = df.withColumn("_j_pos", pos)
        rw, vl = _at(raws, F.col("_j_pos")), _at(vals, F.col("_j_pos"))
        text = F.when(F.col("_j_pos").isNull(), F.lit("")).when(~F.col("_j_flat"), F.coalesce(vl, F.lit(""))).when(
            F.substring(rw, 1, 1) == '"', vl).when(rw == "null", F.lit("")).otherwise(rw)
        df = _stage(df, **{"_f_" + f: text,
                           "_p_" + f: F.col("_j_pos").isNotNull()})
    return df


def _timestamp_stage(df, src: str):
    """`_ts_ms`, `_ts_unit`, `_ts_reason` from a timestamp field
    (src/clicks/timestamp.rs)."""
    bad_num = "timestamp is not a number or an ISO 8601 time"
    bad_iso = "timestamp is not a valid ISO 8601 time"
    nm = r"^([0-9]{1,16})(?:\.([0-9]*))?$"
    iso = (r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
           r"(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?$")
    prefix = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][\s\S]{2}:[\s\S]{2}"
    c = F.col
    df = _stage(df, _t_f=_trim(c(src)))
    f = c("_t_f")
    df = _stage(df, _t_iso=(F.octet_length(f) >= 10) & (F.substring(F.encode(f, "UTF-8"), 5, 1) == F.lit(bytearray(b"-"))))
    df = _stage(df,
                _t_nint=F.when(~c("_t_iso"), F.regexp_extract(f, nm, 1).try_cast("bigint")),
                _t_nok=f.rlike(nm))
    df = _stage(df, _t_nms=F.when(c("_t_nint") >= MILLIS_FROM, c("_t_nint")).otherwise(
        c("_t_nint") * 1000 + F.rpad(F.substring(F.regexp_extract(f, nm, 2), 1, 3), 3, "0").try_cast("bigint")))
    g = lambda i: F.when(c("_t_iso"), F.regexp_extract(f, iso, i))
    dm = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})"
    df = _stage(df,
                _t_y=F.when(c("_t_iso"), F.regexp_extract(f, dm, 1).try_cast("int")),
                _t_mo=F.when(c("_t_iso"), F.regexp_extract(f, dm, 2).try_cast("int")),
                _t_d=F.when(c("_t_iso"), F.regexp_extract(f, dm, 3).try_cast("int")),
                _t_hh=g(4).try_cast("int"), _t_mi=g(5).try_cast("int"),
                _t_ss=F.when(g(6) == "", 0).otherwise(g(6).try_cast("int")),
                _t_frac=F.rpad(F.substring(g(7), 1, 3), 3, "0").try_cast("bigint"),
                _t_zone=g(8), _t_full=F.when(c("_t_iso"), f.rlike(iso)), _t_prefix=F.when(c("_t_iso"), f.rlike(prefix)))
    y, mo, d = c("_t_y"), c("_t_mo"), c("_t_d")
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = F.when(mo.isin(1, 3, 5, 7, 8, 10, 12), 31).when(mo.isin(4, 6, 9, 11), 30).when(leap, 29).otherwise(28)
    # Howard Hinnant's days_from_civil, in steps
    df = _stage(df, _t_dateok=(y >= 1) & (mo >= 1) & (mo <= 12) & (d >= 1) & (d <= dim),
                _t_yy=(y - F.when(mo <= 2, 1).otherwise(0)).cast("bigint"))
    df = _stage(df, _t_era=F.floor(c("_t_yy") / 400).cast("bigint"))
    df = _stage(df, _t_yoe=c("_t_yy") - c("_t_era") * 400,
                _t_doy=F.floor((F.when(mo > 2, mo - 3).otherwise(mo + 9) * 153 + 2) / 5).cast("bigint") + d - 1)
    yoe = c("_t_yoe")
    df = _stage(df, _t_days=c("_t_era") * 146097 + yoe * 365 + F.floor(yoe / 4).cast("bigint")
                - F.floor(yoe / 100).cast("bigint") + c("_t_doy") - 719468)
    zone = c("_t_zone")
    zdigits = F.replace(F.substring(zone, 2, 10), F.lit(":"), F.lit(""))
    zmin = F.when(zone.isin("", "Z", "z"), 0).otherwise(
        F.when(F.substring(zone, 1, 1) == "-", -1).otherwise(1)
        * (F.substring(zdigits, 1, 2).try_cast("int") * 60
           + F.when(F.length(zdigits) > 2, F.substring(zdigits, 3, 2).try_cast("int")).otherwise(0)))
    df = _stage(df, _t_isecs=c("_t_days") * 86400 + c("_t_hh") * 3600 + c("_t_mi") * 60 + c("_t_ss") - zmin * 60)
    df = _stage(df, _t_ims=c("_t_isecs") * 1000 + c("_t_frac"))
    iso_reason = (
        F.when(~c("_t_prefix"), F.lit(bad_iso))
        .when(~c("_t_dateok"), F.lit("timestamp has an impossible date"))
        .when(~c("_t_full"), F.lit(bad_iso))
        .when((c("_t_hh") > 23) | (c("_t_mi") > 59) | (c("_t_ss") > 60), F.lit("timestamp has an impossible time of day"))
        .when(c("_t_isecs") < 0, F.lit("timestamp before 1970-01-01"))
        .when(c("_t_ims") >= END_MS, F.lit("timestamp after 9999-12-31")))
    num_reason = F.when(~c("_t_nok"), F.lit(bad_num)).when(c("_t_nms") >= END_MS, F.lit("timestamp after 9999-12-31"))
    why = (F.when(f == "", F.lit("empty timestamp"))
           .when(F.substring(f, 1, 1) == "-", F.lit("timestamp before 1970-01-01"))
           .when(c("_t_iso"), iso_reason)
           .otherwise(num_reason))
    df = _stage(df, _t_why=why)
    df = _stage(df,
                _ts_ms=F.when(c("_t_why").isNull(), F.when(c("_t_iso"), c("_t_ims")).otherwise(c("_t_nms"))),
                _ts_unit=F.when(c("_t_why").isNull(), F.when(c("_t_iso"), F.when(zone == "", 3).otherwise(2))
                                .otherwise(F.when(c("_t_nint") >= MILLIS_FROM, 1).otherwise(0))),
                _ts_reason=F.when(c("_t_why").isNotNull(), F.concat(c("_t_why"), F.lit(": "), debug_quote(c(src)))))
    return df


_WS_NBSP = "[ \\t\\u00a0]"
_COST_MAX = "18446744073709.551615"


def _strip_currency(s):
    for sym in ["$", "\u20ac", "\u00a3", "\u00a5"]:
        e = re.escape(sym)
        s = F.regexp_replace(s, F.lit(f"^{e}{_WS_NBSP}*"), F.lit(""))
        s = F.regexp_replace(s, F.lit(f"{_WS_NBSP}*{e}$"), F.lit(""))
    s = F.regexp_replace(s, F.lit(f"^[A-Z]{{3}} {_WS_NBSP}*(?=[\\s\\S])"), F.lit(""))
    s = F.regexp_replace(s, F.lit(f"(?<=[\\s\\S]){_WS_NBSP}* [A-Z]{{3}}$"), F.lit(""))
    return s


def _cost_stage(df, src: str):
    """`_cost` (decimal(38,6)) and `_cost_reason` from a cost field
    (src/text/number.rs parse_micros, default format): currency symbols
    $ EUR GBP JPY and a three-letter code stripped, `--` or empty is 0, digit
    groups `1,234`, an exponent, rounded half away from zero to 6 decimals,
    not negative, below 2^64 micros."""
    c = F.col
    df = _stage(df, _c_t=_trim(c(src)))
    df = _stage(df, _c_s1=_strip_currency(F.regexp_replace(c("_c_t"), F.lit(f"^{_WS_NBSP}+|{_WS_NBSP}+$"), F.lit(""))))
    s1 = c("_c_s1")
    df = _stage(df, _c_zero=(s1 == "") | (s1 == "--"), _c_neg=F.substring(s1, 1, 1) == "-")
    df = _stage(df, _c_s2=F.when(c("_c_neg"), _strip_currency(F.substring(s1, 2, 1 << 30))).otherwise(s1))
    s2 = c("_c_s2")
    num = r"^([0-9,]*)(?:\.([0-9]*))?(?:[eE]([+-]?)([0-9]+))?$"
    df = _stage(df, _c_shape=s2.rlike(num) & ~s2.rlike(r"^\.?(?:[eE]|$)"),
                _c_int=F.regexp_extract(s2, num, 1), _c_frac=F.regexp_extract(s2, num, 2),
                _c_esign=F.regexp_extract(s2, num, 3), _c_edig=F.regexp_replace(F.regexp_extract(s2, num, 4), "^0+(?=.)", ""))
    int_part = c("_c_int")
    df = _stage(df, _c_groups=~int_part.contains(",") | int_part.rlike(r"^[0-9]{1,3}(?:,[0-9]{3})+$"),
                _c_digits=F.replace(int_part, F.lit(","), F.lit("")),
                _c_exp=F.when(c("_c_edig") == "", 0).when(F.length(c("_c_edig")) <= 5,
                                                           F.concat(c("_c_esign"), c("_c_edig")).try_cast("int")))
    df = _stage(df, _c_allzero=~F.concat(c("_c_digits"), c("_c_frac")).rlike("[1-9]"))
    text = F.concat(F.when(c("_c_digits") == "", "0").otherwise(c("_c_digits")), F.lit("."), c("_c_frac"), F.lit("0E"),
                    c("_c_exp").cast("string"))
    zero = F.lit(0).cast("decimal(38,6)")
    df = _stage(df, _c_value=F.when(~c("_c_shape") | ~c("_c_groups"), F.lit(None).cast("decimal(38,6)"))
                .when(c("_c_allzero"), zero)
                .when(c("_c_exp").isNull() & (c("_c_esign") == "-"), zero)
                .otherwise(text.try_cast("decimal(38,6)")))
    too_large = (c("_c_value").isNull() & ~c("_c_allzero")) | (c("_c_value") > F.lit(_COST_MAX).cast("decimal(38,6)"))
    why = (F.when(c("_c_zero"), F.lit(None).cast("string"))
           .when(~c("_c_shape") | ~c("_c_groups"), F.lit("cost is not a number"))
           .when(too_large, F.lit("cost is too large"))
           .when(c("_c_neg") & ~c("_c_allzero"), F.lit("cost is negative")))
    df = _stage(df, _c_why=why)
    df = _stage(df, _cost=F.when(c("_c_zero"), zero).when(c("_c_why").isNull(), c("_c_value")),
                _cost_reason=F.when(c("_c_why").isNotNull(), F.concat(c("_c_why"), F.lit(": "), debug_quote(c("_c_t")))))
    return df


def parse_clicks(df, plan: ClickPlan, value: str = "value", first_line: Optional[Column] = None):
    """Adds the click columns (see the module's docstring) to a DataFrame of
    raw lines in column `value` (its other columns are kept). `first_line`:
    a boolean column true on a file's first line, whose UTF-8 BOM is
    dropped (None: a BOM is dropped from any line). `skip` marks blank
    lines; for CSV, `is_header` marks lines equal to the plan's header (a
    batch job skips header lines by number instead). Pure expressions:
    works on streaming DataFrames."""
    c = F.col
    v = c(value)
    v = F.when(v.endswith("\r"), F.expr(f"substring(`{value}`, 1, length(`{value}`) - 1)")).otherwise(v)
    bom = v.startswith("\ufeff") if first_line is None else (first_line & v.startswith("\ufeff"))
    df = df.withColumn("raw", F.when(bom, F.substring(v, 2, 1 << 30)).otherwise(v))
    raw = c("raw")
    if plan.fmt == "ndjson":
        df = _json_stage(df, "raw")
        df = _stage(df, skip=raw.rlike(r"^[ \t\n\x0c\r]*$"),
                    present=F.when(c("_err").isNull(), sum(F.when(c("_p_" + f), FIELD_BIT[f]).otherwise(0) for f in FIELDS))
                    .otherwise(0),
                    has_ua=c("_p_user_agent"), _mal=c("_err"))
    else:
        d = plan.delimiter
        df = _stage(df, _fields=_csv_fields(raw, d), skip=raw == "",
                    is_header=raw == F.lit(plan.header_text or ""))
        for f in FIELDS:
            df = df.withColumn("_f_" + f, F.coalesce(_at("_fields", plan.columns[f] + 1), F.lit("")) if f in plan.columns else F.lit(""))
        n = F.size("_fields")
        df = _stage(df, present=F.lit(sum(FIELD_BIT[f] for f in plan.columns)),
                    has_ua=F.lit("user_agent" in plan.columns),
                    _mal=F.when(n != plan.width, F.concat(n.cast("string"), F.lit(f" fields where the header has {plan.width}"))))
    df = _stage(df, ad_id=_trim(c("_f_ad_id")))
    df = _timestamp_stage(df, "_f_timestamp")
    df = _cost_stage(df, "_f_cost")
    kind = (F.when(c("_mal").isNotNull(), F.lit("malformed"))
            .when(c("ad_id") == "", F.lit("ad_id"))
            .when(c("_ts_reason").isNotNull(), F.lit("timestamp"))
            .when(c("_cost_reason").isNotNull(), F.lit("cost")))
    reason = (F.when(c("_mal").isNotNull(), c("_mal"))
              .when(c("ad_id") == "", F.lit("ad_id is empty"))
              .when(c("_ts_reason").isNotNull(), c("_ts_reason"))
              .otherwise(c("_cost_reason")))
    df = _stage(df, reject_kind=kind, reject_reason=reason)
    ok = c("reject_kind").isNull()
    df = _stage(df,
                ts_ms=F.when(ok, c("_ts_ms")), ts_unit=F.when(ok, c("_ts_unit")), cost=F.when(ok, c("_cost")),
                click_id=_trim(c("_f_click_id")), user_id=_trim(c("_f_user_id")), ip=_trim(c("_f_ip")),
                user_agent=c("_f_user_agent"), campaign_id=_trim(c("_f_campaign_id")))
    df = _stage(df, ts_sec=F.floor(c("ts_ms") / 1000).cast("bigint"), event_time=F.timestamp_millis(c("ts_ms")))
    df = add_ip_key(df)
    return df.drop(*[x for x in df.columns if x.startswith("_")])


# ---------------------------------------------------------------- IP addresses

_V4_OCTET = r"(?:0|[1-9][0-9]?|1[0-9]{2}|2[0-4][0-9]|25[0-5])"
_V4 = rf"{_V4_OCTET}\.{_V4_OCTET}\.{_V4_OCTET}\.{_V4_OCTET}"
_H = "[0-9a-fA-F]{1,4}"


def _ip_stage(df, src: str, pre: str):
    """Parses the IP text in column `src` as Rust's IpAddr::from_str:
    `{pre}kind` 4, 6 or null (not an address) and `{pre}g` the 4 octets or
    8 groups (ints)."""
    c = F.col
    s = c(src)
    df = _stage(df, **{pre + "v4": s.rlike(f"^{_V4}$"), pre + "c6": s.contains(":")})
    df = _stage(df, **{pre + "t4": F.when(c(pre + "c6"), F.regexp_extract(s, rf"(?:^|:)({_V4})$", 1))})
    t4 = c(pre + "t4")
    o = F.split(t4, r"\.")
    as_hex = F.concat(F.lower(F.hex(_at(o, 1).cast("int") * 256 + _at(o, 2).cast("int"))), F.lit(":"),
                      F.lower(F.hex(_at(o, 3).cast("int") * 256 + _at(o, 4).cast("int"))))
    df = _stage(df, **{
        pre + "t4ok": F.lit(True),
        pre + "s6": F.when(t4 != "", F.concat(F.regexp_replace(s, F.lit(rf"(?<=^|:){_V4}$"), F.lit("")), as_hex)).otherwise(s)})
    df = _stage(df, **{pre + "parts": F.when(c(pre + "c6"), F.split(c(pre + "s6"), "::", 2))})
    parts = c(pre + "parts")
    empty = F.array().cast("array<string>")
    lg = F.when(_at(parts, 1) == "", empty).otherwise(F.split(_at(parts, 1), ":"))
    rg = F.when((F.size(parts) < 2) | (_at(parts, -1) == ""), empty).otherwise(F.split(_at(parts, -1), ":"))
    df = _stage(df, **{pre + "lg": lg, pre + "rg": rg})
    n = F.size(c(pre + "lg")) + F.size(c(pre + "rg"))
    full8 = rf"^(?:{_H}:){{7}}{_H}$"
    full6v4 = rf"^(?:{_H}:){{6}}{_V4}$"
    comp = rf"^(?:(?:{_H}:)*{_H})?::(?:(?:{_H}:)*{_H}|(?:{_H}:)*{_V4})?$"
    v6 = c(pre + "c6") & (s.rlike(full8) | s.rlike(full6v4) | (s.rlike(comp) & (n <= 7))) & c(pre + "t4ok")
    groups = F.when(F.size(parts) == 2, F.concat(c(pre + "lg"), F.array_repeat(F.lit("0"), 8 - n), c(pre + "rg"))).otherwise(c(pre + "lg"))
    df = _stage(df, **{pre + "kind": F.when(c(pre + "v4"), F.lit(4)).when(c(pre + "c6") & v6, F.lit(6))})
    df = _stage(df, **{pre + "g": F.when(c(pre + "kind") == 4, F.transform(F.split(s, r"\."), lambda x: x.cast("int")))
                       .when(c(pre + "kind") == 6, F.transform(groups, lambda x: F.conv(x, 16, 10).cast("int")))})
    g = c(pre + "g")
    df = _stage(df, **{pre + "mapped": (c(pre + "kind") == 6) & F.forall(F.slice(g, 1, 5), lambda x: x == 0)
                       & (_at(g, 6) == 65535)})
    return df


def _v6_text(groups: Column) -> Column:
    """Rust's Display of an Ipv6Addr (not mapped): lowercase hex groups,
    the first longest run of two or more zero groups as `::`."""
    hexes = F.transform(groups, lambda g: F.lower(F.hex(g)))
    acc0 = F.struct(F.lit(0).alias("cs"), F.lit(0).alias("cl"), F.lit(0).alias("bs"), F.lit(0).alias("bl"))

    def step(acc, i):
        z = _at(groups, i + 1) == 0
        cs = F.when(z & (acc["cl"] == 0), i).otherwise(acc["cs"])
        cl = F.when(z, acc["cl"] + 1).otherwise(0)
        better = z & (cl > acc["bl"])
        return F.struct(cs.alias("cs"), cl.alias("cl"),
                        F.when(better, cs).otherwise(acc["bs"]).alias("bs"),
                        F.when(better, cl).otherwise(acc["bl"]).alias("bl"))

    best = F.aggregate(F.sequence(F.lit(0), F.lit(7)), acc0, step)
    head = F.array_join(F.slice(hexes, 1, best["bs"]), ":")
    tail = F.array_join(F.slice(hexes, best["bs"] + best["bl"] + 1, 8), ":")
    return F.when(best["bl"] > 1, F.concat(head, F.lit("::"), tail)).otherwise(F.array_join(hexes, ":"))


def add_ip_key(df, src: str = "ip", out: str = "ip_key"):
    """Adds `out`: the IP as velocity buckets compare it (src/clicks/keys.rs
    canonical_ip): text with a `:` that parses as IPv6 in its canonical
    form (IPv4-mapped: the IPv4 address), anything else as written."""
    c = F.col
    df = _ip_stage(df, src, "_k_")
    g = c("_k_g")
    v4text = F.concat_ws(".", F.floor(_at(g, 7) / 256).cast("string"), (_at(g, 7) % 256).cast("string"),
                         F.floor(_at(g, 8) / 256).cast("string"), (_at(g, 8) % 256).cast("string"))
    v6 = c("_k_c6") & (c("_k_kind") == 6)
    df = df.withColumn(out, F.when(v6 & c("_k_mapped"), v4text).when(v6, _v6_text(g)).otherwise(c(src)))
    return df.drop(*[x for x in df.columns if x.startswith("_k_")])


def _ip_bits_stage(df, src: str):
    """`_b_fam` (4 or 6) and `_b_bits` (32 or 128 '0'/'1'; IPv4-mapped IPv6
    as IPv4) of the IP text (trimmed of Unicode white space), for the
    blocklist; null when it is not an address."""
    c = F.col
    df = df.withColumn("_b_s", F.regexp_replace(c(src), F.lit(r"^\p{IsWhite_Space}+|\p{IsWhite_Space}+$"), F.lit("")))
    df = _ip_stage(df, "_b_s", "_b_")
    g, kind, mapped = c("_b_g"), c("_b_kind"), c("_b_mapped")
    b16 = lambda x: F.lpad(F.bin(x), 16, "0")
    b8 = lambda x: F.lpad(F.bin(x), 8, "0")
    df = _stage(df,
                _b_fam=F.when(kind == 4, 4).when(mapped, 4).when(kind == 6, 6),
                _b_bits=F.when(kind == 4, F.array_join(F.transform(g, b8), ""))
                .when(mapped, F.concat(b16(_at(g, 7)), b16(_at(g, 8))))
                .when(kind == 6, F.array_join(F.transform(g, b16), "")))
    return df


# ---------------------------------------------------------------- the rules

@dataclass
class Blocklist:
    """IP addresses and CIDR ranges: per (family, prefix length), the set of
    network prefixes as '0'/'1' strings; `entries` as the CLI counts them."""
    nets: Dict[tuple, set] = dc_field(default_factory=dict)
    entries: int = 0

    def is_empty(self):
        return self.entries == 0


def _py_v4(s):
    parts = s.split(".")
    if len(parts) != 4 or not all(re.fullmatch(_V4_OCTET, p) and int(p) <= 255 for p in parts):
        return None
    return [int(p) for p in parts]


def _py_v6(s):
    """Rust's Ipv6Addr::from_str: 8 groups, or None."""
    tail = re.search(rf"(?:^|:)({_V4})$", s)
    s6 = s
    if tail:
        o = _py_v4(tail.group(1))
        if o is None:
            return None
        s6 = s[: len(s) - len(tail.group(1))] + "%x:%x" % (o[0] * 256 + o[1], o[2] * 256 + o[3])
    if re.fullmatch(rf"(?:{_H}:){{7}}{_H}", s) or re.fullmatch(rf"(?:{_H}:){{6}}{_V4}", s):
        return [int(g, 16) for g in s6.split(":")]
    if not re.fullmatch(rf"(?:(?:{_H}:)*{_H})?::(?:(?:{_H}:)*{_H}|(?:{_H}:)*{_V4})?", s):
        return None
    left, right = s6.split("::", 1)
    lg = left.split(":") if left else []
    rg = right.split(":") if right else []
    if len(lg) + len(rg) > 7:
        return None
    return [int(g, 16) for g in lg + ["0"] * (8 - len(lg) - len(rg)) + rg]


def read_blocklist(text: str) -> Blocklist:
    """A blocklist as the CLI reads it (src/clicks/rules.rs): one address or
    CIDR range a line, `#` comments, blank lines skipped; a range truncated
    to its network. ValueError naming the line for anything else."""
    bl = Blocklist()
    for i, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        addr, _, plen = entry.partition("/")
        v4, v6 = _py_v4(addr), (None if _py_v4(addr) else _py_v6(addr))
        ok = (v4 or v6) is not None and (not _ or re.fullmatch(r"[0-9]{1,3}", plen) is not None)
        maxlen = 32 if v4 else 128
        if ok and _:
            ok = int(plen) <= maxlen
        if not ok:
            raise ValueError(f"blocklist line {i}: {entry!r} is not an IP address or a CIDR range".replace("'", '"'))
        bits = "".join(f"{o:08b}" for o in v4) if v4 else "".join(f"{g:016b}" for g in v6)
        n = int(plen) if _ else maxlen
        fam = 4 if v4 else 6
        bl.nets.setdefault((fam, n), set()).add(bits[:n])
        bl.entries += 1
    return bl


def _bot_lines(path: str = BOT_PATTERNS_FILE):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lowered = "".join(c.lower() if "A" <= c <= "Z" else c for c in text)
    return sorted({ln for ln in lowered.splitlines() if ln.strip()})


def _java_pattern(p: str) -> str:
    r"""A Rust regex of the list as Java's: `$` outside a class as `\z`."""
    out, in_class, esc = [], False, False
    for ch in p:
        if esc:
            out.append(ch)
            esc = False
        elif ch == "\\":
            out.append(ch)
            esc = True
        elif ch == "[" and not in_class:
            in_class = True
            out.append(ch)
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        elif ch == "$" and not in_class:
            out.append("\\z")
        else:
            out.append(ch)
    return "".join(out)


_META = set(".^$*+?()[]{}|\\")


def _literal(p: str):
    """The characters a pattern matches literally, or None when it is not a
    plain string (escaped punctuation counts as literal)."""
    out, i = [], 0
    while i < len(p):
        ch = p[i]
        if ch == "\\" and i + 1 < len(p) and not p[i + 1].isalnum():
            out.append(p[i + 1])
            i += 2
        elif ch in _META:
            return None
        else:
            out.append(ch)
            i += 1
    return out


def _trie_regex(words) -> str:
    """One regex matching a text containing any of the words, as a trie
    (a prefix that is a whole word ends its branch: for a search, the
    longer words add nothing)."""
    trie = {}
    for w in words:
        node = trie
        for ch in w:
            if node.get("") is True:
                break
            node = node.setdefault(ch, {})
        else:
            node.clear()
            node[""] = True

    def emit(node):
        if node.get("") is True:
            return ""
        alts = []
        for ch in sorted(k for k in node if k != ""):
            esc = re.escape(ch) if ch in _META or ch in "-#&~ " else ch
            if ch == " ":
                esc = " "
            alts.append(esc + emit(node[ch]))
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


def bot_pattern(path: str = BOT_PATTERNS_FILE, factor: bool = True) -> str:
    """The isbot crate's list as one Java regex for `rlike` on the ASCII-
    lowercased user agent: the lines lowercased, blank ones dropped (as
    Bots::new), any of them matching; `(?U)` for Unicode \\s and \\d as in
    Rust's regex, `(?d)` so that `.` stops only at LF, and `$` as `\\z`
    (Rust's `$` is the end of the text, Java's also before a final line
    break). `factor`: the plain-string patterns as two tries (anchored at
    the start and not), which Java's backtracking matcher tries far faster
    than 348 alternatives at each position; the other patterns as they are.
    The same matches either way (a test holds them equal)."""
    pats = _bot_lines(path)
    if not factor:
        return "(?d)(?U)" + "|".join(_java_pattern(p) for p in pats)
    anchored, floating, other = [], [], []
    for p in pats:
        lit = _literal(p[1:]) if p.startswith("^") else _literal(p)
        if lit is None:
            other.append(_java_pattern(p))
        elif p.startswith("^"):
            anchored.append(lit)
        else:
            floating.append(lit)
    parts = []
    if anchored:
        parts.append("^" + _trie_regex(anchored))
    if floating:
        parts.append(_trie_regex(floating))
    return "(?d)(?U)" + "|".join(parts + other)


def is_bot(ua: Column, pattern: Optional[str] = None) -> Column:
    """The CLI's BotCheck: a user agent of ASCII white space only, or one the
    list matches (ASCII-lowercased)."""
    pattern = pattern or bot_pattern()
    empty = F.translate(ua, " \t\n\x0c\r", "") == ""
    return empty | F.translate(ua, _UPPER, _LOWER).rlike(pattern)


def blocked_stage(df, blocklist: Blocklist, src: str = "ip", out: str = "ip_blocklist"):
    """Adds `out`: whether the IP text is in the blocklist
    (Blocklist::contains: each prefix length of the list tried)."""
    if blocklist is None or blocklist.is_empty():
        return df.withColumn(out, F.lit(False))
    df = _ip_bits_stage(df, src)
    fam, bits = F.col("_b_fam"), F.col("_b_bits")
    cond = F.lit(False)
    for (f, n), prefixes in sorted(blocklist.nets.items()):
        cond = cond | ((fam == f) & F.substring(bits, 1, n).isin(sorted(prefixes)))
    df = df.withColumn(out, (F.col(src) != "") & F.coalesce(cond, F.lit(False)))
    return df.drop(*[x for x in df.columns if x.startswith("_b_")])


def static_rules(df, blocklist: Optional[Blocklist], rules_off=(), bot_regex: Optional[str] = None):
    """Adds `ip_blocklist` and `bot_user_agent` (booleans; false when the
    rule is switched off, has no blocklist, or the row has no user agent
    field) to parsed clicks. Pure expressions."""
    off = set(rules_off)
    if "ip_blocklist" in off:
        df = df.withColumn("ip_blocklist", F.lit(False))
    else:
        df = blocked_stage(df, blocklist, "ip", "ip_blocklist")
    if "bot_user_agent" in off:
        df = df.withColumn("bot_user_agent", F.lit(False))
    else:
        df = df.withColumn("bot_user_agent", F.col("has_ua") & is_bot(F.col("user_agent"), bot_regex))
    return df


# ---------------------------------------------------------------- serde_json's messages

class _JsonError(Exception):
    pass


_WS = b" \n\t\r"


def serde_json_error(line: str) -> Optional[str]:
    """The message serde_json gives for an NDJSON line the CLI reads as its
    JsonRow (src/clicks/json.rs: a map whose values are raw values), e.g.
    `EOF while parsing an object at line 1 column 12`, or None when it
    finds no error. Driver side, for the few rejected lines (Spark's own
    JSON parser gives no message). Follows serde_json 1.0.154's de.rs and
    read.rs (SliceRead): `error` at the current index, `peek_error` one
    past it."""
    b = line.encode("utf-8", errors="surrogateescape")
    n = len(b)
    st = {"i": 0}

    def fail(msg, at):
        start = b.rfind(b"\n", 0, at) + 1
        line_no = 1 + b.count(b"\n", 0, start)
        raise _JsonError(f"{msg} at line {line_no} column {at - start}")

    def err(msg):
        fail(msg, st["i"])

    def peek_err(msg):
        fail(msg, min(n, st["i"] + 1))

    def ws():
        while st["i"] < n and b[st["i"]] in _WS:
            st["i"] += 1
        return b[st["i"]] if st["i"] < n else None

    def hex4():
        i = st["i"]
        if n - i < 4:
            st["i"] = n
            err("EOF while parsing a string")
        st["i"] = i + 4
        try:
            return int(b[i:i + 4].decode("ascii"), 16) if all(chr(x) in "0123456789abcdefABCDEF" for x in b[i:i + 4]) else None
        except ValueError:
            return None

    def string(validate):
        while True:
            i = st["i"]
            while i < n and b[i] not in b'"\\' and b[i] >= 0x20:
                i += 1
            st["i"] = i
            if i == n:
                err("EOF while parsing a string")
            ch = b[i]
            if ch == 0x22:
                st["i"] = i + 1
                return
            if ch == 0x5C:
                st["i"] = i + 1
                if st["i"] >= n:
                    err("EOF while parsing a string")
                e = b[st["i"]]
                st["i"] += 1
                if e in b'"\\/bfnrt':
                    continue
                if e != 0x75:
                    err("invalid escape")
                v = hex4()
                if v is None:
                    err("invalid escape")
                if validate and 0xDC00 <= v <= 0xDFFF:
                    err("lone leading surrogate in hex escape")
                if validate and 0xD800 <= v <= 0xDBFF:
                    for want in (0x5C, 0x75):
                        if st["i"] >= n:
                            err("EOF while parsing a string")
                        if b[st["i"]] != want:
                            st["i"] += 1
                            err("unexpected end of hex escape")
                        st["i"] += 1
                    v2 = hex4()
                    if v2 is None:
                        err("invalid escape")
                    if not 0xDC00 <= v2 <= 0xDFFF:
                        err("lone leading surrogate in hex escape")
                continue
            st["i"] = i + 1 if validate else i
            err("control character (\\u0000-\\u001F) found while parsing a string")

    def peek0():
        return b[st["i"]] if st["i"] < n else 0

    def integer():
        c = b[st["i"]] if st["i"] < n else 0
        if st["i"] < n:
            st["i"] += 1
        if c == 0x30:
            if 0x30 <= peek0() <= 0x39:
                peek_err("invalid number")
        elif 0x31 <= c <= 0x39:
            while 0x30 <= peek0() <= 0x39:
                st["i"] += 1
        else:
            err("invalid number")
        if peek0() == 0x2E:
            st["i"] += 1
            k = 0
            while 0x30 <= peek0() <= 0x39:
                st["i"] += 1
                k += 1
            if k == 0:
                peek_err("invalid number")
        if peek0() in (0x65, 0x45):
            st["i"] += 1
            if peek0() in (0x2B, 0x2D):
                st["i"] += 1
            c = b[st["i"]] if st["i"] < n else 0
            if st["i"] < n:
                st["i"] += 1
            if not 0x30 <= c <= 0x39:
                err("invalid number")
            while 0x30 <= peek0() <= 0x39:
                st["i"] += 1

    def ident(rest):
        for x in rest:
            if st["i"] >= n:
                err("EOF while parsing a value")
            c = b[st["i"]]
            st["i"] += 1
            if c != x:
                err("expected ident")

    def colon():
        # The `:` after an object's key (nested and top-level objects alike).
        p = ws()
        if p == 0x3A:
            st["i"] += 1
        elif p is not None:
            peek_err("expected `:`")
        else:
            peek_err("EOF while parsing an object")

    def ignore_value():
        stack = []
        enclosing = None
        while True:
            p = ws()
            if p is None:
                peek_err("EOF while parsing a value")
            frame = None
            if p == 0x6E:
                st["i"] += 1
                ident(b"ull")
            elif p == 0x74:
                st["i"] += 1
                ident(b"rue")
            elif p == 0x66:
                st["i"] += 1
                ident(b"alse")
            elif p == 0x2D:
                st["i"] += 1
                integer()
            elif 0x30 <= p <= 0x39:
                integer()
            elif p == 0x22:
                st["i"] += 1
                string(False)
            elif p in (0x5B, 0x7B):
                if enclosing is not None:
                    stack.append(enclosing)
                    enclosing = None
                st["i"] += 1
                frame = p
            else:
                peek_err("expected value")
            if frame is not None:
                accept_comma = False
            elif enclosing is not None:
                frame, enclosing, accept_comma = enclosing, None, True
            elif stack:
                frame, accept_comma = stack.pop(), True
            else:
                return
            while True:
                p = ws()
                if p == 0x2C and accept_comma:
                    st["i"] += 1
                    break
                if (p == 0x5D and frame == 0x5B) or (p == 0x7D and frame == 0x7B):
                    pass
                elif p is not None:
                    if accept_comma:
                        peek_err("expected `,` or `]`" if frame == 0x5B else "expected `,` or `}`")
                    break
                else:
                    peek_err("EOF while parsing a list" if frame == 0x5B else "EOF while parsing an object")
                st["i"] += 1
                if not stack:
                    return
                frame = stack.pop()
                accept_comma = True
            if frame == 0x7B:
                p = ws()
                if p == 0x22:
                    st["i"] += 1
                elif p is not None:
                    peek_err("key must be a string")
                else:
                    peek_err("EOF while parsing an object")
                string(False)
                colon()
            enclosing = frame

    try:
        p = ws()
        if p is None:
            peek_err("EOF while parsing a value")
        if p != 0x7B:
            return None
        st["i"] += 1
        first = True
        while True:
            p = ws()
            if p is None:
                peek_err("EOF while parsing an object")
            if p == 0x7D:
                break
            if first:
                first = False
                if p != 0x22:
                    peek_err("key must be a string")
            elif p == 0x2C:
                st["i"] += 1
                p = ws()
                if p == 0x22:
                    pass
                elif p == 0x7D:
                    peek_err("trailing comma")
                elif p is not None:
                    peek_err("key must be a string")
                else:
                    peek_err("EOF while parsing a value")
            else:
                peek_err("expected `,` or `}`")
            st["i"] += 1
            string(True)
            colon()
            ignore_value()
        st["i"] += 1
        if ws() is not None:
            peek_err("trailing characters")
        return None
    except _JsonError as e:
        return str(e)
