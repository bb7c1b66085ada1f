//! Replays every input under fuzz/regressions/<target>/ through the fuzz harness natively:
//! once a fuzzer finds a crash, its input stays a test.
#![cfg(not(target_arch = "wasm32"))]

#[test]
fn every_saved_fuzz_input_runs_without_a_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (target, harness) in mtls_lab::fuzzing::TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            harness(&std::fs::read(&path).unwrap());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "fuzz/regressions holds no inputs");
}
