//! Where the URL points: `#/` (the guide), `#/<lab>?options`, `#/bench`.
//!
//! Lab options: `embed=1` (no site chrome, for an iframe), `controls=0`,
//! `theme=light|dark`, `s=<scenario>` (a share link), `t=<ms>` (open paused
//! at that time). Parsing never fails: problems are collected as sentences.

use distviz_core::scenario::MAX_DURATION_MS;
use percent_encoding::percent_decode_str;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Guide,
    Lab(String),
    Bench,
    /// Panics on purpose, to check the error panel (#/selftest/panic).
    PanicSelfTest,
    NotFound(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub page: Page,
    pub embed: bool,
    pub controls: bool,
    pub theme: Option<Theme>,
    /// The packed scenario of a share link.
    pub scenario: Option<String>,
    pub at_ms: Option<u64>,
    /// What was wrong with the URL, in words.
    pub problems: Vec<String>,
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let hash = hash.trim_start_matches('#');
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let path = path.trim_matches('/');
        let page = match path {
            "" => Page::Guide,
            "bench" => Page::Bench,
            "selftest/panic" => Page::PanicSelfTest,
            lab if distviz_core::lab::is_known(lab) => Page::Lab(lab.to_string()),
            other => Page::NotFound(other.to_string()),
        };
        let mut route = Route {
            page,
            embed: false,
            controls: true,
            theme: None,
            scenario: None,
            at_ms: None,
            problems: Vec::new(),
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(raw).decode_utf8_lossy().into_owned();
            route.set(key, value);
        }
        route
    }

    fn set(&mut self, key: &str, value: String) {
        let flag = |value: &str| match value {
            "" | "1" | "true" | "yes" => Ok(true),
            "0" | "false" | "no" => Ok(false),
            other => Err(format!("{key}: \"{other}\" is not 1 or 0")),
        };
        let outcome = match key {
            "embed" => flag(&value).map(|on| self.embed = on),
            "controls" => flag(&value).map(|on| self.controls = on),
            "theme" => match value.as_str() {
                "light" => Ok(Some(Theme::Light)),
                "dark" => Ok(Some(Theme::Dark)),
                "auto" | "" => Ok(None),
                other => Err(format!("theme: \"{other}\" is not light, dark or auto")),
            }
            .map(|theme| self.theme = theme),
            "s" => {
                self.scenario = Some(value);
                Ok(())
            }
            "t" => match value.parse::<u64>() {
                // Opening at t runs the lab up to t: bounded, or a link could freeze the page.
                Ok(t) if t <= MAX_DURATION_MS => {
                    self.at_ms = Some(t);
                    Ok(())
                }
                Ok(t) => Err(format!(
                    "t: {t} ms is after the longest run a lab keeps ({MAX_DURATION_MS} ms)"
                )),
                Err(_) => Err(format!(
                    "t: \"{value}\" is not a time in whole milliseconds"
                )),
            },
            other => Err(format!(
                "\"{other}\" is not an option of this page (embed, controls, theme, s, t)"
            )),
        };
        if let Err(problem) = outcome {
            self.problems.push(problem);
        }
    }

    /// The hash of a lab page with a shared scenario, paused at `at_ms`.
    pub fn share_hash(lab: &str, packed: &str, at_ms: u64) -> String {
        format!("#/{lab}?s={packed}&t={at_ms}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pages_and_options() {
        assert_eq!(Route::parse("").page, Page::Guide);
        assert_eq!(Route::parse("#/").page, Page::Guide);
        assert_eq!(Route::parse("#/bench").page, Page::Bench);
        let r = Route::parse("#/raft-election?embed=1&controls=0&theme=dark&t=1500&s=N4Ig");
        assert_eq!(r.page, Page::Lab("raft-election".into()));
        assert!(r.embed && !r.controls);
        assert_eq!(r.theme, Some(Theme::Dark));
        assert_eq!(r.at_ms, Some(1500));
        assert_eq!(r.scenario.as_deref(), Some("N4Ig"));
        assert!(r.problems.is_empty());
    }

    #[test]
    fn bad_options_become_sentences_not_failures() {
        let r = Route::parse("#/raft-election?t=soon&theme=purple&zoom=2&embed=maybe");
        assert_eq!(r.page, Page::Lab("raft-election".into()));
        assert_eq!(r.problems.len(), 4);
        assert!(r.problems[0].starts_with("t: \"soon\""));
        assert_eq!(
            Route::parse("#/paxos-made-up").page,
            Page::NotFound("paxos-made-up".into())
        );
    }

    #[test]
    fn a_time_past_the_longest_run_is_refused_not_run_to() {
        let r = Route::parse("#/raft-election?t=18446744073709551615");
        assert_eq!(r.at_ms, None);
        assert_eq!(
            r.problems,
            ["t: 18446744073709551615 ms is after the longest run a lab keeps (1800000 ms)"]
        );
        assert_eq!(
            Route::parse("#/raft-election?t=1800000").at_ms,
            Some(1_800_000)
        );
    }

    #[test]
    fn share_hashes_parse_back() {
        let r = Route::parse(&Route::share_hash("raft-election", "abc+-$", 42));
        assert_eq!((r.scenario.as_deref(), r.at_ms), (Some("abc+-$"), Some(42)));
    }
}
