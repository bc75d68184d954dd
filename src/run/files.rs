//! Several input files as one result (issue 15): each file's merged
//! result and platform in; one result out, its campaigns keyed by
//! (platform, campaign id) when files of more than one platform are loaded
//! and kept apart, by campaign id otherwise; plus rows per file and totals
//! per platform.
//!
//! The merge is exact: the combined campaigns are the aggregate of the
//! concatenated inputs (each file's totals added key by key; a total that
//! would overflow is an error naming the campaign). Ids are combined as
//! UTF-8 (a Windows-1252 file's ids are decoded first), so the same id
//! from files in two encodings is one campaign. A key of several
//! platforms is the platform's [`Platform::name`], a `\0`, then the id:
//! byte order of keys is (platform name, id) order, which is the ties'
//! order of every ranking and the order of `all_campaigns.csv`.
//!
//! When some files have a revenue column and others do not, a campaign
//! none of whose rows came from a file with one has its revenue absent
//! (empty, and never ranked by ROAS), not zero
//! ([`Partial::no_revenue`]).

use rustc_hash::FxHashMap;

use crate::agg::partial::{set_name, Partial};
use crate::error::Error;
use crate::group::table::Table;
use crate::read::plan::Plan;
use crate::schema::platform::Platform;
use crate::schema::totals::Totals;
use crate::text::encoding::Encoding;

/// What one file adds to a combined result: its campaigns and names, and
/// what the per-file and per-platform lines say of it.
pub struct FileResult {
    /// How the user knows the file (its name).
    pub label: String,
    /// Its platform: detected ([`Platform::detect_file`]) or chosen.
    pub platform: Platform,
    /// Data rows read, added and skipped.
    pub rows_read: u64,
    /// Rows added to a campaign.
    pub rows_aggregated: u64,
    /// Rows skipped (any reason).
    pub rows_skipped: u64,
    /// Rows skipped by reason class (as [`Partial::skipped`]).
    skipped: [u64; crate::error::SkipKind::CLASSES],
    /// Bytes read.
    pub bytes: u64,
    /// It has a revenue column.
    pub has_revenue: bool,
    /// It has a campaign-name column beside the id.
    pub has_names: bool,
    encoding: Encoding,
    campaigns: Table,
    names: FxHashMap<Box<[u8]>, Box<[u8]>>,
}

impl FileResult {
    /// Takes from a file's merged result (`partial`, for `plan`) what is
    /// combined: its campaigns and names. The rest (skipped and rejected
    /// rows, data-quality warnings, an error) stays in `partial` for the
    /// file's own report ([`crate::Report::with_options`] with no
    /// rankings).
    pub fn take(label: String, platform: Platform, plan: &Plan, partial: &mut Partial) -> FileResult {
        FileResult {
            label,
            platform,
            rows_read: partial.rows_read,
            rows_aggregated: partial.rows_aggregated,
            rows_skipped: partial.rows_skipped(),
            skipped: partial.skipped,
            bytes: partial.end,
            has_revenue: partial.has_revenue || plan.has_revenue(),
            has_names: plan.name_column.is_some(),
            encoding: plan.encoding,
            campaigns: std::mem::take(&mut partial.campaigns),
            names: std::mem::take(&mut partial.names),
        }
    }

    /// Distinct campaigns in this file.
    pub fn campaigns(&self) -> u64 {
        self.campaigns.campaigns() as u64
    }
}

/// One platform's totals over its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformTotals {
    /// The platform.
    pub platform: Platform,
    /// Its files.
    pub files: u64,
    /// Rows added to a campaign.
    pub rows_aggregated: u64,
    /// Distinct campaigns (ids) on this platform.
    pub campaigns: u64,
    /// Every campaign's totals added up.
    pub totals: Totals,
    /// Some file of this platform had a revenue column.
    pub has_revenue: bool,
}

/// Files combined: one result to rank as a single file's, with the plan
/// that goes with it.
pub struct Combined {
    /// The plan to report with: the first file's, ids in UTF-8, with names
    /// when any file had them and revenue when any had it.
    pub plan: Plan,
    /// Every file's campaigns added up (rows and skipped rows by reason
    /// counted over all files; no skipped-row examples, rejected rows or
    /// warnings: those are each file's).
    pub partial: Partial,
    /// Per file, in the order given: label, platform, rows.
    pub files: Vec<FileSummary>,
    /// Per platform (in [`Platform::ALL`] order), its totals.
    pub platforms: Vec<PlatformTotals>,
    /// Campaigns are kept apart by platform (several platforms loaded and
    /// not merged): the ranking files carry `platform` first.
    pub by_platform: bool,
}

/// One file's line in the combined summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// How the user knows the file.
    pub label: String,
    /// Its platform.
    pub platform: Platform,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows added to a campaign.
    pub rows_aggregated: u64,
    /// Rows skipped.
    pub rows_skipped: u64,
    /// Distinct campaigns in the file.
    pub campaigns: u64,
}

/// Several platforms loaded: distinct platforms among `platforms` > 1.
pub fn several_platforms(platforms: &[Platform]) -> bool {
    platforms.iter().any(|&p| p != platforms[0])
}

/// The key of `id` on `platform` when campaigns are kept apart by platform.
pub fn platform_key(platform: Platform, id: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(platform.name().len() + 1 + id.len());
    key.extend_from_slice(platform.name().as_bytes());
    key.push(0);
    key.extend_from_slice(id);
    key
}

/// A key made by [`platform_key`] split back into platform and id.
pub fn split_platform_key(key: &[u8]) -> (Option<Platform>, &[u8]) {
    match key.iter().position(|&b| b == 0) {
        Some(at) => {
            let platform = std::str::from_utf8(&key[..at]).ok().and_then(Platform::from_name);
            (platform, &key[at + 1..])
        }
        None => (None, key),
    }
}

/// Combines files' results (at least one), in the order given. With
/// `merge_platforms`, or when every file has the same platform, a
/// campaign id is one campaign whatever its file; otherwise it is one
/// campaign per platform. `plans[i]` is the plan of `files[i]`.
pub fn combine(files: Vec<FileResult>, plans: &[Plan], merge_platforms: bool) -> Result<Combined, Error> {
    assert!(!files.is_empty() && plans.len() == files.len(), "one plan per file, at least one file");
    let kinds: Vec<Platform> = files.iter().map(|f| f.platform).collect();
    let by_platform = !merge_platforms && several_platforms(&kinds);
    let mut plan = plans[0].clone();
    plan.encoding = match plan.encoding {
        e if e.legacy() => Encoding::Utf8,
        e => e,
    };
    if plan.name_column.is_none() {
        // The report only asks whether names exist.
        plan.name_column = plans.iter().find_map(|p| p.name_column);
    }
    let mut partial = Partial::new(0);
    partial.platform_keys = by_platform;
    let mut platforms: Vec<PlatformTotals> = Vec::new();
    let mut summaries = Vec::with_capacity(files.len());
    let mut table = Table::new();
    // Merged across platforms: each platform's distinct ids, to count them.
    let mut merged_ids: Vec<rustc_hash::FxHashSet<Vec<u8>>> = Vec::new();
    let count_ids = !by_platform && several_platforms(&kinds);
    // Some files with revenue, some without: the keys of each kind, to
    // tell the campaigns whose revenue is absent.
    let mixed = files.iter().any(|f| f.has_revenue) && files.iter().any(|f| !f.has_revenue);
    let mut with_revenue: rustc_hash::FxHashSet<Vec<u8>> = Default::default();
    let mut without_revenue: Vec<Vec<u8>> = Vec::new();
    for file in files {
        summaries.push(FileSummary {
            label: file.label.clone(),
            platform: file.platform,
            rows_read: file.rows_read,
            rows_aggregated: file.rows_aggregated,
            rows_skipped: file.rows_skipped,
            campaigns: file.campaigns(),
        });
        partial.rows_read += file.rows_read;
        partial.rows_aggregated += file.rows_aggregated;
        for (a, b) in partial.skipped.iter_mut().zip(file.skipped) {
            *a += b;
        }
        partial.end += file.bytes;
        partial.has_revenue |= file.has_revenue;
        let at = match platforms.iter().position(|p| p.platform == file.platform) {
            Some(at) => at,
            None => {
                platforms.push(PlatformTotals {
                    platform: file.platform,
                    files: 0,
                    rows_aggregated: 0,
                    campaigns: 0,
                    totals: Totals::default(),
                    has_revenue: false,
                });
                if count_ids {
                    merged_ids.push(Default::default());
                }
                platforms.len() - 1
            }
        };
        let totals = &mut platforms[at];
        totals.files += 1;
        totals.rows_aggregated += file.rows_aggregated;
        totals.has_revenue |= file.has_revenue;
        let encoding = file.encoding;
        let key = |id: &[u8]| -> Vec<u8> {
            let decoded = encoding.to_utf8(id);
            let id = &decoded[..];
            match by_platform {
                true => platform_key(file.platform, id),
                false => id.to_vec(),
            }
        };
        let mut overflow = None;
        file.campaigns.for_each(|id, t| {
            if overflow.is_some() {
                return;
            }
            if let Err(field) = totals.totals.add(t) {
                overflow = Some(Error::merge_overflow(field, id));
                return;
            }
            let key = key(id);
            if let Err(field) = table.add(&key, t) {
                overflow = Some(Error::merge_overflow(field, id));
            }
            if mixed {
                match file.has_revenue {
                    true => {
                        with_revenue.insert(key.clone());
                    }
                    false => without_revenue.push(key.clone()),
                }
            }
            if count_ids {
                merged_ids[at].insert(key);
            }
        });
        if let Some(err) = overflow {
            return Err(err);
        }
        // Later files win: the last name seen, as within a file.
        for (id, name) in &file.names {
            let name = encoding.to_utf8(name).into_owned();
            set_name(&mut partial.names, &key(id), &name);
        }
    }
    for key in without_revenue {
        if !with_revenue.contains(&key) {
            partial.no_revenue.insert(key.into());
        }
    }
    // Distinct campaigns per platform: kept apart, its keys; one
    // platform, every key; merged across platforms, its distinct ids.
    match (by_platform, platforms.len()) {
        (true, _) => table.for_each(|key, _| {
            if let (Some(pl), _) = split_platform_key(key) {
                if let Some(p) = platforms.iter_mut().find(|p| p.platform == pl) {
                    p.campaigns += 1;
                }
            }
        }),
        (false, 1) => platforms[0].campaigns = table.campaigns() as u64,
        (false, _) => {
            for (p, ids) in platforms.iter_mut().zip(&merged_ids) {
                p.campaigns = ids.len() as u64;
            }
        }
    }
    platforms.sort_by_key(|p| Platform::ALL.iter().position(|&q| q == p.platform));
    partial.campaigns = table;
    Ok(Combined { plan, partial, files: summaries, platforms, by_platform })
}
