"""DataSketches HLL sketch bytes as the CLI writes them (driver side, pure
Python, for `user_sketches_1h.csv`).

Spark's `hll_sketch_agg` / `hll_union_agg` serialize the Java way
(`toUpdatableByteArray`): coupon modes with their whole hash table and in
the order coupons arrived. The CLI (the Rust `datasketches` crate,
src/clicks/users.rs) builds a window of up to 3/4 · 2^(lg_k-3) users from
its coupons in ascending order and serializes compactly. Both hold the
same coupons (the same users hashed the same way) or, in HLL mode, the
same registers; `canonical(bytes)` rewrites Spark's sketch into the CLI's
bytes:

  * list mode (up to 7 coupons): the 8-byte preamble (compact flag) and the
    coupons ascending;
  * set mode: the coupons inserted ascending into the Rust crate's hash set
    (lg size 5 growing by doubling at 3/4 load, stride probing), then its
    slots in order, compact;
  * HLL mode (HLL_8): flagged out of order; Java's current minimum (byte
    6) as 0 and the count after it as the number of zero registers, as the
    Rust crate writes HLL_8; registers, kxq0 and kxq1 as Spark has them
    (equal to the CLI's). The HIP accumulator (bytes 8-15) is Spark's: 0
    after a union. The CLI's is 0 too when its window came from unions of
    sketches, but not when it grew from coupon sets by updates (a window
    whose parts each held at most 3/4 · 2^(lg_k-3) users): that one field
    can then differ. No reader uses it: the sketch is flagged out of order,
    so every DataSketches library estimates from the registers.
"""
import struct

from pyspark.sql import functions as F

LIST, SET, HLL = 0, 1, 2
KEY_MASK_26 = (1 << 26) - 1


def coupons_of(b: bytes):
    """The coupons of a list- or set-mode sketch (either serialization)."""
    pre_ints = b[0]
    return [c for c in struct.unpack_from("<%dI" % ((len(b) - pre_ints * 4) // 4), b, pre_ints * 4) if c != 0]


def mode_of(b: bytes) -> int:
    return b[7] & 3


def _rust_set(coupons, lg_k):
    """Slots of the Rust crate's HashSet after inserting `coupons` in order
    from the list promotion (the caller checks the count stays below the
    HLL promotion)."""
    lg = 5
    slots = [0] * (1 << lg)
    n = 0

    def insert(slots, lg, c):
        mask = (1 << lg) - 1
        probe = c & mask
        start = probe
        while True:
            if slots[probe] == 0:
                slots[probe] = c
                return 1
            if slots[probe] == c:
                return 0
            stride = ((c & KEY_MASK_26) >> lg) | 1
            probe = (probe + stride) & mask
            if probe == start:
                raise AssertionError("full set")

    for c in coupons:
        n += insert(slots, lg, c)
        if 4 * n > 3 * len(slots):
            if lg == lg_k - 3:
                raise AssertionError("past the set mode")
            old = [s for s in slots if s != 0]
            lg += 1
            slots = [0] * (1 << lg)
            for s in old:
                insert(slots, lg, s)
    return lg, slots


def canonical(b: bytes) -> bytes:
    """Spark's serialized HLL_8 sketch as the CLI serializes the same users."""
    lg_k = b[3]
    mode = mode_of(b)
    mode_byte = b[7]
    if mode == HLL:
        # Java's HLL_8 keeps a current minimum (byte 6) and the registers at
        # it; the Rust crate writes 0 and the number of zero registers.
        regs = b[40:40 + (1 << lg_k)]
        zeros = sum(1 for r in regs if r == 0)
        return b[:5] + bytes([b[5] | 16, 0]) + b[7:32] + struct.pack("<I", zeros) + b[36:]
    coupons = sorted(coupons_of(b))
    # The Rust sketch from sorted coupons: a list of 8 slots, a set from the
    # 8th coupon on (lg_k >= 8).
    if len(coupons) < 8 or lg_k < 8:
        flags = 8 | (4 if not coupons else 0)
        return bytes([2, 1, 7, lg_k, 3, flags, len(coupons), (mode_byte & ~3) | LIST]) + \
            b"".join(struct.pack("<I", c) for c in coupons)
    lg, slots = _rust_set(coupons, lg_k)
    present = [s for s in slots if s != 0]
    return bytes([3, 1, 7, lg_k, lg, 8, 0, (mode_byte & ~3) | SET]) + struct.pack("<I", len(present)) + \
        b"".join(struct.pack("<I", c) for c in present)


def out_of_order(sketch):
    """A serialized HLL sketch with its out-of-order flag set when it is in
    HLL mode (flags byte 5, bit 16; mode byte 7, low bits 2), as the CLI
    marks its windows' sketches: the estimate then comes from the registers
    (the composite estimator), not from a HIP accumulator."""
    def byte(i):
        return F.conv(F.hex(F.substring(sketch, i + 1, 1)), 16, 10).cast("int")

    flags = F.unhex(F.lpad(F.hex(byte(5).bitwiseOR(F.lit(16))), 2, "0"))
    marked = F.concat(F.substring(sketch, 1, 5), flags, F.substring(sketch, 7, 1 << 30))
    return F.when(byte(7).bitwiseAND(F.lit(3)) == 2, marked).otherwise(sketch)
