use serde::{Deserialize, Serialize};

/// The partial-failure lab's settings (a scenario's `params`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PartialFailureParams {
    /// How long a client waits for a reply before it acts (ms).
    pub timeout_ms: u64,
    /// Whether a client that hears nothing sends the request again.
    pub retries: bool,
    /// Tries per request, the first included, when retrying.
    pub max_attempts: u32,
    /// The fix: a server remembers each request id it applied, and answers
    /// a repeat from memory instead of applying it again.
    pub remember_requests: bool,
    /// How long a server works on a request before it applies it (ms).
    pub work_ms: u64,
    /// A retry goes to the next server instead of the same one.
    pub failover: bool,
    /// A client starts a new increment this often when idle (0: never).
    pub workload_ms: u64,
}

impl Default for PartialFailureParams {
    fn default() -> Self {
        PartialFailureParams {
            timeout_ms: 200,
            retries: false,
            max_attempts: 3,
            remember_requests: false,
            work_ms: 30,
            failover: false,
            workload_ms: 0,
        }
    }
}

impl PartialFailureParams {
    /// Explains the first setting that cannot work, naming its field.
    pub fn check(&self) -> Result<(), (String, String)> {
        let ms = |name: &str, value: u64, lo: u64| {
            if (lo..=60_000).contains(&value) {
                Ok(())
            } else {
                Err((
                    format!("params.{name}"),
                    format!("{value} ms is out of range: choose {lo} to 60000 ms"),
                ))
            }
        };
        ms("timeout_ms", self.timeout_ms, 1)?;
        ms("work_ms", self.work_ms, 0)?;
        if self.workload_ms != 0 {
            ms("workload_ms", self.workload_ms, 10)?;
        }
        if !(1..=10).contains(&self.max_attempts) {
            return Err((
                "params.max_attempts".into(),
                format!(
                    "{} tries is out of range: choose 1 to 10",
                    self.max_attempts
                ),
            ));
        }
        Ok(())
    }
}
