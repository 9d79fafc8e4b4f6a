//! Vendored crates: each `vendor/<crate>/` is the crate as published on crates.io plus one
//! change, and that change is also kept as `vendor/patches/<crate>-<version>.diff`
//! (`vendor/README.md` says why the copies stay in the repository).
//!
//! - `cargo xtask vendor check`, a step of `cargo xtask test`: every copy is exactly the
//!   published crate with its diff applied, and every crate that `[patch.crates-io]` takes from
//!   `vendor/` has a diff named after its version (and no diff is left over).
//! - `cargo xtask vendor diff`: rewrites the diffs from the copies, after a deliberate edit.
//! - `cargo xtask vendor upgrade <crate> <version>`: replaces a copy with another published
//!   version and re-applies the diff.
//!
//! The published sources come from cargo itself. The workspace's `[patch.crates-io]` hides
//! them from cargo, so a throwaway manifest under `target/` depends on the exact versions and
//! `cargo metadata` downloads and unpacks them into cargo's registry: from crates.io the
//! first time, offline after that. `git` (which every clone has) applies and writes the
//! diffs, outside any repository and with no user configuration.

use crate::util::{self, describe, Res};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Files at the root of a published crate that are not its source: cargo writes them when it
/// packages (`.cargo_vcs_info.json`, `Cargo.lock`) or unpacks (`.cargo-ok`) a crate, and a
/// dependency's lock file is never read. The copies leave them out.
const PACKAGING_FILES: [&str; 3] = [".cargo_vcs_info.json", "Cargo.lock", ".cargo-ok"];

/// Our notes at the root of each copy: what changed, why, and what upstream change would
/// make the copy unnecessary. Not part of the published crate, nor of the diff.
const NOTES: &str = "VENDORED.md";

/// `cargo xtask vendor <check | diff | upgrade <crate> <version>>`.
pub fn run(args: &[String]) -> Res {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["check"] => check(),
        ["diff"] => rewrite_diffs(),
        ["upgrade", name, version] => upgrade(name, version),
        _ => Err("usage: cargo xtask vendor check | diff | upgrade <crate> <version>".into()),
    }
}

/// One crate that the workspace takes from `vendor/` instead of crates.io.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Vendored {
    name: String,
    version: String,
}

impl Vendored {
    fn copy(&self) -> PathBuf {
        util::root().join("vendor").join(&self.name)
    }

    fn patch(&self) -> PathBuf {
        patches_dir().join(format!("{}-{}.diff", self.name, self.version))
    }
}

impl std::fmt::Display for Vendored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

fn patches_dir() -> PathBuf {
    util::root().join("vendor/patches")
}

/// `cargo xtask vendor check`: each copy is its published crate plus its diff.
pub fn check() -> Res {
    let vendored = vendored()?;
    let published = published(&vendored)?;
    let mut problems = leftover_diffs(&vendored)?;
    let scratch = scratch_dir()?;
    for krate in &vendored {
        if !krate.patch().is_file() {
            problems.push(format!(
                "{krate} is vendored but {} is missing; write it with `cargo xtask vendor diff`",
                shown(&krate.patch())
            ));
            continue;
        }
        let expected = scratch.path().join(&krate.name);
        copy_tree(&published[krate], &expected, &PACKAGING_FILES)?;
        if let Err(e) = git_apply(&expected, &krate.patch()) {
            problems.push(format!(
                "{} does not apply to the published {krate}: {e}",
                shown(&krate.patch())
            ));
            continue;
        }
        let differing = differences(&expected, &krate.copy())?;
        if !differing.is_empty() {
            problems.push(format!(
                "vendor/{} is not the published {krate} plus {}; these files differ: {}. \
                 If the copy changed on purpose, run `cargo xtask vendor diff` and say why in \
                 vendor/{}/{NOTES}.",
                krate.name,
                shown(&krate.patch()),
                differing.join(", "),
                krate.name,
            ));
        }
    }
    if problems.is_empty() {
        let names: Vec<String> = vendored.iter().map(Vendored::to_string).collect();
        println!(
            "vendor: {} equal their published crates plus vendor/patches",
            names.join(", ")
        );
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// `cargo xtask vendor diff`: writes each copy's diff against its published crate.
fn rewrite_diffs() -> Res {
    let vendored = vendored()?;
    let published = published(&vendored)?;
    std::fs::create_dir_all(patches_dir())
        .map_err(|e| format!("cannot create vendor/patches: {e}"))?;
    for krate in &vendored {
        let diff = diff_against(&published[krate], &krate.copy())?;
        write(&krate.patch(), &diff)?;
        println!("vendor: wrote {}", shown(&krate.patch()));
    }
    for stale in leftover_diffs(&vendored)? {
        eprintln!("vendor: {stale}");
    }
    Ok(())
}

/// `cargo xtask vendor upgrade <crate> <version>`: the published `version` with the current
/// diff applied replaces the copy, and the diff is renamed after the new version.
fn upgrade(name: &str, version: &str) -> Res {
    let old = vendored()?
        .into_iter()
        .find(|v| v.name == name)
        .ok_or_else(|| format!("{name} is not vendored (not in [patch.crates-io])"))?;
    let new = Vendored {
        name: name.to_owned(),
        version: version.to_owned(),
    };
    let published = published(std::slice::from_ref(&new))?;
    let scratch = scratch_dir()?;
    let staged = scratch.path().join(name);
    copy_tree(&published[&new], &staged, &PACKAGING_FILES)?;
    git_apply(&staged, &old.patch()).map_err(|e| {
        format!(
            "{} does not apply to {new}: {e}\nRedo the change by hand in vendor/{name} from \
             the published source ({}), then run `cargo xtask vendor diff`.",
            shown(&old.patch()),
            published[&new].display()
        )
    })?;
    // Everything but our notes is replaced, so files the new version dropped go too.
    for entry in read_dir(&old.copy())? {
        if entry.file_name() != NOTES {
            let path = entry.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    copy_tree(&staged, &old.copy(), &[])?;
    write(&new.patch(), &diff_against(&published[&new], &old.copy())?)?;
    if old.patch() != new.patch() {
        std::fs::remove_file(old.patch())
            .map_err(|e| format!("cannot remove {}: {e}", shown(&old.patch())))?;
    }
    println!(
        "vendor: vendor/{name} is now {new} with {}.\nNext: `cargo update -p {name}`, update \
         vendor/{name}/{NOTES} (versions, measurements), and run `cargo xtask test`.",
        shown(&new.patch())
    );
    Ok(())
}

/// What `cargo metadata` says about a package; only what this module reads.
#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    /// `None` for path packages: the workspace's members and the vendored copies.
    source: Option<String>,
    manifest_path: PathBuf,
}

fn metadata(manifest: &Path) -> Res<Metadata> {
    let mut cmd = util::cargo();
    cmd.args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(manifest);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(&cmd)))?;
    if !out.status.success() {
        return Err(format!(
            "`{}` failed: {}",
            describe(&cmd),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cannot read `{}`'s output: {e}", describe(&cmd)))
}

/// The crates the workspace builds from `vendor/`: path packages whose manifest is there.
fn vendored() -> Res<Vec<Vendored>> {
    let vendor = util::root().join("vendor");
    let mut found: Vec<Vendored> = metadata(&util::root().join("Cargo.toml"))?
        .packages
        .into_iter()
        .filter(|p| p.source.is_none() && p.manifest_path.starts_with(&vendor))
        .map(|p| Vendored {
            name: p.name,
            version: p.version,
        })
        .collect();
    found.sort();
    if found.is_empty() {
        return Err("no crate of the workspace comes from vendor/".into());
    }
    Ok(found)
}

/// Diffs in `vendor/patches` that belong to no vendored crate (an upgrade left the old one).
fn leftover_diffs(vendored: &[Vendored]) -> Res<Vec<String>> {
    let expected: BTreeSet<PathBuf> = vendored.iter().map(Vendored::patch).collect();
    let dir = patches_dir();
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    Ok(read_dir(&dir)?
        .into_iter()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "diff") && !expected.contains(p))
        .map(|p| {
            format!(
                "{} belongs to no vendored crate; delete it if its crate was upgraded",
                shown(&p)
            )
        })
        .collect())
}

/// The published source directory of each crate, downloaded by cargo if need be.
fn published(crates: &[Vendored]) -> Res<BTreeMap<Vendored, PathBuf>> {
    let dir = util::target_dir().join("xtask-vendor");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Its own [workspace] keeps it out of ours; no defaults keeps the download small.
    let mut manifest = String::from(
        "# Written by `cargo xtask vendor`: lets cargo fetch the published sources that the\n\
         # workspace's [patch.crates-io] replaces.\n\
         [package]\nname = \"vendored-upstream\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[lib]\npath = \"lib.rs\"\n\n[workspace]\n\n[dependencies]\n",
    );
    for krate in crates {
        manifest.push_str(&format!(
            "{} = {{ version = \"={}\", default-features = false }}\n",
            krate.name, krate.version
        ));
    }
    write(&dir.join("Cargo.toml"), manifest.as_bytes())?;
    write(&dir.join("lib.rs"), b"")?;
    let packages = metadata(&dir.join("Cargo.toml"))
        .map_err(|e| {
            format!(
                "cannot get the published sources of the vendored crates (crates.io the \
                 first time, cargo's registry after that): {e}"
            )
        })?
        .packages;
    crates
        .iter()
        .map(|krate| {
            packages
                .iter()
                .find(|p| p.name == krate.name && p.version == krate.version && p.source.is_some())
                .and_then(|p| p.manifest_path.parent())
                .map(|d| (krate.clone(), d.to_path_buf()))
                .ok_or_else(|| format!("cargo did not fetch the published {krate}"))
        })
        .collect()
}

/// A temporary directory for staging copies, deleted when dropped.
fn scratch_dir() -> Res<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("kredivo-vendor-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))
}

/// `git` with no system or user configuration (which could rewrite whitespace or line
/// endings) and, run in `dir`, unable to find a repository above it.
fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir));
    cmd
}

/// Applies `patch` to the tree in `dir` (outside any repository, git acts as `patch -p1`).
fn git_apply(dir: &Path, patch: &Path) -> Res {
    let mut cmd = git(dir);
    cmd.args(["apply", "--whitespace=nowarn"]).arg(patch);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run git (is it installed?): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// The diff that turns `published` (without its packaging files) into `copy` (without our
/// notes), with paths relative to the crate (`a/src/lib.rs`, `b/src/lib.rs`).
fn diff_against(published: &Path, copy: &Path) -> Res<Vec<u8>> {
    let scratch = scratch_dir()?;
    copy_tree(published, &scratch.path().join("a"), &PACKAGING_FILES)?;
    copy_tree(copy, &scratch.path().join("b"), &[NOTES])?;
    let mut cmd = git(scratch.path());
    // The trees are named `a` and `b`, so without prefixes the paths read as git's own.
    cmd.args([
        "diff",
        "--no-index",
        "--no-prefix",
        "--no-renames",
        "--binary",
        "--no-color",
        "--no-ext-diff",
        "a",
        "b",
    ]);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run git (is it installed?): {e}"))?;
    // `git diff --no-index` exits with 1 when the trees differ, which they should.
    match out.status.code() {
        Some(0) => Err(format!(
            "{} is identical to the published crate: nothing to vendor",
            shown(copy)
        )),
        Some(1) => Ok(out.stdout),
        _ => Err(format!(
            "`{}` failed: {}",
            describe(&cmd),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
    }
}

/// Files (relative paths) that are missing on one side or whose bytes differ; `actual`'s
/// notes file is not compared.
fn differences(expected: &Path, actual: &Path) -> Res<Vec<String>> {
    let left = files(expected, &[])?;
    let right = files(actual, &[NOTES])?;
    let mut differing = Vec::new();
    for path in left.union(&right) {
        let shown = path.display().to_string();
        match (left.contains(path), right.contains(path)) {
            (true, false) => differing.push(format!("{shown} (missing from the copy)")),
            (false, true) => differing.push(format!("{shown} (not in the published crate)")),
            _ => {
                if read(&expected.join(path))? != read(&actual.join(path))? {
                    differing.push(shown);
                }
            }
        }
    }
    Ok(differing)
}

/// Every file under `root`, relative to it, except `skip` at the top level.
fn files(root: &Path, skip: &[&str]) -> Res<BTreeSet<PathBuf>> {
    let mut found = BTreeSet::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        for entry in read_dir(&root.join(&rel))? {
            if rel.as_os_str().is_empty() && skip.iter().any(|s| entry.file_name() == *s) {
                continue;
            }
            let path = rel.join(entry.file_name());
            if entry.path().is_dir() {
                pending.push(path);
            } else {
                found.insert(path);
            }
        }
    }
    Ok(found)
}

/// Copies the tree `from` into `to` (created), except `skip` at the top level.
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Res {
    for rel in files(from, skip)? {
        let target = to.join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::copy(from.join(&rel), &target)
            .map_err(|e| format!("cannot copy to {}: {e}", target.display()))?;
    }
    Ok(())
}

fn read_dir(dir: &Path) -> Res<Vec<std::fs::DirEntry>> {
    std::fs::read_dir(dir)
        .and_then(|entries| entries.collect())
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))
}

fn read(path: &Path) -> Res<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Res {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A path inside the workspace as the README would write it.
fn shown(path: &Path) -> String {
    path.strip_prefix(util::root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn a_diff_written_from_a_copy_turns_the_published_crate_back_into_it() {
        let published = tree(&[
            ("Cargo.toml", "[package]\nname = \"x\"\n"),
            ("Cargo.lock", "# lock\n"),
            ("src/lib.rs", "fn a() {}\r\nfn b() {}\r\n"),
            ("src/gone.rs", "old\n"),
        ]);
        let copy = tree(&[
            (
                "Cargo.toml",
                "[package]\nname = \"x\"\n\n[features]\nours = []\n",
            ),
            ("VENDORED.md", "notes\n"),
            (
                "src/lib.rs",
                "fn a() {}\r\n#[cfg(feature = \"ours\")]\r\nfn b() {}\r\n",
            ),
            ("src/new.rs", "new\n"),
        ]);
        let diff = diff_against(published.path(), copy.path()).unwrap();
        let text = String::from_utf8_lossy(&diff);
        assert!(
            text.contains("--- a/src/lib.rs\n+++ b/src/lib.rs"),
            "{text}"
        );
        assert!(
            !text.contains("Cargo.lock"),
            "packaging files stay out: {text}"
        );
        assert!(!text.contains("VENDORED"), "our notes stay out: {text}");

        let patch = tree(&[]);
        std::fs::write(patch.path().join("x.diff"), &diff).unwrap();
        let scratch = tree(&[]);
        let applied = scratch.path().join("x");
        copy_tree(published.path(), &applied, &PACKAGING_FILES).unwrap();
        git_apply(&applied, &patch.path().join("x.diff")).unwrap();
        assert_eq!(
            differences(&applied, copy.path()).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn differences_name_changed_missing_and_extra_files_but_not_the_notes() {
        let expected = tree(&[("a.rs", "1"), ("src/b.rs", "2"), ("c.rs", "3")]);
        let actual = tree(&[
            ("a.rs", "1"),
            ("src/b.rs", "two"),
            ("d.rs", "4"),
            (NOTES, ""),
        ]);
        assert_eq!(
            differences(expected.path(), actual.path()).unwrap(),
            [
                "c.rs (missing from the copy)",
                "d.rs (not in the published crate)",
                "src/b.rs",
            ]
        );
    }

    #[test]
    fn a_diff_that_does_not_apply_is_an_error_not_a_silent_no_op() {
        let published = tree(&[("src/lib.rs", "fn a() {}\n")]);
        let patch = tree(&[(
            "x.diff",
            "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1 +1 @@\n-fn z() {}\n+fn y() {}\n",
        )]);
        assert!(git_apply(published.path(), &patch.path().join("x.diff")).is_err());
    }
}
