//! The fast reader against the reference reader ([`super::super::simple`]):
//! the same trace, or the same first error, on generated files with faults
//! injected, with blocks and chunks small enough to cut anywhere.

use std::io::Write;
use std::path::Path;

use proptest::prelude::*;

use super::{Tuning, load, read_csv};
use crate::model::trace::simple;
use crate::model::{Event, EventKind, Trace};

fn source() -> &'static Path {
    Path::new("t.csv")
}

fn fast(bytes: &[u8], tuning: Tuning) -> Result<Trace, String> {
    read_csv(bytes, source(), tuning).map_err(|e| e.to_string())
}

fn reference(bytes: &[u8]) -> Result<Trace, String> {
    simple::read_csv(bytes, source()).map_err(|e| e.to_string())
}

fn tiny(block_bytes: usize, chunk_bytes: usize) -> Tuning {
    Tuning {
        block_bytes,
        chunk_bytes,
    }
}

/// One field of a generated line: mostly canonical, sometimes padded,
/// zero-filled, quoted or wrong.
fn user() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => prop::sample::select(vec!["a", "b", "ab", "u1", "u22", "é"]).prop_map(str::to_string),
        1 => Just(" a ".to_string()),
        1 => Just("\"a,x\"".to_string()),
        1 => Just("\"b\"".to_string()),
        1 => Just(String::new()),
        1 => Just("\u{a0}b".to_string()),
    ]
}

fn time() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => (0u64..40).prop_map(|t| t.to_string()),
        2 => (1_000u64..1_200).prop_map(|t| t.to_string()),
        1 => (0u64..40).prop_map(|t| format!(" {t}")),
        1 => (0u64..40).prop_map(|t| format!("00{t}")),
        1 => (0u64..40).prop_map(|t| format!("+{t}")),
        1 => Just("-4".to_string()),
        1 => Just("1.5".to_string()),
        1 => Just(String::new()),
        1 => Just("4503599627370497".to_string()),
        1 => Just("99999999999999999999".to_string()),
    ]
}

fn kind() -> impl Strategy<Value = String> {
    prop_oneof![
        30 => prop::sample::select(vec!["view", "request", "submit", "input", "activity", "close"])
            .prop_map(str::to_string),
        3 => prop::sample::select(vec!["sleep", "wake"]).prop_map(str::to_string),
        1 => Just("clik".to_string()),
        1 => Just(" view".to_string()),
        1 => Just("View".to_string()),
    ]
}

fn tab() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => (0u32..4).prop_map(|t| t.to_string()),
        1 => Just("256".to_string()),
        1 => Just("x".to_string()),
        1 => Just(String::new()),
        1 => Just(" 2".to_string()),
    ]
}

/// A body line's bytes (without its line end).
fn line(with_tab: bool) -> impl Strategy<Value = Vec<u8>> {
    let event = (user(), time(), kind(), tab()).prop_map(move |(u, t, k, tab)| {
        if with_tab {
            format!("{u},{t},{k},{tab}").into_bytes()
        } else {
            format!("{u},{t},{k}").into_bytes()
        }
    });
    prop_oneof![
        60 => event,
        2 => Just(Vec::new()),
        1 => Just(b"   ".to_vec()),
        1 => Just(b"\t".to_vec()),
        1 => Just(b"\x0b".to_vec()),
        1 => Just(b"a,1".to_vec()),
        1 => Just(b"a,1,view,0,x".to_vec()),
        1 => Just(b"a,\xff,view".to_vec()),
        1 => Just(b"\xfe,1,view".to_vec()),
        1 => Just(b"a\rb,1,view".to_vec()),
        1 => Just(b"\"a\nb\",1,view".to_vec()),
        1 => Just(b"\xef\xbb\xbf\"a\",1,view".to_vec()),
        1 => Just(b"\xef\xbb\xbfa,1,view".to_vec()),
    ]
}

/// A whole file: header (maybe after empty lines), lines, each ended by
/// LF or CRLF, the last line's end optional.
fn file() -> impl Strategy<Value = Vec<u8>> {
    (any::<bool>(), 0usize..3, any::<bool>(), any::<bool>())
        .prop_flat_map(|(with_tab, leading, quoted_header, bom)| {
            let lines = prop::collection::vec((line(with_tab), any::<bool>()), 0..60);
            let head = Just((with_tab, leading, quoted_header, bom));
            (head, lines, any::<bool>())
        })
        .prop_map(
            |((with_tab, leading, quoted_header, bom), lines, last_end)| {
                let mut out = Vec::new();
                if bom {
                    out.extend(b"\xef\xbb\xbf");
                }
                out.extend(std::iter::repeat_n(b'\n', leading));
                let header = match (with_tab, quoted_header) {
                    (true, false) => "user,time_ms,kind,tab",
                    (false, false) => "user,time_ms,kind",
                    (true, true) => "\"user\",time_ms,kind,tab",
                    (false, true) => "user,\"time_ms\",kind",
                };
                out.extend(header.as_bytes());
                out.push(b'\n');
                let n = lines.len();
                for (i, (text, crlf)) in lines.into_iter().enumerate() {
                    out.extend(text);
                    if i + 1 < n || last_end {
                        out.extend(if crlf { &b"\r\n"[..] } else { b"\n" });
                    }
                }
                out
            },
        )
}

/// Mostly-canonical files: faults rarer, so that more of them read.
fn clean_file() -> impl Strategy<Value = Vec<u8>> {
    let event = (
        prop::sample::select(vec!["a", "b", "ab", "u1", "u22"]),
        0u64..30,
        prop::sample::select(vec![
            "view", "request", "submit", "input", "activity", "close",
        ]),
        0u8..4,
    );
    (any::<bool>(), prop::collection::vec(event, 0..200)).prop_map(|(with_tab, events)| {
        let mut out = Vec::new();
        out.extend(if with_tab {
            &b"user,time_ms,kind,tab\n"[..]
        } else {
            b"user,time_ms,kind\n"
        });
        for (u, t, k, tab) in events {
            if with_tab {
                writeln!(out, "{u},{t},{k},{tab}").expect("vec");
            } else {
                writeln!(out, "{u},{t},{k}").expect("vec");
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn agrees_with_the_reference_reader(
        bytes in file(),
        block in 1usize..200,
        chunk in 1usize..64,
    ) {
        let want = reference(&bytes);
        prop_assert_eq!(fast(&bytes, tiny(block, chunk)), want.clone());
        prop_assert_eq!(fast(&bytes, Tuning::DEFAULT), want);
    }

    #[test]
    fn agrees_on_mostly_valid_files(
        bytes in clean_file(),
        block in 1usize..400,
        chunk in 1usize..100,
    ) {
        let want = reference(&bytes);
        prop_assert!(want.is_ok());
        prop_assert_eq!(fast(&bytes, tiny(block, chunk)), want);
    }
}

#[test]
fn finds_the_first_bad_line_whichever_chunk_holds_it() {
    // Chunks of one line each: the later chunks' errors must not win.
    let text = b"user,time_ms,kind\na,1,view\na,x,view\nb,2,clik\n";
    for chunk in 1..12 {
        assert_eq!(
            fast(text, tiny(7, chunk)).unwrap_err(),
            "t.csv:3:3: time \"x\" is not a whole number of milliseconds"
        );
    }
}

#[test]
fn names_a_sleep_fault_among_interleaved_users_by_its_file_line() {
    // b's input at 4 falls in its sleep 3..9 though its line (7) comes after
    // the wake's; a blank line moves the lines, a padded time the column.
    let text =
        b"user,time_ms,kind\na,1,view\nb,3,sleep\n\na,2,view\nb,9,wake\nb, 4,input\na,5,sleep\n";
    let want = "t.csv:7:6: user \"b\": `input` while the device is asleep (from the `sleep` at 3 ms to the next `wake` nothing else can happen)";
    assert_eq!(reference(text).unwrap_err(), want);
    for chunk in [1, 5, 13, 1000] {
        assert_eq!(fast(text, tiny(16, chunk)).unwrap_err(), want);
    }
}

#[test]
fn reads_a_quoted_line_in_the_middle_through_the_csv_crate() {
    let text = b"user,time_ms,kind\nb,1,view\n\"a,x\",3,input\nb,2,close\nc,1,wake\n";
    let want = "t.csv:5:5: user \"c\": `wake` while the device is awake (a wake needs a `sleep` before it)";
    assert_eq!(fast(text, tiny(8, 3)).unwrap_err(), want);
    let good = &text[..text.len() - 9];
    let t = fast(good, tiny(8, 3)).expect("valid");
    assert_eq!(t.user_name(1), "a,x");
    let b: Vec<u64> = t.user_events(0).iter().map(|e| e.time()).collect();
    assert_eq!(b, [1, 2]);
}

#[test]
fn refuses_a_long_line_before_holding_all_of_it() {
    let mut text = b"user,time_ms,kind\na,1,view\n".to_vec();
    text.extend(vec![b'u'; 3 << 20]);
    text.extend(b",1,view\n");
    let want = "t.csv:3:1: line longer than 1 MiB: not a trace line (raise with --max-line-length)";
    assert_eq!(reference(&text).unwrap_err(), want);
    assert_eq!(fast(&text, tiny(64 << 10, 4 << 10)).unwrap_err(), want);
}

/// A few thousand events of many users, interleaved, then in runs.
fn big_trace() -> Trace {
    let users = (0..300).map(|u| {
        let events = (0..40u64)
            .map(|i| {
                Event::with_tab(
                    i * 7919 % 1000 + u,
                    EventKind::ALL[(i % 6) as usize],
                    (i % 3) as u8,
                )
            })
            .collect();
        (format!("user{u}"), events)
    });
    Trace::from_users(users.collect::<Vec<_>>())
}

#[test]
fn reads_what_it_writes_in_runs_and_interleaved() {
    let trace = big_trace();
    let mut runs = Vec::new();
    trace.write_csv(&mut runs).expect("write");
    for tuning in [Tuning::DEFAULT, tiny(4096, 512), tiny(100, 1)] {
        assert_eq!(fast(&runs, tuning), Ok(trace.clone()));
    }
    // The same lines round-robin across users: regrouped by the counting sort.
    let text = String::from_utf8(runs).expect("utf8");
    let mut lines: Vec<&str> = text.lines().skip(1).collect();
    lines.sort_by_key(|l| l.split(',').nth(1).and_then(|t| t.parse::<u64>().ok()));
    let interleaved = format!("user,time_ms,kind,tab\n{}\n", lines.join("\n"));
    let want = reference(interleaved.as_bytes());
    assert!(want.is_ok());
    for tuning in [Tuning::DEFAULT, tiny(4096, 512), tiny(100, 1)] {
        assert_eq!(fast(interleaved.as_bytes(), tuning), want);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("compress");
    enc.finish().expect("compress")
}

#[test]
fn reads_gzip_transparently() {
    let trace = big_trace();
    let mut plain = Vec::new();
    trace.write_csv(&mut plain).expect("write");
    let packed = gzip(&plain);
    assert_eq!(fast(&packed, tiny(4096, 512)), Ok(trace.clone()));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.csv.gz");
    std::fs::write(&path, &packed).expect("write");
    assert_eq!(load(&path, tiny(4096, 512)), Ok(trace.clone()));
    assert_eq!(Trace::load(&path), Ok(trace));
    // A bad line inside the compressed text is named like any other.
    let bad = gzip(b"user,time_ms,kind\na,1,view\na,2,clik\n");
    std::fs::write(&path, &bad).expect("write");
    let err = Trace::load(&path).unwrap_err().to_string();
    assert!(err.ends_with("t.csv.gz:3:5: unknown event kind \"clik\" (expected view, request, submit, input, activity, close, sleep or wake)"), "{err}");
}

#[test]
fn a_truncated_gzip_file_is_an_error_naming_the_line_reached() {
    let mut text = b"user,time_ms,kind\n".to_vec();
    for i in 0..20_000 {
        writeln!(text, "user{},{i},view", i % 7).expect("vec");
    }
    let packed = gzip(&text);
    let cut = &packed[..packed.len() / 2];
    let err = fast(cut, tiny(4096, 512)).unwrap_err();
    assert!(err.starts_with("t.csv:"), "{err}");
    assert!(err.contains(": cannot read the trace: "), "{err}");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cut.csv.gz");
    std::fs::write(&path, cut).expect("write");
    let err = Trace::load(&path).unwrap_err().to_string();
    assert!(err.contains("cut.csv.gz:"), "{err}");
    assert!(err.contains(": cannot read the trace: "), "{err}");
}

#[test]
fn agrees_with_the_reference_reader_on_the_fuzz_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/trace_csv");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fuzz/corpus/trace_csv is in the repository")
        .map(|entry| entry.expect("listable").path())
        .collect();
    assert!(files.len() > 100, "{} inputs", files.len());
    for file in files {
        let bytes = std::fs::read(&file).expect("readable");
        if bytes.starts_with(&[0x1f, 0x8b]) {
            continue; // gzip: only the fast reader decompresses
        }
        let want = reference(&bytes);
        for tuning in [Tuning::DEFAULT, tiny(64, 7), tiny(5, 1)] {
            assert_eq!(fast(&bytes, tuning), want, "{}", file.display());
        }
    }
}
