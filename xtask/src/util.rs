//! Small helpers for running commands and locating the workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

// Shared with the replica stack (crates/stack), which starts the same servers for the demo and
// the end-to-end tests.
pub use kredivo_stack::util::{describe, is_root, output_line, which};

/// Result type of every xtask step: the error is a sentence for the terminal.
pub type Res<T = ()> = Result<T, String>;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// The cargo binary that runs us, so toolchain overrides carry through.
pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Where cargo puts build output (respects `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => {
            let p = PathBuf::from(d);
            if p.is_absolute() {
                p
            } else {
                root().join(p)
            }
        }
        None => root().join("target"),
    }
}

/// Runs a command with inherited stdio; a non-zero exit is an error naming the command.
pub fn run(cmd: &mut Command) -> Res {
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

/// Runs a command, echoing its output live and also returning it (stdout + stderr merged
/// in arrival order is not possible with std alone, so each stream is teed separately).
pub fn run_capture(cmd: &mut Command) -> (bool, String) {
    use std::io::{BufRead, BufReader, Write};
    eprintln!("$ {}", describe(cmd));
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return (false, format!("could not start `{}`: {e}", describe(cmd))),
    };
    let out = child.stdout.take();
    let err = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut all = String::new();
        if let Some(out) = out {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                println!("{line}");
                let _ = std::io::stdout().flush();
                all.push_str(&line);
                all.push('\n');
            }
        }
        all
    });
    let t_err = std::thread::spawn(move || {
        let mut all = String::new();
        if let Some(err) = err {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("{line}");
                all.push_str(&line);
                all.push('\n');
            }
        }
        all
    });
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    let mut text = t_out.join().unwrap_or_default();
    text.push_str(&t_err.join().unwrap_or_default());
    (ok, text)
}

/// Prepends `~/.cargo/bin` to PATH for child processes, so tools `cargo install` just put
/// there are found even when the calling shell's PATH lacks it. `main` calls it first.
pub fn ensure_cargo_bin_on_path() {
    let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    else {
        return;
    };
    let bin = home.join("bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|p| p == bin) {
        return;
    }
    let mut parts = vec![bin];
    parts.extend(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(parts) {
        // Changing the environment races with threads that read it (which is why edition 2024
        // makes `set_var` unsafe); `main` calls this before xtask starts any thread.
        std::env::set_var("PATH", joined);
    }
}

/// `cargo build --release` of the two server binaries the replica layout runs (the proxy and
/// the sandbox), for `demo --replicas` and `load`.
pub fn build_servers() -> Res {
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "kredivo-proxy",
        "--package",
        "kredivo-sandbox",
    ]))
}
