//! "⚠ Broken on purpose": what a break-it toggle breaks, over the lab, and
//! a button that turns it off.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BreakBadgeProps {
    /// What is broken, as a sentence after "Broken on purpose:".
    pub words: AttrValue,
    /// Turns the broken rules off.
    pub fix: Callback<()>,
}

#[component]
pub fn BreakBadge(props: &BreakBadgeProps) -> Html {
    let fix = props.fix.clone();
    // The button goes with the badge: the focus goes to Play, not to the
    // page's top, so the keyboard stays on the run it just restarted.
    let onclick = Callback::from(move |_: MouseEvent| {
        fix.emit(());
        crate::browser::focus_play();
    });
    html! {
        <div class="break-badge" role="status" data-testid="break-badge">
            <strong>{"⚠ Broken on purpose:"}</strong>{" "}{props.words.clone()}
            <button {onclick}>{"Fix it"}</button>
        </div>
    }
}
