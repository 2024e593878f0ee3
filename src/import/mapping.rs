//! Which HTTP requests are which trace events (SPEC section 2), and which
//! clients are crawlers. Every rule can be changed from the command line; the
//! summary prints the rules in force.

use regex::bytes::Regex;

use crate::model::EventKind;
use crate::model::duration::Dur;

use super::record::Record;

/// Requests for these paths are parts of the page that loads them.
pub const DEFAULT_PARTS: &str =
    r"(?i)\.(css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|avif|bmp|tiff?|woff2?|ttf|otf|eot)$";
/// Paths of calls a page's scripts make on a user's action.
pub const DEFAULT_API: &str = r"^/api/";
/// Crawlers, feed readers, monitors and scripts, by user agent. `^-?$`: a
/// missing user agent, which browsers always send.
pub const DEFAULT_BOTS: &str = r"(?i)^-?$|bot|spider|crawl|slurp|archiver|feed|rss|reader|fetch|scan|check|monitor|uptime|pingdom|statuscake|nagios|zabbix|validator|preview|externalhit|embedly|ezooms|nutch|sleuth|scrap|curl|wget|python|urllib|libwww|http_request|httpclient|okhttp|go-http|java/|ruby|perl|php/|phantomjs|headless|chef client";
pub const DEFAULT_FOLD_WINDOW: Dur = Dur::secs(3);
pub const DEFAULT_SUBMIT_METHODS: [&str; 4] = ["POST", "PUT", "PATCH", "DELETE"];
pub const DEFAULT_PAGE_METHODS: [&str; 1] = ["GET"];

/// What one request becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// An event of its own.
    Event(EventKind),
    /// A page part (image, style sheet, script, font...): folded into its page.
    Part,
    /// A method that is no user action (HEAD, OPTIONS, `-`...): left out.
    Ignored,
}

/// The request-to-event rules.
#[derive(Clone, Debug)]
pub struct Mapping {
    /// Methods that carry the user's work: `submit`.
    pub submit_methods: Vec<String>,
    /// Methods that load a page or call an API.
    pub page_methods: Vec<String>,
    /// Paths of API calls: `request` (so are requests marked XHR).
    pub api: Regex,
    /// Paths of page parts.
    pub parts: Regex,
    /// A view or request less than this after the user's last view (with no
    /// submit between) belongs to that view's page load.
    pub fold_window: Dur,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            submit_methods: DEFAULT_SUBMIT_METHODS.map(String::from).to_vec(),
            page_methods: DEFAULT_PAGE_METHODS.map(String::from).to_vec(),
            api: Regex::new(DEFAULT_API).unwrap_or_else(|_| unreachable!("a fixed pattern")),
            parts: Regex::new(DEFAULT_PARTS).unwrap_or_else(|_| unreachable!("a fixed pattern")),
            fold_window: DEFAULT_FOLD_WINDOW,
        }
    }
}

impl Mapping {
    pub fn classify(&self, record: &Record<'_>) -> Class {
        let is = |list: &[String]| list.iter().any(|m| m.as_bytes() == record.method);
        if is(&self.submit_methods) {
            return Class::Event(EventKind::Submit);
        }
        if !is(&self.page_methods) {
            return Class::Ignored;
        }
        let path = record.path();
        if record.xhr || self.api.is_match(path) {
            Class::Event(EventKind::Request)
        } else if self.parts.is_match(path) {
            Class::Part
        } else {
            Class::Event(EventKind::View)
        }
    }

    /// The rules, one a line, for the summary.
    pub fn describe(&self) -> Vec<String> {
        let submit = self.submit_methods.join(", ");
        let page = self.page_methods.join(", ");
        vec![
            format!("{submit} -> submit"),
            format!(
                "{page} of a path matching --api {} (or marked XHR) -> request",
                self.api
            ),
            format!(
                "{page} of a path matching --parts {} -> folded into the view before it",
                self.parts
            ),
            format!(
                "a view or request less than --fold-window {} after the user's view (no submit between) -> folded into that view",
                self.fold_window
            ),
            format!("any other {page} -> view"),
            "other methods (HEAD, OPTIONS, no request...) -> left out".to_string(),
        ]
    }
}

/// Upper-cases and checks a comma-separated list of HTTP methods.
pub fn parse_methods(text: &str) -> Result<Vec<String>, String> {
    let methods: Vec<String> = text
        .split(',')
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| !m.is_empty())
        .collect();
    if let Some(bad) = methods.iter().find(|m| {
        !m.bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_')
    }) {
        return Err(format!("{bad:?} is not an HTTP method name"));
    }
    Ok(methods)
}

/// A pattern from the command line, compiled for byte strings.
pub fn parse_regex(text: &str) -> Result<Regex, String> {
    Regex::new(text).map_err(|e| format!("invalid pattern: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::clf::{Expect, parse};

    fn class_of(method: &str, target: &str, agent: &str) -> Class {
        let line = format!(
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"{method} {target} HTTP/1.1\" 200 5 \"-\" \"{agent}\""
        );
        let r = parse(line.as_bytes(), Expect::Combined).expect("valid");
        Mapping::default().classify(&r)
    }

    #[test]
    fn default_rules() {
        use EventKind::*;
        assert_eq!(
            class_of("GET", "/blog/post.html", "Firefox"),
            Class::Event(View)
        );
        assert_eq!(class_of("GET", "/", "Firefox"), Class::Event(View));
        assert_eq!(
            class_of("GET", "/api/items?x=1", "Firefox"),
            Class::Event(Request)
        );
        assert_eq!(
            class_of("GET", "/api/logo.png", "Firefox"),
            Class::Event(Request)
        );
        assert_eq!(class_of("GET", "/img/Logo.PNG?v=2", "Firefox"), Class::Part);
        assert_eq!(class_of("GET", "/favicon.ico", "Firefox"), Class::Part);
        assert_eq!(class_of("GET", "/fonts/a.woff2", "Firefox"), Class::Part);
        assert_eq!(class_of("POST", "/form", "Firefox"), Class::Event(Submit));
        assert_eq!(
            class_of("DELETE", "/api/items/3", "Firefox"),
            Class::Event(Submit)
        );
        assert_eq!(class_of("HEAD", "/", "Firefox"), Class::Ignored);
        assert_eq!(class_of("OPTIONS", "/api/x", "Firefox"), Class::Ignored);
        assert_eq!(
            class_of("get", "/", "Firefox"),
            Class::Ignored,
            "methods are case-sensitive"
        );
    }

    #[test]
    fn crawler_pattern() {
        let bots = Regex::new(DEFAULT_BOTS).expect("valid");
        for agent in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/",
            "Tiny Tiny RSS/1.11 (http://tt-rss.org/)",
            "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
            "Sogou web spider/4.0",
            "Pingdom.com_bot_version_1.4",
            "Wget/1.14 (linux-gnu)",
            "curl/7.22.0",
            "-",
            "",
        ] {
            assert!(bots.is_match(agent.as_bytes()), "{agent}");
        }
        for agent in [
            "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 7_0_4 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) Version/7.0 Mobile/11B554a Safari/9537.53",
            "Opera/9.80 (X11; Linux x86_64) Presto/2.12.388 Version/12.16",
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:27.0) Gecko/20100101 Firefox/27.0",
        ] {
            assert!(!bots.is_match(agent.as_bytes()), "{agent}");
        }
    }

    #[test]
    fn methods_flag() {
        assert_eq!(parse_methods("post, put").expect("valid"), ["POST", "PUT"]);
        assert!(parse_methods("PO ST").is_err());
    }
}
