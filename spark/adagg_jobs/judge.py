"""One line of the canonical schema judged as the CLI judges a record
(`src/row/record.rs`, `src/text/number.rs`), in plain Python: the slow path
of `canonical`, for the few lines that are not plain (quotes, currency
signs, spaces, exponents, malformed rows, headers, totals). Exact: Python
integers, no floats."""

import re

# Row kinds (as `canonical`).
ACCEPTED, REJECTED, NOT_DATA, HEADER, REORDERED_HEADER = 0, 1, 2, 3, 4

RECORD_LIMIT = 1 << 20
UNTERMINATED_CLASS = "unterminated quote (line skipped, reading resumed on the next line)"
UNTERMINATED = (
    "a quoted field opened on this line is not closed within 1024 KiB or before the end of the file "
    '(a stray "?): this line is skipped, reading resumes on the next line'
)
FOOTER_CLASS = "total or footer row (never added to a campaign)"

U64_MAX = (1 << 64) - 1
_SPACES = " \t\u00a0"
_SYMBOLS = ["$", "\u20ac", "\u00a3", "\u00a5"]
_CODE = re.compile(r"[A-Z]{3}")
_EXP_CLAMP = 1 << 40


class NumError(Exception):
    """`is not a number`, `is negative` or `is too large`."""


def _trim(s):
    return s.strip(_SPACES)


def strip_currency(s):
    s = _trim(s)
    for sym in _SYMBOLS:
        if s.startswith(sym):
            s = _trim(s[len(sym):])
        if s.endswith(sym):
            s = _trim(s[: -len(sym)])
    if len(s) > 4 and _CODE.fullmatch(s[:3]) and s[3] == " ":
        s = _trim(s[4:])
    if len(s) > 4 and _CODE.fullmatch(s[-3:]) and s[-4] == " ":
        s = _trim(s[:-4])
    return s


_GROUPS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*")


def _split(field):
    """(negative, int digits, fraction digits, exponent), or None for zero."""
    s = strip_currency(field)
    if s in ("", "--"):
        return None
    negative = False
    if s.startswith("-"):
        negative = True
        s = strip_currency(s[1:])
    exp = 0
    m = re.search(r"[eE]", s)
    if m:
        tail = s[m.start() + 1:]
        digits = tail[1:] if tail[:1] in ("+", "-") else tail
        if not digits or not digits.isascii() or not digits.isdigit():
            raise NumError("is not a number")
        exp = min(int(digits), _EXP_CLAMP) if len(digits) < 20 else _EXP_CLAMP
        if tail.startswith("-"):
            exp = -exp
        s = s[: m.start()]
    int_part, _, frac = s.partition(".")
    if not int_part and not frac:
        raise NumError("is not a number")
    if frac and not (frac.isascii() and frac.isdigit()):
        raise NumError("is not a number")
    if not (int_part.isascii() and _GROUPS.fullmatch(int_part)):
        raise NumError("is not a number")
    return negative, int_part.replace(",", ""), frac, exp


def _scaled(int_part, frac, exp, scale):
    """(value x 10^scale rounded half away from zero, a non-zero digit dropped)."""
    digits = int_part + frac
    keep = len(int_part) + exp + scale
    if keep <= 0:
        kept, dropped = "", digits
    else:
        kept, dropped = digits[:keep], digits[keep:]
    value = int(kept) if kept else 0
    if value and keep > len(digits):
        if keep - len(digits) > 40:
            raise NumError("is too large")
        value *= 10 ** (keep - len(digits))
    if value > U64_MAX:
        raise NumError("is too large")
    if keep < 0:
        first = "0"
    else:
        first = dropped[:1] or "0"
    if first >= "5":
        value += 1
        if value > U64_MAX:
            raise NumError("is too large")
    return value, any(d != "0" for d in dropped)


def parse_count(field):
    if field.isascii() and field.isdigit() and len(field) <= 19:
        return int(field)
    parts = _split(field)
    if parts is None:
        return 0
    negative, int_part, frac, exp = parts
    if not int_part:
        raise NumError("is not a number")
    value, fraction = _scaled(int_part, frac, exp, 0)
    if fraction:
        raise NumError("is not a number")
    if negative and any(d != "0" for d in int_part + frac):
        raise NumError("is negative")
    return value


def parse_micros(field):
    """(micros, rounded)."""
    parts = _split(field)
    if parts is None:
        return 0, False
    negative, int_part, frac, exp = parts
    micros, rounded = _scaled(int_part, frac, exp, 6)
    if negative and any(d != "0" for d in int_part + frac):
        raise NumError("is negative")
    return micros, rounded


def split_line(line):
    """The fields of a one-line record (RFC 4180 quoting), or None when a
    quoted field is not closed on the line."""
    if '"' not in line:
        return line.split(",")
    fields, i, n = [], 0, len(line)
    while True:
        if i < n and line[i] == '"':
            j, buf = i + 1, []
            while True:
                k = line.find('"', j)
                if k < 0:
                    return None
                buf.append(line[j:k])
                if k + 1 < n and line[k + 1] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                j = k + 1
                break
            # csv-core: text after the closing quote joins the field.
            end = line.find(",", j)
            end = n if end < 0 else end
            buf.append(line[j:end])
            fields.append("".join(buf))
            i = end
        else:
            end = line.find(",", i)
            end = n if end < 0 else end
            fields.append(line[i:end])
            i = end
        if i >= n:
            return fields
        i += 1
        if i == n:
            fields.append("")
            return fields


def _is_total_label(v):
    v = v.strip(" \t").lower()
    return v in ("total", "totals") or v.startswith("total:")


def _summary_cell(v):
    v = v.strip(" \t")
    return v in ("", "--") or _is_total_label(v)


def _debug(value):
    """`value` cut to 60 bytes as Rust's `{:?}` writes it: in quotes, `\\`,
    `"`, tab, CR, LF and NUL escaped, other control characters as `\\u{hex}`."""
    cut = value.encode("utf-8")[:60].decode("utf-8", "replace")
    more = "..." if len(value.encode("utf-8")) > 60 else ""
    simple = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\r": "\\r", "\n": "\\n", "\0": "\\0"}
    out = "".join(
        simple.get(ch) or (f"\\u{{{ord(ch):x}}}" if ord(ch) < 32 or 127 <= ord(ch) < 160 else ch) for ch in cut
    )
    return f'"{out}"{more}'


class Judge:
    """Judges lines against one header (`Layout`'s fields)."""

    def __init__(self, lower_names, column, sums):
        self.lower = lower_names
        self.header_norm = ",".join(lower_names)
        self.sorted_header = sorted(lower_names)
        self.count = len(lower_names)
        self.column = column
        self.sums = sums  # [(field, kind)] present, in the CLI's order

    def __call__(self, line):
        """(kind, campaign, name, impressions, clicks, spend, conversions,
        revenue, reason, message); money in micro-units."""
        line = line.lstrip("\ufeff") if line.startswith("\ufeff") else line
        nothing = (None,) * 6
        fields = split_line(line)
        if fields is None:
            return (REJECTED, None, *nothing, UNTERMINATED_CLASS, UNTERMINATED)
        names = [f.strip(" \t").lower() for f in fields]
        if names == self.lower:
            return (HEADER, None, *nothing, None, None)
        if sorted(names) == self.sorted_header:
            return (REORDERED_HEADER, None, *nothing, None, None)
        if len(line.encode("utf-8")) > RECORD_LIMIT:
            return (REJECTED, None, *nothing, "record too long", "record longer than 1024 KiB")
        if self._footer(fields):
            label = _debug(fields[0].strip(" \t"))
            return (NOT_DATA, None, *nothing, FOOTER_CLASS, f"{FOOTER_CLASS}: {label}")
        if len(fields) != self.count:
            return (REJECTED, None, *nothing, "wrong number of fields", f"expected {self.count} fields, found {len(fields)}")
        campaign = fields[self.column["campaign_id"]].strip(" \t")
        if not campaign:
            return (REJECTED, None, *nothing, "campaign_id is empty", "campaign_id is empty")
        values = {"impressions": 0, "clicks": 0, "spend": 0, "conversions": 0, "revenue": 0}
        for field, kind in self.sums:
            text = fields[self.column[field]]
            try:
                values[field] = parse_count(text) if kind == "count" else parse_micros(text)[0]
            except NumError as e:
                reason = f"{field} {e}"
                return (REJECTED, None, *nothing, reason, f"{reason}: {_debug(text)}")
        name_col = self.column.get("campaign_name")
        name = fields[name_col].strip(" \t") if name_col is not None else None
        return (
            ACCEPTED,
            campaign,
            name,
            values["impressions"],
            values["clicks"],
            values["spend"],
            values["conversions"],
            values["revenue"],
            None,
            None,
        )

    def _footer(self, fields):
        if len(fields) == 1:
            text = fields[0].lower()
            return "\u00a9" in text or "rights reserved" in text or text.startswith("copyright")

        def cell(c):
            return fields[c] if c is not None and c < len(fields) else None

        c = self.column["campaign_id"]
        cells = [cell(0), cell(c), cell(self.column.get("campaign_name"))]
        if not any(v is not None and _is_total_label(v) for v in cells):
            return False
        if cell(c) is not None and not _summary_cell(cell(c)):
            return False
        d = self.column.get("date")
        return d is None or cell(d) is None or _summary_cell(cell(d))



