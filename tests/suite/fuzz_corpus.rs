//! The fuzzers' seed corpus and the inputs that once crashed a parser (fuzz/corpus/TARGET,
//! fuzz/regressions/TARGET) go through the same entry points as the fuzzers, so neither the
//! targets nor the regressions can rot when `cargo fuzz` is not run.

use std::path::Path;

#[test]
fn every_corpus_input_goes_through_its_parser() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (target, parse) in mqauth::fuzz_entry::TARGETS {
        let mut seen = 0;
        for kind in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(fuzz.join(kind).join(target)) else {
                continue;
            };
            for entry in entries.flatten() {
                let bytes = std::fs::read(entry.path()).unwrap();
                parse(&bytes);
                seen += 1;
            }
        }
        assert!(seen > 0, "no seeds for fuzz target {target}");
    }
}
