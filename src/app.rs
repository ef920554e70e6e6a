//! The shell: which page the URL names, the site chrome, and embed mode.

use crate::bench_page::BenchPage;
use crate::browser;
use crate::guide::{self, SECTIONS};
use crate::hooks::use_hash;
use crate::labs::consistency::ConsistencyLab;
use crate::labs::multi_paxos::MultiPaxosLab;
use crate::labs::partial_failure::PartialFailureLab;
use crate::labs::paxos::PaxosLab;
use crate::labs::raft_election::RaftElectionLab;
use crate::labs::raft_replication::RaftReplicationLab;
use crate::labs::raft_vs_paxos::RaftVsPaxosLab;
use crate::route::{Page, Route, Theme};
use distviz_core::lab;
use yew::prelude::*;

#[component]
pub fn App() -> Html {
    let hash = use_hash();
    let route = Route::parse_with_search(&hash.hash, &browser::search());
    let mounts = use_mut_ref(Mounts::default);
    let theme = route.theme.map(|t| match t {
        Theme::Light => "light",
        Theme::Dark => "dark",
    });
    browser::choose_theme(theme);
    browser::set_root_attribute("data-embed", route.embed.then_some("1"));

    let body = match &route.page {
        Page::Guide => html! { <Landing /> },
        Page::Bench => html! { <BenchPage /> },
        Page::BenchSnapshots => html! { <BenchPage snapshots=true /> },
        Page::PanicSelfTest => html! { <PanicOnPurpose /> },
        Page::NotFound(path) => html! {
            <main class="not-found">
                <h1>{"No such page"}</h1>
                <p>{format!("There is no lab called “{path}”. ")}
                    if let Some(lab) = lab::nearest(path) {
                        {"Did you mean "}<a href={format!("#/{}", lab.id)} data-testid="did-you-mean">{lab.title}</a>{"? Or "}
                    }
                    <a href="#/">{"see every lab of the guide."}</a></p>
            </main>
        },
        Page::Lab(id) => {
            let key = mounts.borrow_mut().key(&route, hash.renamed);
            let (intro, page) = match id.as_str() {
                lab::CONSISTENCY_MODELS => (
                    "A history is what clients saw: each operation from the moment it was asked to the moment it returned. A consistency model says which histories a system may produce. Drag the operations below and watch which models still hold.",
                    html! { <ConsistencyLab key={key} route={route.clone()} /> },
                ),
                lab::RAFT_REPLICATION => (
                    "A client sends a request to the leader, which adds it to its log and sends it to the others in AppendEntries. Once a majority stores it, it is committed: it will never be lost, and every server applies it to its store in the same order. Crash, cut and drop, and see which entries survive and why.",
                    html! { <RaftReplicationLab key={key} route={route.clone()} /> },
                ),
                lab::PARTIAL_FAILURE => (
                    "A client asks a server to add one to a counter, and waits for the answer. Lose the request or the reply, delay them, crash or pause the server: the client only ever sees silence, and cannot tell which happened. Then turn on retries and watch one request count twice.",
                    html! { <PartialFailureLab key={key} route={route.clone()} /> },
                ),
                lab::PAXOS => (
                    "Proposers want one value chosen; acceptors promise and accept; learners learn. A value is chosen the moment a majority of acceptors accepts one ballot, whether anyone knows it yet or not. Propose from two proposers, crash acceptors, and break the rules that keep the value unique.",
                    html! { <PaxosLab key={key} route={route.clone()} /> },
                ),
                lab::MULTI_PAXOS => (
                    "One server leads: it runs phase 1 once for every slot, then one round of Accept and Accepted per command. A slot is chosen the moment a majority accepts it, before anyone knows. Crash the leader and watch the next one recover what was accepted and fill the holes with no-ops.",
                    html! { <MultiPaxosLab key={key} route={route.clone()} /> },
                ),
                lab::RAFT_VS_PAXOS => (
                    "One client workload and one fault schedule, run by Raft and by Multi-Paxos with the same seed and the same network draws. One scrubber and one set of controls drive both: crash, cut and hold a link in both at once, and compare what each protocol pays.",
                    html! { <RaftVsPaxosLab key={key} route={route.clone()} /> },
                ),
                _ => (
                    "Every server starts as a follower. If it hears nothing from a leader before its election timer runs out, it becomes a candidate for the next term and asks the others for votes. A majority of votes makes it leader. Crash servers, cut the network, and see what happens.",
                    html! { <RaftElectionLab key={key} route={route.clone()} /> },
                ),
            };
            html! {
                <main class="lab-page">
                    if !route.embed {
                        <h1>{guide::title_of(id)}</h1>
                        <p class="intro">{intro}</p>
                    }
                    {page}
                </main>
            }
        }
    };
    if route.embed {
        return html! { <div class="app embed">{body}</div> };
    }
    html! {
        <div class="app">
            <header class="site">
                <a href="#/" class="brand">{"distviz"}</a>
                <span class="tagline">{"a lab for distributed systems"}</span>
            </header>
            {body}
            <footer class="site">
                if matches!(&route.page, Page::Lab(id) if id == lab::CONSISTENCY_MODELS) {
                    <p>{"The checkers here are the ones of the "}<code>{"distviz check"}</code>{" command line: the same history gets the same verdicts in both."}</p>
                } else {
                    <p>{"Every run is a deterministic simulation: the same scenario and seed give the same run, here and in the "}<code>{"distviz"}</code>{" command line."}</p>
                }
            </footer>
        </div>
    }
}

/// When a lab page starts afresh: when the address names another run (a
/// pasted link, a link to the lab), but not when the page itself named the
/// run it shows (a thing to try, once loaded).
#[derive(Default)]
struct Mounts {
    /// The page and run the address last named.
    run: String,
    /// How many times a lab page was opened.
    count: u32,
}

impl Mounts {
    /// The key of the lab page for `route`.
    fn key(&mut self, route: &Route, renamed: bool) -> String {
        let run = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}",
            route.page, route.scenario, route.try_name, route.at_ms, route.history
        );
        if run != self.run {
            if !renamed {
                self.count += 1;
            }
            self.run = run;
        }
        format!("lab-{}", self.count)
    }
}

#[component]
fn Landing() -> Html {
    let mut parts: Vec<&str> = SECTIONS.iter().map(|s| s.part).collect();
    parts.dedup();
    html! {
        <main class="landing">
            <h1>{"Distributed systems, by doing"}</h1>
            <p class="intro">{"Each lab runs a real protocol in a simulated network. Crash servers, split the network, drop messages, and step back and forth through time to see why things happen."}</p>
            {for parts.into_iter().map(|part| html! {
                <section key={part}>
                    <h2>{part}</h2>
                    <ol class="sections">
                        {for SECTIONS.iter().filter(|s| s.part == part).map(|s| html! {
                            <li key={s.title} class={if s.lab.is_some() { "ready" } else { "coming" }}>
                                if let Some(lab) = s.lab {
                                    <a href={format!("#/{lab}")}><strong>{s.title}</strong></a>
                                } else {
                                    <strong>{s.title}</strong>{" "}<span class="soon">{"coming"}</span>
                                }
                                <p>{s.blurb}</p>
                            </li>
                        })}
                    </ol>
                </section>
            })}
        </main>
    }
}

/// Panics while rendering, so a test can see the error panel take over.
#[component]
fn PanicOnPurpose() -> Html {
    panic!("this page panics on purpose to show the error panel (#/selftest/panic)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lab_opens_afresh_when_a_link_names_another_run_not_when_it_names_its_own() {
        let mut mounts = Mounts::default();
        let key = |mounts: &mut Mounts, hash: &str, renamed: bool| {
            mounts.key(&Route::parse(hash), renamed)
        };
        let first = key(&mut mounts, "#/raft-replication?theme=dark", false);
        // The page named the run it loaded: the same page goes on.
        let named = key(
            &mut mounts,
            "#/raft-replication?theme=dark&try=figure-8",
            true,
        );
        assert_eq!(named, first);
        // A view option is no new run.
        let darker = key(&mut mounts, "#/raft-replication?try=figure-8", false);
        assert_eq!(darker, first);
        // A link back to the lab, or to another run, opens it afresh.
        let back = key(&mut mounts, "#/raft-replication", false);
        assert_ne!(back, first);
        let shared = key(&mut mounts, "#/raft-replication?s=abc", false);
        assert_ne!(shared, back);
        assert_ne!(key(&mut mounts, "#/paxos", false), shared);
    }
}
