//! The Recommend… action's search, on a thread of its own: the library's
//! `recommend_with` on the scenario and population last simulated.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::analysis::Standard;
use crate::analysis::recommend::{Recommendation, recommend_with};
use crate::engine::Progress;
use crate::model::{Scenario, Trace};

/// A search under way.
pub struct PendingRecommend {
    /// The policy it starts from (its index in the scenario).
    pub policy: usize,
    pub standard: Standard,
    progress: Arc<Progress>,
    answer: Receiver<Result<Option<Recommendation>, String>>,
}

impl PendingRecommend {
    /// `Some` once the search ended: its answer, `Ok(None)` if cancelled.
    pub fn poll(&self) -> Option<Result<Option<Recommendation>, String>> {
        match self.answer.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err("internal error: the search stopped".into()))
            }
        }
    }

    pub fn cancel(&self) {
        self.progress.cancel.store(true, Ordering::Relaxed);
    }
}

/// Starts the search from policy `index` of `scenario` over `trace`;
/// `wake` is called when it ends.
pub fn start(
    index: usize,
    scenario: &Scenario,
    trace: &Arc<Trace>,
    standard: Standard,
    wake: impl Fn() + Send + 'static,
) -> Option<PendingRecommend> {
    let policy = scenario.policies.get(index)?.clone();
    let progress = Arc::new(Progress::default());
    let (tx, answer) = channel();
    let job = (scenario.clone(), Arc::clone(trace), Arc::clone(&progress));
    let spawned = std::thread::Builder::new()
        .name("lapse-recommend".into())
        .spawn(move || {
            let (scenario, trace, progress) = job;
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                recommend_with(&scenario, &trace, &policy, standard, &progress)
            }))
            .unwrap_or_else(|_| Err("internal error (a bug in Lapse): the search failed".into()));
            let _ = tx.send(result);
            wake();
        });
    // Without a thread the channel is closed, and `poll` says so.
    drop(spawned);
    Some(PendingRecommend {
        policy: index,
        standard,
        progress,
        answer,
    })
}
