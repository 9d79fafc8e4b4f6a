//! Short names for the wasm's imports and exports, in the wasm and in its glue together.
//!
//! wasm-bindgen names every import after the function it wraps plus a 16-digit hash
//! (`__wbg_querySelector_72201b7c62dc196b`) and puts the module name `./kredivo_checkout_bg.js`
//! in front of each. The names appear twice, in the wasm's import section and as the keys
//! of the glue's import object, and the hashes do not compress. Binaryen's
//! `--minify-imports-and-exports-and-modules` pass (the one Emscripten uses) renames them
//! in the wasm and prints the old → new map; this module applies the same map to the glue
//! and then checks, by reading the wasm back, that the two still agree name for name.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::util::Res;

/// What binaryen prints for `--minify-imports-and-exports-and-modules`.
#[derive(Deserialize)]
pub struct Renames {
    /// `[module, old name, new name]`.
    imports: Vec<(String, String, String)>,
    /// `[old name, new name]`.
    exports: Vec<(String, String)>,
}

/// The wasm-opt flag whose standard output [`Renames`] reads.
pub const FLAG: &str = "--minify-imports-and-exports-and-modules";

impl Renames {
    pub fn parse(stdout: &[u8]) -> Res<Renames> {
        serde_json::from_slice(stdout)
            .map_err(|e| format!("cannot read wasm-opt's map of minified names: {e}"))
    }
}

/// Applies `renames` to wasm-bindgen's `glue` for the already minified `wasm`, and checks
/// that every import of the wasm is a key of the glue's import object and every export the
/// glue uses (`wasm.name`) exists.
pub fn apply(glue: &str, wasm: &[u8], renames: &Renames) -> Res<String> {
    let (modules, imports, exports) = interface(wasm)?;
    let [module] = modules.as_slice() else {
        return Err(format!(
            "expected the minified wasm to import from one module, found {modules:?}"
        ));
    };
    let mut out = glue.to_owned();
    let mut old_modules = BTreeSet::new();
    for (old_module, old, new) in &renames.imports {
        old_modules.insert(old_module.as_str());
        out = replace_token(&out, &format!("{old}:"), &format!("{new}:"), old)?;
    }
    for old_module in old_modules {
        let key = format!("\"{old_module}\":");
        if out.matches(&key).count() != 1 {
            return Err(format!(
                "the glue does not name the module {old_module} once"
            ));
        }
        out = out.replace(&key, &format!("\"{module}\":"));
    }
    for (old, new) in &renames.exports {
        // An export the glue never calls (a marker, say) is not in it; that is fine.
        if out.contains(&format!("wasm.{old}")) {
            out = replace_token(&out, &format!("wasm.{old}"), &format!("wasm.{new}"), old)?;
        }
    }
    // Read back: every import is a key, every `wasm.x` the glue uses is exported.
    for name in &imports {
        if !has_token(&out, &format!("{name}: function(")) {
            return Err(format!(
                "the wasm imports {name}, which the renamed glue lacks"
            ));
        }
    }
    for used in tokens_after(&out, "wasm.") {
        if !exports.contains(&used) {
            return Err(format!(
                "the renamed glue calls wasm.{used}, which the wasm does not export"
            ));
        }
    }
    Ok(out)
}

/// The minified wasm's import modules, import names and export names.
fn interface(wasm: &[u8]) -> Res<(Vec<String>, BTreeSet<String>, BTreeSet<String>)> {
    let (mut modules, mut imports, mut exports) = (Vec::new(), BTreeSet::new(), BTreeSet::new());
    let bad = |e: wasmparser::BinaryReaderError| format!("cannot read the minified wasm: {e}");
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.map_err(bad)? {
            wasmparser::Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import.map_err(bad)?;
                    if !modules.iter().any(|m| m == import.module) {
                        modules.push(import.module.to_owned());
                    }
                    imports.insert(import.name.to_owned());
                }
            }
            wasmparser::Payload::ExportSection(section) => {
                for export in section {
                    exports.insert(export.map_err(bad)?.name.to_owned());
                }
            }
            _ => {}
        }
    }
    Ok((modules, imports, exports))
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Positions where `token` occurs as a whole word: an identifier character at either end of
/// it must not continue into the text around it.
fn token_positions<'a>(text: &'a str, token: &'a str) -> impl Iterator<Item = usize> + 'a {
    let starts_word = token.chars().next().is_some_and(is_ident);
    let ends_word = token.chars().next_back().is_some_and(is_ident);
    text.match_indices(token).map(|(i, _)| i).filter(move |&i| {
        let before = !starts_word || text[..i].chars().next_back().is_none_or(|c| !is_ident(c));
        let after = !ends_word
            || text[i + token.len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_ident(c));
        before && after
    })
}

fn has_token(text: &str, token: &str) -> bool {
    token_positions(text, token).next().is_some()
}

/// Replaces the one whole-token occurrence of `from` (the glue names each import once, as a
/// key, and calls each export from one place or several).
fn replace_token(text: &str, from: &str, to: &str, name: &str) -> Res<String> {
    let at: Vec<usize> = token_positions(text, from).collect();
    if at.is_empty() {
        return Err(format!("the glue does not contain {name}"));
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in at {
        out.push_str(&text[last..i]);
        out.push_str(to);
        last = i + from.len();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// Every identifier that follows `prefix` (`wasm.` → the exports the glue uses).
fn tokens_after(text: &str, prefix: &str) -> BTreeSet<String> {
    token_positions_prefix(text, prefix)
        .map(|i| {
            text[i + prefix.len()..]
                .chars()
                .take_while(|&c| is_ident(c))
                .collect()
        })
        .filter(|s: &String| !s.is_empty())
        .collect()
}

fn token_positions_prefix<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = usize> + 'a {
    text.match_indices(prefix)
        .map(|(i, _)| i)
        .filter(move |&i| text[..i].chars().next_back().is_none_or(|c| !is_ident(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_whole_words() {
        let text = "a_1: x, a_10: y, wasm.f(); wasm.f2();";
        assert_eq!(token_positions(text, "a_1:").count(), 1);
        assert!(has_token("    b: function(arg0) {", "b: function("));
        assert!(!has_token("    ab: function(arg0) {", "b: function("));
        assert_eq!(
            replace_token(text, "wasm.f", "wasm.Q", "f").unwrap(),
            "a_1: x, a_10: y, wasm.Q(); wasm.f2();"
        );
        assert!(replace_token(text, "b:", "c:", "b").is_err());
        assert_eq!(
            tokens_after(text, "wasm."),
            ["f".to_string(), "f2".to_string()].into()
        );
    }
}
