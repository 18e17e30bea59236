//! Numbers without `core`'s float machinery: decimal text to and from `f64` without its float
//! parsing and formatting, whose tables (about 35 KB of code and data) would otherwise be most of
//! the cost of reading `"12.50"` or showing `0.62` in the browser build, and a [`clamp`] without
//! `f64::clamp`'s panic message (which formats floats).
//!
//! [`halved`] is `0.5^n` for the half-life decays.
//!
//! [`parse`] is exact (correctly rounded, as `str::parse::<f64>`) whenever the digits fit in 19
//! significant digits with a value below 2^53 and a decimal exponent within ±22, which covers every
//! number a person writes in a condition or an event property; beyond that it may differ from the
//! correctly rounded value in the last bit. [`fixed4`] formats with at most four decimals.

use alloc::string::String;

/// `0.5^n`: what is left of a value after `n` half-lives. Written as `exp(-n ln 2)` because the
/// softmax already links `libm::exp`, and `libm::pow` would add 0.6 KB brotli to the wasm. It can
/// differ from `pow(0.5, n)` after the 13th significant digit (tested below), far under the 4
/// decimals any view shows.
pub fn halved(n: f64) -> f64 {
    libm::exp(-core::f64::consts::LN_2 * n)
}

/// `x` rounded toward zero, as `libm::trunc` (bit for bit: the sign of a zero is kept). Through
/// a saturating cast to `i64` and back, which the wasm does in two instructions: `libm`'s
/// rounding functions are software (they use wasm's `f64.floor` and `f64.trunc` only on
/// nightly), 0.2 KB of wasm for `trunc`, [`floor`] and [`round`].
pub fn trunc(x: f64) -> f64 {
    // From 2^52 on every `f64` is whole (and infinities and `NaN` stay as they are).
    if x.abs() < 4_503_599_627_370_496.0 {
        (x as i64 as f64).copysign(x)
    } else {
        x
    }
}

/// The largest whole number not above `x`, as `libm::floor`.
pub fn floor(x: f64) -> f64 {
    let t = trunc(x);
    // Below 2^52 the subtraction is exact.
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// `x` rounded to the nearest whole number, halfway cases away from zero, as `libm::round`
/// (whose own method this is: just under one half added, then truncated).
pub fn round(x: f64) -> f64 {
    trunc(x + (0.5 - 0.25 * f64::EPSILON).copysign(x))
}

/// `v` limited to `lo..=hi`, `NaN` staying `NaN`, as `f64::clamp` for `lo <= hi` (which callers
/// guarantee); never panics.
pub fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    }
}

/// Powers of ten that `f64` holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (either digit run may be empty, not both), or
/// `inf`, `infinity` and `nan` in any case, like `str::parse::<f64>`. No surrounding whitespace.
pub fn parse(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let value = if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        f64::INFINITY
    } else if body.eq_ignore_ascii_case("nan") {
        f64::NAN
    } else {
        unsigned(body.as_bytes())?
    };
    Some(if negative { -value } else { value })
}

fn unsigned(s: &[u8]) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut exponent: i64 = 0;
    let mut digits = 0;
    let mut i = 0;
    let mut seen_point = false;
    while i < s.len() {
        match s[i] {
            b'0'..=b'9' => {
                digits += 1;
                let d = u64::from(s[i] - b'0');
                if mantissa < 1_000_000_000_000_000_000 {
                    mantissa = mantissa * 10 + d;
                    if seen_point {
                        exponent -= 1;
                    }
                } else if !seen_point {
                    // Digits past the 19th only scale the value (the tail is rounded off).
                    exponent += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < s.len() {
        if !matches!(s[i], b'e' | b'E') {
            return None;
        }
        // Bytes, not `strip_prefix(['+', '-'])`: its char searcher costs the wasm 0.3 KB.
        let (negative, digits) = match s.get(i + 1..)? {
            [b'-', rest @ ..] => (true, rest),
            [b'+', rest @ ..] => (false, rest),
            rest => (false, rest),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // Saturate: anything this large is already 0 or infinity.
        let e = digits
            .iter()
            .fold(0i64, |e, b| (e * 10 + i64::from(b - b'0')).min(100_000));
        exponent += if negative { -e } else { e };
    }
    Some(scale(mantissa, exponent))
}

/// `mantissa × 10^exponent`, exact when both factors are exact in `f64`.
fn scale(mantissa: u64, exponent: i64) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    let m = mantissa as f64;
    if (0..=22).contains(&exponent) {
        return m * POW10[exponent as usize];
    }
    if (-22..0).contains(&exponent) {
        return m / POW10[exponent.unsigned_abs() as usize];
    }
    // Outside the exact range: step by the largest exact power, at a small rounding cost. The
    // exponent is saturated by the caller, so the loops are bounded.
    let mut v = m;
    let mut e = exponent;
    while e > 22 {
        v *= 1e22;
        e -= 22;
    }
    while e < -22 {
        v /= 1e22;
        e += 22;
    }
    if e >= 0 {
        v * POW10[e.unsigned_abs() as usize]
    } else {
        v / POW10[e.unsigned_abs() as usize]
    }
}

/// `x × 10^4` rounded to a whole number, halfway cases to even, decided on the exact product
/// (the rounded product plus Dekker's exact error term), as `format!("{x:.4}")` does. For
/// `0 <= x < 10^15`, so that the result fits a `u64`.
fn times_10k_rounded(x: f64) -> u64 {
    let p = x * 1e4;
    // p + err == x × 10^4 exactly (1e4 needs only 14 bits, so only x is split).
    let hi = {
        let t = x * 134_217_729.0;
        t - (t - x)
    };
    let err = (hi * 1e4 - p) + (x - hi) * 1e4;
    if p < 4_503_599_627_370_496.0 {
        // Below 2^52 `p` has a fraction; a halfway point is representable at its scale, so `err`
        // (at most half an ulp) only decides exact ties.
        let whole = floor(p);
        let frac = p - whole;
        let whole = whole as u64;
        let up = frac > 0.5 || (frac == 0.5 && (err > 0.0 || (err == 0.0 && whole % 2 == 1)));
        whole + u64::from(up)
    } else {
        // From 2^52 on `p` is whole and `err` holds the exact fraction.
        let low = floor(err);
        let whole = (p as u64).wrapping_add_signed(low as i64);
        let rest = err - low;
        whole + u64::from(rest > 0.5 || (rest == 0.5 && whole % 2 == 1))
    }
}

/// At most four decimals, trailing zeros and point dropped, `-0` as `0`, as `format!("{n:.4}")`
/// trimmed (halfway cases round to even). `NaN`, `inf` and `-inf` for the non-finite; beyond
/// 10^15 (no room for four decimals in a `u64`) as [`short`].
pub fn fixed4(n: f64) -> String {
    if !n.is_finite() || n.abs() >= 1e15 {
        return short(n);
    }
    point(times_10k_rounded(n.abs()), 4, n < 0.0)
}

/// `v` in decimal, as `v.to_string()` writes it; written by hand because integer `Display`
/// keeps `core::fmt`'s padding code in the wasm.
pub fn integer(mut v: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Through the byte check rather than `char`s collected: the wasm then needs no `char`
    // encoder (the digits are ASCII, so the check always passes).
    crate::core::text::utf8(digits.get(at..).unwrap_or_default())
        .unwrap_or_default()
        .into()
}

/// `v` in decimal with a minus sign when negative, as `v.to_string()`.
pub fn signed(v: i64) -> String {
    let digits = integer(v.unsigned_abs());
    if v < 0 {
        crate::core::text::concat(&["-", &digits])
    } else {
        digits
    }
}

/// `n` zeros: pushed one by one rather than `"0".repeat(n)`, whose doubling copies cost the wasm
/// more than this loop.
fn zeros(n: usize) -> String {
    let mut out = String::with_capacity(n);
    for _ in 0..n {
        out.push('0');
    }
    out
}

/// `m / 10^decimals` written out, trailing zeros of the fraction (and a bare point) dropped,
/// with a minus sign when `negative` and not zero.
fn point(m: u64, decimals: usize, negative: bool) -> String {
    let mut digits = integer(m);
    if digits.len() <= decimals {
        let mut padded = zeros(decimals + 1 - digits.len());
        padded.push_str(&digits);
        digits = padded;
    }
    let (whole, frac) = digits
        .split_at_checked(digits.len() - decimals)
        .unwrap_or((&digits, ""));
    // Trailing zeros found by bytes, not `trim_end_matches('0')`: no char searcher in the wasm.
    let kept = frac.bytes().rposition(|b| b != b'0').map_or(0, |i| i + 1);
    let frac = frac.get(..kept).unwrap_or(frac);
    // Pushed rather than `format!`ed: less wasm.
    let mut out = String::with_capacity(digits.len() + 2);
    if negative && m != 0 {
        out.push('-');
    }
    out.push_str(whole);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A short decimal form of `n` for messages (it describes numbers written in conditions): the
/// fewest decimals (or, for large numbers, significant digits then zeros) that [`parse`] back to
/// `n`, which is what `format!("{n}")` prints for numbers of up to 15 significant digits. Longer
/// ones are shown to within about 16 significant digits, tiny ones (below 10^-15) as `0`. `NaN`, `inf` and `-inf` for the non-finite.
pub fn short(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "inf" } else { "-inf" }.into();
    }
    let negative = n < 0.0;
    let x = n.abs();
    // Decimals while the scaled value fits a `u64` (the round trip checks the rounding).
    let fits = 18_446_744_073_709_549_568.0;
    let mut last = None;
    for decimals in 0..=40 {
        let pow = if decimals <= 22 {
            POW10[decimals]
        } else {
            1e22 * POW10[decimals - 22]
        };
        let scaled = round(x * pow);
        if scaled >= fits {
            break;
        }
        let s = point(scaled as u64, decimals, negative);
        if parse(&s) == Some(n) {
            return s;
        }
        last = Some(s);
    }
    // No exact form: as many digits as a `u64` holds.
    if let Some(s) = last {
        return s;
    }
    // Too large for decimals: significant digits, then zeros.
    let (mut m, mut zeroes) = (x, 0);
    while m >= fits {
        m /= 10.0;
        zeroes += 1;
    }
    let mut out = String::new();
    for dropped in (0..=16).rev() {
        let digits = round(m / POW10[dropped]) as u64;
        out = point(digits, 0, negative) + &zeros(dropped + zeroes);
        if parse(&out) == Some(n) {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `trunc`, `floor` and `round` give `libm`'s bits (so `-0.0` stays `-0.0`) for `x`.
    fn assert_rounds_as_libm(x: f64) {
        let bits = |v: f64| if v.is_nan() { u64::MAX } else { v.to_bits() };
        assert_eq!(bits(trunc(x)), bits(libm::trunc(x)), "trunc({x:e})");
        assert_eq!(bits(floor(x)), bits(libm::floor(x)), "floor({x:e})");
        assert_eq!(bits(round(x)), bits(libm::round(x)), "round({x:e})");
    }

    #[test]
    fn rounding_agrees_with_libm_at_the_edges() {
        let two52 = 4_503_599_627_370_496.0_f64;
        let mut xs = vec![
            0.0,
            0.5,
            0.49999999999999994,
            1.5,
            2.5,
            1.0 - f64::EPSILON / 2.0,
            f64::MIN_POSITIVE,
            5e-324,
            two52,
            two52 - 0.5,
            two52 + 1.0,
            two52 * 2.0 - 1.0,
            9.223372036854775e18,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ];
        for i in 0..2000 {
            xs.push(i as f64 * 0.25);
            xs.push(i as f64 * 0.1);
        }
        for x in xs {
            assert_rounds_as_libm(x);
            assert_rounds_as_libm(-x);
            assert_rounds_as_libm(f64::from_bits(x.to_bits().wrapping_add(1)));
            assert_rounds_as_libm(f64::from_bits(x.to_bits().wrapping_sub(1)));
        }
    }

    proptest::proptest! {
        #[test]
        fn rounding_agrees_with_libm(bits in proptest::prelude::any::<u64>(), x in -1e17f64..1e17) {
            assert_rounds_as_libm(f64::from_bits(bits));
            assert_rounds_as_libm(x);
        }
    }

    #[test]
    fn halved_is_pow_of_a_half_to_13_digits() {
        assert_eq!(halved(0.0), 1.0);
        for i in 0..20_000 {
            let n = i as f64 * 0.0137;
            let (got, want) = (halved(n), libm::pow(0.5, n));
            assert!(
                (got - want).abs() <= want * 1e-13,
                "0.5^{n}: {got} vs {want}"
            );
        }
        assert_eq!(halved(f64::INFINITY), 0.0);
    }

    #[test]
    fn integers_are_written_as_to_string_writes_them() {
        for v in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(integer(v), v.to_string());
        }
        for v in [0, -1, 7, -10, 1_234, i64::MIN, i64::MAX] {
            assert_eq!(signed(v), v.to_string());
        }
    }

    #[test]
    fn parses_like_std() {
        let cases = [
            "0",
            "1",
            "-1",
            "+2",
            "0.5",
            ".5",
            "5.",
            "12.50",
            "1e3",
            "1E-3",
            "2.5e+2",
            "0.1",
            "0.3",
            "123456.789",
            "9007199254740993",
            "1e22",
            "1e23",
            "1e-22",
            "3.14159265358979",
            "1e400",
            "1e-400",
            "00012",
            "inf",
            "-Infinity",
            "1234567890123456789012",
        ];
        for c in cases {
            assert_eq!(parse(c), c.parse::<f64>().ok(), "{c}");
        }
        assert!(parse("NaN").unwrap().is_nan());
        for bad in [
            "", ".", "-", "e5", "1e", "1e+", "1e-", "1e+-3", "1e3x", "1.2.3", "1x", " 1", "0x10",
            "--1",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
            assert!(bad.parse::<f64>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn formats_like_std_with_four_decimals() {
        for n in [
            0.62,
            3.0,
            1.0 / 3.0,
            -0.00001,
            0.03125,
            -2.5,
            1234.56789,
            1e15,
            0.0,
            -0.0,
            99.99995,
            99_999_999_999_999.99,
            0.00005,
            1.00005,
            2.00015,
            0.12345,
        ] {
            let s = format!("{n:.4}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            let want = if s == "-0" { "0" } else { s };
            assert_eq!(fixed4(n), want, "{n}");
        }
        assert_eq!(fixed4(f64::NAN), "NaN");
        for n in [
            0.5, 50.0, 1e3, -2.25, 0.1, 1e-7, 0.3, 123.456, -0.001, 12345678.9,
        ] {
            assert_eq!(short(n), format!("{n}"), "{n}");
        }
        assert_eq!(fixed4(f64::NEG_INFINITY), "-inf");
    }

    /// Many pseudo-random values, against the standard library.
    #[test]
    fn agrees_with_std_on_random_values() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let n = f64::from_bits(next());
            if n.is_finite() {
                // Any double gives a number close to it (exact digits need <= 15 of them).
                let back = parse(&short(n)).unwrap();
                assert!((back - n).abs() <= n.abs() * 1e-12 + 1e-15, "{n:e}");
            }
            // Human-sized numbers: up to 15 digits with up to 6 decimals.
            let m = (next() % 1_000_000_000_000_000) as f64;
            let h = m / 10f64.powi((next() % 7) as i32);
            let h = if next() % 2 == 0 { -h } else { h };
            let s = format!("{h:.4}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            let want = if s == "-0" { "0" } else { s };
            if h.abs() < 1e15 {
                assert_eq!(fixed4(h), want, "{h:e}");
            }
            let text = format!("{h}");
            assert_eq!(short(h), text, "{h:e}");
            assert_eq!(parse(&text), text.parse::<f64>().ok(), "{text}");
        }
    }
}
