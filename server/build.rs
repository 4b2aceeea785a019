use std::env;
use std::path::Path;

fn main() {
    // `sqlx::migrate!` embeds the migration files at compile time; rebuild when they change.
    println!("cargo:rerun-if-changed=../migrations");
    code_layout();
}

/// Release builds for x86-64 Linux place together the functions that run while
/// clients connect, read, send and idle (`code-layout.txt`, made by
/// `scripts/code-layout.sh`). The kernel maps an executable's code 64 KiB around
/// each page touched, so the serving path spread over the binary kept most of it
/// mapped in an idle server. The toolchain links such builds with LLD, which reads
/// the list; names a later build no longer has are skipped, costing only memory.
/// The list names the functions of the server built on its own (as
/// `scripts/run.sh` and the Docker image build it): built together with another
/// package, Cargo may enable more features of the crates they share, and those
/// crates' functions get other names.
/// `CHATALOT_CODE_LAYOUT=off` builds without it.
fn code_layout() {
    println!("cargo:rerun-if-changed=code-layout.txt");
    println!("cargo:rerun-if-env-changed=CHATALOT_CODE_LAYOUT");
    let var = |name: &str| env::var(name).unwrap_or_default();
    if var("TARGET") != "x86_64-unknown-linux-gnu"
        || var("PROFILE") != "release"
        || var("CHATALOT_CODE_LAYOUT") == "off"
    {
        return;
    }
    let list = Path::new(&var("CARGO_MANIFEST_DIR")).join("code-layout.txt");
    if list.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}
