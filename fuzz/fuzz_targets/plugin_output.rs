//! Fuzzes what the plugin host reads back from a plugin: a document and a
//! list of findings built from any bytes, then checked, masked and
//! converted. Never a panic, and what passes the checks keeps their
//! promises (counts masked, rows as wide as their tables, findings inside
//! their batch).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    em_plugin_host::fuzzing::document(data);
    em_plugin_host::fuzzing::findings(data);
});
