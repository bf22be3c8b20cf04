//! Fuzzes the csv importer: any bytes give a report or an error,
//! never a panic, and a refused file leaves the store empty.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    em_import::fuzzing::import_once(em_import::Format::Csv, data);
});
