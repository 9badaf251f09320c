//! Case-list export benchmark: N generated cases (default 100,000) on SQLite, exported by Bawaslu RI (who sees
//! every case) as CSV and as XLSX through the router, the body read chunk by chunk as a client would. Prints the
//! time, the size, and the peak resident memory during each export (VmHWM, reset before each one).
//!
//! `cargo bench -p netra-web --bench export [-- --cases N]`

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use futures_util::StreamExt;
use netra_store::Store;
use netra_web::{AppState, router};
use tower::ServiceExt;

fn resident_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args
        .iter()
        .position(|a| a == "--cases")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let (dir, store) = netra_store::testing::sqlite_store().await;
    let store: Arc<dyn Store> = Arc::new(store);
    println!("generating {count} cases on SQLite…");
    let took = netra_store::testing::generate_cases(store.as_ref(), count).await;
    println!("generated in {:.1} s", took.as_secs_f64());
    let now = time::OffsetDateTime::now_utc();
    let (vault, _) = netra_store::casework::Vault::open(store.as_ref(), dir.path(), now).await.unwrap();
    let state = AppState::new(store.clone(), vault);
    let (token, _) = netra_store::testing::open_session(store.as_ref(), "bawaslu.ri", now, true).await;
    println!("{:<8} {:>10} {:>12} {:>14} {:>16}", "format", "seconds", "bytes", "rows/s", "peak RSS (MiB)");
    for format in ["csv", "xlsx"] {
        // Reset the high-water mark so that it measures this export only.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = resident_kib("VmRSS:");
        let started = Instant::now();
        let request = Request::get(format!("/kasus/ekspor?format={format}"))
            .header("host", "netra.test")
            .header("cookie", format!("netra_sesi={token}"))
            .body(Body::empty())
            .unwrap();
        let response = router(state.clone()).oneshot(request).await.unwrap();
        assert!(response.status().is_success(), "{format}: {}", response.status());
        let mut stream = response.into_body().into_data_stream();
        let mut bytes = 0usize;
        while let Some(chunk) = stream.next().await {
            bytes += chunk.unwrap().len();
        }
        let seconds = started.elapsed().as_secs_f64();
        let peak = resident_kib("VmHWM:");
        println!(
            "{format:<8} {seconds:>10.2} {bytes:>12} {:>14.0} {:>16.1}   (RSS before: {:.1} MiB)",
            count as f64 / seconds,
            peak as f64 / 1024.0,
            before as f64 / 1024.0
        );
    }
}
