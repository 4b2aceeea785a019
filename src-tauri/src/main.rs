//! `chatalot-desktop`: the Chatalot desktop app. Build and run with
//! `cargo run -p chatalot-desktop` after building the web client (`docs/desktop.md`).

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    chatalot_desktop::run();
}
