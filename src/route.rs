//! Where the URL points: `#/` (the guide), `#/<lab>?options`, `#/bench`.
//!
//! Lab options: `embed=1` (no site chrome, for an iframe), `controls=0`,
//! `theme=light|dark`, `click=select|crash`, `s=<scenario>` (a share link),
//! `t=<ms>` (open paused at that time), `try=<name>` (a shipped run, as
//! Things to try loads it), `seed=<n>` (a fresh run with that seed); the
//! consistency lab's `h=<history>`
//! and `m=<model>`. They may also stand before the `#`
//! (`index.html?theme=dark#/raft-election`); after it they win. Parsing
//! never fails: problems are collected as sentences.

use distviz_core::scenario::{LONGEST_RUN, MAX_DURATION_MS};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a name in a link keeps as it is: letters, digits, `-`, `_`, `.`.
const NAME: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// The options that say which run a lab shows (the rest say how).
const RUN_OPTIONS: [&str; 4] = ["s", "t", "seed", "try"];

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
    /// Issue 7's snapshot run alone, in a fresh page (its memory figure
    /// needs a heap no earlier run has grown).
    BenchSnapshots,
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
    /// A click on a node crashes it (an embed option) instead of selecting it.
    pub click_crashes: bool,
    /// The packed scenario of a share link.
    pub scenario: Option<String>,
    /// A shipped run, by name (`try=figure-8`: `labs::shipped::find`).
    pub try_name: Option<String>,
    pub at_ms: Option<u64>,
    /// The seed of a fresh run (the Seed box's, as a link).
    pub seed: Option<u64>,
    /// The consistency lab's shared history (a sketch) and model.
    pub history: Option<String>,
    pub model: Option<String>,
    /// What was wrong with the URL, in words.
    pub problems: Vec<String>,
}

impl Route {
    #[cfg(test)]
    pub fn parse(hash: &str) -> Route {
        Route::parse_with_search(hash, "")
    }

    /// The page from the `#hash`, its options from the `?search` before it
    /// and then the hash's own.
    pub fn parse_with_search(hash: &str, search: &str) -> Route {
        let hash = hash.trim_start_matches('#');
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let path = path.trim_matches('/');
        let page = match path {
            "" => Page::Guide,
            "bench" => Page::Bench,
            "bench/snapshots" => Page::BenchSnapshots,
            "selftest/panic" => Page::PanicSelfTest,
            lab if distviz_core::lab::is_known(lab) => Page::Lab(lab.to_string()),
            other => Page::NotFound(other.to_string()),
        };
        let mut route = Route {
            page,
            embed: false,
            controls: true,
            theme: None,
            click_crashes: false,
            scenario: None,
            at_ms: None,
            try_name: None,
            seed: None,
            history: None,
            model: None,
            problems: Vec::new(),
        };
        let search = search.trim_start_matches('?');
        for pair in search
            .split('&')
            .chain(query.split('&'))
            .filter(|p| !p.is_empty())
        {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(raw).decode_utf8_lossy().into_owned();
            route.set(key, value);
        }
        if route.try_name.is_some() && route.scenario.is_some() {
            route.try_name = None;
            route
                .problems
                .push("try: a shared run (s) is given too, so the page opens that one.".into());
        }
        // A shipped run's seed wins too, but only once it is found: the lab
        // says so (`labs::shell::initial`).
        if route.seed.is_some() && route.scenario.is_some() {
            route.seed = None;
            route.problems.push(
                "seed: a shared run (s) carries its own seed, so the seed given is not used."
                    .into(),
            );
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
            "click" => match value.as_str() {
                "select" | "" => Ok(false),
                "crash" => Ok(true),
                other => Err(format!("click: \"{other}\" is not select or crash")),
            }
            .map(|crash| self.click_crashes = crash),
            "s" => {
                self.scenario = Some(value);
                Ok(())
            }
            "try" if self.is_consistency_page() => Err(
                "try: the consistency page opens histories (h), not shipped runs".into(),
            ),
            "try" => {
                self.try_name = Some(value);
                Ok(())
            }
            "seed" if self.is_consistency_page() => Err(
                "seed: the consistency page draws histories, not runs, so it has no seed".into(),
            ),
            "seed" => match value.parse::<u64>() {
                Ok(seed) => {
                    self.seed = Some(seed);
                    Ok(())
                }
                Err(_) => Err(format!(
                    "seed: \"{value}\" is not a whole number (0 to {})",
                    u64::MAX
                )),
            },
            // Bounded before any work starts: a run lasts at most a day.
            "t" => match value.parse::<u64>() {
                Ok(t) if t <= MAX_DURATION_MS => {
                    self.at_ms = Some(t);
                    Ok(())
                }
                Ok(_) | Err(_)
                    if value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty() =>
                {
                    self.at_ms = Some(MAX_DURATION_MS);
                    Err(format!("t: {value} ms is past the longest run ({MAX_DURATION_MS} ms, {LONGEST_RUN}), so the lab opens at {LONGEST_RUN}, or where the run's memory ends"))
                }
                _ => Err(format!(
                    "t: \"{value}\" is not a time in whole milliseconds"
                )),
            },
            "h" | "m" if !self.is_consistency_page() => Err(format!(
                "{key}: a history and a model are for the consistency page (#/{}), not this one",
                distviz_core::lab::CONSISTENCY_MODELS
            )),
            "h" => {
                self.history = Some(value);
                Ok(())
            }
            "m" => {
                self.model = Some(value);
                Ok(())
            }
            other => Err(format!(
                "\"{other}\" is not an option of this page. It reads embed, controls, theme, click, s (a shared run), t (a time in ms), try (a shipped run, by name), seed (a fresh run's seed){}; the settings are set in the lab, and a shared link keeps them",
                if self.is_consistency_page() {
                    ", h and m (a history and a model)"
                } else {
                    ""
                }
            )),
        };
        if let Err(problem) = outcome {
            self.problems.push(problem);
        }
    }

    fn is_consistency_page(&self) -> bool {
        matches!(&self.page, Page::Lab(lab) if lab == distviz_core::lab::CONSISTENCY_MODELS)
    }

    /// The hash of a lab page with a shared scenario, paused at `at_ms`.
    pub fn share_hash(lab: &str, packed: &str, at_ms: u64) -> String {
        format!("#/{lab}?s={packed}&t={at_ms}")
    }

    /// Part of an address (`#/lab?…` or `?…`) with its run options (s, t,
    /// seed, try) dropped, its page and view options kept, and `try=name`
    /// added if a shipped run is named: what the address says once the page
    /// shows another run.
    pub fn with_run(part: &str, name: Option<&str>) -> String {
        let (path, query) = part.split_once('?').unwrap_or((part, ""));
        let kept = query.split('&').filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(key, _)| key);
            !pair.is_empty() && !RUN_OPTIONS.contains(&key)
        });
        let named = name.map(|name| format!("try={}", utf8_percent_encode(name, NAME)));
        let query: Vec<String> = kept.map(String::from).chain(named).collect();
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", query.join("&"))
        }
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
        assert_eq!(Route::parse("#/bench/snapshots").page, Page::BenchSnapshots);
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
        assert!(
            r.problems[2].starts_with("\"zoom\" is not an option of this page. It reads embed,")
        );
        assert!(r.problems[2]
            .contains("s (a shared run), t (a time in ms), try (a shipped run, by name), seed (a fresh run's seed);"));
        assert!(
            !r.problems[2].contains("h and m"),
            "another page's options are not listed"
        );
        assert!(Route::parse("#/consistency-models?zoom=2").problems[0]
            .contains("h and m (a history and a model)"));
        // The Seed box's seed, as a link.
        let r = Route::parse("#/raft-replication?seed=42");
        assert_eq!((r.seed, r.problems.len()), (Some(42), 0));
        let r = Route::parse("#/raft-replication?seed=abc");
        assert_eq!(r.seed, None);
        assert!(r.problems[0].starts_with("seed: \"abc\" is not a whole number"));
        let r = Route::parse("#/raft-replication?seed=3&s=N4Ig");
        assert_eq!(r.seed, None);
        assert!(r.problems[0].contains("a shared run (s) carries its own seed"));
        assert!(Route::parse("#/consistency-models?seed=3").problems[0].contains("has no seed"));
        // A history belongs to the consistency page: elsewhere it is said, not kept.
        let r = Route::parse("#/raft-replication?h=zzz&m=zzz");
        assert_eq!(r.problems.len(), 2);
        assert!(r.problems[0].starts_with("h: a history and a model are for the consistency page"));
        assert_eq!((r.history, r.model), (None, None));
        let r = Route::parse("#/consistency-models?h=zzz&m=zzz");
        assert!(r.problems.is_empty());
        assert_eq!(r.history.as_deref(), Some("zzz"));
        assert_eq!(
            Route::parse("#/paxos-made-up").page,
            Page::NotFound("paxos-made-up".into())
        );
    }

    #[test]
    fn a_time_past_the_longest_run_is_clamped_with_a_sentence() {
        for t in ["100000000", "99999999999999999999999"] {
            let r = Route::parse(&format!("#/raft-election?t={t}"));
            assert_eq!(r.at_ms, Some(MAX_DURATION_MS));
            assert!(
                r.problems[0].contains("past the longest run"),
                "{:?}",
                r.problems
            );
        }
    }

    #[test]
    fn options_before_the_hash_count_and_the_hash_wins() {
        let r = Route::parse_with_search("#/raft-election", "?theme=dark&click=crash");
        assert_eq!(r.theme, Some(Theme::Dark));
        assert!(r.click_crashes);
        assert!(r.problems.is_empty());
        let r = Route::parse_with_search("#/raft-election?theme=light", "?theme=dark");
        assert_eq!(r.theme, Some(Theme::Light));
    }

    #[test]
    fn a_shipped_run_is_named_by_try() {
        let r = Route::parse("#/raft-replication?try=figure-8&t=2000");
        assert_eq!(
            (r.try_name.as_deref(), r.at_ms),
            (Some("figure-8"), Some(2000))
        );
        assert!(r.problems.is_empty());
        // A shared run wins over a named one, and either keeps its own seed.
        let r = Route::parse("#/paxos?try=duel&s=abc&seed=4");
        assert_eq!(
            (r.try_name, r.scenario.as_deref(), r.seed),
            (None, Some("abc"), None)
        );
        assert!(
            r.problems[0].starts_with("try: a shared run"),
            "{:?}",
            r.problems
        );
        assert!(r.problems[1].starts_with("seed: "), "{:?}", r.problems);
        // A named run's seed is dropped by the lab, once the name is found.
        let r = Route::parse("#/paxos?try=duel&seed=4");
        assert_eq!((r.try_name.as_deref(), r.seed), (Some("duel"), Some(4)));
        let r = Route::parse("#/consistency-models?try=x");
        assert!(r.try_name.is_none() && r.problems[0].starts_with("try: "));
    }

    #[test]
    fn a_thing_to_try_replaces_the_run_in_an_address() {
        assert_eq!(
            Route::with_run(
                "#/raft-replication?embed=1&s=abc&t=40&seed=3&theme=dark",
                Some("figure-8")
            ),
            "#/raft-replication?embed=1&theme=dark&try=figure-8"
        );
        assert_eq!(Route::with_run("#/paxos", Some("duel")), "#/paxos?try=duel");
        assert_eq!(
            Route::with_run("#/paxos?try=old&", Some("a b")),
            "#/paxos?try=a%20b"
        );
        let r = Route::parse(&Route::with_run("#/paxos?theme=dark", Some("duel-backoff")));
        assert_eq!(
            (r.try_name.as_deref(), r.theme),
            (Some("duel-backoff"), Some(Theme::Dark))
        );
        // The options before the `#` lose their run too; with none left,
        // no `?` is left either.
        assert_eq!(Route::with_run("?s=abc&t=5", None), "");
        assert_eq!(Route::with_run("?theme=dark&seed=2", None), "?theme=dark");
        assert_eq!(Route::with_run("#/paxos?try=duel", None), "#/paxos");
    }

    #[test]
    fn share_hashes_parse_back() {
        let r = Route::parse(&Route::share_hash("raft-election", "abc+-$", 42));
        assert_eq!((r.scenario.as_deref(), r.at_ms), (Some("abc+-$"), Some(42)));
    }
}
