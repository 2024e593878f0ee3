//! Trade-offs: which policies (or sweep steps) are not beaten on every count.

use crate::engine::Metrics;

/// Disruption to present users: `logouts_while_present + lost_inputs`.
/// Lower is better. The same sum is what `recommend` minimises.
pub fn disruption(m: &Metrics) -> u64 {
    m.logouts_while_present + m.lost_inputs
}

/// The trade-off view's point for a run: `[unattended_ms, disruption]`
/// (x: exposure of abandoned sessions, y: disruption; both lower-is-better).
pub fn tradeoff_point(m: &Metrics) -> [u64; 2] {
    [m.unattended_ms, disruption(m)]
}

/// Whether `a` dominates `b`: no worse on every count and better on one.
pub fn dominates<const D: usize>(a: &[u64; D], b: &[u64; D]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y) && a != b
}

/// The non-dominated points (every count lower-is-better), as indices into
/// `points`, sorted by their coordinates (first count ascending, then the
/// next, ...); equal points keep their input order. Equal points do not
/// dominate each other, so duplicates on the frontier are all returned.
///
/// For two counts the result, read in order, is the frontier's line: the
/// first count rises and the second falls.
pub fn frontier<const D: usize>(points: &[[u64; D]]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].cmp(&points[b]).then(a.cmp(&b)));
    // A dominating point sorts before the point it dominates, and whatever
    // dominates a dominated point also dominates what it dominates, so it is
    // enough to compare each point with the frontier found so far.
    let mut front: Vec<usize> = Vec::new();
    for i in order {
        if !front.iter().any(|&f| dominates(&points[f], &points[i])) {
            front.push(i);
        }
    }
    front
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominance_needs_one_strict_improvement() {
        assert!(dominates(&[1, 2], &[1, 3]));
        assert!(dominates(&[0, 0], &[1, 1]));
        assert!(!dominates(&[1, 2], &[1, 2]));
        assert!(!dominates(&[1, 3], &[2, 2]));
    }

    #[test]
    fn frontier_of_an_empty_set_is_empty() {
        assert!(frontier::<2>(&[]).is_empty());
    }
}
