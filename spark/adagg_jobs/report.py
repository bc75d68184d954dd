"""The report, settled exactly on the driver: KPIs as exact fractions
(Python integers), rankings with ties by campaign_id in byte order, and the
CLI's CSV files byte for byte (`src/report/csv.rs`, `src/schema/metric.rs`).

A campaign is a `Campaign`: totals as integers, money in micro-units."""
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from .cells import csv_text

MICROS = 1_000_000

HEADER = "campaign_id,total_impressions,total_clicks,total_spend,total_conversions,CTR,CPA"
KPI_HEADER = "campaign_id,total_impressions,total_clicks,total_spend,total_conversions,total_revenue,CTR,CPC,CPM,CVR,CPA,ROAS"
NAME_HEADER = "campaign_name"


@dataclass
class Campaign:
    """One campaign's totals (money in micro-units) and its last name."""

    campaign_id: str
    impressions: int
    clicks: int
    spend: int
    conversions: int
    revenue: int = 0
    name: Optional[str] = None

    def sum(self, key):
        return getattr(self, key)


@dataclass(frozen=True)
class Kpi:
    """A KPI: num / den of the campaign's totals, decimals, natural direction."""

    key: str
    label: str
    decimals: int
    better: str  # "desc" or "asc"

    def value(self, c: Campaign) -> Optional[Fraction]:
        """The exact value, or None when the denominator is 0 (or ROAS without revenue)."""
        num, den = {
            "ctr": (c.clicks, c.impressions),
            "cpc": (c.spend, c.clicks * MICROS),
            "cpm": (1000 * c.spend, c.impressions * MICROS),
            "cvr": (c.conversions, c.clicks),
            "cpa": (c.spend, c.conversions * MICROS),
            "roas": (c.revenue, c.spend),
        }[self.key]
        return Fraction(num, den) if den else None


KPIS = [
    Kpi("ctr", "CTR", 4, "desc"),
    Kpi("cpc", "CPC", 2, "asc"),
    Kpi("cpm", "CPM", 2, "asc"),
    Kpi("cvr", "CVR", 4, "desc"),
    Kpi("cpa", "CPA", 2, "asc"),
    Kpi("roas", "ROAS", 2, "desc"),
]
KPI_BY_KEY = {k.key: k for k in KPIS}

# Guardrails: the option, the campaign's sum, whether it is money.
GUARDRAILS = [("impressions", False), ("clicks", False), ("spend", True), ("conversions", False)]


def fixed(value: Fraction, decimals: int) -> str:
    """`value` (>= 0) with `decimals` places, rounded half away from zero."""
    scaled = value.numerator * 10**decimals
    q, r = divmod(scaled, value.denominator)
    if 2 * r >= value.denominator:
        q += 1
    digits = str(q).rjust(decimals + 1, "0")
    return digits[:-decimals] + "." + digits[-decimals:]


def money(micros: int) -> str:
    return fixed(Fraction(micros, MICROS), 2)


def kpi_text(kpi: Kpi, c: Campaign, has_revenue: bool) -> str:
    if kpi.key == "roas" and not has_revenue:
        return ""
    v = kpi.value(c)
    return "" if v is None else fixed(v, kpi.decimals)


def rank_key(kpi: Kpi, better: str):
    """Sort key: the exact value in the chosen direction, then the id's bytes."""
    if better == "desc":
        return lambda c: (-kpi.value(c), c.campaign_id.encode("utf-8"))
    return lambda c: (kpi.value(c), c.campaign_id.encode("utf-8"))


def fv_sec001_csv(rows) -> str:
    """`top10_ctr.csv` / `top10_cpa.csv` of FV-SEC001."""
    out = [HEADER + "\n"]
    ctr, cpa = KPI_BY_KEY["ctr"], KPI_BY_KEY["cpa"]
    for c in rows:
        out.append(
            ",".join(
                [
                    csv_text(c.campaign_id),
                    str(c.impressions),
                    str(c.clicks),
                    money(c.spend),
                    str(c.conversions),
                    kpi_text(ctr, c, True),
                    kpi_text(cpa, c, True),
                ]
            )
            + "\n"
        )
    return "".join(out)


def kpi_header(names: bool) -> str:
    if names:
        return KPI_HEADER.replace("campaign_id,", "campaign_id," + NAME_HEADER + ",", 1)
    return KPI_HEADER


def kpi_row(c: Campaign, has_revenue: bool, names: bool) -> str:
    cells = [csv_text(c.campaign_id)]
    if names:
        cells.append(csv_text(c.name or ""))
    cells += [str(c.impressions), str(c.clicks), money(c.spend), str(c.conversions)]
    cells.append(money(c.revenue) if has_revenue else "")
    cells += [kpi_text(k, c, has_revenue) for k in KPIS]
    return ",".join(cells) + "\n"


def kpi_csv(rows, has_revenue: bool, names: bool) -> str:
    """A KPI file (`all_campaigns.csv`, `top{N}_{metric}.csv`)."""
    return kpi_header(names) + "\n" + "".join(kpi_row(c, has_revenue, names) for c in rows)
