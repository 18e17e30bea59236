//! Wire primitives of the persisted-state format: LEB128 varints, zigzag time deltas, f64 bits,
//! length-prefixed UTF-8, presence bytes, and the CRC-32 checksum. [`Writer`] never fails;
//! [`Reader`] checks every length against the bytes left before it allocates, so hostile input
//! can neither panic nor make it allocate more than the input's size.

use crate::core::error::CodecError;
use alloc::{borrow::ToOwned, string::String, vec::Vec};

/// Appends primitives to a buffer.
#[derive(Debug, Default)]
pub(super) struct Writer {
    pub(super) buf: Vec<u8>,
    /// The previous timestamp written: timestamps are stored as deltas from it.
    last_time: u64,
}

impl Writer {
    pub(super) fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub(super) fn bytes(&mut self, b: &[u8]) {
        // Reserved, then byte by byte through `push`, whose code the wasm has anyway:
        // `extend_from_slice` would be a second copy of the growth code (0.3 KB).
        self.buf.reserve(b.len());
        for &x in b {
            self.buf.push(x);
        }
    }

    /// Unsigned LEB128: 7 bits a byte, low group first, high bit set on all but the last.
    pub(super) fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    pub(super) fn len(&mut self, n: usize) {
        self.varint(n as u64);
    }

    /// A timestamp, as the zigzag-encoded wrapping difference from the previous one (the first
    /// is relative to 0, i.e. absolute). Exact for every `u64`.
    pub(super) fn time(&mut self, t: u64) {
        let delta = t.wrapping_sub(self.last_time) as i64;
        self.varint(zigzag(delta));
        self.last_time = t;
    }

    pub(super) fn f64(&mut self, v: f64) {
        self.bytes(&v.to_bits().to_le_bytes());
    }

    pub(super) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes(s.as_bytes());
    }

    /// A presence byte (0 absent, 1 present), then the value when present.
    pub(super) fn opt<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Writer, T)) {
        match v {
            None => self.byte(0),
            Some(v) => {
                self.byte(1);
                f(self, v);
            }
        }
    }
}

/// Reads primitives from a slice; every read is bounds-checked.
///
/// Reads do not return `Result`: the first problem is recorded in an error flag, the rest of
/// the input is dropped, and every later read gives a default value, so the caller checks once
/// at the end ([`Reader::finish`]). Why: a `?` on each of the decoder's hundreds of reads made
/// the wasm carry an early-return path (with drops of the half-built state) for each, ~10 KB.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    last_time: u64,
    /// The first error met; once set, `rest` is empty.
    err: Option<CodecError>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            rest: bytes,
            last_time: 0,
            err: None,
        }
    }

    /// Records `e` unless an earlier error is recorded, and drops the rest of the input.
    #[inline(never)]
    pub(crate) fn fail(&mut self, e: CodecError) {
        if self.err.is_none() {
            self.err = Some(e);
        }
        self.rest = &[];
    }

    /// Whether an error has been recorded.
    pub(crate) fn failed(&self) -> bool {
        self.err.is_some()
    }

    /// Whether every byte was read and nothing failed.
    pub(crate) fn done(&self) -> bool {
        self.err.is_none() && self.rest.is_empty()
    }

    /// The first error recorded, if any; otherwise, trailing bytes are an error.
    pub(super) fn finish(mut self) -> Result<(), CodecError> {
        if !self.rest.is_empty() {
            self.fail(CodecError::Invalid("trailing bytes"));
        }
        self.err.map_or(Ok(()), Err)
    }

    /// The first error recorded, if any (the bytes left are not checked).
    pub(super) fn error(&self) -> Option<CodecError> {
        self.err.clone()
    }

    pub(crate) fn byte(&mut self) -> u8 {
        match self.rest.split_first() {
            Some((&b, rest)) => {
                self.rest = rest;
                b
            }
            None => {
                self.fail(CodecError::Truncated);
                0
            }
        }
    }

    /// `n` bytes, or none after a failure.
    pub(super) fn take(&mut self, n: usize) -> &'a [u8] {
        if n > self.rest.len() {
            self.fail(CodecError::Truncated);
            return &[];
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        head
    }

    /// Unsigned LEB128. Rejects encodings longer than needed (so every value has exactly one
    /// encoding) and values that do not fit in 64 bits.
    pub(crate) fn varint(&mut self) -> u64 {
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = self.byte();
            if self.failed() {
                return 0;
            }
            let group = u64::from(b & 0x7f);
            if i == 9 && b > 1 {
                break;
            }
            v |= group << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 {
                    break;
                }
                return v;
            }
        }
        self.fail(CodecError::Invalid("varint"));
        0
    }

    /// A varint that must not exceed `max`.
    fn bounded(&mut self, max: u64) -> u64 {
        let v = self.varint();
        if v > max {
            self.fail(CodecError::Invalid("integer"));
            return 0;
        }
        v
    }

    pub(crate) fn u32(&mut self) -> u32 {
        self.bounded(u32::MAX.into()) as u32
    }

    pub(super) fn u16(&mut self) -> u16 {
        self.bounded(u16::MAX.into()) as u16
    }

    /// A count of items that each take at least one byte: a count larger than the bytes left
    /// cannot be honest, so it is rejected before anything is allocated for it.
    pub(crate) fn len(&mut self) -> usize {
        let n = self.varint();
        if n > self.rest.len() as u64 {
            self.fail(CodecError::Truncated);
            return 0;
        }
        n as usize
    }

    /// Inverse of [`Writer::time`].
    pub(super) fn time(&mut self) -> u64 {
        let delta = unzigzag(self.varint());
        let t = self.last_time.wrapping_add(delta as u64);
        self.last_time = t;
        t
    }

    /// Eight little-endian bytes (zero after a failure).
    pub(super) fn u64_le(&mut self) -> u64 {
        let mut a = [0u8; 8];
        if let Ok(b) = <[u8; 8]>::try_from(self.take(8)) {
            a = b;
        }
        u64::from_le_bytes(a)
    }

    pub(crate) fn f64(&mut self) -> f64 {
        f64::from_bits(self.u64_le())
    }

    pub(crate) fn string(&mut self) -> String {
        let n = self.len();
        let b = self.take(n);
        match crate::core::text::utf8(b) {
            Some(s) => s.to_owned(),
            None => {
                self.fail(CodecError::Invalid("string"));
                String::new()
            }
        }
    }

    /// A code that `known` maps to a value; `None` records `Invalid(what)` and gives `fallback`.
    pub(super) fn code<T>(&mut self, known: Option<T>, fallback: T, what: &'static str) -> T {
        known.unwrap_or_else(|| {
            self.fail(CodecError::Invalid(what));
            fallback
        })
    }

    /// Inverse of [`Writer::opt`]; a presence byte other than 0 or 1 is invalid.
    pub(super) fn opt<T>(&mut self, f: impl FnOnce(&mut Reader<'a>) -> T) -> Option<T> {
        // The presence byte read once for every `T`, not once per monomorphised copy.
        if self.present() {
            Some(f(self))
        } else {
            None
        }
    }

    /// The presence byte of [`Reader::opt`].
    fn present(&mut self) -> bool {
        match self.byte() {
            0 => false,
            1 => true,
            _ => {
                self.fail(CodecError::Invalid("presence byte"));
                false
            }
        }
    }

    /// `len()` items read by `f`. Capacity is bounded by the bytes left, and reading stops at
    /// the first failure. Not inlined, and neither are the decoder's `read_*` structs: as in
    /// the compiled config's reader, one function per list and struct rather than one large
    /// decoder is 0.2 KB brotli smaller (either alone was not).
    #[inline(never)]
    pub(super) fn list<T>(&mut self, mut f: impl FnMut(&mut Reader<'a>) -> T) -> Vec<T> {
        let n = self.len();
        let mut v = Vec::new();
        for _ in 0..n {
            if self.failed() {
                break;
            }
            v.push(f(self));
        }
        v
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as in zlib, PNG and gzip, so stored
/// bytes can be checked with standard tools. Computed a nibble at a time from a 16-entry table:
/// 64 bytes of wasm data instead of 1 KiB, and fast enough for state of a few KiB.
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 16] = {
        let mut t = [0u32; 16];
        let mut i = 0;
        while i < 16 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 4 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        crc = TABLE[(crc & 0xf) as usize] ^ (crc >> 4);
        crc = TABLE[(crc & 0xf) as usize] ^ (crc >> 4);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn varints_round_trip_at_the_edges() {
        for v in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut w = Writer::default();
            w.varint(v);
            let mut r = Reader::new(&w.buf);
            assert_eq!(r.varint(), v);
            assert_eq!(r.finish(), Ok(()));
        }
        let mut w = Writer::default();
        w.varint(u64::MAX);
        assert_eq!(w.buf.len(), 10);
    }

    #[test]
    fn non_canonical_and_overflowing_varints_are_invalid() {
        let bad: [&[u8]; 4] = [
            &[0x80, 0x00],
            &[0xff; 11],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
            &[0x81, 0x80, 0x00],
        ];
        for b in bad {
            let mut r = Reader::new(b);
            assert_eq!(r.varint(), 0);
            assert_eq!(r.finish(), Err(CodecError::Invalid("varint")));
        }
        let mut r = Reader::new(&[0x80]);
        r.varint();
        assert_eq!(r.finish(), Err(CodecError::Truncated));
        let mut r = Reader::new(&[0x80, 0x80, 0x80, 0x80, 0x10]);
        assert_eq!(r.u32(), 0);
        assert_eq!(r.finish(), Err(CodecError::Invalid("integer")));
    }

    #[test]
    fn times_round_trip_in_any_order() {
        let times = [
            1_700_000_000_000,
            1_700_000_060_000,
            5,
            u64::MAX,
            0,
            u64::MAX,
        ];
        let mut w = Writer::default();
        for t in times {
            w.time(t);
        }
        let mut r = Reader::new(&w.buf);
        for t in times {
            assert_eq!(r.time(), t);
        }
        assert_eq!(r.finish(), Ok(()));
        assert_eq!(zigzag(-1), 1);
        assert_eq!(unzigzag(zigzag(i64::MIN)), i64::MIN);
    }

    #[test]
    fn hostile_lengths_fail_before_allocating() {
        let mut w = Writer::default();
        w.varint(u64::MAX >> 1);
        let mut r = Reader::new(&w.buf);
        assert_eq!(r.string(), "");
        assert_eq!(r.finish(), Err(CodecError::Truncated));
        let mut r = Reader::new(&w.buf);
        assert_eq!(r.list(|r| r.byte()), Vec::<u8>::new());
        assert_eq!(r.finish(), Err(CodecError::Truncated));
    }

    #[test]
    fn invalid_utf8_and_presence_bytes_are_rejected() {
        let mut r = Reader::new(&[2, 0xc3, 0x28]);
        assert_eq!(r.string(), "");
        assert_eq!(r.finish(), Err(CodecError::Invalid("string")));
        let mut r = Reader::new(&[2, 5]);
        assert_eq!(r.opt(|r| r.byte()), None);
        assert_eq!(r.finish(), Err(CodecError::Invalid("presence byte")));
    }

    #[test]
    fn the_first_error_wins_and_later_reads_give_defaults() {
        let mut r = Reader::new(&[0x80, 0x00, 7, 7, 7]);
        assert_eq!(r.varint(), 0);
        assert!(r.failed());
        assert_eq!(r.byte(), 0);
        assert_eq!(r.len(), 0);
        assert_eq!(r.f64().to_bits(), 0);
        assert_eq!(r.finish(), Err(CodecError::Invalid("varint")));
    }
}
