//! Numbers as text, written straight into the output buffer.


pub(super) const DIGITS2: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends the decimal digits of `v`.
#[inline(always)]
pub(super) fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = 20;
    while v >= 100 {
        let d = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        tmp[i] = DIGITS2[d];
        tmp[i + 1] = DIGITS2[d + 1];
    }
    if v >= 10 {
        let d = v as usize * 2;
        i -= 2;
        tmp[i] = DIGITS2[d];
        tmp[i + 1] = DIGITS2[d + 1];
    } else {
        i -= 1;
        tmp[i] = b'0' + v as u8;
    }
    out.extend_from_slice(&tmp[i..]);
}

/// Appends `v` zero-padded to `width` digits (wider if needed).
#[inline(always)]
pub(super) fn push_padded(out: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut tmp = [b'0'; 24];
    let mut i = 24;
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let len = (24 - i).max(width.min(24));
    out.extend_from_slice(&tmp[24 - len..]);
}

/// Appends cents as `units.cc`.
#[inline(always)]
pub(super) fn push_cents(out: &mut Vec<u8>, cents: u64) {
    push_u64(out, cents / 100);
    let d = (cents % 100) as usize * 2;
    out.extend_from_slice(&[b'.', DIGITS2[d], DIGITS2[d + 1]]);
}

/// Appends `cents` as a noisy export writes it (see `--noisy-every`):
/// kind 0, 9 decimals off by up to 60 nano-units; 1, 15 decimals off
/// by up to 9 in the last; 2, `{cents}e-2`; 3, plus an exact half micro.
/// Kinds 0 and 1 round back to `cents` exactly; kind 3 to one micro more.
pub(super) fn push_noisy(out: &mut Vec<u8>, cents: u64, kind: u64, jitter: u64) {
    let signed = |scaled: u64, max: u64| {
        let d = 1 + jitter % max;
        if jitter & (1 << 63) != 0 && scaled >= d { scaled - d } else { scaled + d }
    };
    let decimals = |out: &mut Vec<u8>, v: u64, places: u32| {
        let unit = 10u64.pow(places);
        push_u64(out, v / unit);
        out.push(b'.');
        push_padded(out, v % unit, places as usize);
    };
    match kind {
        0 => decimals(out, signed(cents * 10_000_000, 60), 9),
        1 => {
            // cents * 10^13 overflows u64 past ~18 M: units and fraction apart.
            push_u64(out, cents / 100);
            out.push(b'.');
            let frac = (cents % 100) as u128 * 10u128.pow(13);
            let d = 1 + (jitter % 9) as u128;
            let frac = if jitter & (1 << 63) != 0 && frac >= d { frac - d } else { frac + d };
            let text = format!("{frac:015}");
            out.extend_from_slice(text.as_bytes());
        }
        2 => {
            push_u64(out, cents);
            out.extend_from_slice(b"e-2");
        }
        _ => {
            push_cents(out, cents);
            out.extend_from_slice(b"00005");
        }
    }
}
