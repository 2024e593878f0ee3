//! RON nested thousands of levels deep: refused, not a stack overflow.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn deeply_nested_distributions_are_refused() {
    let mut think = r#"Constant("5s")"#.to_string();
    for _ in 0..5000 {
        think = format!("Mixture([(1.0, {think})])");
    }
    let text = format!(
        r#"Scenario(name: "h", horizon: "1d", profiles: [Profile(name: "p", tasks: [Browse(weight: 1, think: {think})])], population: Generated([(profile: "p", users: 1)]), policies: [Policy(name: "A")])"#
    );
    let dir = folder(&[("s.ron", text.as_bytes())]);
    let run = lapse_in(dir.path(), &["validate", "s.ron"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("error: s.ron:1:"), "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with(": values are nested too deeply (at most 128 levels of brackets)\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn deep_brackets_where_a_name_belongs_are_refused() {
    let text = format!(r#"Scenario(name: {}"#, "[".repeat(100_000));
    let dir = folder(&[("s.ron", text.as_bytes())]);
    let run = lapse_in(dir.path(), &["validate", "s.ron"]);
    assert_refused(&run, "error: s.ron:1:15: Expected string");
}
