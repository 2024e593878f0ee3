use lapse::analysis::frontier::{dominates, frontier, tradeoff_point};
use lapse::engine::Metrics;
use proptest::prelude::*;

#[test]
fn two_counts_with_ties_and_duplicates() {
    let points = [
        [10, 5], // 0 on the frontier
        [20, 3], // 1 on it
        [20, 3], // 2 a duplicate of 1: on it too
        [15, 5], // 3 dominated by 0 (same y, more x)
        [30, 3], // 4 dominated by 1 (same y, more x)
        [5, 9],  // 5 on it: the least x
        [40, 0], // 6 on it: the least y
        [5, 9],  // 7 a duplicate of 5
        [50, 0], // 8 dominated by 6
        [25, 2], // 9 on it
        [10, 7], // 10 dominated by 0 (same x, more y)
    ];
    // By x ascending (y falls along the line); duplicates in input order.
    assert_eq!(frontier(&points), [5, 7, 0, 1, 2, 9, 6]);
}

#[test]
fn three_counts() {
    let points = [
        [1, 2, 3],
        [2, 1, 3],
        [1, 2, 3],
        [2, 2, 2],
        [3, 3, 3],
        [1, 2, 4],
    ];
    // [3,3,3] and [1,2,4] are dominated by [1,2,3]; [2,2,2] is beaten by nobody.
    assert_eq!(frontier(&points), [0, 2, 1, 3]);
}

#[test]
fn a_single_point_and_all_equal_points_are_their_own_frontier() {
    assert_eq!(frontier(&[[7, 7]]), [0]);
    assert_eq!(frontier(&[[1, 1], [1, 1], [1, 1]]), [0, 1, 2]);
}

#[test]
fn tradeoff_points_are_exposure_and_disruption() {
    let m = Metrics {
        unattended_ms: 60_000,
        logouts_while_present: 2,
        lost_inputs: 5,
        logouts: 9,
        lost_edit_ms: 1_000,
        ..Metrics::default()
    };
    assert_eq!(tradeoff_point(&m), [60_000, 7]);
}

proptest! {
    /// Against the definition, point by point: on the frontier iff nobody dominates it.
    #[test]
    fn matches_the_definition(points in prop::collection::vec((0u64..6, 0u64..6), 0..40)) {
        let points: Vec<[u64; 2]> = points.into_iter().map(|(a, b)| [a, b]).collect();
        let front = frontier(&points);
        for (i, p) in points.iter().enumerate() {
            let beaten = points.iter().any(|q| dominates(q, p));
            prop_assert_eq!(front.contains(&i), !beaten, "point {} {:?}", i, p);
        }
        let mut sorted = front.clone();
        sorted.sort_by_key(|&i| (points[i], i));
        prop_assert_eq!(front, sorted);
    }
}
