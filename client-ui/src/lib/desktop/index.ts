/**
 * The desktop app's side of the web client (only active inside Tauri): server choice,
 * host mode, OS-keyring tokens, notifications. See docs/desktop.md.
 */
export { isDesktop, desktop, DesktopError, HOST_KEY } from './commands';
export type { HostSettings, HostStatus, SavedServer, ServerList } from './commands';
export { KeyringTokenStore } from './keyring-token-store';
export { prepareDesktop, switchServer, type DesktopState } from './setup';
