//! `cargo xtask size`: what each crate costs in each shipped wasm bundle.
//!
//! Builds every bundle as `dist` does but keeps the function names, asks twiggy for the
//! size of every function and data segment, and adds them up by the crate that defines them
//! (drop glue goes to the dropped type's crate; `<T as Trait>` blanket code to the trait's).
//! Sizes are raw wasm bytes: compression is not attributable per function, so the table ends
//! with the bundle's raw and brotli totals for scale. twiggy is installed from crates.io the
//! first time.
//!
//! For reference it also builds `crates/leptos-floor`, the smallest useful Leptos widget, the
//! same way, and prints what it ships (wasm and glue, brotli).

use std::collections::BTreeMap;
use std::process::Command;

use crate::dist::{self, BUNDLES};
use crate::util::{self, output_line, run, Res};

/// Rows the table groups under one name.
const STD: [&str; 5] = ["core", "alloc", "std", "compiler_builtins", "__rustc"];
const LEPTOS: [&str; 13] = [
    "leptos",
    "leptos_dom",
    "tachys",
    "reactive_graph",
    "either_of",
    "guardian",
    "send_wrapper",
    "slotmap",
    "or_poisoned",
    "any_spawner",
    "throw_error",
    "next_tuple",
    "oco_ref",
];
const WASM_BINDGEN: [&str; 6] = [
    "wasm_bindgen",
    "js_sys",
    "web_sys",
    "wasm_bindgen_futures",
    "wasm_streams",
    "futures_util",
];

/// `cargo xtask size`.
pub fn size() -> Res {
    twiggy()?;
    for bundle in &BUNDLES {
        let (_, named) = dist::build_bundle(bundle.kind, true)?;
        let (glue, stripped) = dist::build_bundle(bundle.kind, false)?;
        let (_, stripped) =
            dist::shippable(&dist::read(&glue)?, &dist::read(&stripped)?, bundle.kind)?;
        let brotli = dist::brotli(&stripped)?.len();
        let out = Command::new("twiggy")
            .args(["top", "-n", "1000000", "-f", "json"])
            .arg(&named)
            .output()
            .map_err(|e| format!("cannot run twiggy: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "twiggy failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let items: Vec<Item> = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("cannot read twiggy's JSON: {e}"))?;
        print_table(bundle.kind, &items, stripped.len(), brotli);
    }
    let (glue, wasm) = dist::build_wasm(
        &["--package", "leptos-floor", "--lib"],
        "leptos_floor",
        "leptos-floor",
        false,
    )?;
    let (glue, wasm) = (dist::read(&glue)?, dist::read(&wasm)?);
    println!(
        "\nreference, crates/leptos-floor (a signal, a button, <Show>, <For>): wasm {} bytes raw, \
         {} brotli; glue {} bytes raw, {} brotli (unminified)",
        wasm.len(),
        dist::brotli(&wasm)?.len(),
        glue.len(),
        dist::brotli(&glue)?.len()
    );
    Ok(())
}

#[derive(serde::Deserialize)]
struct Item {
    name: String,
    shallow_size: u64,
}

fn twiggy() -> Res {
    if output_line("twiggy", &["--version"]).is_some() {
        return Ok(());
    }
    eprintln!("xtask: installing twiggy from crates.io (a few minutes, once)");
    run(util::cargo().args(["install", "twiggy", "--locked"]))
}

fn print_table(kind: &str, items: &[Item], raw: usize, brotli: usize) {
    let mut by_group: BTreeMap<String, u64> = BTreeMap::new();
    for item in items {
        if let Some(group) = group_of(&item.name) {
            *by_group.entry(group).or_default() += item.shallow_size;
        }
    }
    let total: u64 = by_group.values().sum();
    let mut rows: Vec<(String, u64)> = by_group.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("\n{kind} bundle: raw wasm bytes by crate (twiggy, names kept)\n");
    println!("| crate | bytes | share |");
    println!("|---|---:|---:|");
    let mut other = 0;
    for (name, bytes) in &rows {
        let share = *bytes as f64 * 100.0 / total as f64;
        if share < 0.5 {
            other += bytes;
            continue;
        }
        println!("| {name} | {bytes} | {share:.1} % |");
    }
    if other > 0 {
        let share = other as f64 * 100.0 / total as f64;
        println!("| (each under 0.5 %) | {other} | {share:.1} % |");
    }
    println!(
        "| **all** | {total} | 100 % |\n\nshipped {kind} wasm (names removed, wasm-opt): {raw} bytes raw, {brotli} bytes brotli"
    );
}

/// The row an item of twiggy's listing counts toward; `None` for what is not shipped (the
/// names section itself).
fn group_of(name: &str) -> Option<String> {
    if name.contains("\" subsection") || name.starts_with("custom section") {
        return None;
    }
    if name.starts_with("data segment") || name.starts_with("data[") {
        return Some("(data: strings and tables)".into());
    }
    for structural in [
        "elem[", "table[", "type[", "import ", "export ", "memory[", "global[",
    ] {
        if name.starts_with(structural) {
            return Some("(module structure: imports, exports, types)".into());
        }
    }
    let krate = crate_of(name);
    Some(match krate.as_str() {
        k if STD.contains(&k) => "Rust std (core, alloc, std)".into(),
        k if LEPTOS.contains(&k) => "Leptos (tachys, reactive_graph, …)".into(),
        k if WASM_BINDGEN.contains(&k) => "wasm-bindgen, js-sys, web-sys, futures".into(),
        "serde_core" | "serde" | "serde_wasm_bindgen" => "serde + serde-wasm-bindgen".into(),
        _ => krate,
    })
}

/// The crate that defines an item, from its demangled name.
fn crate_of(name: &str) -> String {
    let s = name.strip_prefix('<').unwrap_or(name);
    if let Some(inner) = s.strip_prefix("core::ptr::drop_in_place<") {
        return crate_of(inner);
    }
    // `<T as some_crate::Trait>::f` or `<(A,B) as …>`: blanket code, the trait's crate's.
    if let Some(pos) = s.find(" as ") {
        let self_ty = &s[..pos];
        let generic = self_ty.len() <= 2 && self_ty.chars().all(|c| c.is_ascii_uppercase());
        if generic || self_ty.starts_with(['(', '[']) {
            return crate_of(&s[pos + 4..]);
        }
    }
    let s = s.trim_start_matches(['<', '&', '(', ' ']);
    let s = s.strip_prefix("dyn ").unwrap_or(s);
    let s = s.strip_prefix("mut ").unwrap_or(s);
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    match &s[..end] {
        "" => "(unnamed)".into(),
        krate => krate.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::crate_of;

    #[test]
    fn items_go_to_the_crate_that_defines_them() {
        assert_eq!(
            crate_of("kredivo_plan::pricing::growth::h4b8d13d96da34e61"),
            "kredivo_plan"
        );
        assert_eq!(
            crate_of("<dlmalloc[e24a]::dlmalloc::Dlmalloc<dlmalloc::sys::System>>::malloc"),
            "dlmalloc"
        );
        assert_eq!(
            crate_of("core::ptr::drop_in_place<tachys::html::element::ElementState<()>>"),
            "tachys"
        );
        assert_eq!(
            crate_of("<T as reactive_graph::traits::With>::try_with::h1"),
            "reactive_graph"
        );
        assert_eq!(crate_of("<(A,B) as tachys::view::Render>::build"), "tachys");
        assert_eq!(
            crate_of("core[c5930c85a12de822]::str::slice_error_fail_rt"),
            "core"
        );
    }
}
