//! The smallest useful Leptos widget: a signal, a button, a conditional and a keyed list,
//! mounted from JS. `cargo xtask size` builds it in the widget's size profile and reports it
//! next to the real bundles, so the share of the widget that is Leptos's own floor is a
//! measurement rather than a guess.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// Mounts the counter into `el`.
#[wasm_bindgen]
pub fn mount(el: web_sys::HtmlElement) {
    let handle = leptos::mount::mount_to(el, || {
        let (count, set_count) = signal(0u32);
        view! {
            <div class="floor">
                <button on:click=move |_| set_count.update(|n| *n += 1)>
                    {move || count.get().to_string()}
                </button>
                <Show when=move || { count.get() > 2 } fallback=|| view! { <p>"few"</p> }>
                    <p>"many"</p>
                </Show>
                <ul>
                    <For each=move || { (0..count.get()).collect::<Vec<_>>() } key=|k| *k let:k>
                        <li>{k.to_string()}</li>
                    </For>
                </ul>
            </div>
        }
    });
    handle.forget();
}
