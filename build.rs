//! The badge's stylesheet, compiled into the badge bundle (issue 19): every badge's shadow
//! root adopts one constructed `CSSStyleSheet` built from this text, so a badge waits for no
//! stylesheet request and no `<link>` load, and 200 badges share one parsed sheet.
//!
//! Writes `$OUT_DIR/kredivo-badge.css`: `www/widget/kredivo-common.css` then
//! `kredivo-badge.css` (the order `cargo xtask dist` ships them in), without comments and
//! with runs of whitespace folded. Nothing else is rewritten, so the rules are the shipped
//! file's rules.

use std::path::Path;

fn main() {
    let widget = Path::new("www/widget");
    let mut css = String::new();
    for name in ["kredivo-common.css", "kredivo-badge.css"] {
        let path = widget.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        css.push_str(&std::fs::read_to_string(&path).expect("www/widget stylesheet"));
        css.push('\n');
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("kredivo-badge.css");
    std::fs::write(out, fold(&css)).expect("write the badge stylesheet");
}

/// Drops `/* … */` comments and folds whitespace: a run becomes one space, and none is kept
/// next to `{`, `}` or `;`, where CSS never needs it. (Strings in the sheet hold no `/*`.)
fn fold(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    let mut space = false;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("/*") {
            rest = rest.find("*/").map_or("", |end| &rest[end + 2..]);
            continue;
        }
        rest = &rest[c.len_utf8()..];
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let tight = |ch: char| matches!(ch, '{' | '}' | ';');
        if space && !out.is_empty() && !tight(c) && !out.ends_with(tight) {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}
