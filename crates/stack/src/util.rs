//! Small helpers shared by the servers this crate starts (and by xtask).

use std::path::{Path, PathBuf};
use std::process::Command;

/// An I/O error and what was being done, for the typed errors of the reusable helpers
/// (`postgres`, `nginx`).
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
pub struct IoError {
    what: String,
    #[source]
    source: std::io::Error,
}

/// `.map_err(io_error("cannot create …"))?`
pub fn io_error(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> IoError {
    let what = what.into();
    move |source| IoError { what, source }
}

/// Describes a command for messages.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// The first line a command prints, or `None` if it cannot run.
pub fn output_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().next().map(|l| l.trim().to_owned())
}

/// Finds a program on PATH (or an absolute path that exists).
pub fn which(program: &str) -> Option<PathBuf> {
    let p = Path::new(program);
    if p.is_absolute() {
        return p.exists().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|f| f.is_file())
}

/// Whether this process runs as root (it may then install Debian packages).
pub fn is_root() -> bool {
    output_line("id", &["-u"]).as_deref() == Some("0")
}

/// The user and group ids of an OS user, if it exists.
pub fn os_user(name: &str) -> Option<(u32, u32)> {
    let uid = output_line("id", &["-u", name])?.parse().ok()?;
    let gid = output_line("id", &["-g", name])?.parse().ok()?;
    Some((uid, gid))
}

/// A new temporary directory (deleted when dropped), handed to `owner` when given: a
/// server that xtask, as root, starts as another user writes its files there.
pub fn temp_dir_owned_by(
    prefix: &str,
    owner: Option<(u32, u32)>,
) -> Result<tempfile::TempDir, IoError> {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map_err(io_error("cannot create a temporary directory"))?;
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).map_err(io_error(format!(
            "cannot hand {} to uid {uid}",
            dir.path().display()
        )))?;
    }
    Ok(dir)
}

/// A loopback port that was free a moment ago. Another process may take it before the
/// caller binds it, so callers that hand it to a server retry with another when it is taken.
pub fn free_loopback_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}
