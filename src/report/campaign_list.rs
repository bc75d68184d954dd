//! Every campaign with every KPI as a table a user browses: sorted by any
//! column (exactly, as rankings are), filtered by id or name, read a page
//! of rows at a time, written as `all_campaigns.csv` in the order shown.
//! The page keeps one in a worker, so that sorting a million campaigns
//! never blocks its main thread.

use std::cmp::Ordering;

use crate::derive::rank::Ranked;
use crate::report::csv::{kpi_csv, shown_cell};
use crate::schema::columns::{Value, KPI_COLUMNS};
use crate::schema::metric::Better;

/// The campaigns, and the rows shown: all of them by id, or as sorted and
/// filtered.
pub struct CampaignList {
    /// Every campaign, by id ascending in byte order.
    rows: Vec<Ranked>,
    /// The rows shown, as indices into `rows`, in the order shown.
    view: Vec<u32>,
    /// The sort in force: a column key and its direction, or None (by id).
    sort: Option<(String, bool)>,
    /// The filter in force, lower case ('' for none).
    filter: String,
    has_revenue: bool,
    has_names: bool,
    has_platforms: bool,
}

/// The key of the name column (not one of [`KPI_COLUMNS`]).
pub const NAME_KEY: &str = "campaignName";

/// The key of the platform column (several platforms kept apart).
pub const PLATFORM_KEY: &str = "platform";

impl CampaignList {
    /// A list of `rows` (every campaign, by key: [`crate::Report::all`]);
    /// `has_platforms`: rows carry their platform (several kept apart).
    pub fn new(rows: Vec<Ranked>, has_revenue: bool, has_names: bool, has_platforms: bool) -> CampaignList {
        let view = (0..rows.len() as u32).collect();
        CampaignList { rows, view, sort: None, filter: String::new(), has_revenue, has_names, has_platforms }
    }

    /// Campaigns in the list.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there is no campaign.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows shown (after the filter).
    pub fn shown(&self) -> usize {
        self.view.len()
    }

    /// Sorts the rows shown by column `key` (a [`KPI_COLUMNS`] key or
    /// [`NAME_KEY`], [`PLATFORM_KEY`]), highest first when `descending`.
    /// Metrics compare as exact ratios; a campaign without the metric (or
    /// without revenue, for the columns that need it) comes last either
    /// way; ties by id ascending (then platform). Errors name an unknown
    /// column.
    pub fn sort(&mut self, key: &str, descending: bool) -> Result<(), String> {
        let column = KPI_COLUMNS.iter().find(|c| c.key == key);
        if column.is_none() && key != NAME_KEY && key != PLATFORM_KEY {
            return Err(format!("unknown column {key:?}"));
        }
        let rows = &self.rows;
        let dir = |o: Ordering| if descending { o.reverse() } else { o };
        let platform = |i: u32| rows[i as usize].platform.map_or("", |p| p.name());
        let id = |i: u32| (&rows[i as usize].campaign_id, platform(i));
        match column.map(|c| c.value) {
            None if key == PLATFORM_KEY => {
                self.view.sort_by(|&a, &b| dir(platform(a).cmp(platform(b))).then_with(|| id(a).cmp(&id(b))));
            }
            None => {
                let name = |i: u32| rows[i as usize].name.as_deref().unwrap_or(&[]);
                self.view.sort_by(|&a, &b| dir(name(a).cmp(name(b))).then_with(|| id(a).cmp(&id(b))));
            }
            Some(Value::Id) => self.view.sort_by(|&a, &b| dir(id(a).cmp(&id(b)))),
            Some(Value::Sum(sum)) => {
                // Absent (no revenue for this campaign or at all): last either way.
                let value = |i: u32| {
                    let r = &rows[i as usize];
                    let absent = !sum.required() && (!self.has_revenue || r.revenue_absent);
                    (!absent).then(|| sum.of(&r.totals))
                };
                self.view.sort_by(|&a, &b| {
                    match (value(a), value(b)) {
                        (Some(x), Some(y)) => dir(x.cmp(&y)),
                        (Some(_), None) => Ordering::Less,
                        (None, Some(_)) => Ordering::Greater,
                        (None, None) => Ordering::Equal,
                    }
                    .then_with(|| id(a).cmp(&id(b)))
                });
            }
            Some(Value::Metric(m)) => {
                let absent = m.needs_optional() && !self.has_revenue;
                let better = if descending { Better::Higher } else { Better::Lower };
                let value = |i: u32| {
                    let r = &rows[i as usize];
                    let t = &r.totals;
                    // A campaign without revenue has no ROAS: as undefined.
                    let denominator = match m.needs_optional() && r.revenue_absent {
                        true => 0,
                        false => m.denominator.of(t),
                    };
                    (m.numerator.of(t), denominator)
                };
                self.view.sort_by(|&a, &b| {
                    let (va, vb) = (value(a), value(b));
                    let defined = |v: (u64, u64)| !absent && v.1 > 0;
                    match (defined(va), defined(vb)) {
                        (true, true) => m.order_values_by(better, va, vb),
                        (true, false) => Ordering::Less,
                        (false, true) => Ordering::Greater,
                        (false, false) => Ordering::Equal,
                    }
                    .then_with(|| id(a).cmp(&id(b)))
                });
            }
        }
        self.sort = Some((key.to_string(), descending));
        Ok(())
    }

    /// Shows only the campaigns whose id or name contains `text` (case
    /// insensitive; '' shows all), keeping the sort in force.
    pub fn filter(&mut self, text: &str) {
        self.filter = text.trim().to_lowercase();
        let wanted = self.filter.as_bytes();
        let matches = |r: &Ranked| {
            wanted.is_empty()
                || contains_lower(&r.campaign_id, wanted)
                || r.name.as_deref().is_some_and(|n| contains_lower(n, wanted))
                || r.platform.is_some_and(|p| contains_lower(p.name().as_bytes(), wanted))
        };
        self.view = (0..self.rows.len() as u32).filter(|&i| matches(&self.rows[i as usize])).collect();
        if let Some((key, descending)) = self.sort.clone() {
            let _ = self.sort(&key, descending);
        }
    }

    /// Rows `from..from + count` of the view, each as its cells in
    /// [`KPI_COLUMNS`] order, then the name, then (several platforms kept
    /// apart) the platform: text as written in the CSV, unquoted; the
    /// columns that need revenue empty without it.
    pub fn rows(&self, from: usize, count: usize) -> Vec<Vec<String>> {
        let end = from.saturating_add(count).min(self.view.len());
        self.view[from.min(end)..end]
            .iter()
            .map(|&i| {
                let r = &self.rows[i as usize];
                let mut cells: Vec<String> = KPI_COLUMNS.iter().map(|c| shown_cell(c, r, self.has_revenue)).collect();
                cells.push(r.name.as_deref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default());
                if self.has_platforms {
                    cells.push(r.platform.map_or("", |p| p.name()).to_string());
                }
                cells
            })
            .collect()
    }

    /// `all_campaigns.csv` of the rows shown, in the order shown.
    pub fn csv(&self) -> String {
        let rows: Vec<Ranked> = self.view.iter().map(|&i| self.rows[i as usize].clone()).collect();
        kpi_csv(&rows, self.has_revenue, self.has_names, self.has_platforms)
    }
}

/// `hay` contains `needle` (lower case) once lower-cased: byte by byte for
/// an ASCII needle (no allocation: a million campaigns are filtered at
/// each key press), as text otherwise.
fn contains_lower(hay: &[u8], needle: &[u8]) -> bool {
    if needle.is_ascii() {
        return needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w.iter().zip(needle).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    String::from_utf8_lossy(hay).to_lowercase().contains(std::str::from_utf8(needle).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::totals::Totals;

    fn row(id: &str, name: &str, t: [u64; 5]) -> Ranked {
        Ranked { campaign_id: id.as_bytes().into(), totals: Totals::new(t), name: (!name.is_empty()).then(|| name.as_bytes().into()), platform: None, revenue_absent: false }
    }

    fn list() -> CampaignList {
        // impressions, clicks, spend (micros), conversions, revenue (micros)
        CampaignList::new(
            vec![
                row("a", "Spring", [1000, 10, 5_000_000, 1, 10_000_000]),
                row("b", "Brand", [1000, 30, 9_000_000, 0, 0]),
                row("c", "spring two", [3000, 30, 15_000_000, 3, 30_000_000]),
                row("d", "", [0, 0, 0, 0, 0]),
            ],
            true,
            true,
            false,
        )
    }

    fn ids(l: &CampaignList) -> Vec<String> {
        l.rows(0, 100).into_iter().map(|r| r[0].clone()).collect()
    }

    #[test]
    fn sorts_exactly_with_undefined_last_and_ties_by_id() {
        let mut l = list();
        assert_eq!(ids(&l), ["a", "b", "c", "d"], "by id at first");
        // CPM: a 5000, b 9000, c 5000 (a = c: tie by id); d undefined.
        l.sort("cpm", false).unwrap();
        assert_eq!(ids(&l), ["a", "c", "b", "d"]);
        l.sort("cpm", true).unwrap();
        assert_eq!(ids(&l), ["b", "a", "c", "d"], "undefined last in both directions; ties by id ascending");
        l.sort("cpa", false).unwrap();
        assert_eq!(ids(&l), ["a", "c", "b", "d"]);
        l.sort("totalClicks", true).unwrap();
        assert_eq!(ids(&l), ["b", "c", "a", "d"]);
        l.sort(NAME_KEY, false).unwrap();
        assert_eq!(ids(&l), ["d", "b", "a", "c"]);
        assert!(l.sort("nope", false).is_err());
    }

    #[test]
    fn filters_by_id_or_name_keeping_the_sort() {
        let mut l = list();
        l.sort("totalSpend", true).unwrap();
        l.filter("SPRING");
        assert_eq!(ids(&l), ["c", "a"]);
        assert_eq!(l.shown(), 2);
        l.filter("b");
        assert_eq!(ids(&l), ["b"]);
        l.filter("TWO");
        assert_eq!(ids(&l), ["c"], "in the name only");
        l.filter("");
        assert_eq!(ids(&l), ["c", "b", "a", "d"]);
        let csv = l.csv();
        let first: Vec<&str> = csv.lines().skip(1).map(|line| line.split(',').next().unwrap()).collect();
        assert_eq!(first, ["c", "b", "a", "d"], "the CSV follows the view");
        assert!(csv.starts_with("campaign_id,campaign_name,"));
    }

    #[test]
    fn rows_page_and_absent_revenue() {
        let mut l = list();
        l.has_revenue = false;
        let page = l.rows(1, 2);
        assert_eq!(page.len(), 2);
        assert_eq!(page[0][0], "b");
        let roas = KPI_COLUMNS.iter().position(|c| c.key == "roas").unwrap();
        assert_eq!(page[0][roas], "", "ROAS absent without revenue");
        assert_eq!(page[0].last().unwrap(), "Brand");
        assert!(l.rows(10, 5).is_empty());
        l.sort("roas", true).unwrap();
        assert_eq!(ids(&l), ["a", "b", "c", "d"], "absent: by id");
    }
}
