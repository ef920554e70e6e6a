// distviz start-up: loads the wasm-bindgen module and starts the app.
// It is an external module, not Trunk's inline script, so the site runs
// under a Content Security Policy without 'unsafe-inline' (see README,
// "Hosting"). Trunk.toml's pattern_script writes the tag that loads this
// file, with the built file names in data attributes.
const tag = document.querySelector('script[data-distviz-start]');
const js = new URL(tag.dataset.js, document.baseURI);
const wasm = new URL(tag.dataset.wasm, document.baseURI);
const { default: init } = await import(js.href);
await init({ module_or_path: wasm });
