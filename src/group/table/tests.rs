//! The campaign table against a plain map.

use super::*;

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn row(n: u64) -> Totals {
    Totals::required([n, n / 3, n * 7, n % 5])
}

#[test]
fn pack_round_trips_and_distinguishes_lengths() {
    for id in [
        &b"a"[..],
        b"a\0",
        b"\0",
        b"CMP001",
        b"12345678",
        b"123456789",
        b"123456789012345",
    ] {
        let (lo, hi) = pack(id).unwrap();
        assert_ne!(hi, 0);
        assert_eq!(&*unpack(lo, hi), id);
    }
    assert_ne!(pack(b"a"), pack(b"a\0"));
    assert_eq!(pack(b""), None);
    assert_eq!(pack(b"1234567890123456"), None);
}

#[test]
fn matches_a_plain_map() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut table = Table::new();
    let mut reference = CampaignMap::default();
    let alphabet = b"ab\0\xff9 ";
    for round in 0..200_000u64 {
        // Mostly short ids from a small alphabet (many repeats), some
        // long ones, some numbered ones that make the table grow.
        let r = rng.next();
        let id: Vec<u8> = match r % 4 {
            0 | 1 => (0..1 + (r >> 8) % 20)
                .map(|k| alphabet[((r >> (12 + k)) % 6) as usize])
                .collect(),
            2 => format!("CMP{:07}", (r >> 8) % 50_000).into_bytes(),
            _ => format!("campaign-with-a-long-name-{}", (r >> 8) % 1000).into_bytes(),
        };
        let v = row(round);
        table.add(&id, &v).unwrap();
        let t = reference.entry(id.into()).or_default();
        *t = Totals::new(std::array::from_fn(|i| t.sums[i] + v.sums[i]));
    }
    assert_eq!(table.len(), reference.len());
    let got = contents(&table);
    assert_eq!(got, reference);
}

/// Large tables: compact slots, campaigns that outgrow 32-bit counts,
/// ids of 12 to 15 bytes, all against a plain map, across growth.
#[test]
fn large_tables_widen_exactly() {
    let mut table = Table::new();
    let mut reference = CampaignMap::default();
    let mut rng = Rng(0xABCD_EF01_2345_6789);
    let big = Totals::required([3_000_000_000, 5, 1 << 40, 1]);
    for round in 0..300_000u64 {
        let r = rng.next();
        let id = match r % 8 {
            0 => format!("widen{:03}", r % 300),
            1 => format!("twelve{:07}", (r >> 8) % 40_000),
            _ => format!("C{:09}", (r >> 8) % 100_000),
        };
        let v = if r.is_multiple_of(8) || r.is_multiple_of(97) {
            big
        } else {
            row(round % 1000)
        };
        table.add(id.as_bytes(), &v).unwrap();
        reference
            .entry(id.into_bytes().into())
            .or_default()
            .add(&v)
            .unwrap();
        if round == 5_000 {
            assert!(!table.is_large());
        }
    }
    assert!(table.is_large());
    assert!(table.wide.len() > 20_000, "{}", table.wide.len());
    assert_eq!(table.len(), reference.len());
    let got = contents(&table);
    assert_eq!(got, reference);

    // An overflow in a compact slot changes nothing.
    let mut table = Table::new();
    for i in 0..20_000 {
        table.add(format!("id{i}").as_bytes(), &row(1)).unwrap();
    }
    assert!(table.is_large());
    let max = Totals::required([0, 0, u64::MAX, 0]);
    table.add(b"id7", &max).unwrap_err();
    assert_eq!(
        table.add(
            b"id7",
            &Totals::required([0, 0, u64::MAX, 0])
        ),
        Err(Field::Spend)
    );
    let got = contents(&table);
    assert_eq!(got[&b"id7"[..]], row(1));
}

#[test]
fn fx_hash_is_the_maps_hash() {
    use std::hash::BuildHasher;
    let hasher = *CampaignMap::default().hasher();
    let mut rng = Rng(0x1357_9BDF_2468_ACE0);
    for round in 0..100_000 {
        let len = 1 + round % PACKED_MAX;
        let id: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let (lo, hi) = pack(&id).unwrap();
        assert_eq!(fx_hash(lo, hi), hasher.hash_one(&id[..]), "{id:?}");
        let boxed: Box<[u8]> = id.into();
        assert_eq!(fx_hash(lo, hi), hasher.hash_one(&boxed));
    }
}

#[test]
fn merge_adds_to_existing_totals_and_reports_overflow() {
    let mut table = Table::new();
    table.add(b"A", &row(10)).unwrap();
    table.add(b"a-very-long-campaign-id", &row(3)).unwrap();
    let mut other = Table::new();
    other.add(b"A", &row(5)).unwrap();
    table.merge(other).unwrap();
    let got = contents(&table);
    assert_eq!(got[&b"A"[..]][Sum::Impressions], 15);
    assert_eq!(got[&b"a-very-long-campaign-id"[..]][Sum::Impressions], 3);

    let mut table = Table::new();
    table
        .add(
            b"A",
            &Totals::required([u64::MAX, 0, 0, 0]),
        )
        .unwrap();
    assert_eq!(table.add(b"A", &row(1)), Err(Field::Impressions));
    let mut other = Table::new();
    other.add(b"A", &row(1)).unwrap();
    assert_eq!(table.merge(other).unwrap_err(), (Field::Impressions, (*b"A").into()));
}

/// An id of 1 to 40 bytes: mostly numbers of 16 to 24 digits (Meta's and
/// TikTok's ids are 17 to 19), some shorter or longer, some of any bytes.
fn mixed_id(r: u64) -> Vec<u8> {
    let n = (r >> 8) % 30_000;
    match r % 8 {
        0..=4 => {
            let digits = 16 + (r >> 40) as usize % 9;
            format!("{:0digits$}", n * 7919).into_bytes()
        }
        5 => format!("C{n}").into_bytes(),
        6 => format!("campaign-with-a-name-that-runs-long-{:04}", n % 3000).into_bytes(),
        _ => {
            let len = 1 + (r >> 32) as usize % 40;
            (0..len).map(|k| (n >> (k % 12)) as u8 ^ (k as u8).wrapping_mul(37)).collect()
        }
    }
}

/// Ids of 1 to 40 bytes (packed, inline long, and longer ones) in four
/// tables of adjacent ranges, through both ways of adding, merged in file
/// order: the same totals as a plain map. The long ids' table gets large.
#[test]
fn long_ids_match_a_plain_map_across_merges() {
    let mut rng = Rng(0x000D_DBA1_15EE_D1D5);
    let mut reference = CampaignMap::default();
    let mut tables: Vec<Table> = (0..4).map(|_| Table::new()).collect();
    for round in 0..400_000u64 {
        let id = mixed_id(rng.next());
        let v = row(round);
        let table = &mut tables[(round / 100_000) as usize];
        if round % 2 == 0 {
            table.add(&id, &v).unwrap();
        } else if let Some((lo, hi)) = pack(&id) {
            table.add_at(table.home(lo, hi), lo, hi, &v).unwrap();
        } else {
            table.add_long_at(table.home_long(&id), &id, &v).unwrap();
        }
        reference.entry(id.into()).or_default().add(&v).unwrap();
    }
    assert!(tables.iter().all(|t| t.long.is_large()));
    let mut merged = tables.remove(0);
    for t in tables {
        merged.merge(t).unwrap();
    }
    assert_eq!(merged.len(), reference.len());
    assert_eq!(merged.campaigns(), reference.len());
    let mut seen = CampaignMap::default();
    merged.for_each(|id, t| assert!(seen.insert(id.into(), *t).is_none(), "{id:?} twice"));
    assert_eq!(seen, reference);
    let got = contents(&merged);
    assert_eq!(got, reference);
}

/// An overflow in the long ids' table, while adding or merging, changes
/// nothing and names the campaign.
#[test]
fn long_ids_report_overflow() {
    let id = b"12345678901234567";
    let max = Totals::required([0, 0, u64::MAX, 0]);
    let mut table = Table::new();
    table.add(id, &row(1)).unwrap();
    assert_eq!(table.add(id, &max), Err(Field::Spend));
    let mut other = Table::new();
    other.add(id, &max).unwrap();
    assert_eq!(table.merge(other), Err((Field::Spend, (*id).into())));
    let got = contents(&table);
    assert_eq!(got[&id[..]], row(1));
}

/// Every campaign of `table`, by id.
fn contents(table: &Table) -> CampaignMap {
    table.sorted().into_iter().collect()
}
