#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mtls_lab::fuzzing::diagnose(data));
