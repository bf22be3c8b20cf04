//! Fuzzes the ruleset loader and the column-mapping loader with any text:
//! an error naming where, or a ruleset, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    em_import::fuzzing::ruleset_and_mapping(data);
});
