//! `distviz check`: a verdict either way exits 0; unreadable input exits 2
//! with a message naming the line.

use distviz_core::consistency::examples::EXAMPLES;
use distviz_core::consistency::sketch::Sketch;
use distviz_core::sim::history::to_json_lines;
use std::io::Write;
use std::process::{Command, Stdio};

fn distviz(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_distviz"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A built-in example (by its title's start) written to a file in our format.
fn example(title: &str) -> String {
    let example = EXAMPLES
        .iter()
        .find(|e| e.title.starts_with(title))
        .expect("an example with that title");
    let events: Vec<_> = Sketch::parse(example.text)
        .unwrap()
        .events()
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let dir = std::env::temp_dir().join(format!("distviz-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.jsonl", title.replace([' ', ','], "-")));
    std::fs::write(&path, to_json_lines(&events)).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_verdict_either_way_exits_0() {
    let (code, out, _) = distviz(&["check", &example("Sequential, not linearizable")], "");
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["result"]["verdict"], "not_linearizable");
    assert_eq!(v["result"]["failure"]["blocked"], 1);
    assert!(v["result"]["failure"]["explanation"]
        .as_str()
        .unwrap()
        .contains("P2's read"));

    let (code, out, _) = distviz(
        &[
            "check",
            &example("Sequential, not linearizable"),
            "--consistency",
            "sequential",
        ],
        "",
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["result"]["status"], "holds");
}

#[test]
fn all_prints_every_verdict_and_the_map() {
    let (code, out, _) = distviz(
        &[
            "check",
            &example("PRAM, not causal"),
            "--consistency",
            "all",
        ],
        "",
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdicts"].as_array().unwrap().len(), 8);
    let map = v["map"].as_array().unwrap();
    let status = |m: &str| {
        map.iter().find(|e| e["model"] == m).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("PRAM"), "holds");
    assert_eq!(status("causal"), "fails");
    assert_eq!(status("strict-serializable"), "fails");
}

#[test]
fn knossos_from_standard_input() {
    let text = "[{:process 0 :type :invoke :f :write :value 1}\n\
                {:process 0 :type :ok :f :write :value 1}\n\
                {:process 1 :type :invoke :f :read :value nil}\n\
                {:process 1 :type :ok :f :read :value 0}]";
    let (code, out, _) = distviz(&["check", "-", "--format", "knossos"], text);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["model"], "cas-register-0");
    assert_eq!(v["result"]["verdict"], "not_linearizable");
}

#[test]
fn unreadable_input_exits_2_naming_the_line() {
    let (code, out, err) = distviz(
        &["check", "-", "--format", "etcd"],
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t[1\n",
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("line 2"), "{err}");

    let (code, _, err) = distviz(
        &["check", "-", "--format", "etcd"],
        "INFO  jepsen.util - 0\t:invoke\t:frob\tnil\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("line 1") && err.contains(":frob"), "{err}");

    let (code, _, err) = distviz(
        &["check", "-", "--format", "knossos"],
        "[{:process 0 :type :invoke :f :incr :value 1}]",
    );
    assert_eq!(code, 2);
    assert!(err.contains("line 1") && err.contains("`incr`"), "{err}");

    let (code, _, err) = distviz(&["check", "-", "--format", "csv"], "");
    assert_eq!(code, 2);
    assert!(err.contains("unknown format"), "{err}");
}

#[test]
fn our_format_refuses_a_second_completion() {
    let text = "{\"index\":0,\"type\":\"invoke\",\"process\":\"C1\",\"op\":1,\"f\":\"write\",\"value\":1,\"time\":0}\n\
                {\"index\":1,\"type\":\"info\",\"process\":\"C1\",\"op\":1,\"f\":\"write\",\"value\":null,\"time\":5}\n\
                {\"index\":2,\"type\":\"ok\",\"process\":\"C1\",\"op\":1,\"f\":\"write\",\"value\":1,\"time\":9}\n";
    let (code, _, err) = distviz(&["check", "-"], text);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 3") && err.contains("completes twice"),
        "{err}"
    );
}
