//! Import throughput: MB of combined-format log per second on one core
//! (issue 8's target: at least 50 MB/s). The log is generated here, at bench
//! time: real-looking lines (browsers and crawlers, pages, parts, API calls,
//! posts) with perturbed addresses and times, slightly out of order.
//!
//! `cargo bench --bench import`

use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lapse::import::keys::KeyOutput;
use lapse::import::{ImportOptions, Importer};

const TARGET_BYTES: usize = 32 << 20;

const AGENTS: [&str; 8] = [
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/33.0.1750.91 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:27.0) Gecko/20100101 Firefox/27.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 7_0_4 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) Version/7.0 Mobile/11B554a Safari/9537.53",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:27.0) Gecko/20100101 Firefox/27.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/",
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0)",
];

const REQUESTS: [&str; 10] = [
    "GET /blog/geekery/xvfb-firefox.html HTTP/1.1",
    "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1",
    "GET /presentations/logstash-monitorama-2013/css/print/paper.css HTTP/1.1",
    "GET /presentations/logstash-monitorama-2013/plugin/zoom-js/zoom.js HTTP/1.1",
    "GET /favicon.ico HTTP/1.1",
    "GET /projects/xdotool/ HTTP/1.1",
    "GET /api/notes?page=2&sort=date HTTP/1.1",
    "POST /notes/7/comments HTTP/1.1",
    "GET /articles/dynamic-dns-with-dhcp/ HTTP/1.1",
    "HEAD /index.html HTTP/1.1",
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A small deterministic generator: the same log on every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// About `TARGET_BYTES` of combined log over about a month.
fn generate_log() -> Vec<u8> {
    let mut rng = Lcg(42);
    let mut out = Vec::with_capacity(TARGET_BYTES + 1024);
    let mut clock = 16_572 * 86_400; // 2015-05-17 00:00 UTC, in seconds
    while out.len() < TARGET_BYTES {
        clock += rng.below(3);
        // Lines out of order by up to a minute, as in the shared sample.
        let t = clock - rng.below(60);
        let (days, secs) = (t / 86_400, t % 86_400);
        let (day, month) = (days - 16_572 + 17, 4); // May; days past the 31st roll into June
        let (day, month) = if day > 31 {
            (day - 31, month + 1)
        } else {
            (day, month)
        };
        let addr = rng.below(2_000);
        let _ = writeln!(
            out,
            "83.{}.{}.{} - - [{:02}/{}/2015:{:02}:{:02}:{:02} +0000] \"{}\" {} {} \"http://semicomplete.com/\" \"{}\"",
            addr / 250,
            addr % 250,
            rng.below(4),
            day,
            MONTHS[month],
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            REQUESTS[rng.below(REQUESTS.len() as u64) as usize],
            [200, 200, 200, 304, 404][rng.below(5) as usize],
            rng.below(400_000),
            AGENTS[(addr % AGENTS.len() as u64) as usize],
        );
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn import(bytes: &[u8]) -> usize {
    let options = ImportOptions {
        key_output: KeyOutput::Hashed {
            salt: b"bench".to_vec(),
        },
        ..ImportOptions::default()
    };
    let Ok(mut importer) = Importer::new(options) else {
        return 0;
    };
    if importer.read(bytes, Path::new("bench.log")).is_err() {
        return 0;
    }
    importer.finish().trace.num_events()
}

fn bench_import(c: &mut Criterion) {
    let log = generate_log();
    let events = import(&log);
    assert!(events > 0, "the generated log imports");
    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Bytes(log.len() as u64));
    group.bench_function("combined_32MB", |b| b.iter(|| import(black_box(&log))));
    let compressed = gzip(&log);
    // Throughput counts the log's text, not the compressed bytes.
    group.bench_function("combined_32MB_gzip", |b| {
        b.iter(|| import(black_box(&compressed)))
    });
    group.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
