//! `cargo xtask dist`: the deployable widget in `dist/`, its sizes and its size budget.

use crate::util::{self, run, Res};
use crate::{names, setup};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pages a browser may load the widget on, for counting what each downloads.
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Page {
    /// A checkout page: loader, checkout bundle, stylesheet, the white logo of the button.
    Checkout,
    /// A listing or product page: loader and badge bundle (whose stylesheet is compiled in).
    Badge,
    /// A shop counter's QR screen: loader, QR bundle, stylesheet, the blue logo.
    Qr,
}

impl Page {
    const ALL: [Page; 3] = [Page::Checkout, Page::Badge, Page::Qr];

    fn name(self) -> &'static str {
        match self {
            Page::Checkout => "checkout",
            Page::Badge => "badge",
            Page::Qr => "qr",
        }
    }

    /// The most this page may download of the widget, brotli (KB = 1,000 bytes).
    ///
    /// The checkout page keeps issue 7's 80,000 (it downloads 79,918 today; issue 19's
    /// 68,000 would need the checkout drawn without Leptos, README "Figures"). The listing and
    /// QR pages meet issue 19's 68,000 with room (56,324 and 56,439 when these were set), and hold at their
    /// figures of that day plus 1 KB, so that nothing can quietly grow them back towards it.
    /// Anything that makes a page bigger has to pay for itself elsewhere first, or move its
    /// line here in a commit that says why; `cargo xtask test` fails otherwise.
    const fn budget(self) -> usize {
        match self {
            Page::Checkout => 80_000,
            Page::Badge => 57_324,
            Page::Qr => 57_439,
        }
    }
}

/// One file written to `dist/`, with what a browser would download.
#[derive(Serialize)]
pub struct Built {
    /// File name inside `dist/`.
    pub name: String,
    /// Bytes on disk.
    pub raw: usize,
    /// Bytes gzip-compressed (level 9).
    pub gzip: usize,
    /// Bytes brotli-compressed (quality 11, as static pre-compression uses).
    pub brotli: usize,
    /// The pages that download it to show the widget.
    pub pages: &'static [Page],
}

/// One wasm bundle: the crate built with some of its features.
pub struct Bundle {
    /// `checkout`, `badge` or `qr`: the feature, the file names and the loader's placeholders.
    pub kind: &'static str,
    /// Pages that download it.
    pages: &'static [Page],
}

pub const BUNDLES: [Bundle; 3] = [
    Bundle {
        kind: "checkout",
        pages: &[Page::Checkout],
    },
    Bundle {
        kind: "badge",
        pages: &[Page::Badge],
    },
    Bundle {
        kind: "qr",
        pages: &[Page::Qr],
    },
];

/// Builds one bundle in the size profile and runs wasm-bindgen; returns the glue JS and wasm.
fn build_widget(kind: &str) -> Res<(PathBuf, PathBuf)> {
    build_bundle(kind, false)
}

/// [`build_widget`]; with `keep_names` the wasm keeps its function names (for `xtask size`)
/// and lands in `target/wasm-bindgen/<kind>-named/`.
pub fn build_bundle(kind: &str, keep_names: bool) -> Res<(PathBuf, PathBuf)> {
    build_wasm(
        &[
            "--package",
            "kredivo-checkout",
            "--lib",
            "--no-default-features",
            "--features",
            kind,
        ],
        "kredivo_checkout",
        kind,
        keep_names,
    )
}

/// Builds a cdylib crate (`cargo_args` picks it) for wasm32 in the widget's size profile and
/// runs wasm-bindgen on `<artifact>.wasm` into `target/wasm-bindgen/<label>[-named]/`.
pub fn build_wasm(
    cargo_args: &[&str],
    artifact: &str,
    label: &str,
    keep_names: bool,
) -> Res<(PathBuf, PathBuf)> {
    setup::wasm_toolchain()?;
    // `cargo rustc --crate-type cdylib`, not `cargo build`: the widget crate is also an rlib
    // (its tests link it), and compiled as cdylib + rlib together rustc keeps code reachable
    // for the rlib that LTO would otherwise drop from the wasm: 376 -> 283 KB raw, 104.7 ->
    // 93.4 KB brotli for the checkout bundle.
    run(util::cargo()
        .env("CARGO_ENCODED_RUSTFLAGS", reproducible_rustflags())
        .arg("rustc")
        .args(cargo_args)
        .args(["--crate-type", "cdylib"])
        .args([
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ]))?;
    let target = util::target_dir();
    let wasm_in = target.join(format!(
        "wasm32-unknown-unknown/wasm-release/{artifact}.wasm"
    ));
    let out = target.join("wasm-bindgen").join(if keep_names {
        format!("{label}-named")
    } else {
        label.to_owned()
    });
    let _ = std::fs::remove_dir_all(&out);
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen.args(["--target", "web", "--no-typescript"]);
    if !keep_names {
        bindgen.args(["--remove-name-section", "--remove-producers-section"]);
    }
    run(bindgen
        .arg("--out-name")
        .arg("kredivo_checkout")
        .arg("--out-dir")
        .arg(&out)
        .arg(&wasm_in))?;
    Ok((
        out.join("kredivo_checkout.js"),
        out.join("kredivo_checkout_bg.wasm"),
    ))
}

/// The wasm's rustc flags: the caller's own (`CARGO_ENCODED_RUSTFLAGS` or `RUSTFLAGS`) plus a
/// remap of cargo's registry directory to `registry`, and of each registry in it to `r`.
///
/// Panic locations name their source files, so without the remap the wasm would contain
/// `$CARGO_HOME` (`/root/.cargo/registry/src/…`) and its size would depend on where cargo
/// lives on the building machine; `dist`'s 80,000-byte gate leaves too little room for that.
/// With `--target`, these flags reach only the wasm's crates, not build scripts or macros.
fn reproducible_rustflags() -> String {
    let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(f) if !f.is_empty() => f.split('\x1f').map(str::to_owned).collect(),
        _ => std::env::var("RUSTFLAGS")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    };
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = cargo_home {
        let src = home.join("registry/src");
        flags.push(format!("--remap-path-prefix={}=registry", src.display()));
        // Each registry's own directory (`index.crates.io-1949cf8c6b5b557f`) to one letter:
        // its name is in every panic location of every dependency (the last matching remap
        // wins, so these come after the general one).
        if let Ok(dirs) = std::fs::read_dir(&src) {
            let mut dirs: Vec<PathBuf> = dirs.flatten().map(|d| d.path()).collect();
            dirs.sort();
            for dir in dirs {
                flags.push(format!("--remap-path-prefix={}=r", dir.display()));
            }
        }
    }
    flags.join("\x1f")
}

/// Runs a Node.js tool from `xtask/minify` on `input` and returns its standard output.
fn node(args: &[&std::ffi::OsStr], what: &str) -> Res<Vec<u8>> {
    let out = Command::new("node")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() || out.stdout.is_empty() {
        return Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

fn scratch(name: &str, bytes: &[u8]) -> Res<PathBuf> {
    let path = util::target_dir().join(name);
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Minifies an ES module with terser (compress + mangle; exports and property names stay).
/// Without Node.js the source ships as it is (`setup::node_tools` says so).
fn minify_js(source: &[u8], what: &str) -> Res<Vec<u8>> {
    let Some(modules) = setup::node_tools() else {
        return Ok(source.to_vec());
    };
    let input = scratch("minify-input.js", source)?;
    let cli = modules.join("terser/bin/terser");
    node(
        &[
            cli.as_os_str(),
            input.as_os_str(),
            "--module".as_ref(),
            "--compress".as_ref(),
            "--mangle".as_ref(),
        ],
        &format!("terser on {what}"),
    )
}

/// Minifies the stylesheet with csso (structural optimisations included).
fn minify_css(source: &[u8]) -> Res<Vec<u8>> {
    let Some(modules) = setup::node_tools() else {
        return Ok(source.to_vec());
    };
    let input = scratch("minify-input.css", source)?;
    let script = "const [csso, file] = process.argv.slice(1); \
        process.stdout.write(require(csso).minify(require('fs').readFileSync(file, 'utf8')).css);";
    let csso = modules.join("csso");
    node(
        &[
            "-e".as_ref(),
            script.as_ref(),
            csso.as_os_str(),
            input.as_os_str(),
        ],
        "csso on the stylesheet",
    )
}

/// The wasm as it ships: wasm-bindgen's output through binaryen's `wasm-opt` (npm's
/// binaryen 132; Debian's 108 emits wasm that fails to load).
///
/// `-Oz --converge` alone took the checkout bundle from 93.4 to 91.7 KB brotli. The passes
/// below, measured with brotli against it on both bundles, save another 1.3 and 1.2 KB:
/// `-Os` compresses better than `-Oz` here (its code is more regular); `--flatten
/// --rereloop` rebuilds the control flow, which the Rust code's nested blocks leave far from
/// minimal; `--gufa-optimizing` removes what whole-program type analysis proves unused.
fn optimize_wasm(wasm: &[u8]) -> Res<Vec<u8>> {
    let passes = [
        "-Os",
        "--flatten",
        "--rereloop",
        "-Os",
        "--gufa-optimizing",
        "-Os",
        "--converge",
    ];
    Ok(wasm_opt(wasm, &passes)?.0)
}

/// A bundle as it ships: the optimised wasm with short import and export names, and the
/// glue renamed to match and minified ([`names`]). Without Node.js both ship as they are.
pub fn shippable(glue: &[u8], wasm: &[u8], kind: &str) -> Res<(Vec<u8>, Vec<u8>)> {
    if setup::node_tools().is_none() {
        return Ok((glue.to_vec(), wasm.to_vec()));
    }
    // The target-features section only describes the module; browsers do not read it.
    let (wasm, map) = wasm_opt(
        &optimize_wasm(wasm)?,
        &[names::FLAG, "--strip-target-features"],
    )?;
    let glue =
        String::from_utf8(glue.to_vec()).map_err(|_| format!("the {kind} glue is not UTF-8"))?;
    let glue = names::apply(&glue, &wasm, &names::Renames::parse(&map)?)
        .map_err(|e| format!("{kind} bundle: {e}"))?;
    Ok((minify_js(glue.as_bytes(), kind)?, wasm))
}

/// Runs npm binaryen's `wasm-opt` with `passes`; returns the wasm and what the passes printed.
fn wasm_opt(wasm: &[u8], passes: &[&str]) -> Res<(Vec<u8>, Vec<u8>)> {
    let Some(modules) = setup::node_tools() else {
        return Ok((wasm.to_vec(), Vec::new()));
    };
    let input = scratch("wasm-opt-input.wasm", wasm)?;
    let output = util::target_dir().join("wasm-opt-output.wasm");
    let cli = modules.join("binaryen/bin/wasm-opt");
    let mut args: Vec<&std::ffi::OsStr> = vec![cli.as_os_str(), input.as_os_str()];
    args.extend(passes.iter().map(std::ffi::OsStr::new));
    // The features rustc's wasm32 target and wasm-bindgen use; nothing newer is introduced.
    for flag in [
        "--enable-bulk-memory",
        "--enable-sign-ext",
        "--enable-nontrapping-float-to-int",
        "--enable-reference-types",
        "--enable-multivalue",
        "--enable-mutable-globals",
        "-o",
    ] {
        args.push(flag.as_ref());
    }
    args.push(output.as_os_str());
    let out = Command::new("node")
        .args(&args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run wasm-opt: {e}"))?;
    if !out.status.success() {
        return Err("wasm-opt failed".into());
    }
    Ok((read(&output)?, out.stdout))
}

pub fn read(path: &Path) -> Res<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn short_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..5].iter().map(|b| format!("{b:02x}")).collect()
}

fn gzip(bytes: &[u8]) -> Res<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_err(|e| format!("gzip: {e}"))
}

pub fn brotli(bytes: &[u8]) -> Res<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .map_err(|e| format!("brotli: {e}"))?;
    Ok(out)
}

/// `cargo xtask dist`: writes `dist/` and prints each file's raw, gzip and brotli size.
pub fn dist() -> Res<Vec<Built>> {
    let root = util::root();
    let widget = root.join("www/widget");
    let built_bundles = BUNDLES
        .iter()
        .map(|b| {
            let (glue, wasm) = build_widget(b.kind)?;
            let (glue, wasm) = shippable(&read(&glue)?, &read(&wasm)?, b.kind)?;
            Ok((b, glue, wasm))
        })
        .collect::<Res<Vec<_>>>()?;

    let dist = root.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist).map_err(|e| format!("cannot create dist/: {e}"))?;

    let mut built = Vec::new();
    // Each file is written with pre-compressed `.br` and `.gz` siblings, which static
    // servers (the demo's, nginx's gzip_static/brotli_static, CDNs) send as they are.
    let mut emit = |name: String, bytes: &[u8], pages: &'static [Page]| -> Res<String> {
        let write = |file: String, data: &[u8]| {
            std::fs::write(dist.join(&file), data)
                .map_err(|e| format!("cannot write dist/{file}: {e}"))
        };
        let (gz, br) = (gzip(bytes)?, brotli(bytes)?);
        write(name.clone(), bytes)?;
        write(format!("{name}.gz"), &gz)?;
        write(format!("{name}.br"), &br)?;
        built.push(Built {
            raw: bytes.len(),
            gzip: gz.len(),
            brotli: br.len(),
            name: name.clone(),
            pages,
        });
        Ok(name)
    };

    // Hashed assets first; the loader (stable name) points at them.
    let mut placeholders = Vec::new();
    for (bundle, glue, wasm) in &built_bundles {
        let k = bundle.kind;
        let wasm_name = emit(
            format!("kredivo-{k}.{}.wasm", short_hash(wasm)),
            wasm,
            bundle.pages,
        )?;
        let glue_name = emit(
            format!("kredivo-{k}.{}.js", short_hash(glue)),
            glue,
            bundle.pages,
        )?;
        // Each widget's stylesheet: the shared rules, then its own.
        let mut css = read(&widget.join("kredivo-common.css"))?;
        css.extend(read(&widget.join(format!("kredivo-{k}.css")))?);
        let css = minify_css(&css)?;
        // The badge bundle compiles its stylesheet in (build.rs) and adopts it as one
        // constructed sheet, so a listing downloads this file only in a browser that cannot
        // construct stylesheets (Safari before 16.4), where badges link it instead.
        let css_pages: &'static [Page] = if k == "badge" { &[] } else { bundle.pages };
        let css_name = emit(
            format!("kredivo-{k}.{}.css", short_hash(&css)),
            &css,
            css_pages,
        )?;
        let upper = k.to_ascii_uppercase();
        placeholders.push((format!("__{upper}_WASM__"), wasm_name));
        placeholders.push((format!("__{upper}_JS__"), glue_name));
        placeholders.push((format!("__{upper}_CSS__"), css_name));
    }
    let blue = read(&widget.join("kredivo-logo-blue.svg"))?;
    // The button shows the white logo; the blue one heads the QR screen and appears in a
    // badge's dialog once it is opened.
    let blue_name = emit(
        format!("kredivo-logo-blue.{}.svg", short_hash(&blue)),
        &blue,
        &[Page::Qr],
    )?;
    let white = read(&widget.join("kredivo-logo-white.svg"))?;
    let white_name = emit(
        format!("kredivo-logo-white.{}.svg", short_hash(&white)),
        &white,
        &[Page::Checkout],
    )?;

    let template = String::from_utf8(read(&widget.join("loader.js"))?)
        .map_err(|_| "www/widget/loader.js is not UTF-8".to_string())?;
    let mut loader = template;
    placeholders.extend([
        ("__LOGO_BLUE__".to_owned(), blue_name),
        ("__LOGO_WHITE__".to_owned(), white_name),
    ]);
    for (placeholder, value) in &placeholders {
        if !loader.contains(placeholder) {
            return Err(format!(
                "www/widget/loader.js lacks the {placeholder} placeholder"
            ));
        }
        loader = loader.replace(placeholder, value);
    }
    loader = loader.replace("__VERSION__", env!("CARGO_PKG_VERSION"));
    // Every page downloads the loader: minified like the glue (the commented source stays in
    // www/widget/loader.js).
    let loader = minify_js(loader.as_bytes(), "the loader")?;
    emit("kredivo-checkout.js".into(), &loader, &Page::ALL)?;

    let dts = widget.join("kredivo-checkout.d.ts");
    if dts.exists() {
        emit("kredivo-checkout.d.ts".into(), &read(&dts)?, &[])?;
    }

    print_sizes(&built);
    write_manifest(&dist, &built)?;
    write_npm_package(&root, &dist, &built)?;
    write_openapi(&dist)?;
    check_budget(&built)?;
    Ok(built)
}

/// `dist/npm/`: the widget as an npm package (`kredivo-checkout`, the workspace's version):
/// every file a page loads, with `www/npm/`'s entry (`index.js`, which runs the loader and
/// exports its API), its types and README. Packed, installed, type-checked and bundled into a
/// page that pays by `crates/e2e/tests/npm.rs`.
fn write_npm_package(root: &Path, dist: &Path, built: &[Built]) -> Res {
    let npm = dist.join("npm");
    std::fs::create_dir_all(&npm).map_err(|e| format!("cannot create dist/npm/: {e}"))?;
    let copy = |from: &Path, name: &str| {
        std::fs::copy(from, npm.join(name))
            .map(drop)
            .map_err(|e| format!("cannot copy {} to dist/npm/: {e}", from.display()))
    };
    let mut files = Vec::new();
    for b in built {
        copy(&dist.join(&b.name), &b.name)?;
        files.push(b.name.clone());
    }
    for name in ["index.js", "index.d.ts", "README.md"] {
        copy(&root.join("www/npm").join(name), name)?;
        files.push(name.to_owned());
    }
    files.sort();
    // Written as text: the order of `exports` conditions matters (`types` first, as TypeScript
    // reads them in order) and serde_json's maps sort their keys.
    let files = serde_json::to_string(&files).map_err(|e| format!("dist/npm: {e}"))?;
    let json = format!(
        r#"{{
  "name": "kredivo-checkout",
  "version": "{version}",
  "description": "Kredivo (buy now, pay later) checkout widget and installment badges: Rust compiled to WebAssembly, for the shop's own kredivo-proxy.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./index.js",
  "module": "./index.js",
  "types": "./index.d.ts",
  "exports": {{
    ".": {{ "types": "./index.d.ts", "default": "./index.js" }},
    "./loader": "./kredivo-checkout.js",
    "./package.json": "./package.json"
  }},
  "sideEffects": ["./index.js", "./kredivo-checkout.js"],
  "files": {files},
  "keywords": ["kredivo", "paylater", "bnpl", "checkout", "indonesia", "webassembly"]
}}
"#,
        version = env!("CARGO_PKG_VERSION"),
    );
    // Importing the entry runs the loader (window.KredivoCheckout, the page's widgets
    // mounted): hence `sideEffects`. Everything else is loaded at run time by URL.
    serde_json::from_str::<serde_json::Value>(&json)
        .map_err(|e| format!("dist/npm/package.json is not JSON: {e}"))?;
    std::fs::write(npm.join("package.json"), json)
        .map_err(|e| format!("cannot write dist/npm/package.json: {e}"))?;
    println!(
        "dist/npm/ (package kredivo-checkout {})",
        env!("CARGO_PKG_VERSION")
    );
    Ok(())
}

/// `dist/openapi.json`: the proxy's OpenAPI document, printed by the proxy binary from its
/// Rust types (a merchant's PHP or Node team reads the HTTP surface from it).
fn write_openapi(dist: &Path) -> Res {
    let out = util::cargo()
        .args([
            "run",
            "--quiet",
            "--package",
            "kredivo-proxy",
            "--",
            "openapi",
        ])
        .output()
        .map_err(|e| format!("cannot run kredivo-proxy openapi: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "kredivo-proxy openapi failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    std::fs::write(dist.join("openapi.json"), &out.stdout)
        .map_err(|e| format!("cannot write dist/openapi.json: {e}"))?;
    println!("dist/openapi.json ({} bytes)", out.stdout.len());
    Ok(())
}

fn check_budget(built: &[Built]) -> Res {
    if setup::node_tools().is_none() {
        eprintln!("xtask: size budget not checked: the files are not minified without Node.js");
        return Ok(());
    }
    for page in Page::ALL {
        let total: usize = built
            .iter()
            .filter(|b| b.pages.contains(&page))
            .map(|b| b.brotli)
            .sum();
        let budget = page.budget();
        if total > budget {
            return Err(format!(
                "the {} page downloads {total} bytes of widget (brotli), over its {budget} \
                 byte budget (`Page::budget` in xtask/src/dist.rs); `cargo xtask size` shows \
                 what grew",
                page.name()
            ));
        }
    }
    Ok(())
}

fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1000.0)
}

fn pages_of(b: &Built) -> String {
    if b.pages.is_empty() {
        return "(not loaded by default)".into();
    }
    let names: Vec<&str> = b.pages.iter().map(|p| p.name()).collect();
    names.join(", ")
}

fn print_sizes(built: &[Built]) {
    println!(
        "\n{:<40} {:>10} {:>10} {:>10}  loaded on",
        "dist/", "raw", "gzip", "brotli"
    );
    for b in built {
        println!(
            "{:<40} {:>10} {:>10} {:>10}  {}",
            b.name,
            kb(b.raw),
            kb(b.gzip),
            kb(b.brotli),
            pages_of(b)
        );
    }
    for page in Page::ALL {
        let (raw, gz, br) = built
            .iter()
            .filter(|b| b.pages.contains(&page))
            .fold((0, 0, 0), |a, b| {
                (a.0 + b.raw, a.1 + b.gzip, a.2 + b.brotli)
            });
        println!(
            "{:<40} {:>10} {:>10} {:>10}",
            format!("transfer, {} page", page.name()),
            kb(raw),
            kb(gz),
            kb(br)
        );
    }
    println!();
}

/// `dist/manifest.json`: every file with its sizes and pages, and each page's brotli total,
/// for tools that track the widget's size without parsing the table above.
#[derive(Serialize)]
struct Manifest<'a> {
    files: &'a [Built],
    transfer_brotli: BTreeMap<&'static str, usize>,
}

fn write_manifest(dist: &Path, built: &[Built]) -> Res {
    let transfer_brotli = Page::ALL
        .iter()
        .map(|page| {
            let brotli = built
                .iter()
                .filter(|b| b.pages.contains(page))
                .map(|b| b.brotli)
                .sum();
            (page.name(), brotli)
        })
        .collect();
    let manifest = Manifest {
        files: built,
        transfer_brotli,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| format!("cannot write dist/manifest.json: {e}"))?;
    json.push(b'\n');
    std::fs::write(dist.join("manifest.json"), json)
        .map_err(|e| format!("cannot write dist/manifest.json: {e}"))
}
