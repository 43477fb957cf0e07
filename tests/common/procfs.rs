//! Reading a process's figures from `/proc`, shared by the tests (`tests/common`) and the
//! benchmarks (`benches/common`).
#![allow(dead_code, unreachable_pub)]

/// The resident memory of process `pid`, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
