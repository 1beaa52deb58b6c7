//! `kill -9` at any moment of a build leaves the complete old or new output, and at most the one
//! staging folder of the killed build, which the next build removes.

use super::*;
use std::process::{Command, Stdio};
use std::time::Instant;

fn staging_folders(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    names.sort();
    names
}

#[test]
fn builds_killed_at_random_moments_leave_a_whole_output_and_no_lasting_staging_folders() {
    let dir = copy_site(&repo_root());
    let public = dir.path().join("public");
    let started = Instant::now();
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let full = started.elapsed();
    let reference = tree(&public);
    // A fixed seed: the same moments on every run (a linear congruential generator).
    let mut seed: u64 = 0x05ee_dbed;
    for trial in 0..16 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let at = full.mul_f64(((seed >> 33) % 1000) as f64 / 1000.0 * 1.2);
        let mut child = Command::new(env!("CARGO_BIN_EXE_seedbed"))
            .args(["build", "--root", dir.path().to_str().unwrap()])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        child.wait().unwrap();
        assert!(public.is_dir(), "trial {trial} (killed after {at:?}): the output folder is gone");
        assert!(tree(&public) == reference, "trial {trial} (killed after {at:?}): the output is not a whole build");
        let left = staging_folders(dir.path());
        assert!(left.len() <= 1, "trial {trial}: more than the killed build's staging folder: {left:?}");
    }
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(staging_folders(dir.path()), Vec::<String>::new());
    assert!(tree(&public) == reference);
}
