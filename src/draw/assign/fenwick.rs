//! A Fenwick (binary indexed) tree of 0/1 counts over positions `0..n`: build in O(n),
//! clear a position, count a prefix, and find the position of the k-th counted item by a
//! descent, either in one tree or in the difference of two trees of the same length (the
//! second counting a subset of the first's items).

/// Counts over positions `0..n`; `tree[i]` (1-based) holds the sum over `(i − lowbit(i), i]`.
#[derive(Debug, Clone)]
pub(super) struct Fenwick {
    tree: Vec<u32>,
    total: u32,
}

fn lowbit(i: usize) -> usize {
    i & i.wrapping_neg()
}

impl Fenwick {
    /// The tree of `counts` (one per position).
    pub(super) fn new(counts: impl Iterator<Item = u32>) -> Fenwick {
        let mut tree = vec![0];
        tree.extend(counts);
        let n = tree.len() - 1;
        for i in 1..=n {
            let parent = i + lowbit(i);
            if parent <= n {
                tree[parent] += tree[i];
            }
        }
        let mut fenwick = Fenwick { tree, total: 0 };
        fenwick.total = fenwick.prefix(n);
        fenwick
    }

    /// The sum over all positions.
    pub(super) fn total(&self) -> u32 {
        self.total
    }

    /// The sum over positions `0..pos`.
    pub(super) fn prefix(&self, pos: usize) -> u32 {
        let mut sum = 0;
        let mut i = pos;
        while i > 0 {
            sum += self.tree[i];
            i -= lowbit(i);
        }
        sum
    }

    /// Takes 1 from the count at `pos`, which must be at least 1.
    pub(super) fn take_one(&mut self, pos: usize) {
        self.total -= 1;
        let mut i = pos + 1;
        while i < self.tree.len() {
            self.tree[i] -= 1;
            i += lowbit(i);
        }
    }

    /// The position of the `k`-th (0-based) counted item of `self − minus`, where `minus`
    /// (if any) has the same length and counts at no position more than `self`: the
    /// smallest `pos` whose prefix `0..=pos` of the difference exceeds `k`. `k` must be
    /// below the difference's total.
    pub(super) fn select(&self, minus: Option<&Fenwick>, mut k: u32) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut step = if n == 0 { 0 } else { 1 << n.ilog2() };
        while step > 0 {
            let next = pos + step;
            if next <= n {
                let here = self.tree[next] - minus.map_or(0, |m| m.tree[next]);
                if here <= k {
                    pos = next;
                    k -= here;
                }
            }
            step >>= 1;
        }
        debug_assert!(pos < n, "select beyond the total");
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute_select(counts: &[u32], minus: &[u32], k: u32) -> usize {
        let mut seen = 0;
        for (pos, (a, b)) in counts.iter().zip(minus).enumerate() {
            seen += a - b;
            if seen > k {
                return pos;
            }
        }
        panic!("k beyond total");
    }

    #[test]
    fn prefix_select_and_take_agree_with_a_scan() {
        for n in 0..40usize {
            let mut counts: Vec<u32> = (0..n).map(|i| u32::from(i % 3 != 1)).collect();
            let mut minus: Vec<u32> = (0..n)
                .map(|i| u32::from(i % 3 == 0 && i % 2 == 0))
                .collect();
            let mut a = Fenwick::new(counts.iter().copied());
            let mut b = Fenwick::new(minus.iter().copied());
            for round in 0..3 {
                for pos in 0..=n {
                    assert_eq!(a.prefix(pos), counts[..pos].iter().sum::<u32>());
                }
                assert_eq!(a.total(), counts.iter().sum::<u32>());
                let zero = vec![0; n];
                for k in 0..a.total() {
                    assert_eq!(a.select(None, k), brute_select(&counts, &zero, k));
                }
                for k in 0..a.total() - b.total() {
                    assert_eq!(a.select(Some(&b), k), brute_select(&counts, &minus, k));
                }
                // Clear a few positions (in both trees where the subset counts them too).
                for pos in (round..n).step_by(5) {
                    if counts[pos] == 1 {
                        a.take_one(pos);
                        counts[pos] = 0;
                        if minus[pos] == 1 {
                            b.take_one(pos);
                            minus[pos] = 0;
                        }
                    }
                }
            }
        }
    }
}
