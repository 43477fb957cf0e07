//! Python tools the tests run (reference libraries and servers from PyPI), each set in a venv of
//! its own under the cargo target's tmp dir: made once, then shared by every test and test binary
//! (a file lock keeps parallel tests from making it twice). A missing `python3 -m venv` fails the
//! test: nothing is skipped.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// The Python interpreter of the venv `name`, with `packages` (pip requirements, pinned)
/// installed. Blocking: call it from `spawn_blocking` in async tests.
pub fn venv(name: &str, packages: &[&str]) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(root).expect("create the cargo target's tmp dir");
    let dir = root.join(format!("{name}-venv"));
    let python = dir.join("bin").join("python");
    let marker = dir.join(".installed");
    let wanted = packages.join("\n");
    let lock = std::fs::File::create(root.join(format!("{name}-venv.lock")))
        .expect("create the venv's lock file");
    lock.lock().expect("lock the venv");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return python;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&dir)
        .status()
        .expect("python3 runs (install python3 and python3-venv)");
    assert!(
        status.success(),
        "python3 -m venv failed (install python3-venv)"
    );
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(packages)
        .status()
        .expect("run pip");
    assert!(status.success(), "pip install {packages:?} failed");
    std::fs::write(&marker, wanted).expect("mark the venv installed");
    python
}
