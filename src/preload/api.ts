/**
 * The preload's `window.api`: the shared client over `ipcRenderer` (the loopback host's shim builds
 * the same object over HTTP, so the renderer cannot tell them apart).
 */
export { buildApi, toApiError, type ApiError, type IpcRendererLike, type PlainApiError } from '../shared/ipc/api-client';
