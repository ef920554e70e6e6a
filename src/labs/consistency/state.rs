//! The consistency lab's state and its edits, as data: what the page
//! shows (a history, editable as a sketch when it is a small register
//! history), the model it is checked against, and the verdicts. Pure, so
//! it is tested natively; the page only draws it and sends `Edit`s.

use distviz_core::consistency::examples::{Example, EXAMPLES};
use distviz_core::consistency::import::{self, Format};
use distviz_core::consistency::linearizable::{self, Outcome, Progress, Search, Verdict};
use distviz_core::consistency::model::Model;
use distviz_core::consistency::sketch::{Func, Sketch, SketchOp, MAX_OPS, MAX_PROCESSES, MAX_TIME};
use distviz_core::consistency::verdict::{check_model, ModelVerdict, Status, CHECKABLE};
use distviz_core::consistency::History;

/// Histories up to this many operations get every model checked; longer
/// ones get linearizability only, and the rest from the command line.
pub const CHECK_ALL_OPS: usize = 150;
/// States the linearizability search may visit before answering "unknown".
pub const SEARCH_BUDGET: u64 = 2_000_000;
/// The sequential search is not chunked: a smaller budget keeps a check
/// that runs at once short (it answers "unknown" past it). An imported
/// history gets less, as its models are checked a frame each.
pub const SEQUENTIAL_BUDGET: u64 = 100_000;
const IMPORTED_SEQUENTIAL_BUDGET: u64 = 5_000;
/// Search steps in one animation frame (a few ms in Chromium).
pub const STEPS_PER_FRAME: u64 = 8_000;
const NOT_EDITABLE: &str = "This history is too large to edit here (or not a register history); it is drawn and checked. Open an example to edit one.";
/// Edits Undo remembers.
const UNDO_DEPTH: usize = 50;

/// Which end of an operation an edit moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Whole,
    Start,
    End,
}

/// What the learner can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    Select(Option<usize>),
    /// Move part of an operation by this many ms (keys).
    Nudge(usize, Part, i64),
    /// Put part of an operation at this time (dragging).
    DragTo(usize, Part, u64),
    /// A finished drag: one step for Undo and one line in the log.
    DragDone,
    /// Replace the operation (the inspector's fields).
    Replace(usize, SketchOp),
    Delete(usize),
    Add,
    /// Open a built-in example by index.
    OpenExample(usize),
    /// Read a history file; `format` None guesses from the text.
    Import {
        name: String,
        text: String,
        format: Option<Format>,
    },
    /// The sketch's text, typed.
    SetText(String),
    SetModel(&'static str),
    Undo,
    /// Stop a long check where it is.
    Cancel,
    /// Say why an edit was refused (the inspector's bad value).
    Refuse(String),
    Dismiss,
}

/// A check of the current history, finished or going on.
pub enum Check {
    /// To start next frame: reading a long file is this frame's work.
    Queued,
    Running(Box<Search>),
    Done(Box<Checked>),
    Cancelled {
        states: u64,
    },
}

pub struct Checked {
    pub linearizable: Outcome,
    /// Every checkable model's verdict, linearizability's first.
    pub verdicts: Vec<ModelVerdict>,
    /// Models still to check, one a frame (an imported history).
    pending: Vec<&'static str>,
}

impl Checked {
    pub fn status(&self, model: &str) -> Option<Status> {
        self.verdicts
            .iter()
            .find(|v| v.model == model)
            .map(|v| v.status)
    }
}

pub struct LabState {
    /// What is shown: an example's title, a file's name, "Your history".
    pub title: String,
    pub description: String,
    /// Set when the history is editable.
    pub sketch: Option<Sketch>,
    pub history: History,
    pub model: Model,
    pub selected: Option<usize>,
    pub check: Check,
    /// A problem to show (bad file, bad link, refused edit).
    pub problem: Option<String>,
    /// The log: what the learner did and what it changed.
    pub log: Vec<String>,
    /// Earlier sketches, with their title, description and model.
    undo: Vec<(Sketch, String, String, Model)>,
    /// The sketch before a drag began (for one Undo step per drag).
    drag_from: Option<Sketch>,
    /// Bumped on every change of the history (views re-read it).
    pub revision: u64,
}

fn verdict_word(status: Status) -> &'static str {
    match status {
        Status::Holds => "holds",
        Status::Fails => "fails",
        Status::Unknown => "unknown",
    }
}

impl LabState {
    pub fn new() -> LabState {
        let mut state = LabState {
            title: String::new(),
            description: String::new(),
            sketch: None,
            history: History::default(),
            model: register_model(),
            selected: None,
            check: Check::Cancelled { states: 0 },
            problem: None,
            log: Vec::new(),
            undo: Vec::new(),
            drag_from: None,
            revision: 0,
        };
        state.open_example(0);
        state.log.clear();
        state
    }

    /// The lab from a share link's history (`h=`, if any) and model (`m=`).
    pub fn from_link(h: Option<&str>, m: Option<&str>) -> LabState {
        let mut state = LabState::new();
        if let Some(name) = m {
            match Model::from_name(name).filter(|m| matches!(m, Model::Register { .. })) {
                Some(model) => state.model = model,
                None => state.problem = Some(format!(
                    "m: “{name}” is not a register model (use cas-register-nil or cas-register-0); using cas-register-nil."
                )),
            }
        }
        let Some(h) = h else {
            state.recheck();
            return state;
        };
        match Sketch::parse(h) {
            Ok(sketch) => {
                state.title = "A shared history".into();
                state.description = "Opened from a link.".into();
                state.set_sketch(sketch);
            }
            Err(e) => {
                let earlier = state
                    .problem
                    .take()
                    .map(|p| format!("{p} "))
                    .unwrap_or_default();
                state.problem = Some(format!(
                    "{earlier}This link's history could not be read: {e}. Showing the first example instead."
                ));
                state.recheck();
            }
        }
        state
    }

    fn open_example(&mut self, index: usize) {
        let Some(example) = EXAMPLES.get(index) else {
            return;
        };
        match Sketch::parse(example.text) {
            Ok(sketch) => {
                self.title = example.title.into();
                self.description = describe(example);
                self.model = register_model();
                self.set_sketch(sketch);
                self.log
                    .push(format!("Opened the example “{}”.", example.title));
            }
            Err(e) => self.problem = Some(format!("The example could not be read: {e}")),
        }
    }

    fn set_sketch(&mut self, sketch: Sketch) {
        match sketch.history() {
            Ok(history) => {
                self.history = history;
                self.sketch = Some(sketch);
                self.selected = self.selected.filter(|&i| i < self.history.ops.len());
                self.recheck();
            }
            Err(e) => self.problem = Some(format!("That history could not be checked: {e}")),
        }
    }

    /// Starts checking the history again: all at once when short, else a
    /// slice a frame (see `frame`).
    fn recheck(&mut self) {
        self.revision += 1;
        if let Err(e) = self.model.validate(&self.history) {
            self.problem = Some(format!(
                "This history does not fit the {} model: {e}",
                self.model.name()
            ));
        }
        // A sketch is small: checked at once, so a drag shows its verdict as it moves.
        if self.sketch.is_some() {
            let linearizable = linearizable::check(&self.history, &self.model, SEARCH_BUDGET);
            self.check = Check::Done(Box::new(self.checked(linearizable)));
        } else {
            self.check = Check::Queued;
        }
    }

    /// Every model's verdict, given linearizability's: at once for a
    /// sketch, else placeholders that `frame` fills in, one a frame.
    fn checked(&self, linearizable: Outcome) -> Checked {
        let first = ModelVerdict {
            model: "linearizable".into(),
            status: match linearizable.verdict {
                Verdict::Linearizable => Status::Holds,
                Verdict::NotLinearizable => Status::Fails,
                Verdict::Unknown => Status::Unknown,
            },
            explanation: linearizable
                .failure
                .as_ref()
                .map_or_else(|| linearizable.summary.clone(), |f| f.explanation.clone()),
            order: linearizable.order.iter().map(|p| p.op).collect(),
        };
        let short = self.history.ops.len() <= CHECK_ALL_OPS;
        let mut checked = Checked {
            linearizable,
            verdicts: vec![first],
            pending: Vec::new(),
        };
        for &name in CHECKABLE.iter().skip(1) {
            let explanation = if !short {
                format!(
                    "Not checked in the page for a history this long ({} operations, more than {CHECK_ALL_OPS}): `distviz check` checks every model.",
                    self.history.ops.len()
                )
            } else if self.sketch.is_some() {
                checked.verdicts.push(check_model(
                    &self.history,
                    &self.model,
                    name,
                    SEQUENTIAL_BUDGET,
                ));
                continue;
            } else {
                checked.pending.push(name);
                "Checking…".to_string()
            };
            checked.verdicts.push(ModelVerdict {
                model: name.to_string(),
                status: Status::Unknown,
                explanation,
                order: Vec::new(),
            });
        }
        checked
    }

    /// Whether a check is still going on (a slice a frame).
    pub fn busy(&self) -> bool {
        match &self.check {
            Check::Queued | Check::Running(_) => true,
            Check::Done(checked) => !checked.pending.is_empty(),
            Check::Cancelled { .. } => false,
        }
    }

    /// One frame's slice of a long check: search steps, or one model.
    /// True while it goes on.
    pub fn frame(&mut self) -> bool {
        match &mut self.check {
            Check::Queued => {
                let search = Search::new(&self.history, &self.model, SEARCH_BUDGET);
                self.check = Check::Running(Box::new(search));
            }
            Check::Running(search) => {
                if let Progress::Done(outcome) = search.step(STEPS_PER_FRAME) {
                    self.check = Check::Done(Box::new(self.checked(outcome)));
                }
            }
            Check::Done(checked) => {
                if let Some(name) = checked.pending.first().copied() {
                    checked.pending.remove(0);
                    let verdict =
                        check_model(&self.history, &self.model, name, IMPORTED_SEQUENTIAL_BUDGET);
                    if let Some(slot) = checked.verdicts.iter_mut().find(|v| v.model == name) {
                        *slot = verdict;
                    }
                }
            }
            Check::Cancelled { .. } => {}
        }
        self.busy()
    }

    pub fn checked_result(&self) -> Option<&Checked> {
        match &self.check {
            Check::Done(checked) => Some(checked),
            _ => None,
        }
    }

    /// "linearizable: fails" for the log after an edit.
    fn verdict_words(&self) -> String {
        match &self.check {
            Check::Done(c) => CHECKABLE
                .iter()
                .take(2)
                .filter_map(|m| c.status(m).map(|s| format!("{m}: {}", verdict_word(s))))
                .collect::<Vec<_>>()
                .join(", "),
            Check::Queued | Check::Running(_) => "checking…".into(),
            Check::Cancelled { .. } => "not checked".into(),
        }
    }

    /// Operation `i` of the sketch, or a problem saying why it cannot be edited.
    fn editable_op(&mut self, i: usize) -> Option<SketchOp> {
        if self.sketch.is_none() {
            self.problem = Some(NOT_EDITABLE.into());
        }
        self.sketch.as_ref().and_then(|s| s.ops.get(i)).copied()
    }

    /// Applies an edit to the sketch, remembering it for Undo and saying
    /// what it did in the log.
    fn edit_sketch(
        &mut self,
        what: String,
        change: impl FnOnce(&mut Sketch) -> Result<(), String>,
    ) {
        let Some(before) = self.sketch.clone() else {
            self.problem = Some(NOT_EDITABLE.into());
            return;
        };
        let mut next = before.clone();
        if let Err(e) = change(&mut next).and_then(|()| next.history().map(|_| ())) {
            self.problem = Some(e);
            return;
        }
        if next == before {
            return;
        }
        self.push_undo(before);
        self.set_sketch(next);
        self.mark_edited();
        let verdicts = self.verdict_words();
        self.log.push(format!("{what} Now {verdicts}."));
    }

    /// An example once edited is the learner's own history: the title says so.
    fn mark_edited(&mut self) {
        if !self.title.starts_with("Yours") {
            self.title = format!("Yours, from “{}”", self.title);
            self.description = format!("As it was before your edits: {}", self.description);
        }
    }

    fn push_undo(&mut self, sketch: Sketch) {
        self.undo.push((
            sketch,
            self.title.clone(),
            self.description.clone(),
            self.model.clone(),
        ));
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// The step for keys: about a hundredth of the drawn span.
    pub fn nudge_step(&self) -> u64 {
        let span = self.sketch.as_ref().map_or(100, |s| s.last_time()).max(50);
        (span / 100).max(1)
    }

    pub fn apply(&mut self, edit: Edit) {
        if !matches!(edit, Edit::Select(_) | Edit::DragTo(..) | Edit::Dismiss) {
            self.problem = None;
        }
        match edit {
            Edit::Select(op) => self.selected = op.filter(|&i| i < self.history.ops.len()),
            Edit::Nudge(i, part, by) => {
                let Some(op) = self.editable_op(i) else {
                    return;
                };
                let words = match part {
                    Part::Whole => "Moved",
                    Part::Start => "Moved the start of",
                    Part::End => "Moved the end of",
                };
                let moved = shifted(op, part, by);
                let what = format!("{words} {}.", moved.words());
                self.selected = Some(i);
                self.edit_sketch(what, |s| {
                    s.ops[i] = moved;
                    Ok(())
                });
            }
            Edit::DragTo(i, part, t) => {
                let Some(sketch) = &self.sketch else {
                    return;
                };
                let Some(op) = sketch.ops.get(i).copied() else {
                    return;
                };
                if self.drag_from.is_none() {
                    self.drag_from = Some(sketch.clone());
                }
                let by = match part {
                    Part::End => t as i64 - op.end.unwrap_or(op.start) as i64,
                    _ => t as i64 - op.start as i64,
                };
                let mut next = sketch.clone();
                next.ops[i] = shifted(op, part, by);
                self.selected = Some(i);
                // Checked as it moves; one Undo step and log line when it lands.
                self.set_sketch(next);
            }
            Edit::DragDone => {
                if let (Some(before), Some(now)) = (self.drag_from.take(), self.sketch.clone()) {
                    if before != now {
                        self.push_undo(before);
                        self.mark_edited();
                        let moved = self
                            .selected
                            .and_then(|i| now.ops.get(i))
                            .map(SketchOp::words);
                        let verdicts = self.verdict_words();
                        self.log.push(format!(
                            "Dragged: {}. Now {verdicts}.",
                            moved.unwrap_or_default()
                        ));
                    }
                }
            }
            Edit::Replace(i, op) => {
                let what = format!("Changed operation {} to: {}.", i + 1, op.words());
                self.edit_sketch(what, |s| {
                    let slot = s.ops.get_mut(i).ok_or("No such operation.")?;
                    *slot = op;
                    Ok(())
                });
            }
            Edit::Delete(i) => {
                let Some(op) = self.editable_op(i) else {
                    return;
                };
                self.edit_sketch(format!("Deleted: {}.", op.words()), |s| {
                    s.ops.remove(i);
                    Ok(())
                });
                // Its neighbour is selected, so the keyboard goes on from there.
                let left = self.history.ops.len();
                self.selected = (left > 0).then(|| i.min(left - 1));
            }
            Edit::Add => {
                let mut added = None;
                self.edit_sketch("Added".into(), |s| {
                    let op = new_op(s)?;
                    added = Some(op);
                    s.ops.push(op);
                    Ok(())
                });
                if let (Some(op), Some(line)) = (added, self.log.last_mut()) {
                    *line = line.replacen("Added", &format!("Added: {}.", op.words()), 1);
                    self.selected = self.sketch.as_ref().map(|s| s.ops.len() - 1);
                }
            }
            Edit::OpenExample(index) => {
                if let Some(sketch) = self.sketch.clone() {
                    self.push_undo(sketch);
                }
                self.selected = None;
                self.open_example(index);
            }
            Edit::SetText(text) => match Sketch::parse(&text) {
                // Typed over an imported history: a register sketch again.
                Ok(sketch) if self.sketch.is_none() => match sketch.history() {
                    Ok(_) => {
                        self.model = register_model();
                        self.title = "Yours".into();
                        self.description = "Typed in as text.".into();
                        self.selected = None;
                        self.set_sketch(sketch);
                        let verdicts = self.verdict_words();
                        self.log.push(format!("Typed the history. Now {verdicts}."));
                    }
                    Err(e) => self.problem = Some(format!("The history was not changed: {e}.")),
                },
                Ok(sketch) => self.edit_sketch("Typed the history.".into(), |s| {
                    *s = sketch;
                    Ok(())
                }),
                Err(e) => self.problem = Some(format!("The history was not changed: {e}.")),
            },
            Edit::Import { name, text, format } => self.import(&name, &text, format),
            Edit::SetModel(name) => match Model::from_name(name) {
                Some(model) => {
                    self.model = model;
                    self.recheck();
                    let verdicts = self.verdict_words();
                    self.log
                        .push(format!("Checked against the {name} model. Now {verdicts}."));
                }
                None => self.problem = Some(format!("There is no model “{name}”.")),
            },
            Edit::Undo => match self.undo.pop() {
                Some((sketch, title, description, model)) => {
                    self.title = title;
                    self.description = description;
                    self.model = model;
                    self.set_sketch(sketch);
                    let verdicts = self.verdict_words();
                    self.log
                        .push(format!("Undid the last change. Now {verdicts}."));
                }
                None => self.problem = Some("There is nothing to undo.".into()),
            },
            Edit::Cancel => match &mut self.check {
                Check::Running(search) => {
                    let states = search.states();
                    self.check = Check::Cancelled { states };
                    self.log
                        .push(format!("Stopped the check after {states} states."));
                }
                Check::Done(checked) => {
                    for name in std::mem::take(&mut checked.pending) {
                        if let Some(slot) = checked.verdicts.iter_mut().find(|v| v.model == name) {
                            slot.explanation = "Stopped before it was checked.".into();
                        }
                    }
                }
                Check::Queued => self.check = Check::Cancelled { states: 0 },
                Check::Cancelled { .. } => {}
            },
            Edit::Refuse(why) => self.problem = Some(why),
            Edit::Dismiss => self.problem = None,
        }
    }

    fn import(&mut self, name: &str, text: &str, format: Option<Format>) {
        if text.trim().is_empty() {
            self.problem = Some(format!(
                "{name} was not opened: it is empty. The history shown is unchanged."
            ));
            return;
        }
        let format = match format.or_else(|| guess_format(text)) {
            Some(format) => format,
            None => {
                self.problem = Some(format!(
                    "{name} was not opened: it does not look like a history (distviz JSON lines, a Jepsen etcd log, Porcupine key-value or Knossos EDN lines). The history shown is unchanged."
                ));
                return;
            }
        };
        match import::read(text, format) {
            Ok(history) => {
                // Our export names the model in the file name (…cas-register-0.jsonl).
                let model_name = Model::NAMES
                    .into_iter()
                    .find(|m| format == Format::Distviz && name.contains(m))
                    .unwrap_or(format.default_model());
                let model = Model::from_name(model_name).unwrap_or_else(register_model);
                if let Err(e) = model.validate(&history) {
                    self.problem = Some(format!(
                        "{name} was not opened: {e}. The history shown is unchanged."
                    ));
                    return;
                }
                if let Some(sketch) = self.sketch.clone() {
                    self.push_undo(sketch);
                }
                self.title = name.to_string();
                self.description = format!(
                    "Imported ({} format), checked as {model_name}: {} operations by {} processes{}.",
                    format_name(format),
                    history.ops.len(),
                    history.processes().len(),
                    if history.failed > 0 {
                        format!(
                            ", leaving out {} that failed (they certainly did not happen)",
                            history.failed
                        )
                    } else {
                        String::new()
                    }
                );
                self.model = model;
                self.sketch = Sketch::from_history(&history)
                    .filter(|_| matches!(self.model, Model::Register { .. }));
                // An editable one is checked as the lab will edit it, so its
                // events line up with the drawing (failed operations left out).
                match self.sketch.as_ref().map(Sketch::history) {
                    Some(Ok(rebuilt)) => self.history = rebuilt,
                    Some(Err(_)) => {
                        self.sketch = None;
                        self.history = history;
                    }
                    None => self.history = history,
                }
                self.selected = None;
                self.recheck();
                let verdicts = self.verdict_words();
                self.log.push(format!("Imported {name}. Now {verdicts}."));
            }
            Err(e) => {
                self.problem = Some(format!(
                    "{name} was not opened: {e} (read as {}). The history shown is unchanged.",
                    format_name(format)
                ));
            }
        }
    }
}

impl Default for LabState {
    fn default() -> Self {
        LabState::new()
    }
}

/// An example's sentence, and what it was made to show.
fn describe(example: &Example) -> String {
    match (example.holds, example.fails) {
        (Some(holds), Some(fails)) => format!(
            "{} It was made to satisfy {holds} and not {fails}.",
            example.description
        ),
        _ => example.description.to_string(),
    }
}

fn register_model() -> Model {
    Model::Register {
        initial: distviz_core::consistency::OpValue::Nil,
    }
}

pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Etcd => "Jepsen etcd log",
        Format::PorcupineKv => "Porcupine key-value",
        Format::Knossos => "Knossos EDN",
        Format::Distviz => "distviz history",
    }
}

/// The format a file's text looks like, if any.
pub fn guess_format(text: &str) -> Option<Format> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with(';'))
        .unwrap_or("");
    Some(
        if first.contains("jepsen.util") || first.starts_with("INFO") {
            Format::Etcd
        } else if first.starts_with("{\"") {
            Format::Distviz
        } else if first.starts_with("{:") && (first.contains(":key") || first.contains(":append")) {
            Format::PorcupineKv
        } else if first.starts_with(['[', '(', '{']) {
            Format::Knossos
        } else {
            return None;
        },
    )
}

/// `op` with a part moved by `by` ms, kept within 0..=MAX_TIME and with
/// its end not before its start.
fn shifted(mut op: SketchOp, part: Part, by: i64) -> SketchOp {
    let at = |t: u64| (t as i64 + by).clamp(0, MAX_TIME as i64) as u64;
    match part {
        Part::Whole => {
            // Move both ends by the same amount, stopping at 0 and at MAX_TIME.
            let last = op.end.unwrap_or(op.start) as i64;
            let by = by.max(-(op.start as i64)).min(MAX_TIME as i64 - last);
            op.start = (op.start as i64 + by) as u64;
            op.end = op
                .end
                .map(|e| ((e as i64 + by).max(0) as u64).min(MAX_TIME));
        }
        Part::Start => op.start = at(op.start).min(op.end.unwrap_or(MAX_TIME)),
        Part::End => op.end = op.end.map(|e| at(e).max(op.start)),
    }
    op
}

/// A new write, after everything else, on the first process free then,
/// writing a value no other write has.
fn new_op(sketch: &Sketch) -> Result<SketchOp, String> {
    if sketch.ops.len() >= MAX_OPS {
        return Err(format!("A sketch may have at most {MAX_OPS} operations."));
    }
    let start = sketch.last_time() + 5;
    let process = (1..=MAX_PROCESSES)
        .find(|&p| {
            sketch
                .ops
                .iter()
                .filter(|op| op.process == p)
                .all(|op| op.end.is_some_and(|e| e < start))
        })
        .ok_or("Every process has an operation that never returns; delete one first.")?;
    let value = sketch
        .ops
        .iter()
        .filter_map(|op| match op.func {
            Func::Write(Some(v)) => Some(v),
            Func::Cas(_, Some(v)) => Some(v),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        + 1;
    Ok(SketchOp {
        process,
        func: Func::Write(Some(value)),
        start: start.min(MAX_TIME - 10),
        end: Some((start + 10).min(MAX_TIME)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: &LabState, model: &str) -> Status {
        state
            .checked_result()
            .and_then(|c| c.status(model))
            .unwrap()
    }

    #[test]
    fn every_example_reads_and_says_what_it_shows() {
        for (i, example) in EXAMPLES.iter().enumerate() {
            let mut state = LabState::new();
            state.apply(Edit::OpenExample(i));
            assert!(
                state.problem.is_none(),
                "{}: {:?}",
                example.title,
                state.problem
            );
            let checked = state.checked_result().unwrap();
            if let Some(holds) = example.holds {
                assert_eq!(
                    checked.status(holds),
                    Some(Status::Holds),
                    "{}",
                    example.title
                );
            }
            if let Some(fails) = example.fails {
                assert_eq!(
                    checked.status(fails),
                    Some(Status::Fails),
                    "{}: {:?}",
                    example.title,
                    checked.verdicts
                );
            }
        }
    }

    #[test]
    fn moving_a_read_later_than_a_write_changes_the_verdict_and_undo_brings_it_back() {
        let mut state = LabState::new();
        state.apply(Edit::SetText("P1 write 1 0-10\nP2 read nil 5-15".into()));
        assert_eq!(status(&state, "linearizable"), Status::Holds);
        // The read, moved after the write finished, should have seen 1.
        state.apply(Edit::Nudge(1, Part::Whole, 10));
        assert_eq!(state.sketch.as_ref().unwrap().ops[1].start, 15);
        assert_eq!(status(&state, "linearizable"), Status::Fails);
        assert_eq!(status(&state, "sequential"), Status::Holds);
        assert!(
            state.log.last().unwrap().contains("linearizable: fails"),
            "{:?}",
            state.log
        );
        state.apply(Edit::Undo);
        assert_eq!(status(&state, "linearizable"), Status::Holds);
    }

    #[test]
    fn a_drag_is_checked_as_it_moves_and_is_one_step_to_undo() {
        let mut state = LabState::new();
        state.apply(Edit::SetText("P1 write 1 0-10\nP2 read nil 5-15".into()));
        for t in [8, 11, 14, 20] {
            state.apply(Edit::DragTo(1, Part::Whole, t));
        }
        assert_eq!(status(&state, "linearizable"), Status::Fails);
        state.apply(Edit::DragDone);
        state.apply(Edit::Undo);
        assert_eq!(state.sketch.as_ref().unwrap().ops[1].start, 5);
    }

    #[test]
    fn ends_stay_in_order_and_in_range() {
        let op = SketchOp {
            process: 1,
            func: Func::Write(Some(1)),
            start: 5,
            end: Some(10),
        };
        assert_eq!(shifted(op, Part::End, -20).end, Some(5));
        assert_eq!(shifted(op, Part::Start, 20).start, 10);
        let moved = shifted(op, Part::Whole, -20);
        assert_eq!((moved.start, moved.end), (0, Some(5)));
    }

    #[test]
    fn adding_picks_a_free_process_and_a_new_value() {
        let mut state = LabState::new();
        state.apply(Edit::SetText("P1 write 1 0-10\nP2 read nil 5-?".into()));
        state.apply(Edit::Add);
        let added = *state.sketch.as_ref().unwrap().ops.last().unwrap();
        assert_eq!(added.process, 1);
        assert_eq!(added.func, Func::Write(Some(2)));
        assert_eq!(state.selected, Some(2));
    }

    #[test]
    fn a_bad_file_or_link_says_what_is_wrong_and_changes_nothing() {
        let mut state = LabState::new();
        let before = state.history.clone();
        state.apply(Edit::Import {
            name: "bad.edn".into(),
            text: "{:process 0, :type :invoke, :f :read}\n{:process 0 :type".into(),
            format: Some(Format::Knossos),
        });
        let problem = state.problem.clone().unwrap();
        assert!(
            problem.starts_with("bad.edn was not opened: line"),
            "{problem}"
        );
        assert_eq!(state.history, before);
        let linked = LabState::from_link(Some("P1_write_1_0-10;P2_rad_1_0-5"), Some("nope"));
        let problem = linked.problem.clone().unwrap();
        assert!(problem.contains("m: “nope”"), "{problem}");
        assert!(problem.contains("operation 2"), "{problem}");
        assert!(linked.sketch.is_some(), "an example is shown instead");
    }

    #[test]
    fn a_long_history_is_checked_a_slice_a_frame_and_can_be_stopped() {
        let mut state = LabState::new();
        // 200 writes and reads, one process after another: linearizable.
        let text: Vec<String> = (0..200)
            .map(|i| {
                let p = i % 3 + 1;
                let (s, e) = (i * 10, i * 10 + 5);
                if i % 2 == 0 {
                    format!("{{\"index\":{},\"type\":\"invoke\",\"process\":\"P{p}\",\"op\":{},\"f\":\"write\",\"value\":{i},\"time\":{s}}}\n{{\"index\":{},\"type\":\"ok\",\"process\":\"P{p}\",\"op\":{},\"f\":\"write\",\"value\":{i},\"time\":{e}}}", 2 * i, i + 1, 2 * i + 1, i + 1)
                } else {
                    format!("{{\"index\":{},\"type\":\"invoke\",\"process\":\"P{p}\",\"op\":{},\"f\":\"read\",\"value\":null,\"time\":{s}}}\n{{\"index\":{},\"type\":\"ok\",\"process\":\"P{p}\",\"op\":{},\"f\":\"read\",\"value\":{},\"time\":{e}}}", 2 * i, i + 1, 2 * i + 1, i + 1, i - 1)
                }
            })
            .collect();
        state.apply(Edit::Import {
            name: "long.jsonl".into(),
            text: text.join("\n"),
            format: None,
        });
        assert!(state.problem.is_none(), "{:?}", state.problem);
        assert!(state.sketch.is_none(), "too long to edit");
        assert!(matches!(state.check, Check::Queued));
        let mut frames = 0;
        while state.frame() {
            frames += 1;
            assert!(frames < 10_000);
        }
        assert_eq!(status(&state, "linearizable"), Status::Holds);
        assert_eq!(status(&state, "sequential"), Status::Unknown);
        // An edit of a history that is not a sketch is refused with a reason.
        state.apply(Edit::Delete(0));
        assert!(state.problem.clone().unwrap().contains("too large to edit"));
    }

    #[test]
    fn the_format_is_guessed_from_the_text() {
        assert_eq!(
            guess_format("INFO  jepsen.util - 1\t:invoke\t:read\tnil"),
            Some(Format::Etcd)
        );
        assert_eq!(
            guess_format("{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x\"}"),
            Some(Format::PorcupineKv)
        );
        assert_eq!(
            guess_format("[{:process 0, :type :invoke, :f :read, :value nil}]"),
            Some(Format::Knossos)
        );
        assert_eq!(guess_format("{\"index\":0}"), Some(Format::Distviz));
        assert_eq!(guess_format("\u{1}\u{2}PNG garbage"), None);
    }

    #[test]
    fn what_a_review_found_stays_fixed() {
        // A two-word line in a link is refused, not a panic.
        let linked = LabState::from_link(Some("P1_write"), None);
        assert!(linked.problem.clone().unwrap().contains("operation 1"));
        // Text typed over an imported history replaces it; empty text too.
        let mut state = LabState::new();
        let kv = "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x\"}\n{:process 0, :type :ok, :f :append, :key \"0\", :value \"x\"}";
        state.apply(Edit::Import {
            name: "kv.edn".into(),
            text: kv.into(),
            format: None,
        });
        assert_eq!(state.model.name(), "kv-string-append");
        assert!(state.sketch.is_none());
        state.apply(Edit::SetText(String::new()));
        assert_eq!(
            state.history.ops.len(),
            state.sketch.as_ref().unwrap().ops.len()
        );
        // Undo brings back the model with the history.
        let mut state = LabState::new();
        state.apply(Edit::Import {
            name: "kv.edn".into(),
            text: kv.into(),
            format: None,
        });
        state.apply(Edit::Undo);
        assert_eq!(state.model.name(), "cas-register-nil");
        assert!(state.problem.is_none(), "{:?}", state.problem);
        // A move stops at the last time a sketch can hold, and is one step.
        let mut state = LabState::new();
        state.apply(Edit::SetText(format!(
            "P1 write 1 {}-{MAX_TIME}",
            MAX_TIME - 10
        )));
        state.apply(Edit::Nudge(0, Part::Whole, 1_000));
        let op = state.sketch.as_ref().unwrap().ops[0];
        assert_eq!((op.start, op.end), (MAX_TIME - 10, Some(MAX_TIME)));
        // A drag makes the example yours.
        let mut state = LabState::new();
        state.apply(Edit::OpenExample(1));
        state.apply(Edit::DragTo(1, Part::Whole, 3));
        state.apply(Edit::DragDone);
        assert!(state.title.starts_with("Yours, from"), "{}", state.title);
    }
}
