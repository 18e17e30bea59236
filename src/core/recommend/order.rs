//! One small sort for the browser build: a heap sort (O(n log n), no allocation). The standard
//! library's sorts are fast but each use instantiates several kilobytes of code, which the first
//! load of the wasm cannot afford; these lists are short (tens to a few thousand entries).
//! Every comparator used with it is a total order (ties broken by id), so the result does not
//! depend on the sort being unstable.

/// Sorts `v` so that no element is `before` an element placed ahead of it.
pub fn sort<T>(v: &mut [T], before: impl Fn(&T, &T) -> bool) {
    let n = v.len();
    let sift = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && before(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !before(&v[root], &v[child]) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    for start in (0..n / 2).rev() {
        sift(v, start, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::sort;

    #[test]
    fn sorts_like_the_standard_library() {
        let mut seed = 7u32;
        for len in 0..60 {
            let mut v: Vec<u32> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    seed % 17
                })
                .collect();
            let mut w = v.clone();
            sort(&mut v, |a, b| a < b);
            w.sort();
            assert_eq!(v, w);
        }
    }
}
