/// Every command the UI may call. `build.rs` gives each an `allow-…` permission
/// (granted to the main window in `capabilities/default.json`); the crate registers
/// them in [`with_commands`](crate::with_commands) and its tests check both.
pub const COMMANDS: &[&str] = &[
    "session_load",
    "session_save",
    "session_clear",
    "keyring_check",
    "servers_list",
    "server_check",
    "server_add",
    "server_select",
    "server_remove",
    "host_settings",
    "host_status",
    "host_start",
    "host_stop",
    "voice_join",
    "voice_leave",
    "voice_set_mute",
    "voice_set_deaf",
    "voice_set_volume",
    "voice_set_token",
    "voice_devices",
    "voice_select_devices",
    "voice_set_camera",
    "voice_video_frame",
];
