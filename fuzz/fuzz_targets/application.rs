//! Fuzzes application files (TOML and JSON) against the shipped labelling
//! specification: problems named with their place, or a judged application,
//! never a panic; the file's JSON form states the same facts. Seed corpus:
//! `core/labelling/tests/corpus/application/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    em_labelling::fuzz::application(data);
});
