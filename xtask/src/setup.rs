//! Installs what a fresh machine lacks. Every tool comes from a package registry (crates.io,
//! Debian or npm); nothing downloads a prebuilt binary of its own. Debian packages are
//! installed only when xtask runs as root (CI); otherwise the message says what to run.

use crate::util::{self, output_line, which, Res};
use std::process::Command;

/// `cargo xtask setup [--browser | --test]`.
pub fn run(args: &[String]) -> Res {
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => wasm_toolchain(),
        ["--browser"] => setup(true),
        ["--test"] => for_tests(),
        _ => Err("usage: cargo xtask setup [--browser | --test]".into()),
    }
}

/// The wasm toolchain, and with `browser` wasm-pack, Chromium and chromedriver.
pub fn setup(browser: bool) -> Res {
    wasm_toolchain()?;
    if browser {
        wasm_pack()?;
        chromium()?;
    }
    Ok(())
}

/// wasm32 target + the wasm-bindgen CLI matching Cargo.lock.
pub fn wasm_toolchain() -> Res {
    wasm_target()?;
    wasm_bindgen_cli()
}

fn wasm_target() -> Res {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    if which("rustup").is_none() {
        return Err(
            "the wasm32-unknown-unknown target is missing and rustup is not installed; \
             install rustup (https://rustup.rs) or add the target to your toolchain"
                .into(),
        );
    }
    util::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must be exactly this.
pub fn locked_wasm_bindgen_version() -> Res<String> {
    let lock = std::fs::read_to_string(util::root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(v.trim_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen package".into())
}

fn wasm_bindgen_cli() -> Res {
    let want = locked_wasm_bindgen_version()?;
    let have = output_line("wasm-bindgen", &["--version"]);
    if have.as_deref() == Some(&format!("wasm-bindgen {want}")) {
        return Ok(());
    }
    eprintln!(
        "xtask: installing wasm-bindgen-cli {want} (found {}); this takes a few minutes once",
        have.as_deref().unwrap_or("none")
    );
    // No --locked: the CLI's own lockfile names a yanked transitive version.
    util::run(util::cargo().args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))
}

/// The pinned npm tools (`xtask/minify/package-lock.json`): terser, csso and binaryen's
/// wasm-opt for `dist`, axe-core for the end-to-end accessibility checks. Returns their `node_modules`, installed with `npm ci` the first time;
/// `None` (and a warning) without Node.js: dist then ships unminified files rather than
/// failing.
pub fn node_tools() -> Option<std::path::PathBuf> {
    let dir = util::root().join("xtask/minify");
    let modules = dir.join("node_modules");
    let needed = [
        "terser/bin/terser",
        "csso/package.json",
        "binaryen/bin/wasm-opt",
        "axe-core/axe.min.js",
        "typescript/bin/tsc",
        "esbuild/package.json",
    ];
    if which("node").is_none() || which("npm").is_none() {
        eprintln!(
            "xtask: WARNING: Node.js and npm are not installed, so the widget is not minified \
             (JS, CSS, wasm-opt: about 6 KB brotli more per page); on Debian: apt-get install \
             nodejs npm"
        );
        return None;
    }
    if !needed.iter().all(|f| modules.join(f).exists()) {
        eprintln!("xtask: installing terser, csso, binaryen, axe-core, typescript and esbuild (xtask/minify, npm ci)");
        let ok = Command::new("npm")
            .current_dir(&dir)
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok || !needed.iter().all(|f| modules.join(f).exists()) {
            eprintln!(
                "xtask: WARNING: `npm ci` in xtask/minify failed; the widget is not minified"
            );
            return None;
        }
    }
    Some(modules)
}

/// wasm-pack, for the widget's browser tests.
pub fn wasm_pack() -> Res {
    if output_line("wasm-pack", &["--version"]).is_some() {
        return Ok(());
    }
    eprintln!("xtask: installing wasm-pack from crates.io (a few minutes, once)");
    util::run(util::cargo().args(["install", "wasm-pack", "--locked"]))
}

/// A Debian package a command needs, and how to tell that it is installed.
pub struct DebianPackage {
    pub name: &'static str,
    installed: fn() -> bool,
}

/// The browser tests' Chromium and its WebDriver.
const BROWSER: [DebianPackage; 2] = [
    DebianPackage {
        name: "chromium",
        installed: || browser_path().is_some(),
    },
    DebianPackage {
        name: "chromium-driver",
        installed: || which("chromedriver").is_some(),
    },
];

/// Besides the browser, what the tests start: PHP (the PHP webhook verifier), nginx (in front
/// of proxy replicas) and PostgreSQL (the second order store).
const SERVICES: [DebianPackage; 3] = [
    DebianPackage {
        name: "php-cli",
        installed: || which("php").is_some(),
    },
    DebianPackage {
        name: "nginx",
        installed: || crate::nginx::binary().is_some(),
    },
    DebianPackage {
        name: "postgresql",
        installed: || crate::postgres::bin_dir().is_some(),
    },
];

/// Installs the missing `packages` with apt-get, in one transaction, when xtask runs as
/// root on a machine with apt; returns the names of the packages still missing.
pub fn debian(packages: &[&DebianPackage]) -> Res<Vec<&'static str>> {
    let missing: Vec<&'static str> = packages
        .iter()
        .filter(|p| !(p.installed)())
        .map(|p| p.name)
        .collect();
    if missing.is_empty() || !util::is_root() || which("apt-get").is_none() {
        return Ok(missing);
    }
    eprintln!("xtask: installing from Debian: {}", missing.join(" "));
    util::run(Command::new("apt-get").args(["update", "-qq"]))?;
    util::run(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-qq"])
            .args(&missing),
    )?;
    Ok(packages
        .iter()
        .filter(|p| !(p.installed)())
        .map(|p| p.name)
        .collect())
}

/// Chromium and chromedriver from Debian. Installs them when running as root; otherwise
/// says exactly what to run.
pub fn chromium() -> Res {
    browser_or_advice(&debian(&BROWSER.iter().collect::<Vec<_>>())?)
}

fn browser_or_advice(missing: &[&str]) -> Res {
    if BROWSER.iter().any(|p| missing.contains(&p.name)) {
        return Err(
            "Chromium and chromedriver are needed for the browser tests. On Debian or \
             Ubuntu run: sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
                .into(),
        );
    }
    Ok(())
}

/// What `cargo xtask test` needs: the wasm toolchain, wasm-pack, Chromium, and, installed
/// when possible (root and apt) in the same apt transaction as Chromium, PHP, nginx and
/// PostgreSQL. Without those three the run goes on: the tests that need them skip, and the
/// test run says so.
pub fn for_tests() -> Res {
    wasm_toolchain()?;
    wasm_pack()?;
    let missing = debian(&BROWSER.iter().chain(&SERVICES).collect::<Vec<_>>())?;
    browser_or_advice(&missing)?;
    if !missing.is_empty() {
        eprintln!(
            "xtask: WARNING: not installed: {} (xtask installs them when run as root on \
             Debian: apt-get install {})",
            missing.join(", "),
            missing.join(" ")
        );
    }
    Ok(())
}

/// The Chromium binary, if any.
pub fn browser_path() -> Option<std::path::PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(which)
}
