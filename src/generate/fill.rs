//! Modelled in-page activity for a trace that has none: an imported access
//! log shows page loads and form posts, never the key presses and scrolling
//! between them, so every policy's logouts while present and lost work come
//! out 0. Filling keeps each logged event exactly (its time, kind and tab)
//! and adds, strictly between one logged event and the next, what a
//! behaviour profile's users do on a page, drawn with the generator's own
//! samplers (docs/import.md, "Filling in the activity"):
//!
//! - **typing before a submit**: the gap that ends in a `submit` is the form
//!   being filled in: the profile's `Form` task draws the number of edits,
//!   and each `input` comes one `Form` think time after the one before,
//!   starting at the event before the submit;
//! - **reading after a view**: any other gap that starts at a `view` is the
//!   page being read: the profile's `Read` task draws a length, and an
//!   `activity` (a scroll) comes each `Read` scroll gap until that length is
//!   used up (as the generator's `Read` does).
//!
//! Nothing is added after a user's last logged event (the log cannot say
//! how long they stayed), and nothing added reaches or crosses the next
//! logged event: an input or scroll that would come at or after it is
//! dropped, and so is the rest of that gap's fill. Each user draws from
//! their own stream, seeded by the seed and their number in the trace, so
//! the seed fixes the result byte for byte and one user's fill does not
//! depend on the others.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

use super::sampler::Sampler;
use super::schedule::Plan;
use crate::model::profile::Profile;
use crate::model::trace::TraceBuilder;
use crate::model::{Event, EventKind, Trace};

/// Mixed into a user's seed so that a fill never shares a stream with the
/// same-numbered user of a generated group that happens to be named "fill".
const FILL_STREAM: u64 = 0x6669_6c6c_2d69_6e21; // "fill-in!"

/// A profile's page habits, ready to draw from.
#[derive(Clone, Debug)]
pub struct Filler {
    /// (length, scroll gap) of the profile's first `Read` task.
    reading: Option<(Sampler, Sampler)>,
    /// (edits, think) of the profile's first `Form` task.
    typing: Option<(Sampler, Sampler)>,
}

/// What a fill added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FillCounts {
    /// `input` events (key presses in a form).
    pub inputs: u64,
    /// `activity` events (scrolling a page being read).
    pub activity: u64,
    /// Submits with at least one input typed before them.
    pub forms: u64,
    /// Views with at least one scroll after them.
    pub pages_read: u64,
}

impl Filler {
    /// Fails only on a profile that validation refuses, or one with neither a
    /// `Read` nor a `Form` task (it would add nothing).
    pub fn new(profile: &Profile) -> Result<Filler, String> {
        let plan = Plan::new(profile)?;
        let reading = plan.reading().map(|(l, s)| (l.clone(), s.clone()));
        let typing = plan.typing().map(|(e, t)| (e.clone(), t.clone()));
        if reading.is_none() && typing.is_none() {
            return Err(format!(
                "profile {:?} has no Read or Form task: nothing to fill the pages with",
                profile.name
            ));
        }
        Ok(Filler { reading, typing })
    }

    /// Writes one user's logged events (in time order) to `out` with the
    /// modelled activity between them.
    pub fn fill_user(
        &self,
        logged: &[Event],
        rng: &mut Xoshiro256PlusPlus,
        out: &mut Vec<Event>,
        counts: &mut FillCounts,
    ) {
        for (i, &event) in logged.iter().enumerate() {
            out.push(event);
            let Some(&next) = logged.get(i + 1) else {
                break;
            };
            // Added events stay strictly before the next logged one.
            let until = next.time();
            match (next.kind(), event.kind()) {
                (EventKind::Submit, _) => {
                    if let Some((edits, think)) = &self.typing {
                        let n = type_form(edits, think, event.time(), until, next.tab(), rng, out);
                        counts.inputs += n;
                        counts.forms += u64::from(n > 0);
                    }
                }
                (_, EventKind::View) => {
                    if let Some((length, scroll)) = &self.reading {
                        let n = read_page(length, scroll, event, until, rng, out);
                        counts.activity += n;
                        counts.pages_read += u64::from(n > 0);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The generator's `Form`: `edits` inputs, each one think after the last,
/// from `from`; returns how many came before `until`.
fn type_form(
    edits: &Sampler,
    think: &Sampler,
    from: u64,
    until: u64,
    tab: u8,
    rng: &mut Xoshiro256PlusPlus,
    out: &mut Vec<Event>,
) -> u64 {
    let mut at = from;
    let edits = edits.sample(rng);
    for n in 0..edits {
        // At least 1 ms: an added event never shares the logged one's instant.
        at = at.saturating_add(think.sample(rng).max(1));
        if at >= until {
            return n;
        }
        out.push(Event::with_tab(at, EventKind::Input, tab));
    }
    edits
}

/// The generator's `Read`: a scroll each scroll gap while reading time is
/// left, on the view's tab; returns how many came before `until`.
fn read_page(
    length: &Sampler,
    scroll: &Sampler,
    view: Event,
    until: u64,
    rng: &mut Xoshiro256PlusPlus,
    out: &mut Vec<Event>,
) -> u64 {
    let mut left = length.sample(rng).max(1);
    let mut at = view.time();
    let mut n = 0;
    while left > 0 {
        let gap = scroll.sample(rng).max(1);
        at = at.saturating_add(gap);
        if at >= until {
            break;
        }
        out.push(Event::with_tab(at, EventKind::Activity, view.tab()));
        n += 1;
        left = left.saturating_sub(gap);
    }
    n
}

/// The random stream of the fill of the trace's user number `user`. By
/// number, not name: an import hashes names with a fresh salt each run, and
/// the same log and seed must give the same fill.
pub fn fill_rng(seed: u64, user: usize) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(super::user_seed(seed, "fill", user as u64) ^ FILL_STREAM)
}

/// `trace` with every user's pages filled from `profile`, and what was added.
pub fn fill_trace(
    trace: &Trace,
    profile: &Profile,
    seed: u64,
) -> Result<(Trace, FillCounts), String> {
    let filler = Filler::new(profile)?;
    let mut builder = TraceBuilder::with_capacity(trace.num_users(), trace.num_events() * 4);
    let mut counts = FillCounts::default();
    let mut events = Vec::new();
    for (user, (name, logged)) in trace.users().enumerate() {
        events.clear();
        filler.fill_user(logged, &mut fill_rng(seed, user), &mut events, &mut counts);
        builder.push_user(name.to_string(), &events);
    }
    Ok((builder.finish(), counts))
}

/// The profile `name` names: one of `profiles` (a scenario's), or, when
/// none of them has that name, the built-in `office` profile (every default
/// of docs/generate.md).
pub fn find_profile(name: &str, profiles: &[Profile]) -> Result<Profile, String> {
    if let Some(p) = profiles.iter().find(|p| p.name == name) {
        return Ok(p.clone());
    }
    if name == "office" {
        return Ok(Profile::office("office"));
    }
    let mut known: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    known.push("office");
    Err(format!(
        "no behaviour profile {name:?} to fill the pages with: known are {} (--profiles SCENARIO.ron adds a scenario's)",
        known
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::{Activity, Input, Request, Submit, View};

    const S: u64 = 1000;

    fn profile(text: &str) -> Profile {
        crate::model::scenario::ron_options()
            .from_str(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// Every draw is known: 3 edits 10 s apart, reading 1 minute in scrolls of 20 s.
    fn fixed() -> Profile {
        profile(
            r#"Profile(name: "fixed", tasks: [
                Form(edits: Constant(3), think: Constant("10s")),
                Read(length: Constant("1m"), scroll: Constant("20s")),
            ])"#,
        )
    }

    fn filled(profile: &Profile, logged: &[(u64, EventKind)]) -> Vec<(u64, EventKind)> {
        let trace = Trace::from_users([(
            "u".to_string(),
            logged.iter().map(|&(t, k)| Event::new(t, k)).collect(),
        )]);
        let (out, _) = fill_trace(&trace, profile, 7).expect("fills");
        out.user_events(0)
            .iter()
            .map(|e| (e.time(), e.kind()))
            .collect()
    }

    #[test]
    fn typing_before_submits_and_reading_after_views_by_hand() {
        let got = filled(
            &fixed(),
            &[
                (0, View),
                (35 * S, Submit),
                (60 * S, View),
                (120 * S, View),
                (600 * S, Request),
                (700 * S, View),
            ],
        );
        assert_eq!(
            got,
            [
                (0, View),
                // The form: three edits, one think (10 s) after another.
                (10 * S, Input),
                (20 * S, Input),
                (30 * S, Input),
                (35 * S, Submit),
                // After a submit: nothing (the page after the post is the next view).
                (60 * S, View),
                // A minute of reading, cut by the next view at 120 s: the scroll
                // due at 120 s would share its instant, and is dropped.
                (80 * S, Activity),
                (100 * S, Activity),
                (120 * S, View),
                // The whole minute: scrolls at +20, +40, +60 s.
                (140 * S, Activity),
                (160 * S, Activity),
                (180 * S, Activity),
                // After a request: nothing.
                (600 * S, Request),
                // After the last logged event: nothing (how long they stayed
                // is not in the log).
                (700 * S, View),
            ]
        );
    }

    #[test]
    fn typing_never_reaches_the_submit() {
        // The third edit would come at 30 s, after the submit at 25 s.
        let got = filled(&fixed(), &[(0, View), (25 * S, Submit)]);
        assert_eq!(
            got,
            [
                (0, View),
                (10 * S, Input),
                (20 * S, Input),
                (25 * S, Submit)
            ]
        );
        // A submit exactly one think after the last edit: the edit at 30 s
        // stays, one at the submit's instant would not.
        let got = filled(&fixed(), &[(0, View), (30 * S, Submit)]);
        assert_eq!(
            got,
            [
                (0, View),
                (10 * S, Input),
                (20 * S, Input),
                (30 * S, Submit)
            ]
        );
    }

    #[test]
    fn tabs_follow_the_page_and_the_form() {
        let trace = Trace::from_users([(
            "u".to_string(),
            vec![
                Event::with_tab(0, View, 2),
                Event::with_tab(5 * S, Request, 1),
                Event::with_tab(40 * S, Submit, 1),
            ],
        )]);
        let (out, counts) = fill_trace(&trace, &fixed(), 1).expect("fills");
        let got: Vec<(u64, EventKind, u8)> = out
            .user_events(0)
            .iter()
            .map(|e| (e.time(), e.kind(), e.tab()))
            .collect();
        assert_eq!(
            got,
            [
                (0, View, 2),
                // Reading in the view's tab, cut by the request at 5 s: none.
                (5 * S, Request, 1),
                // Typing in the submit's tab.
                (15 * S, Input, 1),
                (25 * S, Input, 1),
                (35 * S, Input, 1),
                (40 * S, Submit, 1),
            ]
        );
        assert_eq!(
            counts,
            FillCounts {
                inputs: 3,
                activity: 0,
                forms: 1,
                pages_read: 0
            }
        );
    }

    /// With the office profile's random draws: the logged events are all
    /// kept in order, every added one lies strictly between two logged
    /// ones, and the seed fixes the result.
    #[test]
    fn random_fills_keep_the_log_and_are_fixed_by_the_seed() {
        let office = Profile::office("office");
        let mut users = Vec::new();
        for u in 0..40u64 {
            let mut t = u * 7 * S;
            let mut events = Vec::new();
            for i in 0..30u64 {
                let kind = [View, View, Request, Submit][(i % 4) as usize];
                events.push(Event::new(t, kind));
                t += (i * 37 % 11 + 1) * 60 * S;
            }
            users.push((format!("user{u}"), events));
        }
        let trace = Trace::from_users(users);
        let (a, counts) = fill_trace(&trace, &office, 42).expect("fills");
        let (b, _) = fill_trace(&trace, &office, 42).expect("fills");
        let (c, _) = fill_trace(&trace, &office, 43).expect("fills");
        assert_eq!(a.users().collect::<Vec<_>>(), b.users().collect::<Vec<_>>());
        assert_ne!(a.users().collect::<Vec<_>>(), c.users().collect::<Vec<_>>());
        assert!(counts.inputs > 0 && counts.activity > 0, "{counts:?}");
        for ((name, logged), (filled_name, filled)) in trace.users().zip(a.users()) {
            assert_eq!(name, filled_name);
            let kept: Vec<Event> = filled
                .iter()
                .copied()
                .filter(|e| e.kind().reaches_server())
                .collect();
            assert_eq!(kept, logged, "{name}: the logged events, exactly");
            assert_eq!(
                filled.last(),
                logged.last(),
                "{name}: nothing after the log"
            );
            for pair in filled.windows(2) {
                let added = !pair[1].kind().reaches_server();
                if added {
                    assert!(pair[1].time() > pair[0].time(), "{name}: {pair:?}");
                }
                if !pair[0].kind().reaches_server() && pair[1].kind().reaches_server() {
                    assert!(pair[0].time() < pair[1].time(), "{name}: {pair:?}");
                }
            }
        }
    }

    #[test]
    fn profiles_by_name() {
        assert_eq!(
            find_profile("office", &[]).map(|p| p.name),
            Ok("office".into())
        );
        let own = [fixed()];
        assert_eq!(
            find_profile("fixed", &own).map(|p| p.name),
            Ok("fixed".into())
        );
        let e = find_profile("nurse", &own).err().unwrap_or_default();
        assert!(e.contains("\"fixed\", \"office\""), "{e}");
        let browse_only = profile(r#"Profile(name: "b", tasks: [Browse()])"#);
        assert!(fill_trace(&Trace::default(), &browse_only, 0).is_err());
    }
}
