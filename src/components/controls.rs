//! Play/pause, single steps, a logarithmic speed, a scrubber over the run.

use crate::controller::Command;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub speed: f64,
    pub now_ms: u64,
    /// The furthest time computed: the scrubber's end.
    pub horizon_ms: u64,
    pub seed: u64,
    pub can_undo: bool,
    pub send: Callback<Command>,
}

/// "1.234 s"
pub fn format_time(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

pub fn format_speed(speed: f64) -> String {
    if speed < 0.1 {
        format!("{speed:.2}×")
    } else if speed < 10.0 {
        format!("{speed:.1}×")
    } else {
        format!("{speed:.0}×")
    }
}

fn input_value(e: &InputEvent) -> Option<f64> {
    let input: web_sys::HtmlInputElement = e.target_dyn_into()?;
    input.value().parse().ok()
}

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let send = props.send.clone();
    let speed_input = Callback::from(move |e: InputEvent| {
        if let Some(exponent) = input_value(&e) {
            send.emit(Command::SetSpeed(10f64.powf(exponent)));
        }
    });
    let send = props.send.clone();
    let seek_input = Callback::from(move |e: InputEvent| {
        if let Some(t) = input_value(&e) {
            send.emit(Command::Seek(t.max(0.0) as u64));
        }
    });
    let command = |c: Command| props.send.reform(move |_: MouseEvent| c.clone());
    let speed_text = format_speed(props.speed);
    html! {
        <div class="controls" role="toolbar" aria-label="Playback">
            <button class="play" onclick={command(Command::TogglePlay)}
                aria-label={if props.playing { "Pause (Space)" } else { "Play (Space)" }}
                title={if props.playing { "Pause (Space)" } else { "Play (Space)" }}>
                {if props.playing { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <button onclick={command(Command::StepBack)} aria-label="Step back one event (←)" title="Step back one event (←)">{"◀ Back"}</button>
            <button onclick={command(Command::StepForward)} aria-label="Step forward one event (→)" title="Step forward one event (→)">{"Step ▶"}</button>
            <label class="speed">
                <span>{"Speed "}<output>{&speed_text}</output></span>
                <input type="range" min="-2" max="1" step="0.05" value={props.speed.log10().to_string()}
                    aria-valuetext={speed_text.clone()} oninput={speed_input} />
            </label>
            <label class="scrubber">
                <span>{"Time "}<output data-testid="time">{format_time(props.now_ms)}</output></span>
                <input type="range" min="0" max={props.horizon_ms.max(props.now_ms).max(1).to_string()} step="1"
                    value={props.now_ms.to_string()} aria-valuetext={format_time(props.now_ms)}
                    aria-label="Time: drag to travel; acting in the past replaces the future" oninput={seek_input} />
            </label>
            <button onclick={command(Command::Undo)} disabled={!props.can_undo}
                aria-label="Undo (Ctrl+Z)" title="Undo (Ctrl+Z): back to before your last change, with the future it replaced">{"↶ Undo"}</button>
            <button onclick={command(Command::Reset)} title="Start over at time 0 with no actions">{"↺ Reset"}</button>
            <SeedField seed={props.seed} send={props.send.clone()} />
            <button onclick={props.send.reform(|_| Command::NewSeed((js_sys::Math::random() * 1_000_000.0) as u64))}
                title="A new random seed: a different run">{"New seed"}</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SeedFieldProps {
    pub seed: u64,
    pub send: Callback<Command>,
}

/// Its own component: it re-renders only when the seed changes, so the
/// field is never reset under someone typing while the run plays.
#[component]
pub fn SeedField(props: &SeedFieldProps) -> Html {
    let onchange = props.send.reform(|e: Event| {
        Command::SetSeed(
            e.target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default(),
        )
    });
    html! {
        <label class="seed">
            <span>{"Seed"}</span>
            <input type="text" inputmode="numeric" value={props.seed.to_string()} {onchange} aria-label="Seed"
                title="The seed of every random choice: the same seed gives the same run" />
        </label>
    }
}
