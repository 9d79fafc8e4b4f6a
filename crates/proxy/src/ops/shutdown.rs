//! Graceful shutdown: on SIGTERM (or Ctrl-C) a replica stops accepting connections, lets the
//! requests in flight finish for at most `SHUTDOWN_GRACE_SECS`, stops the background workers
//! between two passes, then exits.
//!
//! One [`CancellationToken`] per [`AppState`](crate::AppState) carries the decision: the signal
//! cancels it, the server stops accepting, `/readyz` turns `503` (`draining`), and the
//! reconciler and the webhook worker see it before their next pass. Nothing here has to be
//! perfect for safety — a replica killed with `kill -9` loses no acknowledged work (leases
//! expire, the reconciler and the provider's retried pushes finish what it started) — the
//! grace period only spares in-flight shoppers an error.

use std::future::IntoFuture;
use std::time::Duration;

use axum::Router;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How a server's shutdown ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drain {
    /// Every request in flight finished.
    Complete,
    /// The grace period ran out with requests still in flight; they are cut when the process
    /// exits.
    DeadlinePassed,
}

/// Serves `router` on `listener` (the peer address available to handlers) until `stop` is
/// cancelled, then stops accepting and waits at most `grace` for the requests in flight.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: CancellationToken,
    grace: Duration,
) -> std::io::Result<Drain> {
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(stop.clone().cancelled_owned())
    .into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.map(|()| Drain::Complete),
        () = stop.cancelled() => {}
    }
    tracing::info!(grace = ?grace, "shutting down: no new connections; finishing requests in flight");
    match tokio::time::timeout(grace, server).await {
        Ok(result) => result.map(|()| Drain::Complete),
        Err(_) => {
            tracing::warn!(grace = ?grace, "shutting down: requests still in flight after the grace period are cut");
            Ok(Drain::DeadlinePassed)
        }
    }
}

/// Cancels `stop` on Ctrl-C or SIGTERM.
pub async fn cancel_on_signal(stop: CancellationToken) {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C: shutting down"),
        () = term => tracing::info!("SIGTERM: shutting down"),
        () = stop.cancelled() => return,
    }
    stop.cancel();
}

/// The proxy's background workers ([`crate::spawn_background`]): they stop by themselves once
/// the state's shutdown token is cancelled, after the pass they are in.
#[derive(Debug)]
pub struct Background {
    tasks: Vec<JoinHandle<()>>,
}

/// How the background workers ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stopped {
    /// Workers that finished their pass and returned.
    pub finished: usize,
    /// Workers still in a pass at the deadline, aborted (their leases expire; another replica
    /// or the next start takes the work over).
    pub aborted: usize,
}

impl Background {
    /// Wraps spawned workers.
    pub fn new(tasks: Vec<JoinHandle<()>>) -> Self {
        Self { tasks }
    }

    /// Waits at most `grace` for the workers to return (cancel the state's shutdown token
    /// first), then aborts those still running.
    pub async fn finish(self, grace: Duration) -> Stopped {
        let deadline = tokio::time::Instant::now() + grace;
        let mut stopped = Stopped::default();
        for mut task in self.tasks {
            match tokio::time::timeout_at(deadline, &mut task).await {
                Ok(_) => stopped.finished += 1,
                Err(_) => {
                    task.abort();
                    stopped.aborted += 1;
                }
            }
        }
        stopped
    }

    /// Aborts every worker now (tests, and embedders that manage their own shutdown).
    pub fn abort(&self) {
        self.tasks.iter().for_each(JoinHandle::abort);
    }
}
