//! The map of consistency models (Jepsen's), strongest at the top: an
//! arrow from a model to a weaker one it implies. The models this history
//! satisfies are lit; each says how available it can stay when the
//! network splits.

use distviz_core::consistency::hierarchy::{edges, models, MapEntry};
use distviz_core::consistency::verdict::Status;
use yew::prelude::*;

/// What a model can promise while the network is split (jepsen.io).
pub fn availability(model: &str) -> (&'static str, &'static str) {
    match model {
        "strict-serializable" | "linearizable" | "sequential" => (
            "unavailable",
            "not available under a partition: some nodes must refuse or wait",
        ),
        "causal" | "PRAM" | "read-your-writes" => (
            "sticky",
            "sticky available: every node can answer, if each client keeps talking to the same node",
        ),
        _ => (
            "total",
            "totally available: every node can answer, whatever the partition",
        ),
    }
}

/// Each model's layer (longest path from the top) and place in it.
fn layout() -> Vec<(&'static str, usize, usize, usize)> {
    let names = models();
    let links = edges();
    let mut depth = vec![0usize; names.len()];
    // The map is small and acyclic: relax until nothing changes.
    for _ in 0..names.len() {
        for &(a, b) in &links {
            let (Some(i), Some(j)) = (
                names.iter().position(|n| *n == a),
                names.iter().position(|n| *n == b),
            ) else {
                continue;
            };
            depth[j] = depth[j].max(depth[i] + 1);
        }
    }
    names
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            let layer: Vec<usize> = (0..names.len()).filter(|&k| depth[k] == depth[i]).collect();
            let place = layer.iter().position(|&k| k == i).unwrap_or(0);
            (name, depth[i], place, layer.len())
        })
        .collect()
}

/// The map in words, for a screen reader: each model, whether it holds,
/// and how available it can stay.
fn spoken(entries: &[MapEntry]) -> String {
    let models: Vec<String> = models()
        .into_iter()
        .map(|name| {
            let state = match entries.iter().find(|e| e.model == name).map(|e| e.status) {
                Some(Status::Holds) => "holds",
                Some(Status::Fails) => "fails",
                _ => "unknown",
            };
            format!("{name} {state}, {}", availability(name).1)
        })
        .collect();
    format!(
        "The map of consistency models, strongest first: {}.",
        models.join("; ")
    )
}

#[derive(Properties, PartialEq)]
pub struct MapProps {
    pub entries: Vec<MapEntry>,
}

const WIDTH: f64 = 560.0;
const ROW: f64 = 58.0;
const BOX_W: f64 = 150.0;
const BOX_H: f64 = 30.0;

#[component]
pub fn ModelMap(props: &MapProps) -> Html {
    let placed = layout();
    let rows = placed.iter().map(|p| p.1).max().unwrap_or(0) + 1;
    let height = rows as f64 * ROW + 8.0;
    let centre = |name: &str| {
        placed
            .iter()
            .find(|p| p.0 == name)
            .map(|&(_, layer, place, count)| {
                let x = WIDTH * (place as f64 + 0.5) / count as f64;
                let y = 8.0 + layer as f64 * ROW + BOX_H / 2.0;
                (x, y)
            })
    };
    let status = |name: &str| props.entries.iter().find(|e| e.model == name);
    html! {
        <figure class="model-map" data-testid="model-map">
            <div class="map-scroll">
            <svg viewBox={format!("0 0 {WIDTH} {height}")} role="img" aria-label={spoken(&props.entries)}>
                {for edges().into_iter().filter_map(|(a, b)| {
                    let ((x1, y1), (x2, y2)) = (centre(a)?, centre(b)?);
                    Some(html! { <line class="edge" x1={x1.to_string()} y1={(y1 + BOX_H / 2.0).to_string()}
                        x2={x2.to_string()} y2={(y2 - BOX_H / 2.0).to_string()} /> })
                })}
                {for placed.iter().filter_map(|&(name, ..)| {
                    let (x, y) = centre(name)?;
                    let entry = status(name);
                    let state = match entry.map(|e| e.status) {
                        Some(Status::Holds) => "holds",
                        Some(Status::Fails) => "fails",
                        _ => "unknown",
                    };
                    let (avail, avail_words) = availability(name);
                    let why = entry.map(|e| e.because.clone()).unwrap_or_default();
                    Some(html! {
                        <g class={classes!("model", state, avail)} data-model={name} data-status={state}>
                            <title>{format!("{name}: {state} ({why}); {avail_words}")}</title>
                            <rect x={(x - BOX_W / 2.0).to_string()} y={(y - BOX_H / 2.0).to_string()}
                                width={BOX_W.to_string()} height={BOX_H.to_string()} rx="6" />
                            <text x={x.to_string()} y={(y + 5.0).to_string()}>
                                {format!("{} {name}", match state { "holds" => "✓", "fails" => "✗", _ => "?" })}
                            </text>
                        </g>
                    })
                })}
            </svg>
            </div>
            <figcaption>
                {"Lit: the models this history satisfies (a stronger model implies every model below it). Strict serializability is about transactions over many objects; with one register it is linearizability, so it follows that verdict. Border: "}
                <span class="avail-key unavailable">{"solid"}</span>{" unavailable under a partition, "}
                <span class="avail-key sticky">{"dashed"}</span>{" sticky available, "}
                <span class="avail-key total">{"dotted"}</span>{" totally available."}
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strongest_model_is_on_top_and_each_edge_goes_down() {
        let placed = layout();
        let layer = |name: &str| placed.iter().find(|p| p.0 == name).unwrap().1;
        assert_eq!(layer("strict-serializable"), 0);
        for (a, b) in edges() {
            assert!(layer(a) < layer(b), "{a} above {b}");
        }
        assert_eq!(availability("causal").0, "sticky");
        assert_eq!(availability("monotonic-reads").0, "total");
        assert_eq!(availability("linearizable").0, "unavailable");
    }
}
