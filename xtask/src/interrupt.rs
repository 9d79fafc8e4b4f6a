//! Ctrl-C (and SIGTERM, SIGHUP) while xtask holds a throwaway server.
//!
//! Without a handler the signal would end xtask on the spot, and the drop guards that stop
//! PostgreSQL and nginx and delete their directories would never run. With [`catch`], the
//! signal only raises a flag: the child that was running (in the terminal's process group,
//! it received the same Ctrl-C) ends, the command sees [`requested`], stops starting new
//! work, and returns, so every guard drops. A second Ctrl-C is no different: the flag is
//! already up, and the guards are already on their way.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Turns SIGINT, SIGTERM and SIGHUP into [`requested`] for the rest of the process.
pub fn catch() -> Result<(), String> {
    let flag = FLAG.get_or_init(|| Arc::new(AtomicBool::new(false)));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(signal, Arc::clone(flag))
            .map_err(|e| format!("cannot handle signal {signal}: {e}"))?;
    }
    Ok(())
}

/// Whether a signal asked xtask to stop since [`catch`].
pub fn requested() -> bool {
    FLAG.get().is_some_and(|f| f.load(Ordering::SeqCst))
}
