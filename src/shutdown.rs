//! The shutdown signal. Signals are process-wide, so the flag is too: the HTTP server stops
//! accepting when it is raised, and every WebSocket loop closes its socket with 1001.
//!
//! SIGTERM and SIGINT are heard on a thread of their own (`listen`), not by a runtime task:
//! a task would wait for a free worker, and a hostile request can keep every worker busy. The
//! same thread ends the process once the grace period is over, whatever is still running.

use std::{sync::LazyLock, time::Duration};

use tokio::sync::watch;

static SHUTDOWN: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::channel(false).0);

/// How long past the grace period the watchdog waits before it ends the process: the time the
/// graceful path has to drop the remaining connections and flush telemetry.
pub const EXIT_MARGIN: Duration = Duration::from_secs(2);

/// The exit status of a process ended by the watchdog or by a second signal.
pub const FORCED_EXIT_STATUS: i32 = 1;

/// Raises the flag (idempotent; callable from any thread).
pub fn trigger() {
    SHUTDOWN.send_replace(true);
}

/// Whether shutdown has begun.
pub fn is_shutting_down() -> bool {
    *SHUTDOWN.borrow()
}

/// Resolves once shutdown has begun (at once if it already has).
pub async fn wait() {
    let mut rx = SHUTDOWN.subscribe();
    // The sender lives in a static, so it is never dropped and `wait_for` only ends on `true`.
    let _ = rx.wait_for(|down| *down).await;
}

/// How many [`Hold`]s are alive.
static HELD: LazyLock<watch::Sender<usize>> = LazyLock::new(|| watch::channel(0).0);

/// Keeps graceful shutdown waiting (within the grace period) while it lives: for connections the
/// HTTP server no longer tracks, such as upgraded WebSockets, which close on the flag with 1001.
#[derive(Debug)]
pub struct Hold(());

/// A new [`Hold`].
pub fn hold() -> Hold {
    HELD.send_modify(|held| *held += 1);
    Hold(())
}

impl Drop for Hold {
    fn drop(&mut self) {
        HELD.send_modify(|held| *held = held.saturating_sub(1));
    }
}

/// Resolves once no [`Hold`] is alive.
pub async fn released() {
    let mut rx = HELD.subscribe();
    // As for `wait`, the sender is never dropped.
    let _ = rx.wait_for(|held| *held == 0).await;
}

/// Listens for SIGTERM and SIGINT (Ctrl-C) on a thread of its own. The first raises the flag
/// and starts the watchdog: `grace` + [`EXIT_MARGIN`] later the process exits with
/// [`FORCED_EXIT_STATUS`], whatever the runtime is doing. A second signal exits at once. When
/// shutdown finishes in time, the process ends normally before the watchdog fires.
#[cfg(unix)]
pub fn listen(grace: Duration) -> std::io::Result<()> {
    use signal_hook::{
        consts::{SIGINT, SIGTERM},
        iterator::Signals,
    };

    /// How often the watchdog looks for a second signal.
    const POLL: Duration = Duration::from_millis(50);

    let mut signals = Signals::new([SIGTERM, SIGINT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if signals.forever().next().is_none() {
                return;
            }
            begin();
            let deadline = std::time::Instant::now() + grace + EXIT_MARGIN;
            while std::time::Instant::now() < deadline {
                if signals.pending().next().is_some() {
                    second_signal();
                }
                std::thread::sleep(POLL);
            }
            watchdog(grace);
        })?;
    Ok(())
}

/// Like the Unix version, with Ctrl-C only, heard by a runtime of its own on its own thread.
#[cfg(not(unix))]
pub fn listen(grace: Duration) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            runtime.block_on(async {
                if tokio::signal::ctrl_c().await.is_err() {
                    return;
                }
                begin();
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => second_signal(),
                    () = tokio::time::sleep(grace + EXIT_MARGIN) => watchdog(grace),
                }
            })
        })?;
    Ok(())
}

/// The first signal: shutdown begins.
fn begin() {
    tracing::info!("shutting down: finishing in-flight requests, closing subscriptions");
    trigger();
}

/// A second signal: the operator does not want to wait.
fn second_signal() -> ! {
    tracing::warn!("second signal: exiting at once");
    std::process::exit(FORCED_EXIT_STATUS);
}

/// The grace period and the margin are over and the process is still running (a request that
/// holds a worker, a runtime that cannot stop): end it.
fn watchdog(grace: Duration) -> ! {
    tracing::warn!(
        grace_secs = grace.as_secs(),
        margin_secs = EXIT_MARGIN.as_secs(),
        "still running after the grace period: exiting"
    );
    std::process::exit(FORCED_EXIT_STATUS);
}
