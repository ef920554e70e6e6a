//! Built-in histories, as sketches (see `sketch.rs`): one that every model
//! accepts, then one for each step down the map below linearizable (it
//! satisfies the weaker model and not the stronger), so a learner can see
//! what each model forbids. Written values are unique, as the weaker
//! models' checks assume. tests/consistency_data.rs checks each against
//! its two models.

pub struct Example {
    pub title: &'static str,
    /// What to look at, in a sentence or two.
    pub description: &'static str,
    /// The sketch (see `sketch.rs`).
    pub text: &'static str,
    /// The model it satisfies and the stronger one it breaks (tested).
    pub holds: Option<&'static str>,
    pub fails: Option<&'static str>,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        title: "Linearizable: every read sees the latest write",
        description: "Each operation can be given one instant inside its bar where it takes effect, and in that order every read returns the latest write. The dots show such an order.",
        text: "P1 write 1 0-10\nP3 read 1 5-20\nP2 read 1 15-25\nP1 write 2 30-45\nP2 read 2 40-50\nP3 read 2 55-60",
        holds: Some("linearizable"),
        fails: None,
    },
    Example {
        title: "Sequential, not linearizable: a stale read",
        description: "P2 reads nothing after P1's write of 1 has finished. Real time says the write came first, so it is not linearizable; but putting P2's read before P1's write keeps each process's own order, so it is sequentially consistent.",
        text: "P1 write 1 0-10\nP2 read nil 20-30",
        holds: Some("sequential"),
        fails: Some("linearizable"),
    },
    Example {
        title: "Causal, not sequential: two readers disagree on the order",
        description: "P1 writes 1 and P2 writes 2 at the same time, unrelated. P3 sees 1 then 2, P4 sees 2 then 1. No single order fits both, so it is not sequential; the writes are concurrent, so causal consistency lets readers see them in either order.",
        text: "P1 write 1 0-10\nP2 write 2 0-10\nP3 read 1 20-30\nP3 read 2 40-50\nP4 read 2 20-30\nP4 read 1 40-50",
        holds: Some("causal"),
        fails: Some("sequential"),
    },
    Example {
        title: "PRAM, not causal: an effect seen before its cause",
        description: "P2 reads P1's 1 and then writes 2, so 2 depends on 1. P3 sees 2 and then 1: the cause after its effect, which causal consistency forbids. PRAM only keeps each writer's own order, and 1 and 2 come from different writers.",
        text: "P1 write 1 0-10\nP2 read 1 20-30\nP2 write 2 40-50\nP3 read 2 60-70\nP3 read 1 80-90",
        holds: Some("PRAM"),
        fails: Some("causal"),
    },
    Example {
        title: "Writes-follow-reads, not causal: one writer's writes out of order",
        description: "P1 writes 1 and then 2; P2 sees 2 and then 1, against P1's order. No one read before writing, so writes-follow-reads has nothing to forbid; causal consistency does (through PRAM: monotonic writes keep a writer's order for every reader).",
        text: "P1 write 1 0-10\nP1 write 2 20-30\nP2 read 2 40-50\nP2 read 1 60-70",
        holds: Some("writes-follow-reads"),
        fails: Some("causal"),
    },
    Example {
        title: "Monotonic reads, not PRAM: a write not read back by its writer",
        description: "P1 writes 1 and then reads nothing: its own write is gone. Each process reads at most once, so its reads never go backwards (monotonic reads hold); read-your-writes, and so PRAM, fail.",
        text: "P1 write 1 0-10\nP1 read nil 20-30",
        holds: Some("monotonic-reads"),
        fails: Some("PRAM"),
    },
    Example {
        title: "Monotonic writes, not PRAM: another process sees it, the writer does not",
        description: "P2 reads P1's 1, but P1 itself then reads nothing. P1 wrote only once, so its writes are trivially in order (monotonic writes); it does not read its own write, so PRAM fails.",
        text: "P1 write 1 0-10\nP2 read 1 20-30\nP1 read nil 40-50",
        holds: Some("monotonic-writes"),
        fails: Some("PRAM"),
    },
    Example {
        title: "Read-your-writes, not PRAM: a reader sees a writer's writes backwards",
        description: "P1 writes 1 and then 2; P2 sees 2 and then 1. P2 wrote nothing, and P1 read nothing, so read-your-writes holds; PRAM requires P1's writes to be seen in P1's order.",
        text: "P1 write 1 0-10\nP1 write 2 20-30\nP2 read 2 40-50\nP2 read 1 60-70\nP3 read 1 40-50",
        holds: Some("read-your-writes"),
        fails: Some("PRAM"),
    },
];
