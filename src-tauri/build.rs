//! Builds the Tauri context from `tauri.conf.json` at the repository root.
//!
//! The app bundles the web client's build (`client-ui/build`). A Rust-only build
//! (`cargo clippy/test --workspace` before `npm run build`) must still work, so when
//! the folder is missing it gets a one-page placeholder that says how to build the UI;
//! `vite build` replaces it.

use std::path::Path;

// `COMMANDS`: every command the UI may call (shared with the crate).
include!("src/command_names.rs");

fn main() {
    let ui = Path::new("../client-ui/build");
    if !ui.join("index.html").exists() {
        std::fs::create_dir_all(ui).expect("create client-ui/build");
        std::fs::write(
            ui.join("index.html"),
            "<!doctype html><meta charset=utf-8><title>Chatalot</title>\
             <!-- chatalot-desktop placeholder: the web client was not built -->\
             <p>The web client is not built. Run <code>npm ci &amp;&amp; npm run build</code> \
             in <code>client-ui/</code>, then rebuild the desktop app.</p>",
        )
        .expect("write the placeholder page");
    }
    println!("cargo:rerun-if-changed=../client-ui/build");
    println!("cargo:rerun-if-changed=../client-ui/build/index.html");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=src/command_names.rs");

    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri build failed: {err:#}");
    }
}
