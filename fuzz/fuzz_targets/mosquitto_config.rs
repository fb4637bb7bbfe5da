#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mqauth::fuzz_entry::mosquitto_config(data));
