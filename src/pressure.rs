//! Request pressure: how many HTTP requests this process is serving right now, so that
//! background work (alert deliveries, `crate::delivery`) can yield to them when the server is
//! saturated instead of taking its share of the cores from the requests.
//!
//! A request counts from when the router receives it until its handler has answered (a streamed
//! subscription or an upgraded WebSocket stops counting once it is established: an idle
//! subscriber is no pressure). The count is the process's, shared by every router in it.

use std::sync::atomic::{AtomicUsize, Ordering};

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// A request being served; it stops counting when dropped (answered, failed or cancelled).
#[derive(Debug)]
#[must_use = "the request counts only while this is held"]
pub struct Serving(());

impl Drop for Serving {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Counts a request until the returned guard is dropped.
pub fn serving() -> Serving {
    IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
    Serving(())
}

/// `response` (a router's answer to one request), counted from this call until it is ready or
/// dropped: the HTTP router's layer (`http::router`).
pub fn counted<F: std::future::Future>(
    response: F,
) -> impl std::future::Future<Output = F::Output> {
    let serving = serving();
    async move {
        let _serving = serving;
        response.await
    }
}

/// Requests being served now.
pub fn in_flight() -> usize {
    IN_FLIGHT.load(Ordering::Relaxed)
}

/// Whether the server counts as saturated: at least two requests in flight per core (more than
/// the cores can run at once, so requests are queueing for CPU or for the database).
pub fn saturated() -> bool {
    in_flight() >= saturation_threshold()
}

/// Two requests per core the process may use.
fn saturation_threshold() -> usize {
    static THRESHOLD: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THRESHOLD.get_or_init(|| {
        2 * std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test: no other test of the library serves through the counting router, so the count
    // is this test's alone.
    #[tokio::test]
    async fn a_request_counts_until_it_is_answered_or_dropped() {
        let before = in_flight();
        let a = serving();
        let b = serving();
        assert_eq!(in_flight(), before + 2);
        drop(a);
        assert_eq!(in_flight(), before + 1);
        drop(b);
        assert_eq!(in_flight(), before);

        // The router's answers: counted from the call, before they are first polled.
        let (answer, answered) = tokio::sync::oneshot::channel::<()>();
        let response = counted(async move { answered.await.is_ok() });
        assert_eq!(in_flight(), before + 1);
        let task = tokio::spawn(response);
        tokio::task::yield_now().await;
        assert_eq!(in_flight(), before + 1, "still counted while pending");
        answer.send(()).unwrap();
        assert!(task.await.unwrap());
        assert_eq!(in_flight(), before);
        // A request whose connection went away stops counting too.
        let abandoned = counted(std::future::pending::<()>());
        assert_eq!(in_flight(), before + 1);
        drop(abandoned);
        assert_eq!(in_flight(), before);
    }
}
